//! The labelled network corpus (`tests/data/corpus/network/`, format in its README): every
//! case gets its labelled verdict from the one network module the engine and drift use.

use flowforge_audit::aws::ec2::{NaclEntry, NetworkAcl, SecurityGroup, SgRule};
use std::path::Path;

use flowforge_audit::defaults::{effective, Effective};

use flowforge_audit::network::cidr::Family;
use flowforge_audit::network::{nacl_admits, sg_world_open, Protocol};
use serde_json::Value;

fn cases() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/network");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the corpus directory exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let case: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), case));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn family(text: &str) -> Family {
    if text == "ipv6" {
        Family::V6
    } else {
        Family::V4
    }
}

/// Every case is well formed (id = file name, a known kind, a reason citing AWS or an RFC),
/// and the corpus holds at least 30 of them.
#[test]
fn corpus_is_well_formed() {
    let all = cases();
    assert!(all.len() >= 30, "the corpus has {} cases, at least 30 expected", all.len());
    for (file, c) in &all {
        assert_eq!(format!("{}.json", c["id"].as_str().unwrap_or_default()), *file, "id names the file");
        assert!(matches!(c["kind"].as_str(), Some("security_group" | "network_acl")), "{file}: kind");
        let reason = c["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("Guide") || reason.contains("Reference") || reason.contains("RFC"),
            "{file}: the reason cites its source"
        );
        assert!(c["expected"].is_object() && c["input"].is_object(), "{file}");
    }
}

/// Each labelled case gets its expected verdict.
#[test]
fn every_case_gets_its_label() {
    let mut failures = Vec::new();
    for (file, c) in cases() {
        let q = &c["query"];
        let service = Protocol::parse(q["protocol"].as_str().unwrap());
        let port = u16::try_from(q["port"].as_u64().unwrap()).unwrap();
        match c["kind"].as_str().unwrap() {
            "security_group" => {
                let ingress: Vec<SgRule> = serde_json::from_value(c["input"]["ingress"].clone()).unwrap();
                let sg = SecurityGroup { ingress, ..Default::default() };
                let open = sg_world_open(&sg);
                for (fam, key) in [(Family::V4, "ipv4_world_open"), (Family::V6, "ipv6_world_open")] {
                    let got = open
                        .iter()
                        .any(|w| w.family == fam && w.protocol == service && w.from_port <= port && port <= w.to_port);
                    if Some(got) != c["expected"][key].as_bool() {
                        failures.push(format!("{file}: {key} = {got}, labelled {}", c["expected"][key]));
                    }
                }
            }
            _ => {
                let entries: Vec<NaclEntry> = serde_json::from_value(c["input"]["entries"].clone()).unwrap();
                let acl = NetworkAcl { entries, ..Default::default() };
                let v = nacl_admits(&acl, service, port, family(q["family"].as_str().unwrap()));
                let internet = !v.allowed.is_empty() && v.allowed.admits_internet();
                if Some(internet) != c["expected"]["admits_internet"].as_bool() {
                    failures.push(format!("{file}: admits_internet = {internet}"));
                }
                let want: Vec<String> = serde_json::from_value(c["expected"]["allowed"].clone()).unwrap();
                if v.allowed.cidrs() != want {
                    failures.push(format!("{file}: allowed {:?}, labelled {want:?}", v.allowed.cidrs()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The parameter-set cases (`params/`): each parameter gets its labelled effective value and
/// source (explicit, the documented default of the engine version, or unknown).
#[test]
fn parameter_cases_get_their_label() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/network/params");
    let mut n = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the params corpus exists") {
        let path = entry.unwrap().path();
        let c: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(c["kind"], "parameter_group", "{}", path.display());
        assert!(c["reason"].as_str().is_some_and(|r| !r.is_empty()), "{}", path.display());
        n += 1;
        let params: std::collections::BTreeMap<String, String> =
            serde_json::from_value(c["input"]["parameters"].clone()).unwrap();
        let family = c["input"]["family"].as_str().unwrap();
        let got = effective(family, &params, c["query"]["parameter"].as_str().unwrap());
        let (value, source) = match &got {
            Effective::Explicit(v) => (Some(v.clone()), "explicit"),
            Effective::Default { value, .. } => (Some(value.clone()), "default"),
            Effective::Unknown(_) => (None, "unknown"),
        };
        if c["expected"]["value"].as_str().map(str::to_owned) != value || c["expected"]["source"] != source {
            failures.push(format!("{}: got {got:?}", path.display()));
        }
    }
    assert!(n >= 8, "{n} parameter cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
