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
