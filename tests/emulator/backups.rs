//! Backups, parameters, CloudTrail and KMS through `scan`: each drift fails exactly its check,
//! denied services are UNKNOWN.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{describe, results_with, scan, seeded};
use crate::support::moto::Moto;
use crate::support::seed_backups::BackupDrift;

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
        let (key_id, secret) = crate::support::scanner_denied(&clients, &moto, service).await;
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
