//! Report formats checked against the outside world: the committed JSON Schema, the official
//! SARIF 2.1.0 schema, a real XML parser for JUnit, and files written by `render_all`.
//!
//! Unit tests beside each renderer check its content; these check that other tools accept it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{empty_report, sample_report};

use flowforge_audit::model::{AuditReport, Status};
use flowforge_audit::report::{self, json::REPORT_SCHEMA_PATH, Format};

fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn render(format: Format, report: &AuditReport) -> Vec<u8> {
    format.renderer().render(report).expect("render")
}

/// A validator for `schema`.
fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("schema compiles")
}

fn validate(schema: &serde_json::Value, instance: &serde_json::Value, what: &str) {
    let validator = validator(schema);
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not validate:\n{}", errors.join("\n"));
}

/// The committed report schema is exactly what the model types generate (regenerate with
/// `FLOWFORGE_UPDATE_SCHEMAS=1 cargo test --test report_formats`), and reports validate against it.
#[test]
fn committed_report_schema_matches_the_model_and_validates_reports() {
    let generated = report::json::report_schema().unwrap();
    let path = crate_path(REPORT_SCHEMA_PATH);
    if std::env::var_os("FLOWFORGE_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with src/model; regenerate it with FLOWFORGE_UPDATE_SCHEMAS=1 cargo test --test report_formats",
        path.display()
    );
    let schema: serde_json::Value = serde_json::from_slice(&committed).unwrap();
    for report in [sample_report(), empty_report()] {
        let instance: serde_json::Value = serde_json::from_slice(&render(Format::Json, &report)).unwrap();
        validate(&schema, &instance, "the JSON report");
    }
    // The schema is not vacuous: a report with a wrong status is rejected.
    let mut bad: serde_json::Value = serde_json::from_slice(&render(Format::Json, &sample_report())).unwrap();
    bad["results"][0]["status"] = "MAYBE".into();
    assert!(!validator(&schema).is_valid(&bad));
}

/// GitHub code scanning rejects SARIF that does not follow the official 2.1.0 schema.
#[test]
fn sarif_validates_against_the_official_schema() {
    let mut schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(crate_path("tests/data/sarif-schema-2.1.0.json")).unwrap()).unwrap();
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    // The official schema's `language` patterns (run, toolComponent) have a stray `]`, a literal
    // in ECMAScript regular expressions but rejected by a strict parser when the schema is
    // compiled: escape it (same meaning). The file under tests/data stays as published.
    assert_eq!(escape_stray_bracket(&mut schema), 2);
    for report in [sample_report(), empty_report()] {
        let sarif: serde_json::Value = serde_json::from_slice(&render(Format::Sarif, &report)).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        validate(&schema, &sarif, "the SARIF report");
    }
    // The schema really constrains: an unknown level is rejected.
    let mut bad: serde_json::Value = serde_json::from_slice(&render(Format::Sarif, &sample_report())).unwrap();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator(&schema).is_valid(&bad));
}

/// Rewrites the SARIF schema's known `language` pattern; returns how many it rewrote.
fn escape_stray_bracket(v: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == BAD {
                    *child = BAD.replace("]?$", "\\]?$").into();
                    n += 1;
                } else {
                    n += escape_stray_bracket(child);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    suites: usize,
    cases: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    declared: BTreeMap<String, usize>,
    suite_names: Vec<String>,
}

fn parse_junit(xml: &str) -> Counts {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut c = Counts::default();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                match name.as_str() {
                    "testsuites" => {
                        for key in ["tests", "failures", "errors", "skipped"] {
                            let attr = e.try_get_attribute(key).unwrap().expect("count attribute");
                            let v = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap();
                            c.declared.insert(key.to_string(), v.parse().unwrap());
                        }
                    }
                    "testsuite" => {
                        c.suites += 1;
                        let attr = e.try_get_attribute("name").unwrap().unwrap();
                        c.suite_names
                            .push(attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned());
                    }
                    "testcase" => c.cases += 1,
                    "failure" => c.failures += 1,
                    "error" => c.errors += 1,
                    "skipped" => c.skipped += 1,
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    c
}

/// JUnit parses back with a real XML parser, with one case per result and per drift item, and
/// counts that match the statuses (hostile names included).
#[test]
fn junit_parses_back_with_matching_counts() {
    let report = sample_report();
    let xml = String::from_utf8(render(Format::Junit, &report)).unwrap();
    let c = parse_junit(&xml);
    let n = |s: Status| report.results.iter().filter(|r| r.status == s).count();
    let drift = report.drift.as_ref().unwrap();
    let drift_findings = drift.items.iter().filter(|i| i.state.as_str() != "IN_SYNC").count();
    assert_eq!(c.suites, report.checks.len() + 1);
    assert_eq!(c.suite_names.last().map(String::as_str), Some("drift"));
    assert_eq!(c.cases, report.results.len() + drift.items.len());
    assert_eq!(c.failures, n(Status::Fail) + drift_findings);
    assert_eq!(c.errors, n(Status::Unknown) + n(Status::Error));
    assert_eq!(c.skipped, n(Status::Waived) + n(Status::NotApplicable));
    assert_eq!(c.declared["tests"], c.cases);
    assert_eq!(c.declared["failures"], c.failures);
    assert_eq!(c.declared["errors"], c.errors);
    assert_eq!(c.declared["skipped"], c.skipped);

    let empty = parse_junit(&String::from_utf8(render(Format::Junit, &empty_report())).unwrap());
    assert_eq!((empty.suites, empty.cases), (0, 0));
}

/// `render_all` writes every format under its default name, and a second run is byte-identical.
#[test]
fn render_all_writes_every_format_reproducibly() {
    let report = sample_report();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let written = report::render_all(&report, &Format::ALL, &out).unwrap();
    let names: Vec<String> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "flowforge-audit.json",
            "flowforge-audit.csv",
            "flowforge-audit.md",
            "flowforge-audit.sarif",
            "flowforge-audit.junit.xml",
            "flowforge-audit.html",
            "flowforge-audit.ocsf.json",
            "flowforge-audit.asff.json",
        ]
    );
    let first: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let again = report::render_all(&report, &Format::ALL, &out).unwrap();
    let second: Vec<Vec<u8>> = again.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(first, second);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), Format::ALL.len(), "no temporary files left");
}
