//! The labelled IAM corpus (`tests/data/corpus/iam/`, format in `tests/data/corpus/README.md`):
//! every case gets its labelled verdict from the IAM evaluation engine. The cases marked
//! `seed` are also checked end to end through `scan` against moto (`tests/emulator/iam.rs`,
//! `iam_corpus_through_scan`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use flowforge_audit::aws::iam::{AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PolicyVersion, Role, User};
use flowforge_audit::aws::kms::KmsKey;
use flowforge_audit::aws::s3::Bucket;
use flowforge_audit::iam_eval::{
    derive, external_grants_of, judge_trust, kms_iam_policies_enabled, Context, RiskClass, Verdict,
};
use flowforge_audit::model::{PolicyDocument, ResourceMeta, Snapshot};
use serde_json::Value;

const ACCOUNT: &str = "123456789012";

/// The cases of a corpus folder `tests/data/corpus/<name>/`, sorted by file name.
fn cases(name: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus").join(name);
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

fn corpus() -> Vec<(String, Value)> {
    cases("iam")
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
    // Customer managed policies attached to the principal (`attached`): `<name>-attached-<i>`.
    let attached: Vec<AttachedPolicy> = case
        .get("attached")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, d)| {
            let m = meta("policy", &format!("attached-{i}"));
            s.iam.policies.push(ManagedPolicy {
                meta: m.clone(),
                document: Some(doc(d)),
                attachment_count: 1,
                ..Default::default()
            });
            AttachedPolicy { policy_name: m.name, policy_arn: m.arn }
        })
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
            attached_policies: attached,
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
            attached_policies: attached,
            permissions_boundary_arn: boundary,
            ..Default::default()
        });
        (s, arn)
    }
}

/// FF-IAM-001/005/006's status for a graph verdict.
fn graph_verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Admin | Verdict::Conditional => "FAIL",
        Verdict::Unknown => "UNKNOWN",
        Verdict::None => "PASS",
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
            match case["expect"]["check"].as_str().expect("check") {
                // Administrator-equivalent: the privilege-escalation graph reaches the administrator.
                "FF-IAM-001" => graph_verdict(p.escalation.verdict),
                "FF-IAM-008" => fail(
                    p.risks
                        .iter()
                        .any(|r| [RiskClass::DataExfiltration, RiskClass::ResourceExposure].contains(&r.class)),
                ),
                other => panic!("identity case for unknown check {other}"),
            }
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

// ------------------------------------------------------------------ the privilege-escalation graph corpus

/// The cases of `tests/data/corpus/iam-graph/` (format: `tests/data/corpus/README.md`).
fn graph_corpus() -> Vec<(String, Value)> {
    cases("iam-graph")
}

fn iam_meta(kind: &str, name: &str) -> ResourceMeta {
    ResourceMeta {
        arn: format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}"),
        id: name.into(),
        name: name.into(),
        region: "global".into(),
        account_id: ACCOUNT.into(),
        ..Default::default()
    }
}

fn inline(list: &Value) -> Vec<InlinePolicy> {
    list.as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, d)| InlinePolicy { name: format!("p{i}"), document: doc(d) })
        .collect()
}

fn attached(p: &Value) -> Vec<AttachedPolicy> {
    p["attached"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|n| AttachedPolicy { policy_name: n.into(), policy_arn: iam_meta("policy", n).arn })
        .collect()
}

/// The account a graph case describes (collected 2026-11-20, as the shipped examples), and
/// the SCPs it applies.
fn graph_snapshot(case: &Value) -> (Snapshot, Context) {
    let mut s = Snapshot {
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        collected_at: "2026-11-20T06:00:00Z".into(),
        // As a scan writes it: every collection of the registry was read.
        collected: flowforge_audit::aws::COLLECTIONS.iter().map(|c| c.name.to_owned()).collect(),
        ..Default::default()
    };
    for m in case["managed"].as_array().into_iter().flatten() {
        let name = m["name"].as_str().expect("managed name");
        // A scan keeps every non-default version (`versions`, oldest first: v1, v2, ...; the
        // default is the last one).
        let versions: Vec<PolicyVersion> = m["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, d)| PolicyVersion { version_id: format!("v{}", i + 1), document: Some(doc(d)) })
            .collect();
        s.iam.policies.push(ManagedPolicy {
            meta: iam_meta("policy", name),
            default_version_id: format!("v{}", versions.len() + 1),
            document: Some(doc(&m["document"])),
            other_versions: Some(versions),
            attachment_count: 1,
            ..Default::default()
        });
    }
    let boundary = |s: &mut Snapshot, p: &Value| {
        p.get("boundary").map(|b| {
            let m = iam_meta("policy", &format!("{}-boundary", p["name"].as_str().unwrap_or_default()));
            s.iam.policies.push(ManagedPolicy { meta: m.clone(), document: Some(doc(b)), ..Default::default() });
            m.arn
        })
    };
    for p in case["principals"].as_array().expect("principals") {
        let name = p["name"].as_str().expect("name");
        let permissions_boundary_arn = boundary(&mut s, p);
        match p["kind"].as_str().expect("kind") {
            "role" => s.iam.roles.push(Role {
                meta: iam_meta("role", name),
                assume_role_policy: doc(&p["trust"]),
                inline_policies: inline(&p["policies"]),
                attached_policies: attached(p),
                permissions_boundary_arn,
                instance_profiles: Some(if p["instance_profile"] == true {
                    vec![iam_meta("instance-profile", name).arn]
                } else {
                    Vec::new()
                }),
                ..Default::default()
            }),
            "user" => s.iam.users.push(User {
                meta: iam_meta("user", name),
                inline_policies: inline(&p["policies"]),
                attached_policies: attached(p),
                groups: p["groups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                permissions_boundary_arn,
                ..Default::default()
            }),
            "group" => s.iam.groups.push(Group {
                meta: iam_meta("group", name),
                inline_policies: inline(&p["policies"]),
                attached_policies: attached(p),
                ..Default::default()
            }),
            other => panic!("principal kind {other}"),
        }
    }
    for i in case["instances"].as_array().into_iter().flatten() {
        let (name, role) = (i["name"].as_str().expect("name"), i["role"].as_str().expect("role"));
        let arn = |service: &str, resource: &str| format!("arn:aws:{service}:us-east-1:{ACCOUNT}:{resource}");
        let meta = |arn: String| ResourceMeta { arn, account_id: ACCOUNT.into(), ..Default::default() };
        let role_arn = (!role.is_empty()).then(|| iam_meta("role", role).arn);
        if i["kind"] == "lambda" {
            s.lambda.functions.push(flowforge_audit::aws::lambda::LambdaFunction {
                meta: meta(arn("lambda", &format!("function:{name}"))),
                role: role_arn,
                ..Default::default()
            });
        } else if i["kind"] == "cloudformation" {
            s.cloudformation.stacks.push(flowforge_audit::aws::cloudformation::CloudFormationStack {
                meta: meta(arn("cloudformation", &format!("stack/{name}/0001"))),
                role_arn,
                status: "CREATE_COMPLETE".into(),
                ..Default::default()
            });
        } else if i["kind"] == "codebuild" {
            s.codebuild.projects.push(flowforge_audit::aws::codebuild::CodeBuildProject {
                meta: meta(arn("codebuild", &format!("project/{name}"))),
                service_role: role_arn,
                ..Default::default()
            });
        } else if i["kind"] == "apprunner" {
            s.apprunner.services.push(flowforge_audit::aws::apprunner::AppRunnerService {
                meta: ResourceMeta {
                    arn: format!("arn:aws:apprunner:us-east-1:{ACCOUNT}:service/{name}/0001"),
                    account_id: ACCOUNT.into(),
                    ..Default::default()
                },
                status: "RUNNING".into(),
                instance_role_arn: Some(iam_meta("role", role).arn),
                ..Default::default()
            });
        } else {
            s.ec2.instances.push(flowforge_audit::aws::ec2::Instance {
                meta: ResourceMeta {
                    arn: format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-{name}"),
                    account_id: ACCOUNT.into(),
                    ..Default::default()
                },
                state: "running".into(),
                iam_instance_profile_arn: Some(iam_meta("instance-profile", role).arn),
                ..Default::default()
            });
        }
    }
    let scps = case["scps"].as_array().map(|l| l.iter().map(|d| ("corpus-scp".to_owned(), doc(d))).collect());
    (s, Context { scps })
}

/// The ARN of a graph case's principal under test, and the check that judges it.
fn graph_principal(case: &Value) -> (String, &'static str) {
    let name = case["principal"].as_str().expect("principal");
    let p = case["principals"].as_array().expect("principals").iter().find(|p| p["name"] == name).expect("listed");
    match p["kind"].as_str() {
        Some("role") => (iam_meta("role", name).arn, "FF-IAM-001"),
        Some("user") => (iam_meta("user", name).arn, "FF-IAM-005"),
        _ => (iam_meta("group", name).arn, "FF-IAM-006"),
    }
}

/// Every graph case gets its labelled verdict: the chain's edge kinds in order, conditional
/// when labelled so, UNKNOWN naming what is not collected, and a PASS saying why each path breaks.
#[test]
fn graph_corpus_cases_get_their_verdicts_and_chains() {
    let cases = graph_corpus();
    assert!(cases.len() >= 50, "the graph corpus keeps at least 50 cases, found {}", cases.len());
    let mut wrong = Vec::new();
    for (name, case) in &cases {
        let reason = case["reason"].as_str().unwrap_or_default();
        assert!(
            !reason.is_empty() && !case["reference"].as_str().unwrap_or_default().is_empty(),
            "{name}: reason and catalogue reference"
        );
        assert!(case["doc"].as_str().unwrap_or_default().starts_with("https://docs.aws.amazon.com/"), "{name}: doc");
        let (s, cx) = graph_snapshot(case);
        let facts = derive(&s, &BTreeMap::new(), &cx);
        let (arn, _) = graph_principal(case);
        let p = &facts.principals[&arn];
        let esc = &p.escalation;
        let got = graph_verdict(esc.verdict);
        let want = case["expect"]["verdict"].as_str().expect("verdict");
        let chain: Vec<&str> = esc.chain.iter().map(|s| s.edge).collect();
        let want_chain: Vec<&str> =
            case["expect"]["chain"].as_array().expect("chain").iter().filter_map(Value::as_str).collect();
        let conditional = esc.verdict == Verdict::Conditional;
        let problem = if got != want {
            Some(format!("expected {want}, got {got}: {} {:?}", esc.text, esc.broken))
        } else if chain != want_chain {
            Some(format!("chain {chain:?}, labelled {want_chain:?}: {}", esc.text))
        } else if want == "FAIL" && conditional != (case["expect"]["conditional"] == true) {
            Some(format!("conditional {conditional}, labelled otherwise: {}", esc.text))
        } else if want == "PASS" && esc.broken.is_empty() {
            Some("a PASS must say why its escalation-shaped grants lead nowhere".to_owned())
        } else if want == "UNKNOWN" && !esc.unknown.iter().any(|u| u.contains("not")) {
            Some(format!("UNKNOWN without its reason: {:?}", esc.unknown))
        } else {
            None
        };
        if let Some(problem) = problem {
            wrong.push(format!("{name}: {problem}\n    ({reason})"));
        }
    }
    assert!(wrong.is_empty(), "graph corpus verdicts differ:\n{}", wrong.join("\n"));
}

/// Every edge kind of the graph has a case whose chain uses it, and the corpus holds decoys of
/// each family the issue names (a Deny in the same and in another policy, resource and
/// condition constraints, NotAction).
#[test]
fn graph_corpus_covers_every_edge_kind_and_the_decoys() {
    let cases = graph_corpus();
    let used: std::collections::BTreeSet<String> = cases
        .iter()
        .flat_map(|(_, c)| c["expect"]["chain"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect();
    let missing: Vec<&str> =
        flowforge_audit::iam_eval::EDGE_KINDS.iter().map(|k| k.id).filter(|id| !used.contains(*id)).collect();
    assert!(missing.is_empty(), "edge kinds without a corpus case: {missing:?}");
    for (file, c) in &cases {
        for e in c["expect"]["chain"].as_array().into_iter().flatten() {
            let id = e.as_str().unwrap_or_default();
            assert!(flowforge_audit::iam_eval::EDGE_KINDS.iter().any(|k| k.id == id), "{file}: unknown edge kind {id}");
        }
    }
    let decoys: Vec<&str> =
        cases.iter().filter(|(_, c)| c["expect"]["verdict"] == "PASS").map(|(f, _)| f.as_str()).collect();
    for family in
        ["deny-same-policy", "deny-other-policy", "resource", "token", "passed-to", "notaction", "boundary", "scp"]
    {
        assert!(decoys.iter().any(|f| f.contains(family)), "no decoy for {family}: {decoys:?}");
    }
}

/// The edge-kind table of `docs/iam-evaluation.md` is the catalogue's (`iam_eval::EDGE_KINDS`).
#[test]
fn docs_list_every_edge_kind() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/iam-evaluation.md");
    let text = std::fs::read_to_string(&path).expect("docs/iam-evaluation.md");
    let (start, end) = ("<!-- edge-kinds: generated from iam_eval::EDGE_KINDS -->\n", "<!-- /edge-kinds -->");
    let body = text.split_once(start).and_then(|(_, rest)| rest.split_once(end)).map(|(b, _)| b).unwrap_or_default();
    let want = flowforge_audit::iam_eval::edge_kinds_table();
    assert_eq!(
        body, want,
        "docs/iam-evaluation.md's edge-kind table differs from iam_eval::EDGE_KINDS; replace it with:\n{want}"
    );
}
