//! WAF, ACM, alarms, SNS and log groups through `scan`: each drift fails its check, each denied
//! service is UNKNOWN.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{describe, drift_fails_exactly, scan, seeded};
use crate::support::moto::Moto;
use crate::support::seed::Drift;

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
    let (key_id, secret) = crate::support::scanner_denied(&clients, &moto, service).await;
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
