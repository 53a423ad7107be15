//! The IAM evaluation benchmark's two halves (`scripts/bench-iam.sh` runs them): a synthetic
//! account shaped like a large enterprise's, and the measured work on it.
//!
//! `cargo run --release --example bench_iam -- generate ROLES USERS GROUPS > account.json`
//! writes a snapshot: teams of service roles (Lambda, EC2 with instance profiles, ECS, Glue)
//! with shared customer managed policies and inline policies scoped to the team's buckets and
//! tables, human roles trusting the account with MFA, CI deploy roles that pass the team's
//! roles to Lambda and CloudFormation and rewrite the team's policies, a few break-glass
//! administrator roles, permissions boundaries on a fifth of the roles, users in one to three
//! groups managing their own keys, groups granting read access and `sts:AssumeRole` into their
//! team's roles, and EC2 instances running as the instance roles. Deterministic (a fixed seed).
//!
//! `cargo run --release --example bench_iam -- derive account.json` reads the snapshot and
//! derives every IAM fact the checks read (`iam_eval::derive`: effective permissions, risk
//! classes, trust, the privilege-escalation graph with every principal's verdict, witness and
//! reach), and prints the verdict counts and the time of each part on stderr.

use std::collections::BTreeMap;

use flowforge_audit::aws::ec2::Instance;
use flowforge_audit::aws::iam::{AttachedPolicy, Group, InlinePolicy, ManagedPolicy, Role, User};
use flowforge_audit::iam_eval::{derive, Context, Verdict};
use flowforge_audit::model::*;

const ACCOUNT: &str = "123456789012";

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn doc(v: serde_json::Value) -> PolicyDocument {
    PolicyDocument::from_value(&v).expect("generated policy document")
}

fn meta(kind: &str, name: &str) -> ResourceMeta {
    ResourceMeta {
        arn: format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}"),
        id: name.into(),
        name: name.into(),
        region: "global".into(),
        account_id: ACCOUNT.into(),
        ..Default::default()
    }
}

fn trust_service(svc: &str) -> PolicyDocument {
    doc(
        serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]}),
    )
}

fn generate(roles: usize, users: usize, groups: usize) -> Snapshot {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let teams = (roles / 20).max(1);
    let team = |i: usize| format!("t{:04}", i % teams);
    let mut s = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: "bench".into(),
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        regions: vec!["eu-west-1".into()],
        collected_at: "2026-11-20T06:00:00Z".into(),
        ..Default::default()
    };
    // Customer managed policies: two per team (data access, deploy), a few boundaries.
    for t in 0..teams {
        let tn = team(t);
        s.iam.policies.push(ManagedPolicy {
            meta: meta("policy", &format!("{tn}-data")),
            document: Some(doc(serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::{tn}-*/*")},
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{tn}-*")},
                {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], "Resource": format!("arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/{tn}-*")},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/*"), "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
            ]}))),
            attachment_count: 20,
            ..Default::default()
        });
        s.iam.policies.push(ManagedPolicy {
            meta: meta("policy", &format!("{tn}-deploy")),
            document: Some(doc(serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{tn}-svc-*"),
                 "Condition": {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "cloudformation.amazonaws.com"]}}},
                {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:InvokeFunction", "cloudformation:CreateStack", "cloudformation:UpdateStack"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicyVersion"], "Resource": format!("arn:aws:iam::{ACCOUNT}:policy/{tn}-data")}
            ]}))),
            attachment_count: 1,
            ..Default::default()
        });
    }
    for b in 0..4 {
        s.iam.policies.push(ManagedPolicy {
            meta: meta("policy", &format!("boundary-{b}")),
            document: Some(doc(serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "logs:*", "kms:Decrypt", "sqs:*", "lambda:*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
            ]}))),
            ..Default::default()
        });
    }
    s.iam.policies.push(ManagedPolicy {
        meta: ResourceMeta { arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(), name: "ReadOnlyAccess".into(), ..Default::default() },
        aws_managed: true,
        document: Some(doc(serde_json::json!({"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*", "s3:List*", "iam:Get*", "iam:List*", "logs:Describe*", "cloudwatch:Get*"], "Resource": "*"}]}))),
        ..Default::default()
    });
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    let services = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"];
    for i in 0..roles {
        let tn = team(i);
        let kind = r.below(100);
        let (name, trust, inline, attached): (String, PolicyDocument, serde_json::Value, Vec<String>) = if kind < 62 {
            let svc = services[r.below(services.len())];
            (
                format!("{tn}-svc-{i}"),
                trust_service(svc),
                serde_json::json!({"Statement": [
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": format!("arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/{tn}/*")},
                    {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": format!("arn:aws:sqs:eu-west-1:{ACCOUNT}:{tn}-*")}
                ]}),
                vec![format!("{tn}-data")],
            )
        } else if kind < 92 {
            (
                format!("{tn}-human-{i}"),
                doc(
                    serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
                ),
                serde_json::json!({"Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [format!("arn:aws:s3:::{tn}-*"), format!("arn:aws:s3:::{tn}-*/*")]},
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{tn}-svc-*")}
                ]}),
                vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            )
        } else if kind < 99 {
            (
                format!("{tn}-ci-{i}"),
                doc(
                    serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
                    "Condition": {"StringLike": {"aws:PrincipalArn": format!("arn:aws:iam::{ACCOUNT}:user/{tn}-*")}}}]}),
                ),
                serde_json::json!({"Statement": [
                    {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": format!("arn:aws:s3:::{tn}-artifacts/*")}
                ]}),
                vec![format!("{tn}-deploy")],
            )
        } else {
            (
                format!("breakglass-{i}"),
                doc(
                    serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/{}-u{}", team(r.below(teams)), r.below(users.max(1)))},
                    "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
                ),
                serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                Vec::new(),
            )
        };
        let ec2 = trust.statement.iter().any(|st| {
            st.principal
                .as_ref()
                .is_some_and(|p| p.get("Service").is_some_and(|v| v.iter().any(|x| x == "ec2.amazonaws.com")))
        });
        let m = meta("role", &name);
        s.iam.roles.push(Role {
            meta: m,
            path: "/".into(),
            assume_role_policy: trust,
            inline_policies: vec![InlinePolicy { name: "inline".into(), document: doc(inline) }],
            attached_policies: attached
                .into_iter()
                .map(|a| AttachedPolicy {
                    policy_name: a.rsplit('/').next().unwrap_or_default().into(),
                    policy_arn: if a.starts_with("arn:") { a } else { format!("arn:aws:iam::{ACCOUNT}:policy/{a}") },
                })
                .collect(),
            permissions_boundary_arn: (kind < 62 && r.chance(30))
                .then(|| format!("arn:aws:iam::{ACCOUNT}:policy/boundary-{}", r.below(4))),
            instance_profiles: Some(if ec2 {
                vec![format!("arn:aws:iam::{ACCOUNT}:instance-profile/{name}")]
            } else {
                Vec::new()
            }),
            ..Default::default()
        });
        if ec2 && r.chance(50) {
            s.ec2.instances.push(Instance {
                meta: ResourceMeta {
                    arn: format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-{i:017x}"),
                    id: format!("i-{i:017x}"),
                    region: "eu-west-1".into(),
                    account_id: ACCOUNT.into(),
                    ..Default::default()
                },
                state: "running".into(),
                iam_instance_profile_arn: Some(format!("arn:aws:iam::{ACCOUNT}:instance-profile/{name}")),
                ..Default::default()
            });
        }
    }
    for g in 0..groups {
        let tn = team(g);
        let admin = g % 200 == 0;
        let stmts = if admin {
            serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        } else {
            serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{tn}-human-*")},
                {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ChangePassword", "iam:ListAccessKeys"], "Resource": format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")}
            ]})
        };
        s.iam.groups.push(Group {
            meta: meta("group", &format!("{tn}-g{g}")),
            path: "/".into(),
            inline_policies: vec![InlinePolicy { name: "team".into(), document: doc(stmts) }],
            attached_policies: vec![AttachedPolicy {
                policy_name: "ReadOnlyAccess".into(),
                policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            }],
        });
    }
    for u in 0..users {
        let tn = team(r.below(teams));
        let mut gs: Vec<String> = (0..1 + r.below(3))
            .map(|_| s.iam.groups[r.below(groups.max(1)).min(s.iam.groups.len().saturating_sub(1))].meta.name.clone())
            .collect();
        gs.sort();
        gs.dedup();
        let mut inline = Vec::new();
        if r.chance(3) {
            inline.push(InlinePolicy {
                name: "extra".into(),
                document: doc(serde_json::json!({"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{tn}-ci-*")}]})),
            });
        }
        s.iam.users.push(User {
            meta: meta("user", &format!("{tn}-u{u}")),
            path: "/".into(),
            inline_policies: inline,
            groups: if s.iam.groups.is_empty() { Vec::new() } else { gs },
            ..Default::default()
        });
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|x| x.parse::<usize>().ok()).unwrap_or_else(|| usage());
    match args.first().map(String::as_str) {
        Some("generate") => {
            let s = generate(num(1), num(2), num(3));
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer(&mut out, &s).expect("write snapshot");
        }
        Some("derive") => {
            let path = args.get(1).unwrap_or_else(|| usage());
            let t = std::time::Instant::now();
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let s = Snapshot::from_json_named(&text, path).unwrap_or_else(|e| panic!("{e}"));
            drop(text);
            let parsed = t.elapsed();
            if std::env::var_os("BENCH_IAM_SPLIT").is_some() {
                // Where the time goes: the principals' policies, the graph alone.
                let t0 = std::time::Instant::now();
                let ps = flowforge_audit::iam_eval::principals(&s);
                let t1 = t0.elapsed();
                let g = flowforge_audit::iam_eval::build_graph(&s, &ps, None);
                eprintln!(
                    "principals {:.2} s, graph {:.2} s {:?}",
                    t1.as_secs_f64(),
                    (t0.elapsed() - t1).as_secs_f64(),
                    g.size()
                );
            }
            let facts = derive(&s, &BTreeMap::new(), &Context::default());
            let derived = t.elapsed() - parsed;
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for p in facts.principals.values() {
                *counts.entry(format!("{:?}", p.escalation.verdict)).or_default() += 1;
            }
            let chains = facts
                .principals
                .values()
                .filter(|p| p.escalation.verdict != Verdict::None)
                .map(|p| p.escalation.chain.len())
                .max();
            eprintln!(
                "principals {} (roles {}, users {}, groups {}); parse {:.2} s, derive {:.2} s; verdicts {counts:?}; longest chain {chains:?}",
                facts.principals.len(),
                s.iam.roles.len(),
                s.iam.users.len(),
                s.iam.groups.len(),
                parsed.as_secs_f64(),
                derived.as_secs_f64()
            );
            // Freeing the facts takes time the process is about to give back anyway.
            std::mem::forget((facts, s));
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: bench_iam generate ROLES USERS GROUPS > account.json | bench_iam derive account.json");
    std::process::exit(2)
}
