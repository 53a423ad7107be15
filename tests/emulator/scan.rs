//! `scan` end to end: a compliant FlowForge account gives no FAIL, each injected drift fails exactly
//! on the drifted resource, a denied service gives UNKNOWN and a failed prod gate, `evaluate` of the saved
//! snapshot reproduces the reports byte for byte, and `--region all` scans every enabled region once.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{cli, describe, drift_fails_exactly, read_json, results_with, scan, seeded};
use crate::support::moto::Moto;
use crate::support::seed::{Clients, Drift};

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
    let (key_id, secret) = crate::support::scanner_denied(&clients, &moto, "rds").await;

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
