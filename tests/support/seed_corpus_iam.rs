//! Seeds the IAM corpus cases marked `seed` (`tests/data/corpus/iam/`) into moto: one role per
//! case (`corpus-<NN>`), with the case's identity policies as inline policies and its
//! permissions boundary as a customer managed policy, or with the case's trust policy. The
//! scan test then checks each case's labelled verdict by exact check id and role ARN.

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
    let own_account = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")}, "Action": "sts:AssumeRole"}]});
    let mut out = Vec::new();
    for (file, case) in seed_cases() {
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
        out.push(SeededCase {
            file,
            check: case["expect"]["check"].as_str().expect("check").to_owned(),
            verdict: case["expect"]["verdict"].as_str().expect("verdict").to_owned(),
            arn,
        });
    }
    out
}
