//! Shared support for the emulator-backed tests: a moto server per test ([`moto`]) and a
//! FlowForge-shaped account seeded through the SDK, with one drift per policy area
//! ([`seed`]).
#![allow(dead_code)]

pub mod apprunner;
pub mod moto;
pub mod proxy;
pub mod securityhub;
pub mod seed;
pub mod seed_backups;
pub mod seed_compute;
pub mod seed_corpus_iam;
pub mod seed_corpus_iam_graph;
pub mod seed_corpus_network;
pub mod seed_org;
pub mod seed_perimeter;

/// Creates the IAM user `scanner` whose policy is the shipped scanner policy without the
/// actions of `service` (e.g. `rds`), turns on moto's IAM enforcement, and returns the user's
/// access key id and secret: a real AccessDenied for one service, the rest readable.
pub async fn scanner_denied(clients: &seed::Clients, moto: &moto::Moto, service: &str) -> (String, String) {
    let prefix = format!("{service}:");
    scanner_without(clients, moto, service, |a| a.starts_with(&prefix)).await
}

/// [`scanner_denied`] for the named actions only (`s3:GetBucketPolicy`): one call denied, the
/// rest of its service readable.
pub async fn scanner_denied_actions(clients: &seed::Clients, moto: &moto::Moto, denied: &[&str]) -> (String, String) {
    scanner_without(clients, moto, "actions", |a| denied.contains(&a)).await
}

/// The scanner user with the shipped scanner policy minus the actions `drop` selects.
async fn scanner_without(
    clients: &seed::Clients,
    moto: &moto::Moto,
    service: &str,
    drop: impl Fn(&str) -> bool,
) -> (String, String) {
    let policy: serde_json::Value = serde_json::from_str(flowforge_audit::aws::SCANNER_POLICY).expect("policy");
    let mut actions: Vec<serde_json::Value> = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| !drop(a.as_str().unwrap_or_default()))
        .cloned()
        .collect();
    // moto authorises three calls under other names than the IAM actions AWS documents (and
    // the shipped policy keeps): bucket GetBucketEncryption and GetPublicAccessBlock fall
    // through its action map to s3:ListBucket, and s3control's GetPublicAccessBlock is checked
    // as s3:GetPublicAccessBlock instead of s3:GetAccountPublicAccessBlock.
    actions.extend(["s3:ListBucket", "s3:GetPublicAccessBlock"].map(serde_json::Value::from));
    // moto also authorises CloudWatch's query-protocol calls under the endpoint prefix
    // (`monitoring:DescribeAlarms`) instead of the IAM service prefix `cloudwatch:`.
    if service != "cloudwatch" {
        actions.push(serde_json::Value::from("monitoring:DescribeAlarms"));
    }
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]});
    clients.iam.create_user().user_name("scanner").send().await.expect("user");
    clients
        .iam
        .put_user_policy()
        .user_name("scanner")
        .policy_name(format!("scanner-without-{service}"))
        .policy_document(doc.to_string())
        .send()
        .await
        .expect("user policy");
    let key = clients.iam.create_access_key().user_name("scanner").send().await.expect("key");
    let key = key.access_key().expect("access key");
    moto.enforce_iam();
    (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
}
