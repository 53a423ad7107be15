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

/// IAM scope: `s3:*` on `*` for prefect-worker fails on that role.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_iam_scope() {
    drift_fails_exactly(Drift::IamScope, &["iam"], &["FF-IAM-003"]).await;
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
