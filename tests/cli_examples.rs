//! The binary on the shipped example snapshots: exact results, exit codes, byte-identical
//! reports, and a clear exit-2 message for every kind of bad input.

use std::path::Path;
use std::process::Output;

mod common;
use common::{bin, repo, run, text};

fn evaluate(snapshot: &str, out: &Path, extra: &[&str]) -> Output {
    common::evaluate(&repo(snapshot), out, &[&["--format", "json,csv,md"], extra].concat())
}

fn results(out: &Path) -> Vec<(String, String, String)> {
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("flowforge-audit.json")).unwrap()).unwrap();
    let mut v: Vec<(String, String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !matches!(r["status"].as_str(), Some("PASS") | Some("NOT_APPLICABLE")))
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["check_id"].as_str().unwrap().to_owned(),
                r["resource_arn"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The compliant prod example passes the gate with no FAIL, UNKNOWN or ERROR.
#[test]
fn compliant_example_passes() {
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate("examples/snapshots/prod-compliant.json", dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(results(dir.path()), vec![], "{}", text(&o));
}

/// The drifted example yields exactly the expected FAILs (one per drift) and the UNKNOWN of
/// the denied flow-log call, and exits 1 in prod.
#[test]
fn drifted_example_has_exact_findings() {
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate("examples/snapshots/prod-drifted.json", dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let a = "123456789012";
    let r = "eu-west-1";
    let mut expected: Vec<(String, String, String)> = [
        ("FAIL", "FF-ACM-001", format!("arn:aws:acm:{r}:{a}:certificate/0f10f0f0-ac30-4000-8000-000000000001")),
        ("FAIL", "FF-CW-001", format!("arn:aws:flowforge-audit:{r}:{a}:missing/alarm:flowforge-prod-database-storage")),
        ("FAIL", "FF-LOGS-001", format!("arn:aws:logs:{r}:{a}:log-group:/flowforge/prod/prefect")),
        ("FAIL", "FF-CT-002", format!("arn:aws:cloudtrail:{r}:{a}:trail/flowforge-prod-trail")),
        ("FAIL", "FF-EC2-002", format!("arn:aws:ec2:{r}:{a}:instance/i-0f10f0f0000000001")),
        ("FAIL", "FF-IAM-003", format!("arn:aws:iam::{a}:role/flowforge-prod-prefect-worker")),
        ("FAIL", "FF-IAM-008", format!("arn:aws:iam::{a}:role/flowforge-prod-prefect-worker")),
        ("FAIL", "FF-NET-002", format!("arn:aws:ec2:{r}:{a}:security-group/sg-0f10f0f0000000db5")),
        ("FAIL", "FF-NET-003", format!("arn:aws:ec2:{r}:{a}:security-group/sg-0f10f0f0000000db5")),
        ("FAIL", "FF-NET-004", format!("arn:aws:ec2:{r}:{a}:network-acl/acl-0f10f0f0000000001")),
        ("FAIL", "FF-NET-005", format!("arn:aws:ec2:{r}:{a}:network-acl/acl-0f10f0f0000000002")),
        ("FAIL", "FF-KMS-002", format!("arn:aws:kms:{r}:{a}:key/0f10f0f0-5e30-4000-8000-000000000001")),
        ("FAIL", "FF-RDS-003", format!("arn:aws:rds:{r}:{a}:db:flowforge-prod-metadata")),
        ("FAIL", "FF-RDS-005", format!("arn:aws:rds:{r}:{a}:db:flowforge-prod-metadata")),
        ("FAIL", "FF-RDS-009", format!("arn:aws:rds:{r}:{a}:snapshot:flowforge-prod-metadata-pre-upgrade-16-4")),
        ("FAIL", "FF-S3-001", "arn:aws:s3:::flowforge-prod-silver".to_owned()),
        ("FAIL", "FF-S3-002", "arn:aws:s3:::flowforge-prod-landing".to_owned()),
        ("FAIL", "FF-SM-002", format!("arn:aws:secretsmanager:{r}:{a}:secret:flowforge/prod/prefect-api-GhIjKl")),
        ("FAIL", "FF-SSM-001", format!("arn:aws:ssm:{r}:{a}:parameter/flowforge/prod/prefect-api-token")),
        ("FAIL", "FF-VPC-002", format!("arn:aws:ec2:{r}:{a}:vpc/vpc-0f10f0f0000000001")),
        ("UNKNOWN", "FF-VPC-005", format!("arn:aws:ec2:{r}:{a}:vpc/vpc-0f10f0f0000000001")),
        // Compute (issue 12): hotfix image and inline password, loosened flows repository,
        // wildcard IRSA subject, a demo App Runner copy of the UI, audit logs off.
        ("FAIL", "FF-ECS-003", format!("arn:aws:ecs:{r}:{a}:task-definition/flowforge-prod-ui:42")),
        ("FAIL", "FF-ECS-004", format!("arn:aws:ecs:{r}:{a}:task-definition/flowforge-prod-ui:42")),
        ("FAIL", "FF-ECR-002", format!("arn:aws:ecr:{r}:{a}:repository/flowforge-prod-flows")),
        ("FAIL", "FF-ECR-004", format!("arn:aws:ecr:{r}:{a}:repository/flowforge-prod-flows")),
        ("FAIL", "FF-IRSA-001", format!("arn:aws:iam::{a}:role/flowforge-prod-prefect-worker")),
        // The same wildcard subject under the generic trust rule (any OIDC issuer).
        ("FAIL", "FF-IAM-002", format!("arn:aws:iam::{a}:role/flowforge-prod-prefect-worker")),
        ("FAIL", "FF-EKS-004", format!("arn:aws:eks:{r}:{a}:cluster/flowforge-prod-data-plane")),
        // The workers' node group rolled to a launch template version that allows IMDSv1.
        (
            "FAIL",
            "FF-EKS-006",
            format!(
                "arn:aws:eks:{r}:{a}:nodegroup/flowforge-prod-data-plane/flowforge-prod-workers/0f10f0f0-0000-4000-8000-000000000001"
            ),
        ),
        (
            "FAIL",
            "FF-APPRUNNER-001",
            format!("arn:aws:apprunner:{r}:{a}:service/flowforge-prod-ui-demo/4c2b1f0e9d8a4b6c8e7f6a5b4c3d2e1f"),
        ),
        (
            "FAIL",
            "FF-APPRUNNER-002",
            format!("arn:aws:apprunner:{r}:{a}:service/flowforge-prod-ui-demo/4c2b1f0e9d8a4b6c8e7f6a5b4c3d2e1f"),
        ),
    ]
    .into_iter()
    .map(|(s, c, arn)| (s.to_owned(), c.to_owned(), arn))
    .collect();
    expected.sort();
    assert_eq!(results(dir.path()), expected);
}

/// In dev, the drifted example's UNKNOWN does not block (no complete audit required) and
/// the single-AZ database is NOT_APPLICABLE.
#[test]
fn environment_changes_requirements() {
    let dir = tempfile::tempdir().unwrap();
    let snap = repo("examples/snapshots/prod-drifted.json");
    let o = run(&[
        "evaluate",
        "--snapshot",
        snap.to_str().unwrap(),
        "--env",
        "dev",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("flowforge-audit.json")).unwrap()).unwrap();
    let rds = report["results"].as_array().unwrap().iter().find(|r| r["check_id"] == "FF-RDS-003").unwrap();
    assert_eq!(rds["status"], "NOT_APPLICABLE");
    assert_eq!(report["gate"]["require_complete_audit"], false);
}

/// Same snapshot, policies and baseline give byte-identical reports.
#[test]
fn reports_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    evaluate("examples/snapshots/prod-drifted.json", a.path(), &[]);
    evaluate("examples/snapshots/prod-drifted.json", b.path(), &[]);
    for f in ["flowforge-audit.json", "flowforge-audit.csv", "flowforge-audit.md"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between two runs");
    }
}

/// `--fail-on critical` lets the high/medium FAILs through but the UNKNOWN still blocks prod.
#[test]
fn fail_on_threshold_and_completeness() {
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate(
        "examples/snapshots/prod-drifted.json",
        dir.path(),
        &["--fail-on", "critical", "--require-complete-audit", "false"],
    );
    // FF-NET-002 is critical: still blocks.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("FF-NET-002"), "{}", text(&o));
    assert!(!text(&o).contains("FF-RDS-003 [high]"), "{}", text(&o));
}

/// A waiver turns a FAIL into WAIVED in the report; an expired one blocks the gate.
#[test]
fn waivers_apply_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("waivers.yaml");
    std::fs::write(
        &w,
        "waivers:\n  - check: FF-EC2-002\n    resource: \"arn:aws:ec2:*:*:instance/i-0f10f0f0000000001\"\n    reason: node replaced next sprint\n    owner: platform-team\n    ticket: OPS-42\n    expires: 2026-12-31\n  - check: FF-SM-002\n    resource: \"*prefect-api*\"\n    reason: legacy\n    owner: data\n    expires: 2026-01-01\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = evaluate("examples/snapshots/prod-drifted.json", &out, &["--waivers", w.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = results(&out);
    assert!(r.iter().any(|(s, c, _)| s == "WAIVED" && c == "FF-EC2-002"), "{r:?}");
    assert!(r.iter().any(|(s, c, _)| s == "FAIL" && c == "FF-SM-002"), "expired waiver must not apply: {r:?}");
    assert!(text(&o).contains("expired waiver"), "{}", text(&o));
    // The expired waiver is listed for attention in the Markdown summary too.
    let md = std::fs::read_to_string(out.join("flowforge-audit.md")).unwrap();
    assert!(md.contains("## Waivers needing attention (1)") && md.contains("| EXPIRED | FF-SM-002 |"), "{md}");
    // A waiver that matches nothing is reported as stale on stderr.
    std::fs::write(
        &w,
        "waivers:\n  - check: FF-S3-004\n    resource: \"*\"\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
    )
    .unwrap();
    let o = evaluate("examples/snapshots/prod-drifted.json", &out, &["--waivers", w.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("matches no FAIL result"), "{}", text(&o));
}

/// Every bad input is exit 2 with a message naming the file (and position where there is one).
#[test]
fn bad_inputs_exit_2_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad_json = d.join("bad.json");
    std::fs::write(&bad_json, "{\n \"schema_version\": 1,\n oops\n}").unwrap();
    let future = d.join("future.json");
    std::fs::write(&future, "{\"schema_version\": 7}").unwrap();
    let bad_baseline = d.join("baseline.yaml");
    std::fs::write(&bad_baseline, "version: 1\nrecognise: 5\ncolour: blue\n").unwrap();
    let bad_waivers = d.join("w.yaml");
    std::fs::write(&bad_waivers, "waivers:\n  - check: FF-S3-001\n    resource: x\n").unwrap();
    let bad_policies = d.join("policies/aws/s3");
    std::fs::create_dir_all(&bad_policies).unwrap();
    std::fs::write(bad_policies.join("broken.rego"), "package flowforge.aws.s3.broken\n deny contains x if {\n")
        .unwrap();
    let good = repo("examples/snapshots/prod-compliant.json");
    let good = good.to_str().unwrap();
    let out = d.join("out");
    let out = out.to_str().unwrap();

    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (vec!["--snapshot".into(), d.join("missing.json").display().to_string()], vec!["missing.json"]),
        (vec!["--snapshot".into(), bad_json.display().to_string()], vec!["bad.json:3:", "error[S001]"]),
        (vec!["--snapshot".into(), future.display().to_string()], vec!["future.json", "schema_version 7"]),
        (vec!["--snapshot".into(), good.into(), "--env".into(), "staging".into()], vec!["staging", "prod"]),
        (
            vec!["--snapshot".into(), good.into(), "--baseline".into(), bad_baseline.display().to_string()],
            vec!["baseline.yaml:2", "baseline.yaml:3"],
        ),
        (
            vec!["--snapshot".into(), good.into(), "--waivers".into(), bad_waivers.display().to_string()],
            vec!["w.yaml:2", "reason"],
        ),
        (
            vec!["--snapshot".into(), good.into(), "--policies".into(), d.join("policies").display().to_string()],
            vec!["broken.rego"],
        ),
        (vec!["--snapshot".into(), good.into(), "--format".into(), "pdf".into()], vec!["pdf"]),
    ];
    for (args, needles) in cases {
        let mut full: Vec<String> = vec!["evaluate".into(), "--out".into(), out.into()];
        if !args.contains(&"--env".to_string()) {
            full.extend(["--env".into(), "prod".into()]);
        }
        full.extend(args.clone());
        let o = bin().args(&full).output().unwrap();
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?} → {t}");
        assert!(!t.contains("panicked"), "{args:?} panicked: {t}");
        for n in needles {
            assert!(t.contains(n), "{args:?}: message lacks {n:?}:\n{t}");
        }
    }
}

/// `policy test` runs the Rego unit tests (exit 0), `policy list` lists every check id.
#[test]
fn policy_subcommands() {
    let o = run(&["policy", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("PASS: "), "{}", text(&o));
    let o = run(&["policy", "list"]);
    assert_eq!(o.status.code(), Some(0));
    for id in ["FF-S3-001", "FF-RDS-001", "FF-ELB-001", "FF-IAM-003", "FF-NET-003", "FF-VPC-002"] {
        assert!(String::from_utf8_lossy(&o.stdout).contains(id), "{id} missing");
    }
}

/// A failing Rego unit test in an overlay makes `policy test` exit 1.
#[test]
fn policy_test_failure_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("lib");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("always_test.rego"), "package flowforge.lib.always_test\n\ntest_fails if {\n  1 == 2\n}\n")
        .unwrap();
    let o = run(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("test_fails"), "{}", text(&o));
}

/// `baseline validate` accepts the shipped baseline.
#[test]
fn baseline_validate() {
    let o = run(&["baseline", "validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let f = repo("baselines/flowforge.yaml");
    let o = run(&["baseline", "validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("prod"));
}

/// The committed snapshot schema is what the model generates (regenerate with
/// `FLOWFORGE_UPDATE_SCHEMAS=1 cargo test --test cli_examples`), the shipped examples validate
/// against it, and it is not vacuous.
#[test]
fn snapshot_schema_matches_model_and_validates_examples() {
    let mut generated = serde_json::to_string_pretty(&flowforge_audit::model::snapshot_schema()).unwrap();
    generated.push('\n');
    let path = repo(flowforge_audit::model::SNAPSHOT_SCHEMA_PATH);
    if std::env::var_os("FLOWFORGE_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date; regenerate with FLOWFORGE_UPDATE_SCHEMAS=1 cargo test --test cli_examples",
        path.display()
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for example in ["examples/snapshots/prod-compliant.json", "examples/snapshots/prod-drifted.json"] {
        let instance: serde_json::Value = serde_json::from_slice(&std::fs::read(repo(example)).unwrap()).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
        let mut bad = instance.clone();
        bad["s3"]["buckets"][0]["arn"] = serde_json::json!(42);
        assert!(!validator.is_valid(&bad), "schema accepts a numeric ARN");
    }
}

/// `--help` output is part of the interface: a change to it must be deliberate.
#[test]
fn help_lists_every_command() {
    let o = run(&["--help"]);
    let t = String::from_utf8_lossy(&o.stdout);
    for cmd in ["evaluate", "iam-policy", "policy", "baseline"] {
        assert!(t.contains(cmd), "--help lacks {cmd}:\n{t}");
    }
    // The live commands exist exactly when the `aws` feature is built in.
    for cmd in ["scan", "collect"] {
        let listed = t.lines().any(|l| l.trim_start().starts_with(&format!("{cmd} ")));
        assert_eq!(listed, cfg!(feature = "aws"), "--help and the aws feature disagree on {cmd}:\n{t}");
    }
    let o = run(&["evaluate", "--snapshot"]);
    assert_eq!(o.status.code(), Some(2), "usage error is exit 2");
}

/// The drift section: the compliant example is 100 % in sync, the drifted one lists exactly
/// its architecture, network and least-privilege drift.
#[test]
fn drift_section_on_examples() {
    let a = tempfile::tempdir().unwrap();
    evaluate("examples/snapshots/prod-compliant.json", a.path(), &[]);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.path().join("flowforge-audit.json")).unwrap()).unwrap();
    assert_eq!(r["drift"]["architecture_coverage_percent"], 100.0);
    assert_eq!(r["drift"]["items"].as_array().unwrap().len(), 0);

    let b = tempfile::tempdir().unwrap();
    evaluate("examples/snapshots/prod-drifted.json", b.path(), &[]);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.path().join("flowforge-audit.json")).unwrap()).unwrap();
    let mut items: Vec<String> = r["drift"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {}",
                i["state"].as_str().unwrap(),
                i["kind"].as_str().unwrap(),
                i["element"].as_str().unwrap(),
                i["attribute"].as_str().unwrap_or("-")
            )
        })
        .collect();
    items.sort();
    assert_eq!(
        items,
        vec![
            "CHANGED architecture audit_trail log_file_validation_enabled",
            "CHANGED architecture bucket:landing encryption.rules[0].sse_algorithm",
            "CHANGED architecture database multi_az",
            "CHANGED architecture log_group:/flowforge/prod/prefect retention_in_days",
            "CHANGED least-privilege role:prefect-worker action:s3:*",
            "MISSING architecture alarm:flowforge-prod-database-storage -",
            "MISSING architecture vpc_endpoint:secretsmanager -",
            "UNMANAGED architecture apprunner_service:flowforge-prod-ui-demo -",
            "UNMANAGED network flow:internet->database port:5432",
        ]
    );
    // --fail-on-drift none removes only the drift reasons.
    let c = tempfile::tempdir().unwrap();
    let o = evaluate("examples/snapshots/prod-drifted.json", c.path(), &["--fail-on-drift", "none"]);
    assert!(!text(&o).contains("drift item(s)"), "{}", text(&o));
}

/// `diff` of two reports finds the regressions, and `--exit-on-change` turns them into exit 1;
/// two identical reports exit 0.
#[test]
fn diff_reports_and_exit_on_change() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    evaluate("examples/snapshots/prod-compliant.json", a.path(), &[]);
    evaluate("examples/snapshots/prod-drifted.json", b.path(), &[]);
    let old = a.path().join("flowforge-audit.json");
    let new = b.path().join("flowforge-audit.json");
    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json", "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // One per drifted check and resource of the example: the first drifts, compute (issue 12),
    // network ACLs, perimeter and backups (issue 13), the IAM evaluation's exfiltration check.
    assert_eq!(d["regressed"].as_array().unwrap().len(), 27, "{d}");
    // New: the App Runner demo service (two checks) and the deleted alarm, a FAIL on its
    // missing-element subject (`missing/alarm:...`, not the ARN the alarm had).
    let added: Vec<&str> = d["new"].as_array().unwrap().iter().filter_map(|n| n["resource_arn"].as_str()).collect();
    assert_eq!(added.len(), 3, "{d}");
    assert!(added.iter().any(|a| a.ends_with(":missing/alarm:flowforge-prod-database-storage")), "{added:?}");
    let o = run(&["diff", old.to_str().unwrap(), old.to_str().unwrap(), "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let snap = repo("examples/snapshots/prod-compliant.json");
    let o = run(&["diff", snap.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "a snapshot and a report cannot be compared: {}", text(&o));
}

/// Issue 21: with the drifted `ecs`, `apprunner`, `cloudtrail`, `ecr`, `kms`, `ssm`,
/// `cloudwatch`, `logs` and `acm` sections, network ACLs and RDS snapshots swapped into the
/// compliant example, `diff` printed no change and `--exit-on-change` exited 0 (it compared 25
/// of the 47 collections), while `evaluate` reported FAILs. Now every changed, added and
/// removed resource of those sections is reported, exactly, and the exit code is 1.
#[test]
fn diff_reports_every_changed_resource_of_the_swapped_sections() {
    use std::collections::BTreeSet;
    let read = |p: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(repo(p)).unwrap()).unwrap() };
    let compliant = read("examples/snapshots/prod-compliant.json");
    let drifted = read("examples/snapshots/prod-drifted.json");
    let mut swapped = compliant.clone();
    for service in ["ecs", "apprunner", "cloudtrail", "ecr", "kms", "ssm", "cloudwatch", "logs", "acm"] {
        swapped[service] = drifted[service].clone();
    }
    swapped["ec2"]["network_acls"] = drifted["ec2"]["network_acls"].clone();
    swapped["rds"]["db_snapshots"] = drifted["rds"]["db_snapshots"].clone();
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("swapped.json");
    std::fs::write(&new, serde_json::to_vec_pretty(&swapped).unwrap()).unwrap();
    let old = repo("examples/snapshots/prod-compliant.json");

    // What changed, worked out from the two files' JSON, collection by collection, by ARN.
    let (mut added, mut removed, mut changed) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for (member, fields) in swapped.as_object().unwrap() {
        let Some(fields) = fields.as_object() else { continue };
        for (field, items) in fields {
            let collection = format!("{member}.{field}");
            let by_arn = |v: &serde_json::Value| -> std::collections::BTreeMap<String, serde_json::Value> {
                v.as_array().unwrap().iter().map(|r| (r["arn"].as_str().unwrap().to_owned(), r.clone())).collect()
            };
            let (a, b) = (by_arn(&compliant[member][field]), by_arn(items));
            for (arn, r) in &b {
                match a.get(arn) {
                    None => added.insert((collection.clone(), arn.clone())),
                    Some(o) if o != r => changed.insert((collection.clone(), arn.clone())),
                    Some(_) => false,
                };
            }
            removed.extend(a.keys().filter(|arn| !b.contains_key(*arn)).map(|arn| (collection.clone(), arn.clone())));
        }
    }
    let touched: BTreeSet<&str> =
        added.iter().chain(&removed).chain(&changed).map(|(c, _)| c.split('.').next().unwrap()).collect();
    assert_eq!(
        touched,
        BTreeSet::from([
            "acm",
            "apprunner",
            "cloudtrail",
            "cloudwatch",
            "ec2",
            "ecr",
            "ecs",
            "kms",
            "logs",
            "rds",
            "ssm"
        ]),
        "every swapped section differs in the examples"
    );

    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json", "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let refs = |k: &str| -> BTreeSet<(String, String)> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|r| (r["collection"].as_str().unwrap().to_owned(), r["arn"].as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(refs("changed"), changed, "{d:#}");
    assert_eq!(refs("added"), added, "{d:#}");
    assert_eq!(refs("removed"), removed, "{d:#}");
    assert!(d["unseen_collections"].as_array().unwrap().is_empty(), "{d:#}");
    // The Markdown says the same.
    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains(&format!("| {} | {} | {} |", added.len(), removed.len(), changed.len())), "{md}");
}

/// A snapshot file without a collection (written before it was collected) is not "no change":
/// the collection is listed as not compared, its resources as not seen, and losing it fires
/// `--exit-on-change`; the file that lacks it in the old position only gains it back (exit 0).
#[test]
fn diff_calls_a_collection_the_file_lacks_not_seen() {
    let mut lacking: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("examples/snapshots/prod-compliant.json")).unwrap()).unwrap();
    lacking.as_object_mut().unwrap().remove("kms");
    let dir = tempfile::tempdir().unwrap();
    let lacks = dir.path().join("no-kms.json");
    std::fs::write(&lacks, serde_json::to_vec(&lacking).unwrap()).unwrap();
    let full = repo("examples/snapshots/prod-compliant.json");
    let (full, lacks) = (full.to_str().unwrap(), lacks.to_str().unwrap());
    let o = run(&["diff", full, lacks, "--format", "json", "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["unseen_collections"], serde_json::json!([{"collection": "kms.keys", "old": null, "new": "absent"}]));
    assert_eq!(d["not_seen_in_new"].as_array().unwrap().len(), 6, "{d:#}");
    assert!(d["removed"].as_array().unwrap().is_empty(), "{d:#}");
    let o = run(&["diff", lacks, full, "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("### Collections not compared") && md.contains("| kms.keys | absent from the file | seen |"),
        "{md}"
    );
}

/// The promotion gate: a compliant environment with parity is allowed; the drifted one is
/// blocked with every reason, including parity breaks against the source.
#[test]
fn promotion_gate_decisions() {
    let out = tempfile::tempdir().unwrap();
    let good = repo("examples/snapshots/prod-compliant.json");
    let bad = repo("examples/snapshots/prod-drifted.json");
    let o = run(&[
        "gate",
        "--env",
        "prod",
        "--snapshot",
        good.to_str().unwrap(),
        "--from-snapshot",
        good.to_str().unwrap(),
        "--from-env",
        "prod",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("ALLOWED"));
    let o = run(&[
        "gate",
        "--env",
        "prod",
        "--snapshot",
        bad.to_str().unwrap(),
        "--from-snapshot",
        good.to_str().unwrap(),
        "--from-env",
        "prod",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    for reason in [
        "BLOCKED",
        "FAIL result(s)",
        "the audit is incomplete",
        "parity: architecture vpc_endpoint:secretsmanager is in sync in prod but MISSING",
        "parity: architecture database (multi_az)",
    ] {
        assert!(t.contains(reason), "missing {reason:?} in:\n{t}");
    }
    // In dev nothing but the FAILs at or above high block; a complete audit is still required.
    let o = run(&[
        "gate",
        "--env",
        "dev",
        "--snapshot",
        bad.to_str().unwrap(),
        "--require-complete-audit",
        "false",
        "--fail-on",
        "critical",
        "--fail-on-drift",
        "none",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("FF-NET-002"), "{}", text(&o));
    // Promoting to dev has no predecessor: asking for parity without --from-env is an input error.
    let o = run(&[
        "gate",
        "--env",
        "dev",
        "--snapshot",
        good.to_str().unwrap(),
        "--from-snapshot",
        good.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// An evidence bundle verifies and reproduces its reports byte for byte; a modified, added or
/// removed file is detected.
#[test]
fn evidence_round_trip_and_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("waivers.yaml");
    std::fs::write(
        &w,
        "waivers:\n  - check: FF-EC2-002\n    resource: \"*\"\n    reason: r\n    owner: o\n    expires: 2027-06-30\n",
    )
    .unwrap();
    let ev = dir.path().join("evidence");
    let o = evaluate(
        "examples/snapshots/prod-drifted.json",
        &dir.path().join("out"),
        &["--format", "all", "--waivers", w.to_str().unwrap(), "--evidence", ev.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let verify = || run(&["verify-evidence", ev.to_str().unwrap()]);
    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("8 reports reproduced"), "{}", text(&o));

    let report = ev.join("reports/flowforge-audit.csv");
    let original = std::fs::read(&report).unwrap();
    std::fs::write(&report, b"finding_id\n").unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("reports/flowforge-audit.csv: SHA-256 differs"), "{}", text(&o));
    std::fs::write(&report, &original).unwrap();
    std::fs::write(ev.join("inputs/extra.txt"), b"x").unwrap();
    let o = verify();
    assert!(text(&o).contains("inputs/extra.txt: not listed"), "{}", text(&o));
    std::fs::remove_file(ev.join("inputs/extra.txt")).unwrap();
    std::fs::remove_file(ev.join("inputs/waivers/waivers.yaml")).unwrap();
    let o = verify();
    assert!(text(&o).contains("inputs/waivers/waivers.yaml: missing"), "{}", text(&o));
    // Refuses to write into a non-empty directory.
    let o = evaluate(
        "examples/snapshots/prod-drifted.json",
        &dir.path().join("out2"),
        &["--evidence", ev.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// `--expected-from` compares the account with a Terraform state: the shipped state declares
/// every covered resource of the compliant example (issue 15: in sync, nothing unmanaged,
/// exit 0), and the drifted example changed nine of them, lost two (the Secrets Manager
/// endpoint, the storage alarm) and gained an unmanaged one (the App Runner demo service).
#[test]
fn terraform_state_as_expected_source() {
    let dir = tempfile::tempdir().unwrap();
    let tf = repo("examples/terraform/prod.tfstate");
    let o = evaluate("examples/snapshots/prod-compliant.json", dir.path(), &["--expected-from", tf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("flowforge-audit.json")).unwrap()).unwrap();
    let iac = &r["drift"]["iac"];
    assert_eq!(
        (iac["changed"].as_u64(), iac["missing"].as_u64(), iac["unmanaged"].as_u64()),
        (Some(0), Some(0), Some(0)),
        "{iac}"
    );
    assert_eq!(iac["coverage_percent"], 100.0);
    let o = evaluate("examples/snapshots/prod-drifted.json", dir.path(), &["--expected-from", tf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("flowforge-audit.json")).unwrap()).unwrap();
    let iac = &r["drift"]["iac"];
    assert_eq!(
        (iac["managed_in_sync"].as_u64(), iac["changed"].as_u64(), iac["missing"].as_u64()),
        (Some(57), Some(9), Some(2)),
        "{iac}"
    );
    assert!(iac["unknown_types"].get("aws_cloudwatch_log_group").is_none(), "log groups are a covered type: {iac}");
    let mut items: Vec<String> = r["drift"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "iac" && i["state"] != "UNMANAGED")
        .map(|i| {
            format!(
                "{} {} {}",
                i["state"].as_str().unwrap(),
                i["element"].as_str().unwrap(),
                i["attribute"].as_str().unwrap_or("-")
            )
        })
        .collect();
    items.sort();
    assert_eq!(
        items,
        vec![
            "CHANGED aws_cloudtrail.audit log_file_validation_enabled",
            "CHANGED aws_cloudwatch_log_group.prefect retention_in_days",
            "CHANGED aws_db_instance.metadata backup_retention_period",
            "CHANGED aws_db_instance.metadata multi_az",
            "CHANGED aws_ecr_repository.flows image_tag_mutability",
            "CHANGED aws_iam_role.prefect_worker assume_role_policy",
            "CHANGED aws_kms_key.secrets rotation_enabled",
            "CHANGED aws_s3_bucket.landing encryption.rules[0].sse_algorithm",
            "CHANGED aws_security_group.database ingress",
            "CHANGED aws_ssm_parameter.prefect_api_token key_id",
            "CHANGED aws_ssm_parameter.prefect_api_token type",
            "MISSING aws_cloudwatch_metric_alarm.database_storage -",
            "MISSING aws_vpc_endpoint.secretsmanager -",
        ]
    );
    // A state file of another format version is an input error.
    let bad = dir.path().join("v3.tfstate");
    std::fs::write(&bad, r#"{"version": 3, "resources": []}"#).unwrap();
    let o = evaluate(
        "examples/snapshots/prod-compliant.json",
        &dir.path().join("o"),
        &["--expected-from", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// `iam-policy` prints the shipped read-only policy: JSON, List/Describe/Get only, never
/// secretsmanager:GetSecretValue.
#[test]
fn iam_policy_is_read_only() {
    let o = run(&["iam-policy"]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let actions: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .filter_map(|a| a.as_str())
        .collect();
    assert!(actions.len() > 20, "{actions:?}");
    for a in &actions {
        let verb = a.split(':').nth(1).unwrap();
        assert!(["List", "Describe", "Get", "BatchGet"].iter().any(|p| verb.starts_with(p)), "{a} is not read-only");
        assert_ne!(*a, "secretsmanager:GetSecretValue");
    }
}

/// `gate` states the source environment it checked parity against, and refuses a source
/// snapshot whose own environment tags contradict the environment it is judged as (a prod
/// snapshot silently judged as uat reported wrong parity breaks), unless told to go on.
#[test]
fn gate_refuses_a_source_snapshot_of_another_environment() {
    let out = tempfile::tempdir().unwrap();
    let good = repo("examples/snapshots/prod-compliant.json");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "gate",
            "--env",
            "prod",
            "--snapshot",
            good.to_str().unwrap(),
            "--from-snapshot",
            good.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        run(&a)
    };
    let o = args(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("is judged as uat, but its resources' flowforge:env tags say prod"), "{}", text(&o));
    let o = args(&["--allow-env-mismatch"]);
    assert!(text(&o).contains("parity: checked against uat"), "{}", text(&o));
    let o = args(&["--from-env", "prod"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("parity: checked against prod"), "{}", text(&o));
    // A source environment the baseline does not define is refused before any evaluation.
    let o = args(&["--from-env", "staging"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown environment \"staging\""), "{}", text(&o));
}

/// Issue 15: `--compliance all` writes one CSV per framework covering every control of its full
/// list (issue 25: a row per control and resource); `--history DIR` keeps one point per
/// snapshot in collection order (issue 25 friction 8: re-running a snapshot added a point, and
/// the trend followed the runs): a later snapshot's Markdown shows the change since the
/// earlier one, and an earlier snapshot evaluated last sees only its own past; an unknown
/// framework is a usage error (exit 2); `policy list --help` describes `--policies`.
#[test]
fn compliance_csvs_history_and_policy_list_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let hist = dir.path().join("hist");
    let args = ["--compliance", "all", "--history", hist.to_str().unwrap(), "--format", "json,md"];
    let history_lines = || -> Vec<serde_json::Value> {
        let lines = std::fs::read_to_string(hist.join("history.jsonl")).unwrap();
        lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    for _ in 0..2 {
        let o = evaluate("examples/snapshots/prod-drifted.json", &out, &args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    }
    assert_eq!(history_lines().len(), 1, "the same snapshot twice is one point");
    for (framework, controls) in [("cis-aws-foundations", 62), ("aws-fsbp", 290), ("nist-800-53-r5", 1007)] {
        let csv = std::fs::read_to_string(out.join(format!("flowforge-audit.compliance-{framework}.csv"))).unwrap();
        // Issue 25: a row per control and resource, every control of the full list.
        let mut ids: Vec<String> =
            csv::Reader::from_reader(csv.as_bytes()).records().map(|r| r.unwrap()[2].to_owned()).collect();
        assert!(ids.len() > controls, "{framework}: rows per resource");
        ids.dedup();
        assert_eq!(ids.len(), controls, "{framework}: each control once, its rows together");
    }
    // The compliant example was collected the day before the drifted one: evaluated last, it is
    // still the first point, and its trend stops at itself.
    let o = evaluate("examples/snapshots/prod-compliant.json", &out, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(history_lines().len(), 2);
    let md = std::fs::read_to_string(out.join("flowforge-audit.md")).unwrap();
    assert!(!md.contains("Change since the previous snapshot"), "{md}");
    // The day after the drifted one, the drift fixed: the change since the drifted snapshot.
    let fixed = dir.path().join("next-day.json");
    let compliant = std::fs::read_to_string(repo("examples/snapshots/prod-compliant.json")).unwrap();
    std::fs::write(&fixed, compliant.replacen("\"2026-11-20T06:00:00Z\"", "\"2026-11-22T06:00:00Z\"", 1)).unwrap();
    let o = evaluate(fixed.to_str().unwrap(), &out, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let runs = history_lines();
    assert_eq!(runs.len(), 3);
    let md = std::fs::read_to_string(out.join("flowforge-audit.md")).unwrap();
    let (prev, now) = (&runs[0]["by_status"]["FAIL"], &runs[2]["by_status"]["FAIL"]);
    let row = format!("| FAIL | {prev} | {now} | {:+} |", now.as_i64().unwrap() - prev.as_i64().unwrap());
    assert!(
        md.contains("## Change since the previous snapshot (2026-11-21T06:00:00Z)") && md.contains(&row),
        "{row}\n{md}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("flowforge-audit.json")).unwrap()).unwrap();
    let times: Vec<&str> =
        json["history"].as_array().unwrap().iter().map(|e| e["collected_at"].as_str().unwrap()).collect();
    assert_eq!(times, ["2026-11-20T06:00:00Z", "2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z"], "by collection time");
    assert_eq!(json["summary"]["compliance"]["cis-aws-foundations"]["controls"], 62);

    let o = evaluate("examples/snapshots/prod-drifted.json", &out, &["--compliance", "soc2"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown framework \"soc2\""), "{}", text(&o));

    let o = run(&["policy", "list", "--help"]);
    assert!(text(&o).contains("A directory of extra checks"), "{}", text(&o));
}

/// Issue 25: SARIF points at the user's own files. With the example's Terraform state (whose
/// directory holds the `.tf` files) and a baseline given by a relative path, run from the
/// repository root as CI runs: a finding on a managed resource points at its `resource` block
/// (file and line), drift at the baseline as given, nothing at a file of the tool; the
/// fingerprints are the same on a second run; the evidence bundle keeps the `.tf` files and
/// reproduces the SARIF.
#[test]
fn sarif_points_at_terraform_blocks_and_the_baseline_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let run_at_root = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "evaluate",
            "--snapshot",
            "examples/snapshots/prod-drifted.json",
            "--env",
            "prod",
            "--tfstate",
            "examples/terraform/prod.tfstate",
            "--baseline",
            "./baselines/flowforge.yaml",
            "--format",
            "sarif,json",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = bin().current_dir(repo(".")).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(out.join("flowforge-audit.sarif")).unwrap()).unwrap()
    };
    let ev = dir.path().join("ev");
    let sarif = run_at_root(&dir.path().join("a"), &["--evidence", ev.to_str().unwrap()]);
    let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
    let uri = |r: &serde_json::Value| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_owned()
    };
    let line = |r: &serde_json::Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
    for r in &results {
        let u = uri(r);
        assert!(!u.starts_with("policies/") && !u.starts_with("builtin:"), "a file of the tool: {r}");
    }
    // The line of a block, read from the example's files.
    let block_line = |file: &str, header: &str| -> u64 {
        let text = std::fs::read_to_string(repo(file)).unwrap();
        text.lines()
            .position(|l| l.starts_with(header))
            .map(|i| i as u64 + 1)
            .unwrap_or_else(|| panic!("{header} in {file}"))
    };
    let landing = results
        .iter()
        .find(|r| r["ruleId"] == "FF-S3-002" && r["properties"]["resourceArn"] == "arn:aws:s3:::flowforge-prod-landing")
        .expect("FF-S3-002 on the landing bucket");
    assert_eq!(uri(landing), "examples/terraform/storage.tf");
    assert_eq!(line(landing), block_line("examples/terraform/storage.tf", "resource \"aws_s3_bucket\" \"landing\" {"));
    assert_eq!(landing["properties"]["terraformAddress"], "aws_s3_bucket.landing");
    let db = results.iter().find(|r| r["ruleId"] == "FF-RDS-003").expect("FF-RDS-003");
    assert_eq!(
        (uri(db), line(db)),
        (
            "examples/terraform/database.tf".to_owned(),
            block_line("examples/terraform/database.tf", "resource \"aws_db_instance\" \"metadata\" {")
        )
    );
    // Drift of the baseline points at the baseline as given; Terraform drift at its block.
    let drift: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["ruleId"].as_str().unwrap().starts_with("DRIFT-")).collect();
    assert!(drift.iter().any(|r| r["properties"]["kind"] == "architecture"));
    for r in &drift {
        if r["properties"]["kind"] == "iac" {
            assert!(uri(r).starts_with("examples/terraform/") || uri(r).starts_with("arn:"), "{r}");
        } else {
            assert_eq!(uri(r), "baselines/flowforge.yaml", "{r}");
        }
    }
    // Not managed by the state: the ARN itself.
    let demo = results.iter().find(|r| r["ruleId"] == "FF-APPRUNNER-001").expect("FF-APPRUNNER-001");
    assert_eq!(uri(demo), demo["properties"]["resourceArn"].as_str().unwrap());
    // Stable fingerprints, run after run.
    let fingerprints = |s: &serde_json::Value| -> Vec<String> {
        s["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["partialFingerprints"].to_string()).collect()
    };
    assert_eq!(fingerprints(&sarif), fingerprints(&run_at_root(&dir.path().join("b"), &[])));
    // The evidence keeps the .tf files and reproduces the SARIF.
    assert!(ev.join("inputs/iac/storage.tf").is_file());
    let o = run(&["verify-evidence", ev.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// The example's `.tf` files hold a `resource` block for every resource of its Terraform
/// state (they are the skeleton the SARIF locations of the examples point at).
#[test]
fn example_terraform_blocks_match_the_state() {
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("examples/terraform/prod.tfstate")).unwrap()).unwrap();
    let mut tf = String::new();
    for e in std::fs::read_dir(repo("examples/terraform")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "tf") {
            tf.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    let mut n = 0;
    for r in state["resources"].as_array().unwrap().iter().filter(|r| r["mode"] == "managed") {
        let header = format!("resource {} {} {{", r["type"], r["name"]);
        assert_eq!(tf.matches(&header).count(), 1, "{header}: one block in examples/terraform/*.tf");
        n += 1;
    }
    assert_eq!(
        tf.matches("\nresource ").count() + usize::from(tf.starts_with("resource ")),
        n,
        "no block without a state resource"
    );
}

/// Issue 25: what an audit prints. A findings table by severity and the drift table on
/// stdout, each gate reason on one short line; the SCP warning only where an IAM FAIL
/// depends on it (not on the compliant example); `-q` and `FLOWFORGE_AUDIT_LOG=error` leave
/// stderr empty, `-q` leaves only the report paths on stdout; no colour when not a terminal.
#[test]
fn terminal_summary_tables_reasons_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let o = evaluate("examples/snapshots/prod-drifted.json", dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!out.contains('\u{1b}'), "no colour on a pipe:\n{out}");
    for block in ["\nCRITICAL (", "\nHIGH (", "\nMEDIUM (", "\nDRIFT ("] {
        assert!(out.contains(block), "{block:?} missing:\n{out}");
    }
    assert!(
        out.contains("  CHECK ") && out.contains("FF-RDS-003  ") && out.contains("flowforge-prod-metadata"),
        "{out}"
    );
    let reasons: Vec<&str> = out.lines().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(reasons.len(), 5, "{out}");
    for r in &reasons {
        assert!(r.len() < 260 && !r.contains("arn:aws:"), "{} chars: {r}", r.len());
    }
    assert!(err.contains("warning: 2 FAIL result(s) of FF-IAM-003, FF-IAM-008 judge effective permissions"), "{err}");

    let o = evaluate("examples/snapshots/prod-compliant.json", dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stderr.is_empty(), "no warning applies: {}", String::from_utf8_lossy(&o.stderr));

    let o = evaluate("examples/snapshots/prod-drifted.json", dir.path(), &["-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stderr.is_empty(), "{}", text(&o));
    let paths: Vec<String> = String::from_utf8_lossy(&o.stdout).lines().map(str::to_owned).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths.iter().all(|p| p.starts_with(dir.path().to_str().unwrap())), "{paths:?}");

    let o = bin()
        .env("FLOWFORGE_AUDIT_LOG", "error")
        .args(["evaluate", "--snapshot", repo("examples/snapshots/prod-drifted.json").to_str().unwrap()])
        .args(["--env", "prod", "--format", "json", "--out", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stderr.is_empty(), "{}", text(&o));
}

/// Issue 25: check selection with Prowler's names, on the command line and in the
/// configuration file. A partial run fails prod's gate (a complete audit is required) with
/// the checks left out, passes in dev, and passes in prod once the baseline excludes them; a
/// typo is exit 2 naming it.
#[test]
fn check_selection_and_the_complete_audit_gate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = evaluate("examples/snapshots/prod-compliant.json", &out, &["--excluded-checks", "FF-S3-001,FF-RDS-003"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("the audit is partial: the check selection left out 2 check(s)"), "{}", text(&o));
    assert!(text(&o).contains(": FF-RDS-003, FF-S3-001\n"), "{}", text(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("flowforge-audit.json")).unwrap()).unwrap();
    assert_eq!(report["provenance"]["selection"]["not_run"], serde_json::json!(["FF-RDS-003", "FF-S3-001"]));
    assert_eq!(
        report["summary"]["checks"].as_u64().unwrap() + 2,
        report["provenance"]["catalog_checks"].as_u64().unwrap()
    );
    assert!(report["checks"].as_array().unwrap().iter().all(|c| c["id"] != "FF-S3-001"));
    let md = std::fs::read_to_string(out.join("flowforge-audit.md")).unwrap();
    assert!(md.contains("**Partial run** (`--excluded-checks FF-S3-001,FF-RDS-003`)"), "{md}");

    // dev does not require a complete audit: the partial run is recorded, not blocking.
    let snapshot = repo("examples/snapshots/prod-compliant.json");
    let o = run(&[
        "evaluate",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--env",
        "dev",
        "--out",
        out.to_str().unwrap(),
        "--excluded-checks",
        "FF-S3-001",
    ]);
    assert!(
        text(&o).contains("partial run: 1 of the catalog's") && !text(&o).contains("the audit is partial"),
        "{}",
        text(&o)
    );

    // The baseline declares the exclusion: prod passes. The selection from the configuration file.
    let baseline = dir.path().join("baseline.yaml");
    let text_b = flowforge_audit::baseline::BUILTIN_BASELINE.replacen(
        "      fail_on_drift: [missing, changed, unmanaged]\n",
        "      fail_on_drift: [missing, changed, unmanaged]\n      excluded_checks: [FF-S3-001, FF-RDS-003]\n",
        1,
    );
    std::fs::write(&baseline, text_b).unwrap();
    let config = dir.path().join("c.yaml");
    std::fs::write(&config, "excluded-checks: [FF-S3-001, FF-RDS-003]\n").unwrap();
    let o = evaluate(
        "examples/snapshots/prod-compliant.json",
        &out,
        &["--baseline", baseline.to_str().unwrap(), "--config", config.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("partial run: 2 of the catalog's"), "{}", text(&o));

    // Typos and empty selections are usage errors.
    for (args, needle) in [
        (vec!["--checks", "FF-S3-999"], "--checks: no check \"FF-S3-999\""),
        (vec!["--services", "s4"], "--services: no service \"s4\""),
        (vec!["--severity", "urgent"], "unknown severity"),
        (vec!["--services", "acm", "--severity", "low"], "leaves no check to run"),
    ] {
        let o = evaluate("examples/snapshots/prod-compliant.json", &out, &args);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(needle), "{needle}: {}", text(&o));
    }
}

/// Issue 25 friction 9: `man` printed the top-level page only (2.6 KB), referring to
/// `flowforge-audit-evaluate(1)` and others that nothing produced. `man --out DIR` writes one
/// page per command, each with EXIT STATUS; `man COMMAND` prints the same page; `policy list
/// --format json` lists the same checks as the table.
#[test]
fn man_pages_per_command_and_policy_list_json() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut pages: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    pages.sort();
    for page in
        ["flowforge-audit.1", "flowforge-audit-evaluate.1", "flowforge-audit-gate.1", "flowforge-audit-policy-list.1"]
    {
        assert!(pages.iter().any(|p| p == page), "{page} not in {pages:?}");
    }
    for page in &pages {
        let roff = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(roff.contains(".SH \"EXIT STATUS\""), "{page}");
    }
    let gate = run(&["man", "gate"]);
    assert_eq!(gate.stdout, std::fs::read(dir.path().join("flowforge-audit-gate.1")).unwrap());
    let o = run(&["man", "no-such-command"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let json = run(&["policy", "list", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let ids: Vec<&str> = v["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let table = run(&["policy", "list"]);
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    let listed: Vec<&str> = table.lines().skip(1).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(ids, listed);
    assert!(v["checks"].as_array().unwrap().iter().all(|c| c["service"].is_string() && c["severity"].is_string()));
}
