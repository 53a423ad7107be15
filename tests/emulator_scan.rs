//! `flowforge-audit scan` end to end against the moto emulator: a compliant FlowForge
//! account gives no FAIL, each injected drift fails exactly on the drifted resource, a denied
//! service gives UNKNOWN and a failed gate in prod, and `evaluate` on the snapshot `scan` saved
//! reproduces its reports byte for byte.
//!
//! Needs moto: `scripts/setup-moto.sh` (the tests fail, never skip, without it).

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use flowforge_audit::org::accounts::Shard;
use serde_json::Value;
use support::moto::Moto;
use support::seed::{self, Clients, Drift, Seeded, REGION};

/// The binary with an environment that can only reach the emulator: dummy keys, no profile
/// files, no instance metadata.
fn cli(moto: &Moto, key: &str, secret: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// Runs `scan --env prod` into `dir`; returns the process output and the JSON report.
fn scan(moto: &Moto, key: &str, secret: &str, dir: &Path, extra: &[&str]) -> (Output, Value) {
    let out = cli(moto, key, secret)
        .args(["scan", "--env", "prod", "--endpoint-url", &moto.endpoint, "--region", REGION, "--no-progress"])
        .arg("--out")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run flowforge-audit");
    let report_path = dir.join("flowforge-audit.json");
    let text = std::fs::read_to_string(&report_path).unwrap_or_else(|e| {
        panic!(
            "no JSON report at {} ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
            report_path.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, serde_json::from_str(&text).expect("report JSON"))
}

fn results_with<'a>(report: &'a Value, status: &str) -> Vec<&'a Value> {
    report["results"].as_array().expect("results").iter().filter(|r| r["status"] == status).collect()
}

fn describe(results: &[&Value]) -> String {
    results
        .iter()
        .map(|r| format!("{} {} {}: {}", r["check_id"], r["status"], r["resource_arn"], r["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn seeded(moto: &Moto) -> (Clients, Seeded) {
    let clients = Clients::new(&moto.endpoint, "testing", "testing").await;
    let seeded = seed::seed(&clients, "prod").await;
    (clients, seeded)
}

/// A compliant FlowForge account: no FAIL, no UNKNOWN, and the prod gate passes (exit 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compliant_account_has_no_fail() {
    let moto = Moto::start();
    let _ = seeded(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    assert!(fails.is_empty(), "a compliant account must not FAIL:\n{}", describe(&fails));
    let unknown = results_with(&report, "UNKNOWN");
    assert!(unknown.is_empty(), "nothing may be UNKNOWN:\n{}", describe(&unknown));
    assert!(!results_with(&report, "PASS").is_empty(), "checks ran and passed");
    assert_eq!(report["collection_errors"], Value::Array(vec![]));
    assert_eq!(out.status.code(), Some(0), "gate must pass; stdout:\n{}", String::from_utf8_lossy(&out.stdout));
}

/// One drift: the FAILs are exactly the expected checks, on the drifted resource only, and
/// those checks belong to the drift's policy area.
async fn drift_fails_exactly(drift: Drift, areas: &[&str], checks: &[&str]) {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, drift).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let arn = s.drifted_arn(drift);
    assert!(!fails.is_empty(), "{drift:?} must FAIL on {arn}");
    let wrong: Vec<&Value> = fails.iter().copied().filter(|r| r["resource_arn"] != arn.as_str()).collect();
    assert!(wrong.is_empty(), "{drift:?} must fail only {arn}, also failed:\n{}", describe(&wrong));
    let check_area: std::collections::BTreeMap<&str, &str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?, c["area"].as_str()?)))
        .collect();
    for f in &fails {
        let id = f["check_id"].as_str().unwrap_or_default();
        let area = check_area.get(id).copied().unwrap_or_default();
        assert!(areas.contains(&area), "{drift:?}: {id} (area {area}) is not a check of {areas:?}");
    }
    let mut failed: Vec<&str> = fails.iter().filter_map(|f| f["check_id"].as_str()).collect();
    failed.sort_unstable();
    assert_eq!(failed, checks, "{drift:?}: the FAILing checks");
    assert!(results_with(&report, "UNKNOWN").is_empty());
    assert_eq!(out.status.code(), Some(1), "a prod FAIL fails the gate");
}

/// TLS: the landing bucket without its TLS-only Deny fails on that bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_tls() {
    drift_fails_exactly(Drift::Tls, &["tls"], &["FF-S3-001"]).await;
}

/// Encryption: the bronze bucket on AES256 fails on that bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_encryption() {
    drift_fails_exactly(Drift::Encryption, &["encryption"], &["FF-S3-002"]).await;
}

/// VPC endpoints: without the Secrets Manager endpoint the VPC fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_vpc_endpoint() {
    drift_fails_exactly(Drift::VpcEndpoint, &["vpc-endpoints"], &["FF-VPC-002"]).await;
}

/// Multi-AZ: a single-AZ metadata database fails in prod.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_multi_az() {
    drift_fails_exactly(Drift::MultiAz, &["multi-az"], &["FF-RDS-003"]).await;
}

/// IAM scope: `s3:*` on `*` for prefect-worker fails on that role (least privilege, and
/// unconstrained data exfiltration / resource exposure).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_iam_scope() {
    drift_fails_exactly(Drift::IamScope, &["iam"], &["FF-IAM-003", "FF-IAM-008"]).await;
}

/// Network tiers: 5432 open to the world fails on the database security group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_network_tier() {
    drift_fails_exactly(Drift::NetworkTier, &["network"], &["FF-NET-002", "FF-NET-003"]).await;
}

/// Rotation: a secret without rotation fails on that secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_rotation() {
    drift_fails_exactly(Drift::Rotation, &["hygiene"], &["FF-SM-002"]).await;
}

/// A denied service makes its checks UNKNOWN (never PASS) and fails the prod gate (exit 1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_service_is_unknown_and_fails_prod_gate() {
    let moto = Moto::start();
    let (clients, _s) = seeded(&moto).await;
    let (key_id, secret) = support::scanner_denied(&clients, &moto, "rds").await;

    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    let unknown = results_with(&report, "UNKNOWN");
    let rds_checks: BTreeSet<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["collection"].as_str().is_some_and(|x| x.starts_with("rds.")))
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(!rds_checks.is_empty());
    let unknown_checks: BTreeSet<&str> = unknown.iter().filter_map(|r| r["check_id"].as_str()).collect();
    assert!(rds_checks.is_subset(&unknown_checks), "every RDS check is UNKNOWN: {rds_checks:?} vs {unknown_checks:?}");
    let rds_pass: Vec<&Value> = results_with(&report, "PASS")
        .into_iter()
        .filter(|r| rds_checks.contains(r["check_id"].as_str().unwrap_or_default()))
        .collect();
    assert!(rds_pass.is_empty(), "a denied service never PASSes:\n{}", describe(&rds_pass));
    assert!(!results_with(&report, "PASS").is_empty(), "the other services were audited");
    assert_eq!(
        out.status.code(),
        Some(1),
        "prod requires a complete audit; stdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `evaluate` on the snapshot `scan` saved gives byte-identical reports in every format.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_and_evaluate_of_saved_snapshot_agree_byte_for_byte() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, Drift::Tls).await;
    let scan_dir = tempfile::tempdir().expect("tempdir");
    let eval_dir = tempfile::tempdir().expect("tempdir");
    let snapshot = scan_dir.path().join("snapshot.json");
    let snap_arg = snapshot.to_str().expect("utf-8 path").to_owned();
    let reports = scan_dir.path().join("reports");
    let (scan_out, _) = scan(&moto, "testing", "testing", &reports, &["--format", "all", "--save-snapshot", &snap_arg]);
    let eval_out = cli(&moto, "testing", "testing")
        .args(["evaluate", "--env", "prod", "--format", "all", "--snapshot", &snap_arg])
        .arg("--out")
        .arg(eval_dir.path())
        .output()
        .expect("evaluate");
    assert_eq!(scan_out.status.code(), eval_out.status.code(), "same gate decision");
    let mut names: Vec<_> =
        std::fs::read_dir(&reports).expect("reports").map(|e| e.expect("entry").file_name()).collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    for name in names {
        let a = std::fs::read(reports.join(&name)).expect("scan report");
        let b = std::fs::read(eval_dir.path().join(&name))
            .unwrap_or_else(|e| panic!("evaluate did not write {name:?}: {e}"));
        assert!(a == b, "{name:?} differs between scan and evaluate of the saved snapshot");
    }
}

// ------------------------------------------------------------------ organisation scans

/// The built-in baseline with more production environments (`prod-b`: tenant B): bucket
/// names are global, so a second prod account needs its own environment name.
fn tenant_baseline(dir: &Path, tenants: &[String]) -> std::path::PathBuf {
    let builtin = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("baselines/flowforge.yaml"))
        .expect("built-in baseline");
    let marker = "\n# The expected architecture.";
    let tenant = |name: &str| {
        format!("  {name}:\n    description: Tenant production.\n    requirements:\n      rds_multi_az: true\n      nat_gateway_per_az: true\n      secret_rotation_max_days: 30\n    gate:\n      fail_on: medium\n      require_complete_audit: true\n      fail_on_drift: [missing, changed, unmanaged]\n")
    };
    assert!(builtin.contains(marker), "the built-in baseline changed shape");
    let added: String = tenants.iter().map(|t| tenant(t)).collect();
    let text = builtin.replacen(marker, &format!("{added}{marker}"), 1);
    let path = dir.join("tenants.yaml");
    std::fs::write(&path, text).expect("write baseline");
    path
}

/// The organisation of the org tests: ids by role in the test.
struct OrgFixture {
    dev: String,
    qa: String,
    uat: String,
    prod: String,
    prod_b: String,
    blocked: String,
    scp_id: String,
    /// The SCP on prod denying `iam:*`, and the role allowed `iam:*` in prod and in prod-b
    /// (which has no such SCP).
    no_iam_scp: String,
    iam_operator: String,
    /// moto behind a proxy that refuses AssumeRole into `blocked` (moto lets anyone assume
    /// any role; its IAM enforcement breaks EKS signatures of assumed-role keys).
    proxy: support::proxy::Proxy,
}

/// Six member accounts under one OU: dev, qa (TLS drift), uat, prod (an SCP denying
/// s3:DeleteObject, which its prefect-worker role allows, and one denying iam:*, which its
/// ff-iam-operator role allows), prod-b (single-AZ database, the same ff-iam-operator role and
/// no SCP of its own; its environment from the account file, no tag) and a qa account whose
/// audit role cannot be assumed. The management account (untagged) is in the organisation too.
async fn org_fixture(moto: &Moto) -> OrgFixture {
    use support::seed_org::*;
    let mgmt = Clients::new(&moto.endpoint, "testing", "testing").await;
    let root = create_organisation(&mgmt).await;
    let ou = create_ou(&mgmt, &root, "workloads").await;
    let tag = |env: &'static str| vec![("flowforge:env", env)];
    let dev = create_member(&mgmt, "ff-dev", &root, &ou, &tag("dev")).await;
    let qa = create_member(&mgmt, "ff-qa", &root, &ou, &tag("qa")).await;
    let uat = create_member(&mgmt, "ff-uat", &root, &ou, &tag("uat")).await;
    let prod = create_member(&mgmt, "ff-prod", &root, &ou, &tag("prod")).await;
    let prod_b = create_member(&mgmt, "ff-prod-b", &root, &ou, &[]).await;
    let blocked = create_member(&mgmt, "ff-qa-2", &root, &ou, &tag("qa")).await;
    for (id, env, drift) in [
        (&dev, "dev", None),
        (&qa, "qa", Some(Drift::Tls)),
        (&uat, "uat", None),
        (&prod, "prod", None),
        (&prod_b, "prod-b", Some(Drift::MultiAz)),
    ] {
        let member = member_clients(&mgmt, id).await;
        let seeded = Box::pin(seed::seed(&member, env)).await;
        if let Some(d) = drift {
            seeded.inject(&member, d).await;
        }
        add_audit_role(&member).await;
        if id == &prod || id == &prod_b {
            add_iam_admin_role(&member).await;
        }
    }
    let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]});
    let scp_id = attach_scp(&mgmt, "no-deletes", &deny, &prod).await;
    let no_iam = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]});
    let no_iam_scp = attach_scp(&mgmt, "no-iam", &no_iam, &prod).await;
    let rules = support::proxy::Rules { deny_assume_role_into: vec![blocked.clone()], ..Default::default() };
    // In front of the App Runner front, so member accounts answer App Runner like the main seed.
    let proxy = support::proxy::Proxy::start(moto.apprunner.port, rules);
    OrgFixture {
        dev,
        qa,
        uat,
        prod,
        prod_b,
        blocked,
        scp_id,
        no_iam_scp,
        iam_operator: "ff-iam-operator".into(),
        proxy,
    }
}

/// Runs `scan --org` with the management account's keys into `out`; returns the process output.
fn org_scan(moto: &Moto, f: &OrgFixture, dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let map = dir.join("accounts.txt");
    std::fs::write(&map, format!("# tenant B\n{} prod-b\n", f.prod_b)).expect("account file");
    cli(moto, "testing", "testing")
        .env("AWS_ENDPOINT_URL", &f.proxy.endpoint)
        .args(["scan", "--org", "--endpoint-url", &f.proxy.endpoint, "--region", REGION, "--no-progress"])
        .args(["--format", "json", "--max-accounts", "3", "--max-attempts", "2"])
        .arg("--baseline")
        .arg(tenant_baseline(dir, &["prod-b".to_owned()]))
        .arg("--account-map")
        .arg(&map)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run flowforge-audit")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn record<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["account_records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["account_id"] == id)
        .unwrap_or_else(|| panic!("no record of {id} in {summary:#}"))
}

/// `scan --org` audits every member account as its environment (tag or account file): the
/// compliant ones pass, the drifted ones fail on their drift, the account whose role cannot be
/// assumed is recorded and fails closed (every check UNKNOWN), the untagged management
/// account is listed and not judged, the prod account's SCPs are applied (a role allowed
/// iam:* is admin-equivalent in prod-b, not in prod where an SCP denies iam:*), the run exits 1; two shards merged give the single run's summary byte for byte; and
/// `gate --from-env` promotes one account's snapshot against another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_scan_judges_every_account_and_shards_merge_byte_for_byte() {
    let moto = Moto::start();
    let f = Box::pin(org_fixture(&moto)).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let full = tmp.path().join("full");
    let out = org_scan(&moto, &f, tmp.path(), &full, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "an account fails: exit 1\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let summary = read_json(&full.join("org-summary.json"));
    assert_eq!(summary["accounts"], 7, "six members and the management account:\n{summary:#}");
    assert_eq!(summary["passed"], false);

    for id in [&f.dev, &f.uat, &f.prod] {
        let r = record(&summary, id);
        assert_eq!(r["gate_passed"], true, "{id} is compliant: {r:#}\nstderr:\n{stderr}");
        let report = read_json(&full.join(id.as_str()).join("flowforge-audit.json"));
        assert_eq!(r["unknown"], 0, "{id}:\n{}", describe(&results_with(&report, "UNKNOWN")));
    }
    let qa = record(&summary, &f.qa);
    assert_eq!(qa["gate_passed"], false, "{qa:#}");
    assert_eq!(qa["top_failing_checks"][0]["check_id"], "FF-S3-001", "{qa:#}");
    let prod_b = record(&summary, &f.prod_b);
    assert_eq!(prod_b["environment"], "prod-b");
    assert!(prod_b["environment_source"].as_str().unwrap_or_default().starts_with("account file"), "{prod_b:#}");
    assert_eq!(prod_b["gate_passed"], false, "{prod_b:#}");
    let failing: Vec<&str> = prod_b["top_failing_checks"]
        .as_array()
        .expect("top failing checks")
        .iter()
        .filter_map(|c| c["check_id"].as_str())
        .collect();
    assert!(failing.contains(&"FF-RDS-003"), "{prod_b:#}");

    // The account whose role cannot be assumed: recorded, every check UNKNOWN, gate FAIL.
    let blocked = record(&summary, &f.blocked);
    assert_eq!(blocked["state"], "unreachable", "{blocked:#}");
    assert_eq!(blocked["gate_passed"], false);
    assert!(blocked["error"].as_str().unwrap_or_default().contains("AccessDenied"), "{blocked:#}");
    let report = read_json(&full.join(&f.blocked).join("flowforge-audit.json"));
    assert!(results_with(&report, "PASS").is_empty(), "nothing of an unreachable account passes");
    assert!(!results_with(&report, "UNKNOWN").is_empty());
    assert_eq!(summary["environments"]["qa"]["worst_account"], f.blocked.as_str(), "{summary:#}");

    // The management account has no environment: listed, not judged, not failing.
    let mgmt = record(&summary, seed::ACCOUNT_ID);
    assert_eq!(mgmt["state"], "unmapped");
    assert_eq!(mgmt["gate_passed"], Value::Null);

    // The SCPs on prod are applied: ff-iam-operator's own policy allows iam:* (full IAM
    // write, admin-equivalent), the no-iam SCP denies it, so in prod the role is not reported
    // as holding it; in prod-b, without that SCP, the same role is admin-equivalent.
    let prod = record(&summary, &f.prod);
    assert_eq!(prod["scps"]["applied"], true, "{prod:#}");
    let note = prod["scps"]["note"].as_str().unwrap_or_default();
    assert!(note.starts_with("SCPs applied") && note.contains(&f.no_iam_scp) && note.contains(&f.scp_id), "{note}");
    let operator = |id: &str| {
        let report = read_json(&full.join(id).join("flowforge-audit.json"));
        let arn = format!("arn:aws:iam::{id}:role/{}", f.iam_operator);
        let r = report["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["check_id"] == "FF-IAM-001" && r["resource_arn"] == arn.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("FF-IAM-001 judged {arn}"));
        r
    };
    let in_prod = operator(&f.prod);
    assert_eq!(in_prod["status"], "PASS", "the SCP denies iam:* in prod: {in_prod:#}");
    let in_prod_b = operator(&f.prod_b);
    assert_eq!(in_prod_b["status"], "FAIL", "no SCP denies iam:* in prod-b: {in_prod_b:#}");
    assert!(in_prod_b.to_string().contains("iam:*"), "{in_prod_b:#}");
    let prod_b_scps = &record(&summary, &f.prod_b)["scps"];
    assert_eq!(prod_b_scps["applied"], true, "{prod_b_scps:#}");
    assert!(in_prod_b["evidence"][0]["scps"].as_str().unwrap_or_default().starts_with("SCPs applied"), "{in_prod_b:#}");
    let scp = prod["scps"]["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .find(|p| p["id"] == f.scp_id.as_str())
        .unwrap_or_else(|| panic!("the prod SCP is in the evidence: {prod:#}"));
    assert_eq!(scp["attached_to"][0], f.prod.as_str());
    let scp_text = scp["document"].to_string();
    assert!(scp_text.contains("Deny") && scp_text.contains("s3:DeleteObject"), "{scp_text}");
    let dev_scps = &record(&summary, &f.dev)["scps"]["policies"];
    assert!(dev_scps.as_array().expect("dev SCPs").iter().all(|p| p["id"] != f.scp_id.as_str()), "{dev_scps}");
    let prod_snapshot = std::fs::read_to_string(full.join(&f.prod).join("snapshot.json")).expect("prod snapshot");
    assert!(prod_snapshot.contains("s3:DeleteObject"), "prefect-worker allows s3:DeleteObject");
    assert!(full.join("org-summary.md").is_file() && full.join("org-summary.html").is_file());
    let md = std::fs::read_to_string(full.join("org-summary.md")).expect("markdown");
    assert!(md.contains(&format!("- {}: ", f.prod)) && md.contains("(applied)"), "{md}");
    // The management account's SCPs are never applied (SCPs do not restrict it).
    let mgmt_scps = &record(&summary, seed::ACCOUNT_ID)["scps"];
    assert_eq!(mgmt_scps["applied"], false, "{mgmt_scps:#}");
    assert!(mgmt_scps["note"].as_str().unwrap_or_default().contains("management account"), "{mgmt_scps:#}");

    // Shards, then merge: the same summary, byte for byte. moto draws the account ids at
    // random and a shard holds the ids whose hash falls in it, so two shards can by chance
    // hold all seven accounts in one: take the smallest count that splits them.
    let ids: Vec<String> = summary["account_records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["account_id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 7, "{summary:#}");
    let count = (2..=8u32)
        .find(|&n| (0..n).filter(|&i| ids.iter().any(|id| Shard { index: i, count: n }.contains(id))).count() > 1)
        .expect("a shard count that splits seven accounts");
    let dirs: Vec<_> = (0..count).map(|i| tmp.path().join(format!("s{i}"))).collect();
    let merged = tmp.path().join("merged");
    let mut sizes = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let o = org_scan(&moto, &f, tmp.path(), dir, &["--shard", &format!("{i}/{count}")]);
        assert!(o.status.code() == Some(0) || o.status.code() == Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        sizes.push(read_json(&dir.join("org-summary.json"))["accounts"].as_u64().unwrap_or(0));
    }
    assert_eq!(sizes.iter().sum::<u64>(), 7, "the shards split the accounts: {sizes:?}");
    assert!(sizes.iter().filter(|&&n| n > 0).count() > 1, "at least two shards have accounts ({sizes:?})");
    let m = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(&merged)
        .output()
        .expect("merge");
    assert_eq!(m.status.code(), Some(1), "merge decides like the full run: {}", String::from_utf8_lossy(&m.stderr));
    for name in ["org-summary.json", "org-summary.md", "org-summary.html"] {
        let a = std::fs::read(full.join(name)).expect("full");
        let b = std::fs::read(merged.join(name)).expect("merged");
        assert!(a == b, "{name} of the merged shards differs from the single run's");
    }
    // A shard missing: merge refuses (exit 2) instead of summarising half the organisation.
    let half = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
        .arg("merge")
        .arg(&dirs[0])
        .arg("--out")
        .arg(tmp.path().join("half"))
        .output()
        .expect("merge");
    assert_eq!(half.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&half.stderr).contains("O005"), "{}", String::from_utf8_lossy(&half.stderr));

    // Promotion across accounts: the uat account's snapshot against the qa account's.
    let g = cli(&moto, "testing", "testing")
        .args(["gate", "--env", "uat", "--from-env", "qa", "--format", "json"])
        .arg("--snapshot")
        .arg(full.join(&f.uat).join("snapshot.json"))
        .arg("--from-snapshot")
        .arg(full.join(&f.qa).join("snapshot.json"))
        .arg("--out")
        .arg(tmp.path().join("promotion"))
        .output()
        .expect("gate");
    let g_out = String::from_utf8_lossy(&g.stdout);
    assert!(g_out.contains("parity: checked against qa"), "{g_out}\n{}", String::from_utf8_lossy(&g.stderr));
    assert_eq!(g.status.code(), Some(0), "the uat account may be promoted:\n{g_out}");
}

/// Without an organisation to ask (`--accounts` given explicitly, Organizations not in use),
/// an account's SCPs are UNKNOWN with the reason, never "none", and the account is still
/// audited as the environment its account-file line names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_scan_without_organisation_access_has_unknown_scps() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let accounts = tmp.path().join("accounts.txt");
    std::fs::write(&accounts, "111111111111 dev\n").expect("account file");
    let out_dir = tmp.path().join("out");
    let out = cli(&moto, "testing", "testing")
        .args(["scan", "--org", "--endpoint-url", &moto.endpoint, "--region", REGION, "--no-progress"])
        .args(["--format", "json", "--max-attempts", "1"])
        .arg("--accounts")
        .arg(&accounts)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("run flowforge-audit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = read_json(&out_dir.join("org-summary.json"));
    let r = record(&summary, "111111111111");
    assert_eq!(r["state"], "audited", "{r:#}\n{stderr}");
    assert_eq!(r["environment"], "dev");
    assert!(r["environment_source"].as_str().unwrap_or_default().starts_with("account file"), "{r:#}");
    assert_eq!(r["scps"]["policies"], Value::Array(vec![]));
    assert!(r["scps"]["error"].as_str().is_some_and(|e| !e.is_empty()), "SCPs unknown, not none: {r:#}");
    let md = std::fs::read_to_string(out_dir.join("org-summary.md")).expect("markdown");
    assert!(md.contains("- 111111111111: unknown: "), "{md}");
    assert!(out_dir.join("111111111111").join("snapshot.json").is_file());
}

/// Throttling in one account does not hold back the others: the uat account's every request
/// is answered with a throttling error three times before it gets through, the dev and qa
/// accounts are not throttled. Each account's session has its own retry budget and adaptive
/// rate limiter (which slows a throttled account down to a crawl), so dev and qa are complete
/// and correct (no collection error, no UNKNOWN, the gate passes, each call within
/// `--call-timeout`), whatever uat went through; uat either completed through its retries or is
/// recorded with its collection errors and fails closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_scan_throttled_account_does_not_hold_back_the_others() {
    use support::seed_org::*;
    let moto = Moto::start();
    let mgmt = Clients::new(&moto.endpoint, "testing", "testing").await;
    let root = create_organisation(&mgmt).await;
    let mut ids = Vec::new();
    for env in ["dev", "qa", "uat"] {
        let id = create_member(&mgmt, &format!("ff-{env}"), &root, &root, &[("flowforge:env", env)]).await;
        let member = member_clients(&mgmt, &id).await;
        Box::pin(seed::seed(&member, env)).await;
        add_audit_role(&member).await;
        ids.push(id);
    }
    let (dev, qa, uat) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    let throttle = [(uat.clone(), 3)].into_iter().collect();
    let rules = support::proxy::Rules { throttle, ..Default::default() };
    let proxy = support::proxy::Proxy::start(moto.apprunner.port, rules);
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_dir = tmp.path().join("out");
    let out = cli(&moto, "testing", "testing")
        .env("AWS_ENDPOINT_URL", &proxy.endpoint)
        .args(["scan", "--org", "--endpoint-url", &proxy.endpoint, "--region", REGION, "--no-progress"])
        .args(["--format", "json", "--max-accounts", "3", "--max-attempts", "4", "--call-timeout", "30"])
        .arg("--accounts")
        .arg(ids.join(","))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("run flowforge-audit");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let throttled = proxy.throttled.lock().expect("throttled").clone();
    assert!(throttled.get(&uat).copied().unwrap_or(0) > 0, "uat was throttled: {throttled:?}\n{stderr}");
    assert_eq!(throttled.len(), 1, "only uat was throttled: {throttled:?}");
    let summary = read_json(&out_dir.join("org-summary.json"));
    for (id, env) in [(&dev, "dev"), (&qa, "qa")] {
        let r = record(&summary, id);
        let report = read_json(&out_dir.join(id.as_str()).join("flowforge-audit.json"));
        assert_eq!(r["state"], "audited", "{r:#}\n{stderr}");
        assert_eq!(r["environment"], env);
        assert_eq!(r["collection_errors"], 0, "{id}: {:#}\n{stderr}", report["collection_errors"]);
        assert_eq!(r["unknown"], 0, "{id}:\n{}", describe(&results_with(&report, "UNKNOWN")));
        assert_eq!(r["gate_passed"], true, "{r:#}");
    }
    // uat requires a complete audit: an UNKNOWN fails its gate.
    let heavy = record(&summary, &uat);
    assert_eq!(heavy["state"], "audited", "{heavy:#}\n{stderr}");
    if heavy["collection_errors"] == 0 {
        assert_eq!(heavy["gate_passed"], true, "completed through its retries: {heavy:#}");
    } else {
        // What the retries could not get (throttled, or still waiting for the rate limiter
        // when the call's time was up) is recorded, and the gate fails closed.
        let report = read_json(&out_dir.join(&uat).join("flowforge-audit.json"));
        let codes: BTreeSet<String> = report["collection_errors"]
            .as_array()
            .expect("collection errors")
            .iter()
            .filter_map(|e| e["error_code"].as_str().map(str::to_owned))
            .collect();
        let expected = ["Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown", "Timeout"];
        assert!(!codes.is_empty() && codes.iter().all(|c| expected.contains(&c.as_str())), "{codes:?}");
        assert!(heavy["unknown"].as_u64().unwrap_or(0) > 0, "{heavy:#}");
        assert_eq!(heavy["gate_passed"], false, "fail closed: {heavy:#}");
    }
}

/// `--region all` collects every region EC2 DescribeRegions lists, and the global services
/// once (IAM is listed once, a regional listing once per region).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn region_all_is_every_enabled_region_and_global_services_once() {
    let moto = Moto::start();
    let clients = Clients::new(&moto.endpoint, "testing", "testing").await;
    let listed = clients.ec2.describe_regions().send().await.expect("describe regions");
    let mut expected: Vec<String> =
        listed.regions().iter().filter_map(|r| r.region_name().map(str::to_owned)).collect();
    expected.sort();
    assert!(expected.len() > 1, "moto lists several regions: {expected:?}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (snap, stats) = (tmp.path().join("snap.json"), tmp.path().join("calls.json"));
    let out = cli(&moto, "testing", "testing")
        .args(["collect", "--endpoint-url", &moto.endpoint, "--region", "all", "--no-progress"])
        .arg("--out")
        .arg(&snap)
        .arg("--api-stats")
        .arg(&stats)
        .output()
        .expect("collect");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let snapshot = read_json(&snap);
    let regions: Vec<&str> =
        snapshot["regions"].as_array().expect("regions").iter().filter_map(Value::as_str).collect();
    assert_eq!(regions, expected);
    let calls = read_json(&stats);
    assert_eq!(calls["ec2:DescribeRegions"], 1);
    // A global service once, not once per region: the counts are attempts, and under load moto
    // answers some calls with HTTP 500, which the SDK retries (at most 5 attempts a call, the session default).
    let global = calls["iam:GetAccountAuthorizationDetails"].as_u64().unwrap_or(0);
    assert!((1..=5).contains(&global), "a global service is collected once: {calls:#}");
    // A regional one in every region, once (moto answers some of the 38 x 17 concurrent
    // listings with HTTP 500, and those are retried: a few more attempts, never a second pass).
    let vpcs = calls["ec2:DescribeVpcs"].as_u64().unwrap_or(0) as usize;
    assert!(vpcs >= expected.len() && vpcs < 2 * expected.len(), "a regional one once per region: {calls:#}");
}

/// Seeds the organisation of `scripts/bench-org.sh` into the moto that script started
/// (`FLOWFORGE_SEED_ENDPOINT`): `FLOWFORGE_BENCH_ACCOUNTS` member accounts (default 20), each
/// a FlowForge environment of its own (`t01`, ...), plus one empty member the script fills
/// with 1,000 resources of each kind. Writes into `FLOWFORGE_BENCH_DIR`: `tenants.yaml` (the
/// baseline), `seeded.txt` (the seeded accounts) and `big.txt` (the big account's id and
/// keys). Not part of the suite: the script runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by scripts/bench-org.sh against the moto it starts"]
async fn seed_bench_org() {
    use support::seed_org::*;
    let endpoint =
        std::env::var("FLOWFORGE_SEED_ENDPOINT").expect("FLOWFORGE_SEED_ENDPOINT (set by scripts/bench-org.sh)");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "the benchmark seeds a loopback emulator only, not {endpoint}");
    let dir = std::path::PathBuf::from(std::env::var("FLOWFORGE_BENCH_DIR").expect("FLOWFORGE_BENCH_DIR"));
    let n: usize = std::env::var("FLOWFORGE_BENCH_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let mgmt = Clients::new(&endpoint, "testing", "testing").await;
    let root = create_organisation(&mgmt).await;
    let tenants: Vec<String> = (1..=n).map(|i| format!("t{i:02}")).collect();
    tenant_baseline(&dir, &tenants);
    let mut seeded = String::new();
    for env in &tenants {
        let id = create_member(&mgmt, &format!("ff-{env}"), &root, &root, &[("flowforge:env", env.as_str())]).await;
        let member = member_clients(&mgmt, &id).await;
        Box::pin(seed::seed(&member, env)).await;
        add_audit_role(&member).await;
        seeded.push_str(&format!("{id}\n"));
    }
    std::fs::write(dir.join("seeded.txt"), seeded).expect("seeded.txt");
    let big = create_member(&mgmt, "ff-big", &root, &root, &[("flowforge:env", "dev")]).await;
    let member = member_clients(&mgmt, &big).await;
    add_audit_role(&member).await;
    let sts = aws_sdk_sts::Client::new(&mgmt.conf);
    let creds = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{big}:role/{AUDIT_ROLE}"))
        .role_session_name("bench-seed")
        .send()
        .await
        .expect("assume role");
    let c = creds.credentials().expect("credentials");
    std::fs::write(dir.join("big.txt"), format!("{big} {} {}\n", c.access_key_id(), c.secret_access_key()))
        .expect("big.txt");
}

/// The routing proxy of the org benchmark makes two moto processes act as one organisation:
/// an AssumeRole lands in the process that owns the account, requests signed with the key it
/// hands out follow it (written there, read back there), and the management keys stay on
/// upstream 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_proxy_sends_each_account_to_its_moto() {
    let (m0, m1) = (Moto::start(), Moto::start());
    let proxy = support::proxy::Proxy::start_routed(&[m0.port, m1.port], Default::default());
    let mgmt = Clients::new(&proxy.endpoint, "testing", "testing").await;
    // Account id modulo 2 picks the upstream: the even account is moto 0's, the odd one moto 1's.
    let (even, odd) = ("111111111110", "111111111111");
    let assume = |account: &str| {
        let sts = aws_sdk_sts::Client::new(&mgmt.conf);
        let arn = format!("arn:aws:iam::{account}:role/FlowForgeAudit");
        async move {
            let out = sts.assume_role().role_arn(arn).role_session_name("routing").send().await.expect("assume role");
            let c = out.credentials().expect("credentials");
            (c.access_key_id().to_owned(), c.secret_access_key().to_owned())
        }
    };
    let (even_key, odd_key) = (assume(even).await, assume(odd).await);
    let users = |endpoint: String, (key, secret): (String, String)| async move {
        let c = Clients::new(&endpoint, &key, &secret).await;
        let out = c.iam.list_users().send().await.expect("list users");
        out.users().iter().map(|u| u.user_name().to_owned()).collect::<Vec<_>>()
    };
    let testing = || ("testing".to_owned(), "testing".to_owned());
    for (keys, name) in [(testing(), "mgmt-user"), (even_key.clone(), "even-user"), (odd_key.clone(), "odd-user")] {
        let c = Clients::new(&proxy.endpoint, &keys.0, &keys.1).await;
        c.iam.create_user().user_name(name).send().await.expect("create user through the proxy");
    }
    // Through the proxy, each account reads back its own user.
    assert_eq!(users(proxy.endpoint.clone(), testing()).await, ["mgmt-user"]);
    assert_eq!(users(proxy.endpoint.clone(), even_key.clone()).await, ["even-user"]);
    assert_eq!(users(proxy.endpoint.clone(), odd_key.clone()).await, ["odd-user"]);
    // In the processes themselves: the odd account and its key live in moto 1 only, the
    // management account and the even one in moto 0 (moto takes an unknown key for its default
    // account, the management account).
    let direct = |port: u16| format!("http://127.0.0.1:{port}");
    assert_eq!(users(direct(m0.port), testing()).await, ["mgmt-user"]);
    assert_eq!(users(direct(m0.port), even_key).await, ["even-user"]);
    assert_eq!(users(direct(m1.port), odd_key.clone()).await, ["odd-user"]);
    assert!(users(direct(m1.port), testing()).await.is_empty(), "the management account's user is not in moto 1");
    assert_eq!(users(direct(m0.port), odd_key).await, ["mgmt-user"], "moto 0 does not know the odd account's key");
    // Moto 1 saw exactly the odd account's AssumeRole, CreateUser and ListUsers.
    let routed: Vec<u64> = proxy.routed.iter().map(|n| n.load(std::sync::atomic::Ordering::Relaxed)).collect();
    assert_eq!(routed, [5, 3], "requests per upstream");

    // A fresh proxy routes a placed account where it was placed (the odd one on moto 0 now), and
    // with `balance` a new account goes to the upstream with fewer accounts (moto 1), not to its
    // id modulo 2 (moto 0).
    let rules = support::proxy::Rules {
        placed: [(odd.to_owned(), 0)].into_iter().collect(),
        balance: true,
        ..Default::default()
    };
    let proxy = support::proxy::Proxy::start_routed(&[m0.port, m1.port], rules);
    let mgmt = Clients::new(&proxy.endpoint, "testing", "testing").await;
    let sts = aws_sdk_sts::Client::new(&mgmt.conf);
    for (account, user) in [(odd, "odd-on-0"), ("222222222222", "new-on-1")] {
        let out = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/FlowForgeAudit"))
            .role_session_name("routing")
            .send()
            .await
            .expect("assume role");
        let c = out.credentials().expect("credentials");
        let keys = (c.access_key_id().to_owned(), c.secret_access_key().to_owned());
        let member = Clients::new(&proxy.endpoint, &keys.0, &keys.1).await;
        member.iam.create_user().user_name(user).send().await.expect("create user through the proxy");
        let port = if user.ends_with("-on-0") { m0.port } else { m1.port };
        assert_eq!(users(direct(port), keys).await, [user], "{account} is served by the moto on {port}");
    }
    let placed = proxy.placed.lock().expect("placed").clone();
    let expected: std::collections::BTreeMap<String, usize> =
        [(odd.to_owned(), 0), ("222222222222".to_owned(), 1)].into_iter().collect();
    assert_eq!(placed, expected, "placements");
}

/// Not a test: the routing latency proxy `scripts/bench-org.sh` puts in front of its moto
/// processes (see `support::proxy`). Configured by the environment:
/// `FLOWFORGE_PROXY_UPSTREAMS` (comma-separated `http://127.0.0.1:PORT`, the management
/// account's first), `FLOWFORGE_PROXY_DELAY_MS` (added to every answer),
/// `FLOWFORGE_PROXY_PORT` (default: a free one), `FLOWFORGE_PROXY_ACCOUNTS` (optional: a file of
/// `account upstream` lines, read if it exists; new accounts are then balanced over the
/// upstreams, and the file is rewritten on stop) and `FLOWFORGE_PROXY_DIR`, where it writes
/// `endpoint` (once it listens) and `pid`, then serves until a file `stop` appears there, and
/// then writes `calls`: the requests it answered, then the requests per upstream.
#[test]
#[ignore = "run by scripts/bench-org.sh in front of the moto processes it starts"]
fn bench_proxy() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set (scripts/bench-org.sh sets it)"));
    let upstreams: Vec<u16> = var("FLOWFORGE_PROXY_UPSTREAMS")
        .split(',')
        .map(|u| {
            u.strip_prefix("http://127.0.0.1:")
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("an upstream is a loopback endpoint http://127.0.0.1:PORT, not {u:?}"))
        })
        .collect();
    let delay: u64 = var("FLOWFORGE_PROXY_DELAY_MS").parse().expect("FLOWFORGE_PROXY_DELAY_MS is milliseconds");
    let port: u16 = std::env::var("FLOWFORGE_PROXY_PORT").map_or(0, |p| p.parse().expect("FLOWFORGE_PROXY_PORT"));
    let dir = std::path::PathBuf::from(var("FLOWFORGE_PROXY_DIR"));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind the proxy's loopback port");
    // Placements: read from the file if it exists (a previous proxy's), balanced for new
    // accounts, and written back when the proxy stops.
    let accounts = std::env::var_os("FLOWFORGE_PROXY_ACCOUNTS").map(std::path::PathBuf::from);
    let placed = accounts
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|text| {
            text.lines()
                .filter_map(|l| l.split_once(' '))
                .map(|(a, i)| {
                    (a.to_owned(), i.trim().parse().expect("FLOWFORGE_PROXY_ACCOUNTS: `account upstream` lines"))
                })
                .collect()
        })
        .unwrap_or_default();
    let rules = support::proxy::Rules {
        latency: std::time::Duration::from_millis(delay),
        placed,
        balance: accounts.is_some(),
        ..Default::default()
    };
    let proxy = support::proxy::Proxy::start_on(listener, &upstreams, rules);
    assert!(proxy.endpoint.starts_with("http://127.0.0.1:"), "loopback only: {}", proxy.endpoint);
    std::fs::write(dir.join("pid"), format!("{}\n", std::process::id())).expect("pid file");
    // Written whole, then renamed: the script never reads half an endpoint.
    std::fs::write(dir.join("endpoint.part"), &proxy.endpoint).expect("endpoint file");
    std::fs::rename(dir.join("endpoint.part"), dir.join("endpoint")).expect("endpoint file");
    while !dir.join("stop").exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let routed: Vec<String> =
        proxy.routed.iter().map(|n| n.load(std::sync::atomic::Ordering::Relaxed).to_string()).collect();
    let calls = format!("{}\n{}\n", proxy.requests.load(std::sync::atomic::Ordering::Relaxed), routed.join(" "));
    if let Some(file) = accounts {
        let placed = proxy.placed.lock().expect("placed").clone();
        let text: String = placed.iter().map(|(a, i)| format!("{a} {i}\n")).collect();
        std::fs::write(file, text).expect("FLOWFORGE_PROXY_ACCOUNTS file");
    }
    std::fs::write(dir.join("calls"), calls).expect("calls file");
}

/// The seeded IAM corpus cases (`tests/data/corpus/iam/`, `seed: true`) get their labelled
/// verdict through `scan`, by exact check id and role or resource ARN. They are seeded into a
/// compliant FlowForge account, so that checks reading the whole account (FF-KMS-003 finds
/// the keys FlowForge uses across many collections) judge them rather than report UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_corpus_through_scan() {
    let moto = Moto::start();
    let (clients, _) = seeded(&moto).await;
    let cases = support::seed_corpus_iam::seed_corpus_iam(&clients).await;
    assert!(cases.len() >= 18, "at least 18 corpus cases are seeded, found {}", cases.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let results = report["results"].as_array().expect("results");
    let mut wrong = Vec::new();
    for case in &cases {
        let got = results
            .iter()
            .find(|r| r["check_id"] == case.check.as_str() && r["resource_arn"] == case.arn.as_str())
            .map(|r| {
                format!("{} ({})", r["status"].as_str().unwrap_or_default(), r["message"].as_str().unwrap_or_default())
            })
            .unwrap_or_else(|| "no result".to_owned());
        if got.split(' ').next() != Some(case.verdict.as_str()) {
            wrong.push(format!(
                "{}: {} on {} expected {}, scan says {got}",
                case.file, case.check, case.arn, case.verdict
            ));
        }
    }
    assert!(wrong.is_empty(), "seeded corpus verdicts differ:\n{}", wrong.join("\n"));
}

/// FF-S3-007 and FF-SM-003: a bucket or secret whose resource policy could not be read
/// (GetBucketPolicy, GetResourcePolicy denied) is UNKNOWN, never PASS, even when the policy
/// is public.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_policy_unread_is_unknown() {
    let moto = Moto::start();
    let (clients, _) = seeded(&moto).await;
    let cases = support::seed_corpus_iam::seed_corpus_iam(&clients).await;
    let (key_id, secret) =
        support::scanner_denied_actions(&clients, &moto, &["s3:GetBucketPolicy", "secretsmanager:GetResourcePolicy"])
            .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    let results = report["results"].as_array().expect("results");
    let mut judged = 0;
    for case in cases.iter().filter(|c| c.check == "FF-S3-007" || c.check == "FF-SM-003") {
        let got = results
            .iter()
            .find(|r| r["check_id"] == case.check.as_str() && r["resource_arn"] == case.arn.as_str())
            .and_then(|r| r["status"].as_str())
            .unwrap_or("no result");
        assert_eq!(got, "UNKNOWN", "{}: {} on {} with its policy unread", case.file, case.check, case.arn);
        judged += 1;
    }
    assert!(judged >= 4, "bucket and secret corpus cases are seeded, found {judged}");
}

/// Compute (ECS, ECR, IRSA, EKS data plane): every compute drift at once, each on its own
/// resource; each drifted resource FAILs exactly its checks, nothing else FAILs, and the prod
/// gate fails. With the compliant seed (`compliant_account_has_no_fail`) the same checks PASS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_drifts_fail_exactly_their_checks() {
    use support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let mut expected: std::collections::BTreeMap<String, BTreeSet<&str>> = std::collections::BTreeMap::new();
    for drift in ComputeDrift::ALL {
        for (arn, checks) in s.compute.inject(&clients, &moto.apprunner, &s, drift).await {
            expected.entry(arn).or_default().extend(checks);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let mut failed: std::collections::BTreeMap<String, BTreeSet<&str>> = std::collections::BTreeMap::new();
    for f in results_with(&report, "FAIL") {
        let id = f["check_id"].as_str().unwrap_or_default();
        failed.entry(f["resource_arn"].as_str().unwrap_or_default().to_owned()).or_default().insert(id);
    }
    assert_eq!(failed, expected, "FAILs by resource:\n{}", describe(&results_with(&report, "FAIL")));
    let unknown = results_with(&report, "UNKNOWN");
    assert!(unknown.is_empty(), "nothing may be UNKNOWN:\n{}", describe(&unknown));
    assert_eq!(out.status.code(), Some(1), "a prod FAIL fails the gate");
}

/// Compute: a scanner denied ECR makes every ECR check and the ECS image check (which reads
/// the repositories) UNKNOWN, never PASS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_denied_ecr_is_unknown() {
    let moto = Moto::start();
    let (clients, _s) = seeded(&moto).await;
    let (key_id, secret) = support::scanner_denied(&clients, &moto, "ecr").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    let ids = |status: &str| -> BTreeSet<String> {
        results_with(&report, status).iter().filter_map(|r| r["check_id"].as_str().map(str::to_owned)).collect()
    };
    let unknown = ids("UNKNOWN");
    for id in ["FF-ECR-001", "FF-ECR-002", "FF-ECR-003", "FF-ECR-004", "FF-ECR-005", "FF-ECS-004"] {
        assert!(unknown.contains(id), "{id} must be UNKNOWN: {unknown:?}");
        assert!(!ids("PASS").contains(id), "{id} must not PASS with ECR denied");
    }
    assert_eq!(out.status.code(), Some(1), "prod requires a complete audit");
}

/// The status each result of `check` has, by resource ARN.
fn statuses<'a>(report: &'a Value, check: &str) -> std::collections::BTreeMap<&'a str, &'a str> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check_id"] == check)
        .map(|r| (r["resource_arn"].as_str().unwrap_or_default(), r["status"].as_str().unwrap_or_default()))
        .collect()
}

/// IMDS of node groups (FF-EKS-006) on moto: the compliant workers' template (tokens
/// required, hop limit 1, named by number) PASSes; a node group on `$Latest` of a template
/// whose latest version allows IMDSv1 FAILs, which only a correct `$Latest` resolution finds
/// (its default version is compliant).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imds_node_group_templates_fail_on_imdsv1_and_pass_compliant() {
    use support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let drifted = s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::LegacyImdsNodeGroup).await;
    let legacy = drifted[0].0.as_str();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let got = statuses(&report, "FF-EKS-006");
    let expected = std::collections::BTreeMap::from([(s.compute.node_group_arn.as_str(), "PASS"), (legacy, "FAIL")]);
    assert_eq!(got, expected, "{}", describe(&results_with(&report, "FAIL")));
    let fail = results_with(&report, "FAIL").into_iter().find(|r| r["check_id"] == "FF-EKS-006").expect("the FAIL");
    assert!(fail["message"].as_str().unwrap_or_default().contains("version 2"), "{fail}");
}

/// IMDS of node groups, fail closed: when the workers' launch template is deleted, FF-EKS-006
/// is UNKNOWN on the node group (never PASS) and the failed call is recorded under the
/// template's ARN, while the node group's other checks (FF-EKS-005) still judge it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imds_deleted_launch_template_is_unknown() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    clients
        .ec2
        .delete_launch_template()
        .launch_template_id(&s.compute.workers_template_id)
        .send()
        .await
        .expect("delete template");
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let group = s.compute.node_group_arn.as_str();
    assert_eq!(statuses(&report, "FF-EKS-006").get(group), Some(&"UNKNOWN"), "{report}");
    assert_eq!(statuses(&report, "FF-EKS-005").get(group), Some(&"PASS"));
    let errors = report["collection_errors"].as_array().expect("collection errors");
    assert!(
        errors.iter().any(|e| e["operation"] == "DescribeLaunchTemplateVersions"
            && e["resource"].as_str().is_some_and(|r| r.ends_with(&s.compute.workers_template_id))),
        "the failed read is recorded under the template: {errors:?}"
    );
    assert_eq!(out.status.code(), Some(1), "prod requires a complete audit");
}

/// Compute: the ECS, ECR, App Runner, node-group and OIDC-provider collection makes exactly
/// the calls the APIs require for the seeded account (batched descriptions, one call per
/// resource only where the API has no batch form), so its calls per resource stay at the
/// minimum, well within 1.3 times it (README, "Performance").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_api_calls_per_resource_are_minimal() {
    use support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    // A second node group and an App Runner service, so every listing returns something.
    s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::PublicNodeGroup).await;
    s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::AppRunnerDemo).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let stats = dir.path().join("calls.json");
    let snap = dir.path().join("snapshot.json");
    let (stats_arg, snap_arg) = (stats.to_str().expect("utf-8").to_owned(), snap.to_str().expect("utf-8").to_owned());
    let reports = dir.path().join("reports");
    scan(
        &moto,
        "testing",
        "testing",
        &reports,
        &["--format", "json", "--api-stats", &stats_arg, "--save-snapshot", &snap_arg],
    );
    let calls: std::collections::BTreeMap<String, u64> =
        serde_json::from_str(&std::fs::read_to_string(&stats).expect("api stats")).expect("api stats JSON");
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&snap).expect("snapshot")).expect("snapshot JSON");
    let n = |path: &[&str]| path.iter().fold(&snap, |v, k| &v[*k]).as_array().map_or(0, Vec::len) as u64;
    let (clusters, services, task_defs) =
        (n(&["ecs", "clusters"]), n(&["ecs", "services"]), n(&["ecs", "task_definitions"]));
    let (repos, runners) = (n(&["ecr", "repositories"]), n(&["apprunner", "services"]));
    let (groups, profiles, providers) =
        (n(&["eks", "node_groups"]), n(&["eks", "fargate_profiles"]), n(&["iam", "oidc_providers"]));
    let eks_clusters = n(&["eks", "clusters"]);
    // The launch templates the node groups name (both groups share the workers' template).
    let templates = snap["eks"]["node_groups"]
        .as_array()
        .map(|gs| gs.iter().filter_map(|g| g["launch_template"]["id"].as_str()).collect::<BTreeSet<_>>().len())
        .unwrap_or(0) as u64;
    assert_eq!((clusters, services, task_defs, repos, runners, groups, providers), (1, 1, 1, 2, 1, 2, 1));
    assert_eq!(templates, 1, "both node groups start from the workers' template");
    let ops = [
        "ecs:ListClusters",
        "ecs:DescribeClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecr:DescribeRepositories",
        "ecr:GetRegistryScanningConfiguration",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
        "apprunner:ListServices",
        "apprunner:DescribeService",
        "eks:ListNodegroups",
        "eks:DescribeNodegroup",
        "eks:ListFargateProfiles",
        "eks:DescribeFargateProfile",
        "iam:ListOpenIDConnectProviders",
        "iam:GetOpenIDConnectProvider",
        "ec2:DescribeLaunchTemplateVersions",
    ];
    let made: u64 = ops.iter().map(|op| calls.get(*op).copied().unwrap_or(0)).sum();
    // What the APIs require: one listing per region (per cluster for services, node groups
    // and profiles), DescribeClusters per 100 clusters, DescribeServices per 10 services, one
    // description per task definition, App Runner service, node group, profile and provider,
    // and two policy reads per repository plus the registry's scanning mode; one read of
    // each launch template node groups name, for all the versions they name.
    let minimum = 1
        + clusters.div_ceil(100)
        + clusters
        + services.div_ceil(10)
        + task_defs
        + 1
        + 1
        + 2 * repos
        + 1
        + runners
        + 2 * eks_clusters
        + groups
        + profiles
        + 1
        + providers
        + templates;
    let resources = clusters + services + task_defs + repos + runners + groups + profiles + providers;
    eprintln!(
        "compute: {made} calls for {resources} resources ({:.2} per resource), minimum {minimum} ({:.2}); {calls:?}",
        made as f64 / resources as f64,
        minimum as f64 / resources as f64
    );
    assert!(made * 10 <= minimum * 13, "{made} calls, minimum {minimum}: {calls:?}");
    assert_eq!(made, minimum, "no call beyond what the APIs require: {calls:?}");
}

/// The network corpus's security-group cases, seeded as real groups: `scan` gives each the
/// labelled verdict (FAIL when the union of its ranges opens the port to the internet).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_semantics_corpus_cases_end_to_end() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let cases = support::seed_corpus_network::seed_corpus(&clients, &s).await;
    assert!(cases.len() >= 8, "at least 8 corpus cases seeded, got {}", cases.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let results = report["results"].as_array().expect("results");
    let mut wrong = Vec::new();
    for case in &cases {
        let suffix = format!("security-group/{}", case.group_id);
        let got = results
            .iter()
            .find(|r| {
                r["check_id"] == case.check_id && r["resource_arn"].as_str().is_some_and(|a| a.ends_with(&suffix))
            })
            .map(|r| r["status"].as_str().unwrap_or_default().to_owned());
        let want = if case.expect_fail { "FAIL" } else { "PASS" };
        if got.as_deref() != Some(want) {
            wrong.push(format!("{} ({}): {} is {got:?}, labelled {want}", case.case_id, case.group_id, case.check_id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// NACL drift: SSH admitted from the internet by the application ACL fails FF-NET-004 on that
/// ACL only (the compliant seed passes it: `compliant_account_has_no_fail`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_semantics_nacl_admin_port_drift() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let acl = support::seed_corpus_network::drift_nacl_admin(&clients, &s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let ids: Vec<(&str, &str)> =
        fails.iter().filter_map(|f| Some((f["check_id"].as_str()?, f["resource_arn"].as_str()?))).collect();
    assert_eq!(ids.len(), 1, "{}", describe(&fails));
    assert_eq!(ids[0].0, "FF-NET-004");
    assert!(ids[0].1.ends_with(&format!("network-acl/{acl}")), "{ids:?}");
}

/// NACL drift: without its deny rule the database ACL admits 5432 from the whole VPC through
/// the later return-traffic allow (rule order): FF-NET-005 fails on that ACL only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_semantics_nacl_database_drift() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let acl = support::seed_corpus_network::drift_nacl_database(&clients, &s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let ids: Vec<(&str, &str)> =
        fails.iter().filter_map(|f| Some((f["check_id"].as_str()?, f["resource_arn"].as_str()?))).collect();
    assert_eq!(ids.len(), 1, "{}", describe(&fails));
    assert_eq!(ids[0].0, "FF-NET-005");
    assert!(ids[0].1.ends_with(&format!("network-acl/{acl}")), "{ids:?}");
}

// ------------------------------------------------------------ perimeter (issue 13 items 2-5)

/// The perimeter checks, each with the drift that must fail it.
const PERIMETER: [(&str, Drift); 7] = [
    ("FF-WAF-001", Drift::Waf),
    ("FF-WAF-002", Drift::WafLogging),
    ("FF-ACM-001", Drift::Certificate),
    ("FF-CW-001", Drift::Alarm),
    ("FF-SNS-001", Drift::AlarmTopic),
    ("FF-LOGS-001", Drift::LogRetention),
    ("FF-LOGS-002", Drift::LogKms),
];

/// The compliant seed PASSes every perimeter check, each on the seeded resource it targets
/// (so a check that silently matches nothing cannot pass this test).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_compliant_seed_passes_each_check() {
    let moto = Moto::start();
    let (_, s) = seeded(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    for (id, drift) in PERIMETER {
        let arn = s.perimeter.compliant_arn(drift);
        let mine: Vec<&Value> = report["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["check_id"] == id && r["status"] != "NOT_APPLICABLE")
            .collect();
        assert!(
            mine.iter().any(|r| r["status"] == "PASS" && r["resource_arn"] == arn.as_str()),
            "{id} must PASS on {arn}:\n{}",
            describe(&mine)
        );
        assert!(
            mine.iter().all(|r| r["status"] == "PASS"),
            "{id}: only PASS on the compliant seed:\n{}",
            describe(&mine)
        );
    }
}

/// WAF: an ALB without its web ACL fails FF-WAF-001 on the association.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_waf() {
    drift_fails_exactly(Drift::Waf, &["network"], &["FF-WAF-001"]).await;
}

/// WAF logging: a web ACL that stopped logging fails FF-WAF-002 on the web ACL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_waf_logging() {
    drift_fails_exactly(Drift::WafLogging, &["hygiene"], &["FF-WAF-002"]).await;
}

/// Certificate: a listener certificate outside the FlowForge domain fails FF-ACM-001 on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_certificate() {
    drift_fails_exactly(Drift::Certificate, &["tls"], &["FF-ACM-001"]).await;
}

/// Alarms: a declared alarm with its actions disabled fails FF-CW-001 on that alarm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_alarm() {
    drift_fails_exactly(Drift::Alarm, &["hygiene"], &["FF-CW-001"]).await;
}

/// SNS: the alarm topic without its KMS key fails FF-SNS-001 on the topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_alarm_topic() {
    drift_fails_exactly(Drift::AlarmTopic, &["encryption"], &["FF-SNS-001"]).await;
}

/// Logs: a FlowForge log group keeping 7 days fails FF-LOGS-001 on that group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_log_retention() {
    drift_fails_exactly(Drift::LogRetention, &["hygiene"], &["FF-LOGS-001"]).await;
}

/// Logs: a FlowForge log group without KMS fails FF-LOGS-002 on that group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_drift_log_kms() {
    drift_fails_exactly(Drift::LogKms, &["encryption"], &["FF-LOGS-002"]).await;
}

/// One perimeter service denied to the scanner: every check judging one of its collections is
/// UNKNOWN on every resource (never PASS), and the prod gate fails.
async fn perimeter_denied_is_unknown(service: &str, part: &str) {
    let moto = Moto::start();
    let (clients, _s) = seeded(&moto).await;
    let (key_id, secret) = support::scanner_denied(&clients, &moto, service).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    let checks: BTreeSet<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["collection"].as_str().is_some_and(|x| x.starts_with(&format!("{part}."))))
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(!checks.is_empty(), "checks of {part}");
    let mine: Vec<&Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| checks.contains(r["check_id"].as_str().unwrap_or_default()))
        .collect();
    let unknown: BTreeSet<&str> =
        mine.iter().filter(|r| r["status"] == "UNKNOWN").filter_map(|r| r["check_id"].as_str()).collect();
    assert_eq!(unknown, checks, "every {part} check is UNKNOWN:\n{}", describe(&mine));
    let passed: Vec<&Value> = mine.iter().copied().filter(|r| r["status"] == "PASS").collect();
    assert!(passed.is_empty(), "a denied service never PASSes:\n{}", describe(&passed));
    assert_eq!(out.status.code(), Some(1), "prod requires a complete audit");
}

/// WAF denied: FF-WAF-001 and FF-WAF-002 are UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_denied_wafv2_is_unknown() {
    perimeter_denied_is_unknown("wafv2", "wafv2").await;
}

/// ACM denied: FF-ACM-001 is UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_denied_acm_is_unknown() {
    perimeter_denied_is_unknown("acm", "acm").await;
}

/// CloudWatch denied: FF-CW-001 is UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_denied_cloudwatch_is_unknown() {
    perimeter_denied_is_unknown("cloudwatch", "cloudwatch").await;
}

/// SNS denied: FF-SNS-001 is UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_denied_sns_is_unknown() {
    perimeter_denied_is_unknown("sns", "sns").await;
}

/// CloudWatch Logs denied: FF-LOGS-001 and FF-LOGS-002 are UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perimeter_denied_logs_is_unknown() {
    perimeter_denied_is_unknown("logs", "logs").await;
}

// ---------------------------------------------------------------- backups, parameters, trail, keys

use support::seed_backups::BackupDrift;

/// One backup-side drift: the FAILs are exactly `drift.expected()` (check id and resource),
/// nothing is UNKNOWN, and the prod gate fails when a FAIL is of medium severity or above.
async fn backups_drift_fails_exactly(drift: BackupDrift) {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    drift.inject(&clients, &s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let mut got: Vec<(String, String)> = fails
        .iter()
        .map(|f| {
            (
                f["check_id"].as_str().unwrap_or_default().to_owned(),
                f["resource_arn"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String)> = drift.expected(&s).into_iter().map(|(c, a)| (c.to_owned(), a)).collect();
    assert_eq!(got, want, "{drift:?}: the FAILs\n{}", describe(&fails));
    let unknown = results_with(&report, "UNKNOWN");
    assert!(unknown.is_empty(), "{drift:?}: nothing may be UNKNOWN:\n{}", describe(&unknown));
    // prod fails the gate on FAILs of medium severity and above (FF-RDS-007 and FF-S3-006 are low).
    if fails.iter().any(|f| matches!(f["severity"].as_str(), Some("critical" | "high" | "medium"))) {
        assert_eq!(out.status.code(), Some(1), "a prod FAIL fails the gate");
    }
}

/// The compliant seed PASSes every backup, parameter, trail and key check on its resources.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_compliant_checks_pass() {
    let moto = Moto::start();
    let (_clients, s) = seeded(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    for drift in BackupDrift::ALL {
        for (check, arn) in drift.expected(&s) {
            if check == "FF-S3-003" {
                continue;
            }
            // Resources that only a drift creates (a scratch snapshot, a new parameter) are
            // not in the compliant account; every other one PASSes.
            let rows: Vec<&Value> = report["results"]
                .as_array()
                .expect("results")
                .iter()
                .filter(|r| r["check_id"] == check && r["resource_arn"] == arn.as_str())
                .collect();
            let created_by_drift = matches!(
                drift,
                BackupDrift::SnapshotUnencrypted | BackupDrift::PlainParameter | BackupDrift::DefaultKeyParameter
            );
            if created_by_drift {
                assert!(rows.is_empty(), "{check} {arn} exists only after {drift:?}");
                assert!(
                    report["results"]
                        .as_array()
                        .expect("results")
                        .iter()
                        .any(|r| r["check_id"] == check && r["status"] == "PASS"),
                    "{check} PASSes on the compliant resources"
                );
            } else {
                assert_eq!(rows.len(), 1, "{check} judged {arn} once");
                assert_eq!(rows[0]["status"], "PASS", "{check} on {arn}: {}", rows[0]["message"]);
            }
        }
    }
}

/// FF-RDS-005: backups cut to 7 days fail in prod (14 required).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_rds_retention() {
    backups_drift_fails_exactly(BackupDrift::BackupRetention).await;
}

/// FF-RDS-006: deletion protection off fails in prod.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_rds_deletion_protection() {
    backups_drift_fails_exactly(BackupDrift::DeletionProtection).await;
}

/// FF-RDS-007: tags not copied to snapshots fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_rds_copy_tags() {
    backups_drift_fails_exactly(BackupDrift::CopyTags).await;
}

/// FF-RDS-008: an unencrypted snapshot fails on that snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_rds_snapshot_unencrypted() {
    backups_drift_fails_exactly(BackupDrift::SnapshotUnencrypted).await;
}

/// FF-RDS-009: a snapshot shared with `all` fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_rds_snapshot_public() {
    backups_drift_fails_exactly(BackupDrift::SnapshotPublic).await;
}

/// FF-S3-006: a lake bucket without a noncurrent-version lifecycle rule fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_s3_noncurrent_lifecycle() {
    backups_drift_fails_exactly(BackupDrift::NoLifecycle).await;
}

/// FF-SSM-001: a password stored as a String parameter fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_ssm_plain_string() {
    backups_drift_fails_exactly(BackupDrift::PlainParameter).await;
}

/// FF-SSM-002: a SecureString on aws/ssm fails in prod.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_ssm_default_key() {
    backups_drift_fails_exactly(BackupDrift::DefaultKeyParameter).await;
}

/// FF-CT-001: a stopped trail leaves no multi-region trail logging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_trail_stopped() {
    backups_drift_fails_exactly(BackupDrift::TrailStopped).await;
}

/// FF-CT-002: log-file validation off fails on the trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_trail_validation() {
    backups_drift_fails_exactly(BackupDrift::TrailValidation).await;
}

/// FF-CT-003: a trail without its KMS key fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_trail_unencrypted() {
    backups_drift_fails_exactly(BackupDrift::TrailUnencrypted).await;
}

/// FF-CT-004: write-only management events fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_trail_write_only() {
    backups_drift_fails_exactly(BackupDrift::TrailWriteOnly).await;
}

/// FF-CT-005: the trail's bucket without any public access block fails (with FF-S3-003 on
/// the bucket: one rule, two checks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_trail_bucket_public() {
    backups_drift_fails_exactly(BackupDrift::TrailBucketPublic).await;
}

/// FF-KMS-001: a disabled FlowForge key fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_kms_disabled() {
    backups_drift_fails_exactly(BackupDrift::KeyDisabled).await;
}

/// FF-KMS-002: rotation off on the FlowForge key fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_kms_rotation() {
    backups_drift_fails_exactly(BackupDrift::KeyRotation).await;
}

/// FF-KMS-003: a key policy granting kms:* to everyone fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_kms_open_policy() {
    backups_drift_fails_exactly(BackupDrift::KeyPolicyOpen).await;
}

/// Denied SSM, CloudTrail and KMS calls make every check of those collections UNKNOWN,
/// never PASS (the collectors' UNKNOWN path).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_denied_services_are_unknown() {
    for service in ["ssm", "cloudtrail", "kms"] {
        let moto = Moto::start();
        let (clients, _s) = seeded(&moto).await;
        let (key_id, secret) = support::scanner_denied(&clients, &moto, service).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
        let checks: BTreeSet<&str> = report["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["collection"].as_str().is_some_and(|x| x.starts_with(&format!("{service}."))))
            .filter_map(|c| c["id"].as_str())
            .collect();
        assert!(!checks.is_empty(), "{service} has checks");
        for r in report["results"].as_array().expect("results") {
            if checks.contains(r["check_id"].as_str().unwrap_or_default()) {
                assert!(
                    r["status"] == "UNKNOWN" || r["status"] == "NOT_APPLICABLE",
                    "{service} denied: {} {} is {}",
                    r["check_id"],
                    r["resource_arn"],
                    r["status"]
                );
            }
        }
        let unknown: BTreeSet<&str> =
            results_with(&report, "UNKNOWN").iter().filter_map(|r| r["check_id"].as_str()).collect();
        assert!(checks.iter().any(|c| unknown.contains(c)), "{service} denied: some check is UNKNOWN");
    }
}

/// `scan --evidence DIR` writes a bundle in the same run (the snapshot it saved, byte for byte)
/// that `verify-evidence` accepts, so CI needs no second evaluation to build it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cicli_scan_evidence_bundle_verifies() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, Drift::Tls).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snapshot.json");
    let evidence = dir.path().join("evidence");
    let (out, _) = scan(
        &moto,
        "testing",
        "testing",
        &dir.path().join("reports"),
        &[
            "--format",
            "json,sarif",
            "--save-snapshot",
            snapshot.to_str().unwrap(),
            "--evidence",
            evidence.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the TLS drift fails the prod gate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read(&snapshot).expect("saved snapshot");
    let bundled = std::fs::read(evidence.join(flowforge_audit::evidence::SNAPSHOT)).expect("bundled snapshot");
    assert!(saved == bundled, "the bundle's snapshot differs from the one --save-snapshot wrote");
    let verify = cli(&moto, "testing", "testing").arg("verify-evidence").arg(&evidence).output().expect("verify");
    assert_eq!(
        verify.status.code(),
        Some(0),
        "verify-evidence:\n{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// Off a terminal (CI) progress is one summary line per service and region, aligned, with
/// its elapsed time, and nothing that redraws.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cicli_progress_off_terminal_is_one_line_per_service() {
    let moto = Moto::start();
    let _ = seeded(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(&moto, "testing", "testing")
        .args(["collect", "--endpoint-url", &moto.endpoint, "--region", REGION, "--out"])
        .arg(dir.path().join("s.json"))
        .output()
        .expect("collect");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" resource(s) in ")).collect();
    let services: BTreeSet<&str> = lines.iter().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(lines.len(), services.len(), "one line per service (one region):\n{err}");
    assert!(services.contains("elasticloadbalancing") && services.contains("iam"), "{err}");
    let columns: BTreeSet<usize> = lines.iter().filter_map(|l| l.find(REGION).or_else(|| l.find("global"))).collect();
    assert_eq!(columns.len(), 1, "the region column shifts:\n{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "no redrawing off a terminal:\n{err}");
}

// ------------------------------------------------------------------ Security Hub upload

/// The shipped example snapshots (account 123456789012, region eu-west-1, moto's default
/// account): `evaluate --security-hub` needs no seeding.
fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots").join(name)
}

/// A copy of an example snapshot with another `collected_at` (a later run).
fn example_at(dir: &Path, name: &str, collected_at: &str) -> std::path::PathBuf {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(example(name)).expect("example")).expect("json");
    v["collected_at"] = Value::from(collected_at);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&v).expect("json")).expect("write snapshot");
    path
}

/// `evaluate --security-hub` of `snapshot` against `endpoint`; returns the output and the JSON report.
fn shub_evaluate(moto: &Moto, endpoint: &str, snapshot: &Path, out: &Path) -> (Output, Value) {
    let output = cli(moto, "testing", "testing")
        .env("AWS_ENDPOINT_URL", endpoint)
        .args(["evaluate", "--env", "prod", "--format", "json", "--security-hub", "--snapshot"])
        .arg(snapshot)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run flowforge-audit");
    let text = std::fs::read_to_string(out.join("flowforge-audit.json")).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, serde_json::from_str(&text).expect("report JSON"))
}

fn shub_text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every finding moto's Security Hub holds in `region`, by Id, read back with GetFindings.
async fn shub_findings(
    moto: &Moto,
    region: &str,
) -> std::collections::BTreeMap<String, aws_sdk_securityhub::types::AwsSecurityFinding> {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let client = aws_sdk_securityhub::Client::new(&conf);
    let mut out = std::collections::BTreeMap::new();
    let mut token = None;
    loop {
        let page = client.get_findings().max_results(100).set_next_token(token).send().await.expect("GetFindings");
        for f in page.findings() {
            out.insert(f.id().expect("Id").to_owned(), f.clone());
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    out
}

/// (Compliance.Status, RecordState, Workflow.Status) of a finding.
fn shub_state(f: &aws_sdk_securityhub::types::AwsSecurityFinding) -> (String, String, String) {
    (
        f.compliance().and_then(|c| c.status()).map(|s| s.as_str().to_owned()).unwrap_or_default(),
        f.record_state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
        f.workflow().and_then(|w| w.status()).map(|s| s.as_str().to_owned()).unwrap_or_default(),
    )
}

/// `--security-hub` imports every result (more than 100: several BatchImportFindings calls)
/// and GetFindings reads them back; a later run where the failing checks pass closes every
/// formerly failing finding (PASSED, ARCHIVED, newer UpdatedAt, CreatedAt kept);
/// the older snapshot uploaded again afterwards reopens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_upload_in_batches_then_resolve_what_now_passes() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let drifted = example("prod-drifted.json");
    let (out, report) = shub_evaluate(&moto, &moto.endpoint, &drifted, &dir.path().join("r1"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate's code (the drifted example fails it), upload fine: {}",
        shub_text(&out)
    );
    let results = report["results"].as_array().expect("results");
    assert!(results.len() > 100, "needs more than one batch: {} results", results.len());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let calls = results.len().div_ceil(100);
    assert!(
        stdout.contains(&format!(
            "security hub: {} findings imported into eu-west-1 in {calls} call(s), 0 earlier findings resolved",
            results.len()
        )),
        "{}",
        shub_text(&out)
    );
    let first = shub_findings(&moto, "eu-west-1").await;
    assert_eq!(first.len(), results.len(), "every result is one finding in Security Hub");
    let env_prefix = "flowforge-audit/prod/";
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] == "FAIL")
        .map(|r| format!("{env_prefix}{}", r["finding_id"].as_str().expect("finding_id")))
        .collect();
    assert!(!failed.is_empty());
    for id in &failed {
        let f = first.get(id).unwrap_or_else(|| panic!("{id} not in Security Hub"));
        assert_eq!(shub_state(f), ("FAILED".into(), "ACTIVE".into(), "NEW".into()), "{id}");
        assert_eq!(f.product_arn(), Some("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"));
    }

    // A later run on the compliant account: what failed now passes or is gone.
    let compliant = example_at(dir.path(), "prod-compliant.json", "2026-11-22T06:00:00Z");
    // Through the front: moto lacks BatchUpdateFindings, which closing calls.
    let front = support::securityhub::Front::start(moto.port, support::securityhub::Answer::Process);
    let (out, report2) = shub_evaluate(&moto, &front.endpoint, &compliant, &dir.path().join("r2"));
    assert_eq!(out.status.code(), Some(0), "{}", shub_text(&out));
    let status2: std::collections::BTreeMap<String, String> = report2["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                format!("{env_prefix}{}", r["finding_id"].as_str().expect("id")),
                r["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    assert!(status2.values().all(|s| s != "UNKNOWN" && s != "FAIL"), "the compliant example is complete and passes");
    let second = shub_findings(&moto, "eu-west-1").await;
    let (mut now_pass, mut gone) = (0, 0);
    for id in &failed {
        let f = &second[id];
        match status2.get(id).map(String::as_str) {
            Some("PASS") => now_pass += 1,
            None => gone += 1,
            Some(other) => panic!("{id} is {other} in the compliant example"),
        }
        // Workflow RESOLVED comes from BatchUpdateFindings, which moto lacks: tested through
        // the front (`shub_closed_findings_get_workflow_resolved`).
        let (compliance, record, _) = shub_state(f);
        assert_eq!((compliance.as_str(), record.as_str()), ("PASSED", "ARCHIVED"), "{id} is closed");
        assert_eq!(f.updated_at(), Some("2026-11-22T06:00:00.000Z"), "{id}: a newer UpdatedAt");
        assert_eq!(f.created_at(), Some("2026-11-21T06:00:00.000Z"), "{id}: CreatedAt is when it was first seen");
    }
    assert!(now_pass > 0, "some formerly failing findings pass now");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let resolved =
        first.keys().filter(|id| !status2.contains_key(*id) && shub_state(&first[*id]).1 == "ACTIVE").count();
    assert!(stdout.contains(&format!(", {resolved} earlier findings resolved")), "{}", shub_text(&out));
    assert!(gone == 0 || resolved >= gone);

    // The older snapshot uploaded again: Security Hub holds later versions; nothing reopens.
    let (out, _) = shub_evaluate(&moto, &moto.endpoint, &drifted, &dir.path().join("r3"));
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not sent (Security Hub holds a later run's version)"),
        "{}",
        shub_text(&out)
    );
    let third = shub_findings(&moto, "eu-west-1").await;
    for id in &failed {
        assert_eq!(shub_state(&third[id]).0, "PASSED", "{id} was reopened by an older snapshot");
    }
}

/// Runs `evaluate --security-hub` of the compliant example at `time` through `front`.
fn shub_close_through(moto: &Moto, front: &support::securityhub::Front, dir: &Path, time: &str) -> (Output, Value) {
    let at = dir.join(time.replace(':', ""));
    std::fs::create_dir_all(&at).expect("dir");
    let snapshot = example_at(&at, "prod-compliant.json", time);
    shub_evaluate(moto, &front.endpoint, &snapshot, &at.join("out"))
}

/// The finding ids of the BatchUpdateFindings requests `updates`.
fn shub_update_ids(updates: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = updates
        .iter()
        .flat_map(|u| u["FindingIdentifiers"].as_array().cloned().unwrap_or_default())
        .map(|i| i["Id"].as_str().expect("Id").to_owned())
        .collect();
    ids.sort();
    ids
}

/// The findings a run closes get Workflow RESOLVED with BatchUpdateFindings (Id + ProductArn,
/// a Note, at most 100 a call: 200+ in several calls), the SUPPRESSED one is left alone; an
/// UnprocessedFindings answer is H001 and a refused call H002, both exit 2 with the reports
/// written. moto lacks the call: the loopback front answers and records it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_closed_findings_get_workflow_resolved() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = shub_evaluate(&moto, &moto.endpoint, &example("prod-drifted.json"), &dir.path().join("r1"));
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    let failed: Vec<String> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["status"] == "FAIL")
        .map(|r| format!("flowforge-audit/prod/{}", r["finding_id"].as_str().expect("finding_id")))
        .collect();
    assert!(failed.len() >= 2, "the drifted example fails some checks");
    let held = shub_findings(&moto, "eu-west-1").await;

    // A person suppressed one finding; 150 more open findings of a check the compliant run
    // passes are gone from it (its resources were deleted): 200+ to close.
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let client = aws_sdk_securityhub::Client::new(&conf);
    let mut suppressed = held[&failed[0]].clone();
    suppressed.workflow = Some(
        aws_sdk_securityhub::types::Workflow::builder()
            .status(aws_sdk_securityhub::types::WorkflowStatus::Suppressed)
            .build(),
    );
    suppressed.processed_at = None;
    let template = failed[1..]
        .iter()
        .map(|id| &held[id])
        .find(|f| f.resources().first().and_then(|r| r.region()) == Some("eu-west-1"))
        .expect("a failing finding of a regional resource")
        .clone();
    let mut imports = vec![suppressed];
    let mut gone = Vec::new();
    for n in 0..150 {
        let mut f = template.clone();
        let id = format!("{}/deleted-{n:03}", template.id().expect("Id"));
        f.id = Some(id.clone());
        f.processed_at = None;
        gone.push(id);
        imports.push(f);
    }
    for chunk in imports.chunks(100) {
        let answer = client.batch_import_findings().set_findings(Some(chunk.to_vec())).send().await.expect("import");
        assert_eq!(answer.failed_count(), Some(0), "{answer:?}");
    }

    let now = shub_findings(&moto, "eu-west-1").await;
    assert_eq!(shub_state(&now[&failed[0]]).2, "SUPPRESSED", "the test's setup");
    assert_eq!(now.len(), held.len() + gone.len(), "the test's setup");

    let front = support::securityhub::Front::start(moto.port, support::securityhub::Answer::Process);
    let (out, _) = shub_close_through(&moto, &front, dir.path(), "2026-11-22T06:00:00Z");
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Every finding run 1 left open (FAIL, and UNKNOWN or ERROR too) is closed by the compliant
    // run, and the deleted ones; all but the SUPPRESSED one.
    let open: Vec<String> =
        held.iter().filter(|(_, f)| shub_state(f).1 == "ACTIVE").map(|(id, _)| id.clone()).collect();
    assert!(failed.iter().all(|id| open.contains(id)));
    let mut expected: Vec<String> = open.into_iter().filter(|id| *id != failed[0]).chain(gone.clone()).collect();
    expected.sort();
    let updates = front.updates();
    assert_eq!(shub_update_ids(&updates), expected, "exactly the closed findings, not the SUPPRESSED one: {text}");
    assert_eq!(updates.len(), expected.len().div_ceil(100), "at most 100 a call");
    for u in &updates {
        assert_eq!(u["Workflow"], serde_json::json!({"Status": "RESOLVED"}));
        assert_eq!(
            u["Note"],
            serde_json::json!({
                "Text": "Resolved by flowforge-audit: the check now passes (run 2026-11-22T06:00:00.000Z)",
                "UpdatedBy": "flowforge-audit"
            })
        );
        let arns: BTreeSet<&str> = u["FindingIdentifiers"]
            .as_array()
            .expect("identifiers")
            .iter()
            .map(|i| i["ProductArn"].as_str().expect("ProductArn"))
            .collect();
        assert_eq!(arns, BTreeSet::from(["arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"]));
    }
    assert!(text.contains(&format!("workflow set RESOLVED on {} (1 left SUPPRESSED)", expected.len())), "{text}");

    // Reopened by a later failing run, closed again: Security Hub leaves one finding a call
    // unprocessed (H001), then refuses the call (H002).
    let cases = [
        (support::securityhub::Answer::UnprocessFirst, "07", "error[H001]", "ConcurrentUpdateError"),
        (support::securityhub::Answer::Deny, "09", "error[H002]", "AccessDeniedException"),
    ];
    for (answer, hour, code, reason) in cases {
        let at = dir.path().join(format!("reopen-{hour}"));
        std::fs::create_dir_all(&at).expect("dir");
        let drifted = example_at(&at, "prod-drifted.json", &format!("2026-11-22T{hour}:00:00Z"));
        let (out, _) = shub_evaluate(&moto, &moto.endpoint, &drifted, &at.join("out"));
        assert_eq!(out.status.code(), Some(1), "reopened: {}", shub_text(&out));
        let front = support::securityhub::Front::start(moto.port, answer);
        let (out, _) = shub_close_through(&moto, &front, &at, &format!("2026-11-22T{hour}:30:00Z"));
        let text = shub_text(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("the Security Hub upload failed") && text.contains(reason), "{text}");
        assert!(text.contains(code), "{text}");
        assert!(text.contains("RESOLVED"), "says what was not done: {text}");
        assert!(!front.updates().is_empty(), "BatchUpdateFindings was called");
        assert!(at.join(format!("2026-11-22T{hour}3000Z/out/flowforge-audit.json")).is_file(), "reports written");
    }
}

/// The upload's failures are reported with their code and exit 2, after the reports are
/// written, without a panic: an endpoint that refuses connections (H002), a finding Security
/// Hub rejects in `FailedFindings` (H001, the others imported), and throttling or 5xx that
/// outlast the retries (H002).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_failures_are_reported_with_exit_2() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let drifted = example("prod-drifted.json");

    // Nothing listens on this port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (out, _) = shub_evaluate(&moto, &format!("http://127.0.0.1:{closed}"), &drifted, &dir.path().join("a"));
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("the Security Hub upload failed") && text.contains("error[H002]"), "{text}");
    assert!(
        text.contains("Connection refused") && !text.contains("DispatchFailure"),
        "the reason, no SDK Debug dump: {text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    assert!(dir.path().join("a/flowforge-audit.json").is_file(), "the reports are written first");

    // moto rejects a finding without resources: the first finding of the first call loses them.
    fn drop_resources(body: &[u8]) -> Vec<u8> {
        let mut v: Value = serde_json::from_slice(body).expect("BatchImportFindings JSON");
        v["Findings"][0]["Resources"] = Value::Array(Vec::new());
        serde_json::to_vec(&v).expect("json")
    }
    let proxy = support::proxy::Proxy::start(
        moto.port,
        support::proxy::Rules { rewrite: Some(("/findings/import", drop_resources)), ..Default::default() },
    );
    let (out, report) = shub_evaluate(&moto, &proxy.endpoint, &drifted, &dir.path().join("b"));
    let text = shub_text(&out);
    let n = report["results"].as_array().expect("results").len();
    let calls = n.div_ceil(100);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(
        text.matches("error[H001]: finding flowforge-audit/prod/").count(),
        calls,
        "one rejected finding a call:\n{text}"
    );
    assert!(text.contains("InvalidInput"), "the error code of FailedFindings: {text}");
    assert!(text.contains(&format!("security hub: {} findings imported", n - calls)), "{text}");
    assert_eq!(shub_findings(&moto, "eu-west-1").await.len(), n - calls);

    // Throttling and 5xx on every attempt: retried, then reported.
    let proxy = support::proxy::Proxy::start(
        moto.port,
        support::proxy::Rules { fail_first: Some(("/findings/import", vec![503; 50])), ..Default::default() },
    );
    let (out, _) = shub_evaluate(&moto, &proxy.endpoint, &drifted, &dir.path().join("c"));
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("error[H002]") && text.contains("BatchImportFindings") && text.contains("after retries"),
        "{text}"
    );
    assert!(proxy.failed.load(std::sync::atomic::Ordering::Relaxed) > 1, "the failed call was retried");
}

/// Throttling (429) and a 5xx on the first BatchImportFindings attempts are retried with
/// backoff: the upload succeeds and every finding arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_throttling_and_5xx_are_retried() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = support::proxy::Proxy::start(
        moto.port,
        support::proxy::Rules { fail_first: Some(("/findings/import", vec![429, 503])), ..Default::default() },
    );
    let (out, report) = shub_evaluate(&moto, &proxy.endpoint, &example("prod-drifted.json"), dir.path());
    assert_eq!(out.status.code(), Some(1), "the gate's code, the upload succeeded: {}", shub_text(&out));
    assert_eq!(proxy.failed.load(std::sync::atomic::Ordering::Relaxed), 2, "both injected failures were answered");
    let n = report["results"].as_array().expect("results").len();
    assert_eq!(shub_findings(&moto, "eu-west-1").await.len(), n, "every finding arrived after the retries");
}

/// `scan --security-hub` uploads the scan's findings through the scan's connection (region
/// and account of the scanned snapshot); without the flag nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_scan_uploads_only_when_asked() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, Drift::Tls).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, _) = scan(&moto, "testing", "testing", &dir.path().join("plain"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    assert!(shub_findings(&moto, REGION).await.is_empty(), "nothing is sent without --security-hub");
    let (out, report) =
        scan(&moto, "testing", "testing", &dir.path().join("hub"), &["--format", "json", "--security-hub"]);
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    let findings = shub_findings(&moto, REGION).await;
    let results = report["results"].as_array().expect("results");
    assert_eq!(findings.len(), results.len(), "{}", shub_text(&out));
    let fails: Vec<&Value> = results.iter().filter(|r| r["status"] == "FAIL").collect();
    assert!(!fails.is_empty(), "the TLS drift fails");
    for r in fails {
        let f = &findings[&format!("flowforge-audit/prod/{}", r["finding_id"].as_str().expect("id"))];
        assert_eq!(shub_state(f), ("FAILED".into(), "ACTIVE".into(), "NEW".into()));
        assert_eq!(f.region(), Some(REGION));
    }
}
