//! Seeds the IAM corpus cases marked `seed` (`tests/data/corpus/iam/`) into moto: one role per
//! identity or trust case (`corpus-<NN>`), with the case's identity policies as inline
//! policies, its `attached` policies and its permissions boundary as customer managed
//! policies, or with the case's trust policy (identity cases' roles admit no corpus principal); one FlowForge resource per resource-policy case (`flowforge-prod-corpus-<NN>`:
//! a bucket, secret or ECR repository with the case's policy, or a KMS key with it as key
//! policy, used by a FlowForge bucket so FF-KMS-003 judges it). The scan test then checks each
//! case's labelled verdict by exact check id and role or resource ARN.

use std::path::PathBuf;

use serde_json::Value;

use super::seed::{Clients, ACCOUNT_ID};

/// One seeded case: the file, the check and verdict it is labelled with, and the role's ARN.
#[derive(Debug, Clone)]
pub struct SeededCase {
    pub file: String,
    pub check: String,
    pub verdict: String,
    pub arn: String,
}

/// The corpus cases marked `seed`, sorted by file name.
pub fn seed_cases() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/iam");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read case");
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                serde_json::from_str::<Value>(&text).expect("case"),
            )
        })
        .filter(|(_, c)| c["seed"] == true)
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Creates the seeded cases' roles; returns what each case expects.
pub async fn seed_corpus_iam(c: &Clients) -> Vec<SeededCase> {
    // The account's own root, narrowed to a principal that does not exist: no seeded role can
    // assume another (`sts:AssumeRole` on `*` in one case must not reach another case's
    // administrator role), and the trust is no FF-IAM-002 finding.
    let own_account = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}, "Action": "sts:AssumeRole",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": format!("arn:aws:iam::{ACCOUNT_ID}:role/corpus-nobody")}}}]});
    let mut out = Vec::new();
    for (file, case) in seed_cases() {
        if case["kind"] == "resource" {
            let arn = seed_resource_case(c, &file, &case).await;
            out.push(SeededCase {
                file,
                check: case["expect"]["check"].as_str().expect("check").to_owned(),
                verdict: case["expect"]["verdict"].as_str().expect("verdict").to_owned(),
                arn,
            });
            continue;
        }
        let name = format!("corpus-{}", &file[..2]);
        assert_eq!(case["principal"].as_str().unwrap_or("role"), "role", "{file}: only role cases are seeded");
        let trust = case.get("trust_policy").cloned().unwrap_or_else(|| own_account.clone());
        let mut req = c.iam.create_role().role_name(&name).assume_role_policy_document(trust.to_string());
        if let Some(boundary) = case.get("boundary") {
            let p = c
                .iam
                .create_policy()
                .policy_name(format!("{name}-boundary"))
                .policy_document(boundary.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: boundary policy: {e:?}"));
            req = req.permissions_boundary(p.policy().and_then(|p| p.arn()).expect("policy arn"));
        }
        let role = req.send().await.unwrap_or_else(|e| panic!("{file}: create role: {e:?}"));
        let arn = role.role().map(|r| r.arn().to_owned()).expect("role arn");
        for (i, doc) in case.get("policies").and_then(Value::as_array).into_iter().flatten().enumerate() {
            c.iam
                .put_role_policy()
                .role_name(&name)
                .policy_name(format!("p{i}"))
                .policy_document(doc.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: role policy: {e:?}"));
        }
        for (i, doc) in case.get("attached").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let p = c
                .iam
                .create_policy()
                .policy_name(format!("{name}-attached-{i}"))
                .policy_document(doc.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: attached policy: {e:?}"));
            c.iam
                .attach_role_policy()
                .role_name(&name)
                .policy_arn(p.policy().and_then(|p| p.arn()).expect("policy arn"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: attach policy: {e:?}"));
        }
        out.push(SeededCase {
            file,
            check: case["expect"]["check"].as_str().expect("check").to_owned(),
            verdict: case["expect"]["verdict"].as_str().expect("verdict").to_owned(),
            arn,
        });
    }
    out
}

/// Creates the FlowForge resource of one resource-policy case with the case's policy; returns
/// the ARN the case's check reports on. `arn:aws:s3:::b` in a bucket policy names the bucket.
async fn seed_resource_case(c: &Clients, file: &str, case: &Value) -> String {
    use aws_sdk_s3::types as s3t;
    let name = format!("flowforge-prod-corpus-{}", &file[..2]);
    let policy = case["policy"].to_string();
    match case["service"].as_str().expect("service") {
        "s3" => {
            c.s3.create_bucket().bucket(&name).send().await.unwrap_or_else(|e| panic!("{file}: bucket: {e:?}"));
            let policy = policy.replace("arn:aws:s3:::b/", &format!("arn:aws:s3:::{name}/"));
            c.s3.put_bucket_policy()
                .bucket(&name)
                .policy(policy)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: bucket policy: {e:?}"));
            format!("arn:aws:s3:::{name}")
        }
        "secretsmanager" => {
            let out =
                c.sm.create_secret()
                    .name(&name)
                    .secret_string("corpus")
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{file}: secret: {e:?}"));
            let arn = out.arn().expect("secret arn").to_owned();
            c.sm.put_resource_policy()
                .secret_id(&arn)
                .resource_policy(policy)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: secret policy: {e:?}"));
            arn
        }
        "ecr" => {
            let out = c
                .ecr
                .create_repository()
                .repository_name(&name)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: repository: {e:?}"));
            c.ecr
                .set_repository_policy()
                .repository_name(&name)
                .policy_text(policy)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: repository policy: {e:?}"));
            out.repository().and_then(|r| r.repository_arn()).expect("repository arn").to_owned()
        }
        "kms" => {
            let key = c
                .kms
                .create_key()
                .description(format!("corpus {file}"))
                .policy(policy)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: key: {e:?}"));
            let arn = key.key_metadata().and_then(|m| m.arn()).expect("key arn").to_owned();
            // A FlowForge bucket encrypted with the key puts it in FF-KMS-003's scope.
            c.s3.create_bucket().bucket(&name).send().await.unwrap_or_else(|e| panic!("{file}: bucket: {e:?}"));
            let rule = s3t::ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    s3t::ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(s3t::ServerSideEncryption::AwsKms)
                        .kms_master_key_id(&arn)
                        .build()
                        .expect("sse default"),
                )
                .build();
            c.s3.put_bucket_encryption()
                .bucket(&name)
                .server_side_encryption_configuration(
                    s3t::ServerSideEncryptionConfiguration::builder().rules(rule).build().expect("sse config"),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("{file}: bucket encryption: {e:?}"));
            arn
        }
        other => panic!("{file}: no seeding for service {other}"),
    }
}
