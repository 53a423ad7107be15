//! IAM through `scan`: the labelled IAM corpus seeded into moto, and unread resource policies as UNKNOWN.

use crate::harness::{scan, seeded};
use crate::support::moto::Moto;

/// The seeded IAM corpus cases (`tests/data/corpus/iam/`, `seed: true`) get their labelled
/// verdict through `scan`, by exact check id and role or resource ARN. They are seeded into a
/// compliant FlowForge account, so that checks reading the whole account (FF-KMS-003 finds
/// the keys FlowForge uses across many collections) judge them rather than report UNKNOWN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_corpus_through_scan() {
    let moto = Moto::start();
    let (clients, _) = seeded(&moto).await;
    let cases = crate::support::seed_corpus_iam::seed_corpus_iam(&clients).await;
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
    let cases = crate::support::seed_corpus_iam::seed_corpus_iam(&clients).await;
    let (key_id, secret) = crate::support::scanner_denied_actions(
        &clients,
        &moto,
        &["s3:GetBucketPolicy", "secretsmanager:GetResourcePolicy"],
    )
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
