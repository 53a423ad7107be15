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
