//! FF-IAM-003 and the least-privilege drift come from one engine (`iam_eval::least_privilege`):
//! on the same roles, with tricky policies (NotAction, conditional and partial Denies, a
//! permissions boundary, wildcards), they list exactly the same excess.

mod common;

use std::collections::BTreeSet;

use common::{evaluate, repo};
use serde_json::{json, Value};

/// Adds `statements` as an inline policy of the named role, and optionally a boundary.
fn with_policy(snapshot: &mut Value, role: &str, statements: Value, boundary: Option<Value>) {
    let parse = |v: Value| flowforge_audit::model::PolicyDocument::from_value(&json!({"Statement": v})).expect("doc");
    let arn = "arn:aws:iam::123456789012:policy/boundary";
    if let Some(b) = &boundary {
        snapshot["iam"]["policies"].as_array_mut().expect("policies").push(json!({
            "arn": arn, "id": "boundary", "name": "boundary", "region": "global", "account_id": "123456789012",
            "tags": {}, "path": "/", "default_version_id": "v1", "attachment_count": 1, "aws_managed": false,
            "document": parse(b.clone())
        }));
    }
    let roles = snapshot["iam"]["roles"].as_array_mut().expect("roles");
    let r = roles.iter_mut().find(|r| r["name"] == role).expect("role in the example");
    r["inline_policies"].as_array_mut().expect("inline").push(json!({"name": "extra", "document": parse(statements)}));
    if boundary.is_some() {
        r["permissions_boundary_arn"] = json!(arn);
    }
}

/// Excess as (action, resources beyond the baseline).
type Excess = BTreeSet<(String, Vec<String>)>;

/// The excess of FF-IAM-003's evidence and of the drift items, for one role ARN.
fn both(report: &Value, arn: &str) -> (Excess, Excess) {
    let check = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check_id"] == "FF-IAM-003" && r["resource_arn"] == arn)
        .flat_map(|r| r["evidence"].as_array().cloned().unwrap_or_default())
        .flat_map(|e| e["excess"].as_array().cloned().unwrap_or_default())
        .map(|x| {
            (
                x["action"].as_str().unwrap_or_default().to_owned(),
                serde_json::from_value(x["resources"].clone()).unwrap_or_default(),
            )
        })
        .collect();
    let drift = report["drift"]["items"]
        .as_array()
        .expect("drift items")
        .iter()
        .filter(|i| i["kind"] == "least-privilege" && i["resource_arn"] == arn)
        .filter_map(|i| {
            let action = i["attribute"].as_str()?.strip_prefix("action:")?.to_owned();
            Some((action, serde_json::from_value(i["actual"].clone()).unwrap_or_default()))
        })
        .collect();
    (check, drift)
}

/// FF-IAM-003 and the least-privilege drift cannot disagree on the same role.
#[test]
fn ff_iam_003_and_drift_agree() {
    let text = std::fs::read_to_string(repo("examples/snapshots/prod-compliant.json")).expect("example");
    let mut s: Value = serde_json::from_str(&text).expect("json");
    with_policy(
        &mut s,
        "flowforge-prod-data-engineer",
        json!([
            {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "arn:aws:s3:::flowforge-prod-gold/*"},
            {"Effect": "Allow", "Action": ["s3:*", "kms:Decrypt", "iam:PassRole"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::flowforge-prod-bronze/*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
        ]),
        None,
    );
    with_policy(
        &mut s,
        "flowforge-prod-auditor",
        json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        Some(json!([{"Effect": "Allow", "Action": ["ec2:Describe*", "secretsmanager:*"], "Resource": "*"}])),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("snapshot.json");
    std::fs::write(&path, serde_json::to_string(&s).expect("json")).expect("write");
    let out = dir.path().join("out");
    evaluate(&path, &out, &["--format", "json"]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("flowforge-audit.json")).expect("report"))
            .expect("json");
    for role in ["flowforge-prod-data-engineer", "flowforge-prod-auditor"] {
        let arn = format!("arn:aws:iam::123456789012:role/{role}");
        let (check, drift) = both(&report, &arn);
        assert!(!check.is_empty(), "{role}: the added policy exceeds the baseline");
        assert_eq!(check, drift, "{role}: FF-IAM-003 and drift disagree");
    }
    // The engine's reading, visible in both: the unconditional Deny removed iam:PassRole, the
    // conditional one kept kms:Decrypt, and the boundary kept only what it allows.
    let (de, _) = both(&report, "arn:aws:iam::123456789012:role/flowforge-prod-data-engineer");
    let actions: BTreeSet<&str> = de.iter().map(|(a, _)| a.as_str()).collect();
    assert!(actions.contains("kms:Decrypt") && !actions.contains("iam:PassRole"), "{actions:?}");
    let (au, _) = both(&report, "arn:aws:iam::123456789012:role/flowforge-prod-auditor");
    let actions: BTreeSet<&str> = au.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        BTreeSet::from(["secretsmanager:*"]),
        "Allow * narrowed to the boundary, ec2:Describe* is baseline"
    );
}
