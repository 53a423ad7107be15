//! Reading a snapshot file: the typed model, the policies' input and the file's hash, with
//! the work spread over the cores.
//!
//! The policies must see the snapshot as the typed model serialises it (every field present,
//! defaults filled in), not a hand-written file that may omit fields: a missing field makes a
//! Rego rule undefined, which would read as PASS. So the input is always converted from the
//! typed model ([`RegoInput::from_serialize`], no JSON text in between).
//!
//! On a large account the parse and the conversion dominate the run time, so the top-level
//! object is split first (each collection's text is borrowed, not copied) and every service
//! is parsed and converted on its own task, the largest first, on one thread per core, while
//! another thread hashes the file. Anything the split cannot handle (malformed JSON, a
//! duplicate key, a shape error) goes to the plain one-pass parse, whose error names the line
//! and column in the whole file.

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::diag::Code;
use crate::model::{sha256_hex, Snapshot, SnapshotError};
use crate::policy::RegoInput;

/// A snapshot file, parsed.
pub struct ParsedSnapshot {
    pub snapshot: Snapshot,
    /// Its Rego input (the typed snapshot, converted).
    pub rego_input: RegoInput,
    /// SHA-256 (hex) of the text, for the report's provenance.
    pub sha256: String,
}

/// Parses a snapshot file's text: the model, the Rego input and the hash (of the text as
/// given, byte order mark included). `file` names the file in every problem.
pub fn parse_snapshot(text: &str, file: &str) -> Result<ParsedSnapshot, SnapshotError> {
    std::thread::scope(|scope| {
        let sha256 = scope.spawn(|| sha256_hex(text.as_bytes()));
        let body = crate::diag::strip_bom(text);
        let parsed = match parse_split(body) {
            Some(parsed) => Ok(parsed),
            None => parse_whole(body, file),
        };
        let sha256 = sha256.join().unwrap_or_else(|_| sha256_hex(text.as_bytes()));
        parsed.map(|(snapshot, rego_input)| ParsedSnapshot { snapshot, rego_input, sha256 })
    })
}

/// The one-pass route: exact error positions, conversion on this thread.
fn parse_whole(text: &str, file: &str) -> Result<(Snapshot, RegoInput), SnapshotError> {
    let snapshot = Snapshot::from_json_named(text, file)?;
    let input = RegoInput::from_serialize(&snapshot).map_err(|e| {
        SnapshotError::in_file(Code::SnapshotShape, file, format!("not a flowforge-audit snapshot: {e}"))
    })?;
    Ok((snapshot, input))
}

/// The top-level members in document order, values as borrowed raw text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    members.push((k, v));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Puts one parsed member into its place in the snapshot.
type Install = Box<dyn FnOnce(&mut Snapshot) + Send>;

/// Parses one member's raw text into its typed value and converts it for the engine.
type PartParser = fn(&str) -> Result<(Install, regorus::Value), ()>;

/// Converts one collection member of a typed snapshot for the engine.
type PartConverter = fn(&Snapshot) -> Result<regorus::Value, crate::policy::rego_value::ConvertError>;

// The snapshot's collection members (every service of the registry, then the errors), once
// for a file's text and once for a snapshot already in memory.
macro_rules! parts {
    ($($svc:ident)*) => {
        /// Each collection member with its parser; every other member is header.
        const PARTS: &[(&str, PartParser)] = &[
            $( (stringify!($svc), |raw| convert(raw, |s: &mut Snapshot, v| s.$svc = v)), )*
            ("collection_errors", |raw| convert(raw, |s: &mut Snapshot, v| s.collection_errors = v)),
        ];
        /// Each collection member with its converter.
        const CONVERTERS: &[(&str, PartConverter)] = &[
            $( (stringify!($svc), |s| crate::policy::rego_value::to_value(&s.$svc)), )*
            ("collection_errors", |s| crate::policy::rego_value::to_value(&s.collection_errors)),
        ];
    };
}
crate::aws::registry!(parts);

/// The Rego input of a snapshot already in memory (a collection's): the header, then every
/// member converted on its own task, on one thread per core, as files read from disk are.
pub fn convert_snapshot(snapshot: &Snapshot) -> Result<RegoInput, String> {
    let header = Snapshot {
        schema_version: snapshot.schema_version,
        tool_version: snapshot.tool_version.clone(),
        account_id: snapshot.account_id.clone(),
        partition: snapshot.partition.clone(),
        regions: snapshot.regions.clone(),
        collected_at: snapshot.collected_at.clone(),
        collected: snapshot.collected.clone(),
        ..Snapshot::default()
    };
    let mut input = RegoInput::from_serialize(&header).map_err(|e| e.to_string())?;
    let done = crate::parallel::map_on_cores(CONVERTERS, usize::MAX, || (), |_, (_, convert)| convert(snapshot));
    for ((key, _), value) in CONVERTERS.iter().zip(done) {
        let value = value.ok_or("a conversion thread stopped unexpectedly")?.map_err(|e| e.to_string())?;
        input.insert(key, value).map_err(|e| e.to_string())?;
    }
    Ok(input)
}

/// The derived facts the engine adds to `input.derived`, computed once from the snapshot and
/// the environment's baseline view so that every check reads the same verdicts.
#[derive(Serialize)]
pub(crate) struct DerivedFacts {
    /// [`crate::network::facts`].
    network: serde_json::Value,
    /// [`crate::defaults::facts`].
    rds_parameters: serde_json::Value,
    /// Which resources are FlowForge's, and why ([`crate::baseline::scope`]).
    flowforge: std::collections::BTreeMap<String, crate::baseline::scope::Recognised>,
    /// Resources whose FlowForge-ness could not be decided, with the reason.
    flowforge_undecided: std::collections::BTreeMap<String, String>,
    /// The keys FlowForge resources use ([`crate::kms_use`]).
    kms: crate::kms_use::KeyUse,
}

pub(crate) fn derived_facts(snapshot: &Snapshot, baseline: &serde_json::Value) -> Result<DerivedFacts, String> {
    let view = crate::baseline::EnvView::from_json(baseline)?;
    let scope = crate::baseline::scope::decide(snapshot, &view);
    Ok(DerivedFacts {
        network: crate::network::facts::derive(snapshot, baseline),
        rds_parameters: crate::defaults::facts(snapshot),
        kms: crate::kms_use::key_use(snapshot, &scope),
        flowforge: scope.flowforge,
        flowforge_undecided: scope.undecided,
    })
}

/// The derived facts as the policies read them: an object whose members join
/// `input.derived` beside the IAM facts.
pub(crate) fn derived_value(snapshot: &Snapshot, baseline: &serde_json::Value) -> Result<regorus::Value, String> {
    crate::policy::rego_value::to_value(&derived_facts(snapshot, baseline)?).map_err(|e| e.to_string())
}

fn part_parser(key: &str) -> Option<PartParser> {
    PARTS.iter().find(|(k, _)| *k == key).map(|(_, parse)| *parse)
}

fn convert<T: DeserializeOwned + Serialize + Send + 'static>(
    raw: &str,
    install: fn(&mut Snapshot, T),
) -> Result<(Install, regorus::Value), ()> {
    let typed: T = serde_json::from_str(raw).map_err(|_| ())?;
    let value = crate::policy::rego_value::to_value(&typed).map_err(|_| ())?;
    Ok((Box::new(move |s: &mut Snapshot| install(s, typed)), value))
}

/// The split route; `None` whenever the one-pass route must decide (it gives the error).
fn parse_split(text: &str) -> Option<(Snapshot, RegoInput)> {
    let Members(members) = serde_json::from_str(text).ok()?;
    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return None; // the typed parse rejects duplicate fields: let it say so
    }
    // The header (every member that is not a collection part), parsed as a snapshot without
    // collections: the schema version and the required fields are checked as usual.
    let header: Vec<String> = members
        .iter()
        .filter(|(k, _)| part_parser(k).is_none())
        .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap_or_default(), v.get()))
        .collect();
    let mut snapshot = Snapshot::from_json(&format!("{{{}}}", header.join(","))).ok()?;
    // Converted now, while every collection is still empty; each part is put in its place below.
    let mut input = RegoInput::from_serialize(&snapshot).ok()?;

    let mut parts: Vec<(&str, &str, PartParser)> =
        members.iter().filter_map(|(k, v)| part_parser(k).map(|parse| (k.as_str(), v.get(), parse))).collect();
    parts.sort_by_key(|(_, raw, _)| std::cmp::Reverse(raw.len()));
    let done = crate::parallel::map_on_cores(&parts, usize::MAX, || (), |_, (_, raw, parse)| parse(raw).ok());
    for ((key, _, _), part) in parts.iter().zip(done) {
        let (install, value) = part.flatten()?;
        install(&mut snapshot);
        input.insert(key, value).ok()?;
    }
    Some((snapshot, input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Snapshot {
        Snapshot {
            schema_version: 1,
            account_id: "123456789012".into(),
            partition: "aws".into(),
            collected_at: "2026-01-01T00:00:00Z".into(),
            ..Default::default()
        }
    }

    fn text_route(s: &Snapshot) -> regorus::Value {
        regorus::Value::from_json_str(&serde_json::to_string(s).unwrap()).unwrap()
    }

    /// The split route gives the same model and the same input as the one-pass route, on the
    /// shipped examples and on a generated snapshot with every collection populated.
    #[test]
    fn split_route_equals_the_whole_route() {
        let root = env!("CARGO_MANIFEST_DIR");
        for name in ["prod-compliant.json", "prod-drifted.json"] {
            let text = std::fs::read_to_string(format!("{root}/examples/snapshots/{name}")).unwrap();
            let (split, split_input) = parse_split(&text).expect("the split route takes a tool-written file");
            let (whole, whole_input) = parse_whole(&text, name).unwrap();
            assert_eq!(split, whole, "{name}");
            assert!(split_input.value() == whole_input.value(), "{name}: inputs differ");
            assert!(split_input.value() == &text_route(&whole), "{name}: input differs from the JSON text route");
            let p = parse_snapshot(&text, name).unwrap();
            assert_eq!(p.sha256, sha256_hex(text.as_bytes()));
        }
    }

    /// A snapshot in memory (a scan's) reaches the policies exactly as the same snapshot read
    /// from a file: every header field and every member.
    #[test]
    fn in_memory_conversion_equals_the_file_route() {
        let root = env!("CARGO_MANIFEST_DIR");
        for name in ["prod-compliant.json", "prod-drifted.json"] {
            let text = std::fs::read_to_string(format!("{root}/examples/snapshots/{name}")).unwrap();
            let p = parse_snapshot(&text, name).unwrap();
            let converted = convert_snapshot(&p.snapshot).unwrap();
            assert!(converted.value() == p.rego_input.value(), "{name}");
            assert!(converted.value() == &text_route(&p.snapshot), "{name}");
        }
    }

    /// A hand-written file that omits fields reaches the policies with the defaults filled
    /// in (the missing fields would make rules undefined: a silent PASS).
    #[test]
    fn omitted_fields_are_filled_in() {
        let text = r#"{"schema_version": 1, "tool_version": "", "account_id": "123456789012", "partition": "aws", "regions": [], "collected_at": "2026-01-01T00:00:00Z", "s3": {"buckets": [{"arn": "arn:aws:s3:::b", "id": "b", "name": "b", "region": "eu-west-1", "account_id": "123456789012"}]}}"#;
        let p = parse_snapshot(text, "t.json").unwrap();
        assert_eq!(p.snapshot.account_id, "123456789012");
        assert!(p.rego_input.value() == &text_route(&p.snapshot));
        let bucket = &p.rego_input.value()["s3"]["buckets"][0];
        assert!(bucket["versioning"] != regorus::Value::Undefined, "defaults are present: {bucket}");
        assert!(p.rego_input.value()["iam"]["roles"] != regorus::Value::Undefined);
    }

    /// What the split cannot judge gets the one-pass route's message, with the position in
    /// the whole file.
    #[test]
    fn errors_come_from_the_whole_file() {
        let mut good = serde_json::to_string_pretty(&minimal()).unwrap();
        good.push('\n');
        assert!(parse_snapshot(&good, "s.json").is_ok());
        let broken = good.replacen("\"buckets\": []", "\"buckets\": [}", 1);
        let err = parse_snapshot(&broken, "s.json").err().expect("malformed JSON is refused").to_string();
        let line = broken.lines().position(|l| l.contains("[}")).unwrap() + 1;
        assert!(err.contains(&format!("s.json:{line}:")), "{err}");
        let dup = good.replacen("\"s3\": {", "\"s3\": {}, \"s3\": {", 1);
        let err = parse_snapshot(&dup, "s.json").err().expect("a duplicate member is refused").to_string();
        assert!(err.contains("duplicate field"), "{err}");
        let wrong = good.replacen("\"buckets\": []", "\"buckets\": 7", 1);
        assert!(parse_snapshot(&wrong, "s.json").is_err());
        let version = good.replacen("\"schema_version\": 1", "\"schema_version\": 9", 1);
        assert!(parse_snapshot(&version, "s.json").err().unwrap().to_string().contains("schema_version 9"));
        let with_bom = format!("\u{feff}{good}");
        let p = parse_snapshot(&with_bom, "s.json").expect("a byte order mark is accepted");
        assert_eq!(p.sha256, sha256_hex(with_bom.as_bytes()), "the hash is of the file as read");
    }
}
