//! Effective network exposure through `scan`: the network corpus end to end and NACL drifts.

use crate::harness::{describe, results_with, scan, seeded};
use crate::support::moto::Moto;

/// The network corpus's security-group cases, seeded as real groups: `scan` gives each the
/// labelled verdict (FAIL when the union of its ranges opens the port to the internet).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_semantics_corpus_cases_end_to_end() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let cases = crate::support::seed_corpus_network::seed_corpus(&clients, &s).await;
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
    let acl = crate::support::seed_corpus_network::drift_nacl_admin(&clients, &s).await;
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
    let acl = crate::support::seed_corpus_network::drift_nacl_database(&clients, &s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let ids: Vec<(&str, &str)> =
        fails.iter().filter_map(|f| Some((f["check_id"].as_str()?, f["resource_arn"].as_str()?))).collect();
    assert_eq!(ids.len(), 1, "{}", describe(&fails));
    assert_eq!(ids[0].0, "FF-NET-005");
    assert!(ids[0].1.ends_with(&format!("network-acl/{acl}")), "{ids:?}");
}
