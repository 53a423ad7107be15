//! The data stores' Terraform types: S3 buckets (with their configuration resources folded
//! in: encryption, versioning, public access block, policy), RDS instances and Secrets Manager
//! secrets (metadata only: a secret's value is never in the snapshot).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::values::{doc_value, first_block, lookup, policy_value, s, Attrs};
use super::{Matched, Parts, Section, TfResource};
use crate::model::Snapshot;

pub(super) const SECTION: Section = Section {
    matchers: &[("s3.buckets", bucket), ("rds.db_instances", db_instance), ("secretsmanager.secrets", secret)],
    gather,
    not_owned,
};

/// A bucket and what its configuration resources declare (compared at their snapshot path).
fn bucket<'s>(a: &Attrs, parts: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let name = if s(a, "bucket").is_empty() { s(a, "id") } else { s(a, "bucket") };
    let b = snap.s3.buckets.iter().find(|b| b.meta.name == name)?;
    let live = serde_json::to_value(b).unwrap_or(Value::Null);
    let c = parts
        .bucket
        .get(name)
        .into_iter()
        .flatten()
        .map(|(path, want)| {
            let got = if path == "policy" { doc_value(b.policy.as_ref()) } else { lookup(&live, path) };
            (path.clone(), want.clone(), got)
        })
        .collect();
    Some((&b.meta, c))
}

fn db_instance<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let d = snap.rds.db_instances.iter().find(|d| d.meta.id == s(a, "identifier"))?;
    let live = serde_json::to_value(d).unwrap_or(Value::Null);
    let mut c: Vec<(String, Value, Value)> = [
        "engine",
        "multi_az",
        "storage_encrypted",
        "publicly_accessible",
        "deletion_protection",
        "backup_retention_period",
        "iam_database_authentication_enabled",
    ]
    .iter()
    .filter_map(|k| a.get(*k).map(|v| ((*k).to_owned(), v.clone(), lookup(&live, k))))
    .collect();
    if let Some(v) = a.get("instance_class") {
        c.push(("instance_class".into(), v.clone(), json!(d.instance_class)));
    }
    if let Some(v) = a.get("port") {
        c.push(("port".into(), v.clone(), json!(d.port)));
    }
    Some((&d.meta, c))
}

fn secret<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.secretsmanager.secrets.iter().find(|x| x.meta.arn == s(a, "arn") || x.meta.name == s(a, "name"))?;
    Some((
        &x.meta,
        vec![
            ("kms_key_id".into(), json!(s(a, "kms_key_id")), json!(x.kms_key_id)),
            ("description".into(), json!(s(a, "description")), json!(x.description)),
        ],
    ))
}

/// What the S3 configuration resources declare for each bucket, as (snapshot path, value).
fn gather(r: &TfResource, p: &mut Parts) {
    let a = &r.attributes;
    let bucket = s(a, "bucket").to_owned();
    match r.resource_type.as_str() {
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let alg = first_block(a, "rule")
                .and_then(|rule| first_block(rule, "apply_server_side_encryption_by_default"))
                .map(|d| s(d, "sse_algorithm").to_owned());
            if let Some(alg) = alg {
                p.bucket.entry(bucket).or_default().push(("encryption.rules[0].sse_algorithm".into(), json!(alg)));
            }
        }
        "aws_s3_bucket_versioning" => {
            if let Some(v) = first_block(a, "versioning_configuration") {
                p.bucket.entry(bucket).or_default().push(("versioning.status".into(), json!(s(v, "status"))));
            }
        }
        "aws_s3_bucket_public_access_block" => {
            let e = p.bucket.entry(bucket).or_default();
            for k in ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"] {
                e.push((format!("public_access_block.{k}"), a.get(k).cloned().unwrap_or(Value::Null)));
            }
        }
        "aws_s3_bucket_policy" => {
            p.bucket.entry(bucket).or_default().push(("policy".into(), policy_value(s(a, "policy"))));
        }
        _ => {}
    }
}

/// Every bucket, instance and secret may be Terraform's.
fn not_owned<'s>(_: &'s Snapshot, _: &mut BTreeSet<(&'static str, &'s str)>) {}
