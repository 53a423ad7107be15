//! The OCSF report against the OCSF 1.6.0 schema files for class 2003 (Compliance Finding),
//! shipped in `tests/data/ocsf-1.6.0` (see `tests/data/README.md`): every event has every
//! required attribute of the class, its profile and its objects, no attribute the schema
//! does not define, the JSON type the dictionary gives, and enum ids the schema lists.

mod common;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

struct Schema {
    dictionary: Map<String, Value>,
    root: std::path::PathBuf,
}

impl Schema {
    fn load() -> Schema {
        let root = common::repo("tests/data/ocsf-1.6.0");
        let dict = read(&root.join("dictionary.json"));
        Schema { dictionary: dict["attributes"].as_object().expect("dictionary attributes").clone(), root }
    }

    /// The attributes of a class or object file with those of every file it extends and of
    /// the `profiles` applied, later definitions overriding earlier ones.
    fn attributes(&self, rel: &str, profiles: &[&str]) -> BTreeMap<String, Value> {
        let file = read(&self.root.join(rel));
        let mut out = match file.get("extends").and_then(Value::as_str) {
            Some(parent) => {
                let dir = std::path::Path::new(rel).parent().unwrap();
                let candidates =
                    [dir.join(format!("{parent}.json")), std::path::Path::new("events").join(format!("{parent}.json"))];
                let found = candidates
                    .iter()
                    .find(|c| self.root.join(c).exists())
                    .unwrap_or_else(|| panic!("{rel} extends {parent}: not shipped"));
                self.attributes(found.to_str().unwrap(), profiles)
            }
            None => BTreeMap::new(),
        };
        for (k, v) in file["attributes"].as_object().expect("attributes") {
            if k == "$include" {
                for inc in v.as_array().unwrap() {
                    let inc = inc.as_str().unwrap();
                    let name = inc.trim_start_matches("profiles/").trim_end_matches(".json");
                    if profiles.contains(&name) {
                        let p = read(&self.root.join(inc));
                        for (pk, pv) in p["attributes"].as_object().unwrap() {
                            out.insert(pk.clone(), merge(out.get(pk), pv));
                        }
                    }
                }
                continue;
            }
            out.insert(k.clone(), merge(out.get(k), v));
        }
        out
    }

    /// Checks `value` against the attributes of `rel`; problems go to `errors` with `path`.
    fn check(&self, rel: &str, value: &Value, profiles: &[&str], path: &str, errors: &mut Vec<String>) {
        let attrs = self.attributes(rel, profiles);
        let Some(obj) = value.as_object() else {
            errors.push(format!("{path}: expected an object"));
            return;
        };
        for (name, def) in &attrs {
            if def["requirement"] == "required" && !obj.contains_key(name) {
                errors.push(format!("{path}: required attribute {name} missing"));
            }
        }
        for (name, v) in obj {
            let Some(def) = attrs.get(name) else {
                errors.push(format!("{path}.{name}: not an attribute of {rel}"));
                continue;
            };
            let dict = self.dictionary.get(name).unwrap_or_else(|| panic!("{name} not in the dictionary"));
            let ty = dict["type"].as_str().unwrap_or("");
            let items: Vec<&Value> = if dict["is_array"] == true {
                match v.as_array() {
                    Some(a) => a.iter().collect(),
                    None => {
                        errors.push(format!("{path}.{name}: expected an array"));
                        continue;
                    }
                }
            } else {
                vec![v]
            };
            // The schema compiler derives these three from categories.json and the class uid
            // (checked in `check_class_ids`), not from an enum.
            let derived = ["category_uid", "class_uid", "type_uid"].contains(&name.as_str());
            let enum_def = if derived { None } else { def.get("enum").or_else(|| dict.get("enum")) };
            for item in items {
                let p = format!("{path}.{name}");
                match ty {
                    "string_t" | "datetime_t" | "uuid_t" | "email_t" | "hostname_t" | "ip_t" | "url_t"
                    | "file_name_t" | "subnet_t" | "mac_t" | "resource_uid_t" | "username_t" => {
                        if !item.is_string() {
                            errors.push(format!("{p}: expected a string ({ty})"));
                        }
                    }
                    "integer_t" | "long_t" | "timestamp_t" | "port_t" => {
                        if !item.is_i64() && !item.is_u64() {
                            errors.push(format!("{p}: expected an integer ({ty})"));
                        } else if let Some(e) = enum_def.and_then(Value::as_object) {
                            if !e.contains_key(&item.to_string()) {
                                errors.push(format!("{p}: {item} is not one of {:?}", e.keys().collect::<Vec<_>>()));
                            }
                        }
                    }
                    "float_t" => {
                        if !item.is_number() {
                            errors.push(format!("{p}: expected a number"));
                        }
                    }
                    "boolean_t" => {
                        if !item.is_boolean() {
                            errors.push(format!("{p}: expected a boolean"));
                        }
                    }
                    "json_t" | "object" => {}
                    object => {
                        let rel = format!("objects/{object}.json");
                        assert!(
                            self.root.join(&rel).exists(),
                            "{p}: object {object} is emitted but its schema is not shipped"
                        );
                        self.check(&rel, item, &[], &p, errors);
                    }
                }
            }
        }
    }
}

/// `category_uid`, `class_uid` and `type_uid` as the schema compiler derives them:
/// category uid from categories.json, class uid = category × 1000 + the class's uid, type
/// uid = class uid × 100 + activity id.
fn check_class_ids(schema: &Schema, e: &Value, errors: &mut Vec<String>) {
    let categories = read(&schema.root.join("categories.json"));
    let class = read(&schema.root.join("events/findings/compliance_finding.json"));
    let category = categories["attributes"]["findings"]["uid"].as_i64().expect("findings category uid");
    let class_uid = category * 1000 + class["uid"].as_i64().expect("class uid");
    let activity = e["activity_id"].as_i64().unwrap_or(-1);
    for (name, want) in [("category_uid", category), ("class_uid", class_uid), ("type_uid", class_uid * 100 + activity)]
    {
        if e[name].as_i64() != Some(want) {
            errors.push(format!("{name}: {} is not {want}", e[name]));
        }
    }
}

fn merge(base: Option<&Value>, over: &Value) -> Value {
    let mut out = base.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    if let (Some(o), Some(n)) = (out.as_object_mut(), over.as_object()) {
        for (k, v) in n {
            o.insert(k.clone(), v.clone());
        }
    }
    out
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn events(snapshot: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let o = common::evaluate(
        &common::repo("examples/snapshots").join(snapshot),
        dir.path(),
        &["--format", "ocsf", "--check-timeout", "300"],
    );
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", common::text(&o));
    let v = read(&dir.path().join("flowforge-audit.ocsf.json"));
    v.as_array().expect("an array of events").clone()
}

/// Every event of both shipped examples is a valid OCSF 1.6.0 Compliance Finding.
#[test]
fn ocsf_events_validate_against_the_compliance_finding_schema() {
    let schema = Schema::load();
    assert_eq!(read(&common::repo("tests/data/ocsf-1.6.0/version.json"))["version"], "1.6.0");
    let class = read(&common::repo("tests/data/ocsf-1.6.0/events/findings/compliance_finding.json"));
    assert_eq!(class["name"], "compliance_finding");
    for snapshot in ["prod-drifted.json", "prod-compliant.json"] {
        let events = events(snapshot);
        assert!(events.len() > 30, "{snapshot}: {} events", events.len());
        let mut errors = Vec::new();
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e["class_uid"], 2003);
            check_class_ids(&schema, e, &mut errors);
            assert_eq!(e["metadata"]["version"], "1.6.0");
            let profiles: Vec<&str> = e["metadata"]["profiles"]
                .as_array()
                .map(|p| p.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            schema.check(
                "events/findings/compliance_finding.json",
                e,
                &profiles,
                &format!("{snapshot}[{i}]"),
                &mut errors,
            );
        }
        assert!(errors.is_empty(), "{} problems, first: {:#?}", errors.len(), &errors[..errors.len().min(15)]);
    }
}

/// The validator rejects what the schema forbids: a missing required attribute, an unknown
/// attribute, an id outside its enum, a wrong type.
#[test]
fn ocsf_validator_catches_violations() {
    let schema = Schema::load();
    let good = events("prod-drifted.json").remove(0);
    let mut errors = Vec::new();
    schema.check("events/findings/compliance_finding.json", &good, &["cloud"], "good", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    check_class_ids(&schema, &good, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let mut wrong_type = good.clone();
    wrong_type["type_uid"] = Value::from(200401);
    check_class_ids(&schema, &wrong_type, &mut errors);
    assert!(errors.iter().any(|e| e.contains("type_uid")), "{errors:?}");
    type Mutation = fn(&mut Value);
    let cases: [(&str, Mutation); 5] = [
        ("required attribute compliance missing", |e| {
            e.as_object_mut().unwrap().remove("compliance");
        }),
        ("not an attribute", |e| e["detection_whatever"] = Value::from(1)),
        ("is not one of", |e| e["compliance"]["status_id"] = Value::from(7)),
        ("expected an integer", |e| e["time"] = Value::from("now")),
        ("required attribute uid missing", |e| {
            e["finding_info"].as_object_mut().unwrap().remove("uid");
        }),
    ];
    for (want, mutate) in cases {
        let mut bad = good.clone();
        mutate(&mut bad);
        let mut errors = Vec::new();
        schema.check("events/findings/compliance_finding.json", &bad, &["cloud"], "bad", &mut errors);
        assert!(errors.iter().any(|e| e.contains(want)), "expected {want:?}, got {errors:?}");
    }
}
