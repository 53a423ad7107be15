use std::collections::BTreeSet;

use super::*;
use crate::report::fixture::sample_report;
use crate::securityhub::{OPERATIONS, UPLOAD_POLICY};

/// The upload's own IAM policy grants exactly the actions of the calls the module makes, and
/// the module's source calls exactly the declared SDK operations (nothing the policy misses,
/// nothing it grants in vain).
#[test]
fn upload_policy_is_exactly_the_calls_the_module_makes() {
    let doc: Value = serde_json::from_str(UPLOAD_POLICY).unwrap();
    let mut granted = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow");
        for a in st["Action"].as_array().unwrap() {
            granted.insert(a.as_str().unwrap().to_owned());
        }
    }
    let declared: BTreeSet<String> = OPERATIONS.iter().map(|(_, _, action)| (*action).to_owned()).collect();
    assert_eq!(granted, declared, "iam/securityhub-upload-policy.json and securityhub::OPERATIONS differ");
    for (_, api, action) in OPERATIONS {
        assert_eq!(action.strip_prefix("securityhub:"), Some(*api));
    }

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/securityhub");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "rs") && !path.ends_with("tests.rs") {
            called.extend(crate::aws::tests::sdk_calls(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    let methods: BTreeSet<String> = OPERATIONS.iter().map(|(m, _, _)| (*m).to_owned()).collect();
    assert_eq!(called, methods, "the SDK calls of src/securityhub and securityhub::OPERATIONS differ");
    // The scanner's read-only policy never gains them.
    for (_, _, action) in OPERATIONS {
        assert!(!crate::aws::SCANNER_POLICY.contains(action), "{action} is in the scanner's policy");
    }
}

/// Every key path of `report::asff`'s findings is one `to_sdk` converts: a field added to the
/// writer cannot be dropped from the upload unnoticed.
#[test]
fn every_asff_field_is_converted() {
    fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) if prefix != "ProductFields" => {
                for (k, v) in m {
                    let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    paths(v, &p, out);
                }
            }
            Value::Array(a) if a.iter().any(Value::is_object) => {
                for v in a {
                    paths(v, prefix, out);
                }
            }
            _ => {
                out.insert(prefix.to_owned());
            }
        }
    }
    let report = sample_report();
    assert!(
        report.results.iter().any(|r| r.waiver.is_some()),
        "the fixture has no waived result: Note would go untested"
    );
    let findings = asff::findings(&report).unwrap();
    let mut seen = BTreeSet::new();
    for f in &findings {
        paths(f, "", &mut seen);
    }
    let converted: BTreeSet<String> = CONVERTED.iter().map(|s| (*s).to_owned()).collect();
    let missing: Vec<&String> = seen.difference(&converted).collect();
    assert!(missing.is_empty(), "ASFF fields the upload would drop: {missing:?}");
}

/// The SDK finding carries the writer's values: ids, times, statuses, resources, requirements.
#[test]
fn to_sdk_keeps_the_values() {
    let report = sample_report();
    for v in asff::findings(&report).unwrap() {
        let f = to_sdk(&v).unwrap();
        assert_eq!(f.id(), v["Id"].as_str());
        assert_eq!(f.product_arn(), v["ProductArn"].as_str());
        assert_eq!(f.generator_id(), v["GeneratorId"].as_str());
        assert_eq!(f.created_at(), v["CreatedAt"].as_str());
        assert_eq!(f.compliance().and_then(|c| c.status()).map(|s| s.as_str()), v["Compliance"]["Status"].as_str());
        assert_eq!(f.record_state().map(|s| s.as_str()), v["RecordState"].as_str());
        assert_eq!(f.workflow().and_then(|w| w.status()).map(|s| s.as_str()), v["Workflow"]["Status"].as_str());
        assert_eq!(f.severity().and_then(|s| s.label()).map(|l| l.as_str()), v["Severity"]["Label"].as_str());
        assert_eq!(f.resources()[0].id(), v["Resources"][0]["Id"].as_str());
        assert_eq!(f.resources()[0].r#type(), v["Resources"][0]["Type"].as_str());
        assert_eq!(
            f.compliance().map(|c| c.related_requirements().len()),
            v["Compliance"]["RelatedRequirements"].as_array().map(Vec::len)
        );
        assert_eq!(f.product_fields().map(|m| m.len()), v["ProductFields"].as_object().map(|m| m.len()));
    }
}

/// A finding without a required field is refused with the field's name, not sent half-empty.
#[test]
fn to_sdk_refuses_a_finding_without_required_fields() {
    let report = sample_report();
    let mut v = asff::findings(&report).unwrap().remove(0);
    v.as_object_mut().unwrap().remove("Title");
    assert!(to_sdk(&v).unwrap_err().contains("Title"));
    v["Title"] = Value::from("t");
    v["Resources"] = Value::from("not a list");
    assert!(to_sdk(&v).unwrap_err().contains("Resources"));
}

/// A closed earlier finding is PASSED, ARCHIVED and stamped with this run's time; its
/// requirements, identity and workflow (BatchUpdateFindings' to change) are kept.
#[test]
fn resolved_finding_is_passed_archived_and_newer() {
    let report = sample_report();
    let v = asff::findings(&report).unwrap().into_iter().find(|f| f["Compliance"]["Status"] == "FAILED").unwrap();
    let mut before = to_sdk(&v).unwrap();
    before.processed_at = Some("2026-01-01T00:00:00Z".to_owned());
    let after = resolved(before.clone(), "2030-01-01T00:00:00.000Z");
    assert_eq!(after.compliance().and_then(|c| c.status()), Some(&ComplianceStatus::Passed));
    assert_eq!(after.record_state(), Some(&RecordState::Archived));
    assert_eq!(after.workflow(), before.workflow(), "a provider's import cannot change it");
    assert_eq!(after.updated_at(), Some("2030-01-01T00:00:00.000Z"));
    assert_eq!(after.created_at(), before.created_at());
    assert_eq!(after.id(), before.id());
    assert_eq!(after.processed_at(), None);
    assert_eq!(
        after.compliance().map(|c| c.related_requirements().to_vec()),
        before.compliance().map(|c| c.related_requirements().to_vec())
    );
}

/// Only findings of this product, account, environment and catalog count as earlier findings
/// of this tool (an emulator, or a filter bug, could return others); an ARCHIVED one counts,
/// as closed.
#[test]
fn only_own_active_findings_are_earlier_findings() {
    let report = sample_report();
    let product = asff::product_arn(&report);
    let prefix = asff::id_prefix(&report);
    let base =
        to_sdk(&asff::findings(&report).unwrap().into_iter().find(|f| f["RecordState"] == "ACTIVE").unwrap()).unwrap();
    assert!(ours(&base, &product, &report.account_id, &prefix).is_some_and(|e| e.active));
    let mut other = base.clone();
    other.id = Some("flowforge-audit/other-env/x".to_owned());
    assert!(ours(&other, &product, &report.account_id, &prefix).is_none(), "another environment");
    let mut other = base.clone();
    other.product_arn = Some("arn:aws:securityhub:eu-west-1::product/aws/guardduty".to_owned());
    assert!(ours(&other, &product, &report.account_id, &prefix).is_none(), "another product");
    let mut other = base.clone();
    other.aws_account_id = Some("999999999999".to_owned());
    assert!(ours(&other, &product, &report.account_id, &prefix).is_none(), "another account");
    let mut other = base.clone();
    other.record_state = Some(RecordState::Archived);
    assert!(ours(&other, &product, &report.account_id, &prefix).is_some_and(|e| !e.active), "archived: closed");
    let mut other = base;
    other.generator_id = Some("prowler-s3_bucket".to_owned());
    assert!(ours(&other, &product, &report.account_id, &prefix).is_none(), "not a check of ours");
}

/// A transport error's line loses the SDK's Debug structure and keeps the reason; a message
/// with ordinary parentheses is kept whole.
#[test]
fn problems_carry_no_sdk_debug_dump() {
    let raw = "STS GetCallerIdentity failed: sts:GetCallerIdentity failed: Transport: dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Io } }))";
    assert_eq!(
        without_debug_dump(raw),
        "STS GetCallerIdentity failed: sts:GetCallerIdentity failed: Transport: dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)"
    );
    let plain =
        "BatchImportFindings: ThrottlingException: Rate exceeded (after retries); 189 of 189 findings were not sent";
    assert_eq!(without_debug_dump(plain), plain);
}
