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

// ------------------------------------------------------------ the one FlowForge decision (issue 21)

/// A customer key without rotation, for one log group.
async fn non_rotating_key(c: &crate::support::seed::Clients, what: &str) -> String {
    let key = c.kms.create_key().description(what).send().await.expect("create key");
    key.key_metadata().expect("key metadata").arn().expect("key arn").to_owned()
}

/// (Re)creates `name` encrypted with `key`, with `tags`, keeping events 365 days.
async fn log_group(c: &crate::support::seed::Clients, name: &str, key: &str, tags: &[(&str, &str)]) {
    let _ = c.logs.delete_log_group().log_group_name(name).send().await;
    let mut create = c.logs.create_log_group().log_group_name(name).kms_key_id(key);
    for (k, v) in tags {
        create = create.tags(*k, *v);
    }
    create.send().await.expect("log group");
    c.logs.put_retention_policy().log_group_name(name).retention_in_days(365).send().await.expect("retention");
}

fn results_for<'a>(report: &'a Value, check: &str, arn: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check_id"] == check && r["resource_arn"] == arn)
        .collect()
}

/// Issue 21 acceptance: a FlowForge log group (declared by the baseline and tagged with the
/// app tag) encrypted with a customer key that does not rotate FAILs FF-KMS-002 on that key,
/// with the group among its users (it was NOT_APPLICABLE: the key scope recognised log groups
/// by tag or prefix only, and no tags were collected). The group's tags are in the snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_key_of_a_declared_tagged_log_group_is_judged() {
    let moto = Moto::start();
    let (c, _) = seeded(&moto).await;
    let key = non_rotating_key(&c, "control-plane logs").await;
    let group = "/ecs/flowforge-prod-control-plane";
    log_group(&c, group, &key, &[("flowforge:app", "flowforge")]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let mine = results_for(&report, "FF-KMS-002", &key);
    assert!(mine.len() == 1 && mine[0]["status"] == "FAIL", "FF-KMS-002 must FAIL on {key}:\n{}", describe(&mine));
    let users = mine[0]["evidence"][0]["used_by"].as_array().expect("used_by");
    assert!(users.iter().any(|u| u.as_str().is_some_and(|u| u.ends_with(&format!("log-group:{group}")))), "{users:?}");
    let snapshot = crate::harness::read_json(&dir.path().join("scan-snapshot.json"));
    let tagged = snapshot["logs"]["log_groups"]
        .as_array()
        .expect("log groups")
        .iter()
        .any(|g| g["name"] == group && g["tags"]["flowforge:app"] == "flowforge");
    assert!(tagged, "the collector reads log group tags (ListTagsForResource)");
}

/// A log group FlowForge's only by its app tag keeps its key in the KMS checks' scope (FAIL:
/// no rotation). With logs:ListTagsForResource denied, its FlowForge-ness cannot be decided:
/// the key is UNKNOWN in the three KMS checks, with the failed call, never out of scope.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_key_of_a_log_group_with_unreadable_tags_is_unknown() {
    let moto = Moto::start();
    let (c, _) = seeded(&moto).await;
    let key = non_rotating_key(&c, "team logs").await;
    log_group(&c, "/team/jobs", &key, &[("flowforge:app", "flowforge")]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let mine = results_for(&report, "FF-KMS-002", &key);
    assert!(
        mine.len() == 1 && mine[0]["status"] == "FAIL",
        "tagged: FF-KMS-002 must FAIL on {key}:\n{}",
        describe(&mine)
    );

    let (key_id, secret) = crate::support::scanner_denied_actions(&c, &moto, &["logs:ListTagsForResource"]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    for check in ["FF-KMS-001", "FF-KMS-002", "FF-KMS-003"] {
        let mine = results_for(&report, check, &key);
        assert!(
            mine.len() == 1
                && mine[0]["status"] == "UNKNOWN"
                && mine[0]["message"].as_str().is_some_and(|m| m.contains("ListTagsForResource")),
            "tags unreadable: {check} must be UNKNOWN on {key}:\n{}",
            describe(&mine)
        );
    }
}
