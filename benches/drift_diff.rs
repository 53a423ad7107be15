//! Benchmark for issue 4: `diff` of two 100,000-resource snapshots must take ≤ 2 s on the
//! 2-core reference machine. Run with `cargo bench --bench drift_diff`.
//!
//! The pair is generated: 100,000 resources across subnets, security groups (two rules
//! each), buckets (with encryption) and roles (with an inline policy); the new snapshot changes
//! 1 % of them, removes 0.5 % and adds 0.5 %. Two measurements: the diff of two snapshots in
//! memory, and the whole `diff OLD NEW` path including reading and parsing both JSON files.

use flowforge_audit::aws::ec2::{SecurityGroup, SgRule, Subnet};
use flowforge_audit::aws::iam::{InlinePolicy, Role};
use flowforge_audit::aws::s3::{Bucket, BucketEncryption, BucketEncryptionRule, BucketVersioning};
use flowforge_audit::drift::{diff_files, diff_snapshots};
use flowforge_audit::model::*;

fn main() {
    divan::main();
}

const N: usize = 100_000;

fn meta(service: &str, kind: &str, id: &str) -> ResourceMeta {
    ResourceMeta {
        arn: format!("arn:aws:{service}:us-east-1:123456789012:{kind}/{id}"),
        id: id.to_owned(),
        name: format!("flowforge-prod-{id}"),
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        tags: [("flowforge:app".to_owned(), "flowforge".to_owned()), ("flowforge:env".to_owned(), "prod".to_owned())]
            .into(),
    }
}

/// `variant` 0 is the old snapshot; 1 the new one with changes, removals and additions.
fn generate(variant: usize) -> Snapshot {
    let mut s = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        account_id: "123456789012".into(),
        partition: "aws".into(),
        collected_at: format!("2026-01-0{}T00:00:00Z", variant + 1),
        ..Default::default()
    };
    let quarter = N / 4;
    for i in 0..quarter {
        // 0.5 % removed (i % 200 == 0) and 0.5 % added (ids past the end) in the new snapshot.
        let id = if variant == 1 && i % 200 == 0 { i + N } else { i };
        let changed = variant == 1 && i % 100 == 1;
        s.ec2.subnets.push(Subnet {
            meta: meta("ec2", "subnet", &format!("subnet-{id}")),
            vpc_id: "vpc-1".into(),
            availability_zone: if changed { "us-east-1b".into() } else { "us-east-1a".into() },
            cidr_block: "10.0.0.0/24".into(),
            map_public_ip_on_launch: false,
        });
        let rule = |port: i32| SgRule {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            ipv4_ranges: vec![if changed && port == 443 { "0.0.0.0/0".into() } else { "10.0.0.0/16".into() }],
            ..Default::default()
        };
        s.ec2.security_groups.push(SecurityGroup {
            meta: meta("ec2", "security-group", &format!("sg-{id}")),
            group_name: format!("sg-{id}"),
            vpc_id: "vpc-1".into(),
            description: "generated".into(),
            ingress: vec![rule(443), rule(5432)],
            egress: vec![],
        });
        s.s3.buckets.push(Bucket {
            meta: meta("s3", "bucket", &format!("bucket-{id}")),
            encryption: Some(BucketEncryption {
                rules: vec![BucketEncryptionRule {
                    sse_algorithm: if changed { "AES256".into() } else { "aws:kms".into() },
                    kms_master_key_id: None,
                    bucket_key_enabled: true,
                }],
            }),
            versioning: BucketVersioning { status: Some("Enabled".into()), mfa_delete: None },
            ..Default::default()
        });
        let action = if changed { "s3:*" } else { "s3:GetObject" };
        let doc = PolicyDocument::from_value(&serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": format!("arn:aws:s3:::bucket-{id}/*")}]
        }))
        .unwrap_or_default();
        s.iam.roles.push(Role {
            meta: meta("iam", "role", &format!("role-{id}")),
            path: "/".into(),
            assume_role_policy: PolicyDocument::default(),
            inline_policies: vec![InlinePolicy { name: "access".into(), document: doc }],
            ..Default::default()
        });
    }
    s.sort();
    s
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn diff_100k_snapshots_in_memory(bencher: divan::Bencher) {
    let (old, new) = (generate(0), generate(1));
    assert_eq!(old.resource_metas().len(), N);
    bencher.bench(|| {
        let d = diff_snapshots(&old, &new);
        assert_eq!((d.added.len(), d.removed.len(), d.changed.len()), (500, 500, 4 * 250));
        d
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn diff_100k_snapshot_files(bencher: divan::Bencher) {
    let dir = std::env::temp_dir().join(format!("flowforge-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (a, b) = (dir.join("old.json"), dir.join("new.json"));
    let write = |p: &std::path::Path, s: &Snapshot| std::fs::write(p, serde_json::to_vec(s).unwrap_or_default());
    write(&a, &generate(0)).unwrap_or_else(|e| panic!("{e}"));
    write(&b, &generate(1)).unwrap_or_else(|e| panic!("{e}"));
    bencher.bench(|| diff_files(&a, &b).unwrap_or_else(|e| panic!("{e}")));
    let _ = std::fs::remove_dir_all(&dir);
}
