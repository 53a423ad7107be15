//! The labelled IAM corpus (`tests/data/corpus/iam/`, format in `tests/data/corpus/README.md`):
//! every case gets its labelled verdict from the IAM evaluation engine. The cases marked
//! `seed` are also checked end to end through `scan` against moto (`tests/emulator/iam.rs`,
//! `iam_corpus_through_scan`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use flowforge_audit::aws::iam::{Group, InlinePolicy, ManagedPolicy, Role, User};
use flowforge_audit::aws::kms::KmsKey;
use flowforge_audit::aws::s3::Bucket;
use flowforge_audit::iam_eval::{
    derive, external_grants_of, judge_trust, kms_iam_policies_enabled, Context, RiskClass,
};
use flowforge_audit::model::{PolicyDocument, ResourceMeta, Snapshot};
use serde_json::Value;

const ACCOUNT: &str = "123456789012";

fn corpus() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/iam");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read case");
            (p.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).expect("case JSON"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn doc(v: &Value) -> PolicyDocument {
    PolicyDocument::from_value(v).expect("policy document")
}

fn meta(kind: &str, name: &str) -> ResourceMeta {
    ResourceMeta {
        arn: format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}"),
        id: name.into(),
        name: name.into(),
        region: "global".into(),
        account_id: ACCOUNT.into(),
        ..Default::default()
    }
}

/// The snapshot an identity case describes, and the ARN of its principal.
fn identity_snapshot(case: &Value) -> (Snapshot, String) {
    let mut s = Snapshot { account_id: ACCOUNT.into(), partition: "aws".into(), ..Default::default() };
    let inline: Vec<InlinePolicy> = case["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .enumerate()
        .map(|(i, d)| InlinePolicy { name: format!("p{i}"), document: doc(d) })
        .collect();
    let boundary = case.get("boundary").map(|b| {
        let m = meta("policy", "boundary");
        s.iam.policies.push(ManagedPolicy {
            meta: m.clone(),
            document: Some(doc(b)),
            attachment_count: 1,
            ..Default::default()
        });
        m.arn
    });
    if case["principal"] == "user" {
        let mut groups = Vec::new();
        if let Some(gp) = case.get("group_policies").and_then(Value::as_array) {
            s.iam.groups.push(Group {
                meta: meta("group", "g"),
                inline_policies: gp
                    .iter()
                    .enumerate()
                    .map(|(i, d)| InlinePolicy { name: format!("g{i}"), document: doc(d) })
                    .collect(),
                ..Default::default()
            });
            groups.push("g".to_owned());
        }
        let m = meta("user", "u");
        let arn = m.arn.clone();
        s.iam.users.push(User {
            meta: m,
            inline_policies: inline,
            groups,
            permissions_boundary_arn: boundary,
            ..Default::default()
        });
        (s, arn)
    } else {
        let m = meta("role", "r");
        let arn = m.arn.clone();
        s.iam.roles.push(Role {
            meta: m,
            inline_policies: inline,
            permissions_boundary_arn: boundary,
            ..Default::default()
        });
        (s, arn)
    }
}

/// The engine's verdict for a case, as the check it names decides it.
fn verdict(case: &Value) -> &'static str {
    let fail = |b: bool| if b { "FAIL" } else { "PASS" };
    match case["kind"].as_str().expect("kind") {
        "identity" => {
            let (s, arn) = identity_snapshot(case);
            let facts = derive(&s, &BTreeMap::new(), &Context::default());
            let p = &facts.principals[&arn];
            assert!(p.unknown.is_empty(), "{:?}", p.unknown);
            let classes: &[RiskClass] = match case["expect"]["check"].as_str().expect("check") {
                "FF-IAM-001" => &[RiskClass::Admin, RiskClass::PrivilegeEscalation],
                "FF-IAM-008" => &[RiskClass::DataExfiltration, RiskClass::ResourceExposure],
                other => panic!("identity case for unknown check {other}"),
            };
            fail(p.risks.iter().any(|r| classes.contains(&r.class)))
        }
        "trust" => {
            let role = Role { assume_role_policy: doc(&case["trust_policy"]), ..Default::default() };
            fail(!judge_trust(&role, ACCOUNT).issues.is_empty())
        }
        "resource" => {
            let policy = doc(&case["policy"]);
            let service = case["service"].as_str().expect("service");
            let grants = external_grants_of(&policy, service, ACCOUNT);
            if let Some(kind) = case["expect"]["kind"].as_str() {
                assert!(grants.iter().all(|g| g.kind == kind), "grant kinds {grants:?}, labelled {kind}");
            }
            if let Some(enabled) = case["expect"]["iam_policies_enabled"].as_bool() {
                assert_eq!(kms_iam_policies_enabled(&policy, ACCOUNT), enabled, "iam_policies_enabled");
            }
            fail(!grants.is_empty())
        }
        "resource_grant" => {
            let (mut s, arn) = identity_snapshot(case);
            let m = ResourceMeta {
                arn: format!("arn:aws:{}:us-east-1:{ACCOUNT}:corpus", case["service"].as_str().expect("service")),
                account_id: ACCOUNT.into(),
                ..Default::default()
            };
            let policy = Some(doc(&case["policy"]));
            match case["service"].as_str() {
                Some("s3") => s.s3.buckets.push(Bucket { meta: m, policy, ..Default::default() }),
                Some("kms") => s.kms.keys.push(KmsKey { meta: m, policy, ..Default::default() }),
                other => panic!("resource_grant case for service {other:?}"),
            }
            let facts = derive(&s, &BTreeMap::new(), &Context::default());
            let action = case["expect"]["action"].as_str().expect("action");
            let granted = facts.principals[&arn].resource_grants.iter().any(|g| g.action == action && !g.conditional);
            if granted {
                "GRANTED"
            } else {
                "NOT GRANTED"
            }
        }
        other => panic!("unknown case kind {other}"),
    }
}

/// Every labelled case gets its verdict; the corpus keeps its documented size and fields.
#[test]
fn every_corpus_case_gets_its_labelled_verdict() {
    let cases = corpus();
    assert!(cases.len() >= 55, "the IAM corpus must keep at least 55 cases, found {}", cases.len());
    let seeded = cases.iter().filter(|(_, c)| c["seed"] == true).count();
    assert!(seeded >= 18, "at least 18 cases are seeded into moto, found {seeded}");
    let mut wrong = Vec::new();
    for (name, case) in &cases {
        let reason = case["reason"].as_str().unwrap_or_default();
        let url = case["doc"].as_str().unwrap_or_default();
        assert!(
            !reason.is_empty() && url.starts_with("https://docs.aws.amazon.com/"),
            "{name}: reason and AWS doc link"
        );
        let want = case["expect"]["verdict"].as_str().expect("verdict");
        let got = verdict(case);
        if got != want {
            wrong.push(format!("{name}: expected {want}, engine says {got} ({reason})"));
        }
    }
    assert!(wrong.is_empty(), "corpus verdicts differ:\n{}", wrong.join("\n"));
}

/// Both verdicts occur for every check the corpus covers (a corpus of one verdict proves nothing).
#[test]
fn corpus_has_both_verdicts_per_check() {
    let mut seen: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for (_, case) in corpus() {
        let e = seen.entry(case["expect"]["check"].as_str().unwrap_or_default().to_owned()).or_default();
        match case["expect"]["verdict"].as_str() {
            Some("FAIL" | "GRANTED") => e.0 = true,
            Some("PASS" | "NOT GRANTED") => e.1 = true,
            other => panic!("verdict {other:?}"),
        }
    }
    for (check, (f, p)) in seen {
        assert!(f && p, "{check}: both verdicts (FAIL and PASS, GRANTED and NOT GRANTED) needed");
    }
}
