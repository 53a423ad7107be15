//! Seeds the privilege-escalation graph corpus (`tests/data/corpus/iam-graph/`, the cases
//! marked `seed`) into moto: each case's customer managed policies, groups, roles (trust,
//! inline and attached policies, permissions boundary, instance profile), users and EC2
//! instances, under the case's own names (`gNN-...`), so every case lives in one account with
//! the others. The scan test then checks each case's verdict on its principal by exact check
//! id and ARN.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::seed::{Clients, ACCOUNT_ID};

/// One seeded case: the file, the check that judges its principal, the labelled verdict and
/// chain, and the principal's ARN.
#[derive(Debug, Clone)]
pub struct SeededGraphCase {
    pub file: String,
    pub check: &'static str,
    pub verdict: String,
    pub chain: Vec<String>,
    pub arn: String,
    /// The ARNs whose grants the principal holds besides its own inline policies: its attached
    /// managed policies and, for a user, its groups and their attached policies (what a
    /// policy-by-policy tool reports on; `scripts/prowler-compare/table_graph.py`).
    pub holds: Vec<String>,
}

/// The graph corpus cases marked `seed`, sorted by file name.
pub fn seed_cases() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/iam-graph");
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

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:policy/{name}")
}

fn list(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// The attached policies of the case's principal `name` and, when it is in groups, those
/// groups and their attached policies, as ARNs.
fn holds(case: &Value, name: &str) -> Vec<String> {
    let principal = |n: &str| list(&case["principals"]).find(|p| p["name"] == n);
    let attached = |p: &Value| list(&p["attached"]).filter_map(Value::as_str).map(policy_arn).collect::<Vec<_>>();
    let Some(p) = principal(name) else { return Vec::new() };
    let mut out = attached(p);
    for g in list(&p["groups"]).filter_map(Value::as_str) {
        out.push(format!("arn:aws:iam::{ACCOUNT_ID}:group/{g}"));
        out.extend(principal(g).map(attached).unwrap_or_default());
    }
    out
}

/// Creates every seeded case; returns what each expects.
pub async fn seed_graph_corpus(c: &Clients) -> Vec<SeededGraphCase> {
    let mut out = Vec::new();
    for (file, case) in seed_cases() {
        let fail = |what: &str, e: &dyn std::fmt::Debug| -> ! { panic!("{file}: {what}: {e:?}") };
        for m in list(&case["managed"]) {
            let name = m["name"].as_str().expect("name");
            // Its non-default versions first (v1, v2, ...), then the document as the default.
            let mut docs: Vec<String> = list(&m["versions"]).map(Value::to_string).collect();
            docs.push(m["document"].to_string());
            if let Err(e) = c.iam.create_policy().policy_name(name).policy_document(&docs[0]).send().await {
                fail("managed policy", &e);
            }
            for d in &docs[1..] {
                if let Err(e) = c
                    .iam
                    .create_policy_version()
                    .policy_arn(policy_arn(name))
                    .policy_document(d)
                    .set_as_default(true)
                    .send()
                    .await
                {
                    fail("policy version", &e);
                }
            }
        }
        let principals: Vec<&Value> = list(&case["principals"]).collect();
        // Groups first (users join them), then roles, then users.
        let mut order: BTreeMap<u8, Vec<&Value>> = BTreeMap::new();
        for p in principals {
            let rank = match p["kind"].as_str() {
                Some("group") => 0,
                Some("role") => 1,
                _ => 2,
            };
            order.entry(rank).or_default().push(p);
        }
        for p in order.into_values().flatten() {
            let name = p["name"].as_str().expect("name");
            let boundary = match p.get("boundary") {
                Some(b) => match c
                    .iam
                    .create_policy()
                    .policy_name(format!("{name}-boundary"))
                    .policy_document(b.to_string())
                    .send()
                    .await
                {
                    Ok(r) => r.policy().and_then(|p| p.arn()).map(str::to_owned),
                    Err(e) => fail("boundary", &e),
                },
                None => None,
            };
            let docs: Vec<String> = list(&p["policies"]).map(Value::to_string).collect();
            let attached: Vec<String> = list(&p["attached"]).filter_map(Value::as_str).map(policy_arn).collect();
            match p["kind"].as_str().expect("kind") {
                "group" => {
                    if let Err(e) = c.iam.create_group().group_name(name).send().await {
                        fail("group", &e);
                    }
                    for (i, d) in docs.iter().enumerate() {
                        if let Err(e) = c
                            .iam
                            .put_group_policy()
                            .group_name(name)
                            .policy_name(format!("p{i}"))
                            .policy_document(d)
                            .send()
                            .await
                        {
                            fail("group policy", &e);
                        }
                    }
                    for a in &attached {
                        if let Err(e) = c.iam.attach_group_policy().group_name(name).policy_arn(a).send().await {
                            fail("attach group policy", &e);
                        }
                    }
                }
                "role" => {
                    let req = c
                        .iam
                        .create_role()
                        .role_name(name)
                        .assume_role_policy_document(p["trust"].to_string())
                        .set_permissions_boundary(boundary);
                    if let Err(e) = req.send().await {
                        fail("role", &e);
                    }
                    for (i, d) in docs.iter().enumerate() {
                        if let Err(e) = c
                            .iam
                            .put_role_policy()
                            .role_name(name)
                            .policy_name(format!("p{i}"))
                            .policy_document(d)
                            .send()
                            .await
                        {
                            fail("role policy", &e);
                        }
                    }
                    for a in &attached {
                        if let Err(e) = c.iam.attach_role_policy().role_name(name).policy_arn(a).send().await {
                            fail("attach role policy", &e);
                        }
                    }
                    if p["instance_profile"] == true {
                        if let Err(e) = c.iam.create_instance_profile().instance_profile_name(name).send().await {
                            fail("instance profile", &e);
                        }
                        if let Err(e) = c
                            .iam
                            .add_role_to_instance_profile()
                            .instance_profile_name(name)
                            .role_name(name)
                            .send()
                            .await
                        {
                            fail("add role to instance profile", &e);
                        }
                    }
                }
                _ => {
                    if let Err(e) = c.iam.create_user().user_name(name).set_permissions_boundary(boundary).send().await
                    {
                        fail("user", &e);
                    }
                    for (i, d) in docs.iter().enumerate() {
                        if let Err(e) = c
                            .iam
                            .put_user_policy()
                            .user_name(name)
                            .policy_name(format!("p{i}"))
                            .policy_document(d)
                            .send()
                            .await
                        {
                            fail("user policy", &e);
                        }
                    }
                    for a in &attached {
                        if let Err(e) = c.iam.attach_user_policy().user_name(name).policy_arn(a).send().await {
                            fail("attach user policy", &e);
                        }
                    }
                    for g in list(&p["groups"]).filter_map(Value::as_str) {
                        if let Err(e) = c.iam.add_user_to_group().user_name(name).group_name(g).send().await {
                            fail("add user to group", &e);
                        }
                    }
                }
            }
        }
        for i in list(&case["instances"]) {
            let (name, role) = (i["name"].as_str().expect("name"), i["role"].as_str().expect("role"));
            let role_arn = format!("arn:aws:iam::{ACCOUNT_ID}:role/{role}");
            match i["kind"].as_str() {
                Some("lambda") => {
                    if let Err(e) = c
                        .lambda
                        .create_function()
                        .function_name(name)
                        .runtime(aws_sdk_lambda::types::Runtime::Python312)
                        .role(&role_arn)
                        .handler("index.handler")
                        // The emulator stores the package without unpacking it (it is never invoked).
                        .code(
                            aws_sdk_lambda::types::FunctionCode::builder()
                                .zip_file(b"corpus".as_slice().into())
                                .build(),
                        )
                        .send()
                        .await
                    {
                        fail("lambda function", &e);
                    }
                    continue;
                }
                Some("cloudformation") => {
                    let template = r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#;
                    if let Err(e) = c
                        .cloudformation
                        .create_stack()
                        .stack_name(name)
                        .template_body(template)
                        .set_role_arn((i["role"] != "").then_some(role_arn.clone()))
                        .send()
                        .await
                    {
                        fail("stack", &e);
                    }
                    continue;
                }
                Some("codebuild") => {
                    use aws_sdk_codebuild::types::{
                        ArtifactsType, ComputeType, EnvironmentType, ProjectArtifacts, ProjectEnvironment,
                        ProjectSource, SourceType,
                    };
                    let built = (
                        ProjectSource::builder().r#type(SourceType::S3).location("corpus-source/src.zip").build(),
                        ProjectArtifacts::builder().r#type(ArtifactsType::NoArtifacts).build(),
                        ProjectEnvironment::builder()
                            .r#type(EnvironmentType::LinuxContainer)
                            .image("aws/codebuild/standard:7.0")
                            .compute_type(ComputeType::BuildGeneral1Small)
                            .build(),
                    );
                    let (Ok(source), Ok(artifacts), Ok(environment)) = built else {
                        fail("codebuild project shape", &built)
                    };
                    if let Err(e) = c
                        .codebuild
                        .create_project()
                        .name(name)
                        .source(source)
                        .artifacts(artifacts)
                        .environment(environment)
                        .service_role(&role_arn)
                        .send()
                        .await
                    {
                        fail("codebuild project", &e);
                    }
                    continue;
                }
                _ => {}
            }
            let profile = aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                .name(i["role"].as_str().expect("role"))
                .build();
            let run = c
                .ec2
                .run_instances()
                .image_id("ami-12c6146b")
                .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
                .min_count(1)
                .max_count(1)
                .iam_instance_profile(profile)
                .send()
                .await;
            if let Err(e) = run {
                fail("instance", &e);
            }
        }
        let name = case["principal"].as_str().expect("principal");
        let kind =
            list(&case["principals"]).find(|p| p["name"] == name).and_then(|p| p["kind"].as_str()).expect("listed");
        let holds = holds(&case, name);
        let check = match kind {
            "role" => "FF-IAM-001",
            "user" => "FF-IAM-005",
            _ => "FF-IAM-006",
        };
        out.push(SeededGraphCase {
            file,
            check,
            verdict: case["expect"]["verdict"].as_str().expect("verdict").to_owned(),
            chain: list(&case["expect"]["chain"]).filter_map(Value::as_str).map(str::to_owned).collect(),
            arn: format!("arn:aws:iam::{ACCOUNT_ID}:{kind}/{name}"),
            holds,
        });
    }
    out
}
