//! The backup and audit-trail Terraform types: manual DB snapshots, SSM parameters (never
//! their values), CloudTrail trails and customer managed KMS keys.

use std::collections::BTreeSet;

use serde_json::json;

use super::values::{s, Attrs};
use super::{Matched, Parts, Section, TfResource};
use crate::model::Snapshot;

pub(super) const SECTION: Section = Section {
    matchers: &[
        ("rds.db_snapshots", db_snapshot),
        ("ssm.parameters", parameter),
        ("cloudtrail.trails", trail),
        ("kms.keys", kms_key),
    ],
    gather,
    not_owned,
};

fn db_snapshot<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap
        .rds
        .db_snapshots
        .iter()
        .find(|x| x.meta.id == s(a, "db_snapshot_identifier") || x.meta.arn == s(a, "db_snapshot_arn"))?;
    let c = a.get("encrypted").map(|v| ("encrypted".to_owned(), v.clone(), json!(x.encrypted))).into_iter().collect();
    Some((&x.meta, c))
}

/// Never the value: the state's `value` is a secret for SecureString, and the snapshot does
/// not hold it.
fn parameter<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.ssm.parameters.iter().find(|x| x.meta.name == s(a, "name") || x.meta.arn == s(a, "arn"))?;
    let mut c = vec![("type".to_owned(), json!(s(a, "type")), json!(x.parameter_type))];
    if let Some(v) = a.get("key_id").filter(|v| v.as_str().is_some_and(|k| !k.is_empty())) {
        c.push(("key_id".into(), v.clone(), json!(x.key_id)));
    }
    Some((&x.meta, c))
}

fn trail<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.cloudtrail.trails.iter().find(|x| x.meta.arn == s(a, "arn") || x.meta.name == s(a, "name"))?;
    let c = [
        ("is_multi_region_trail", "is_multi_region", json!(x.is_multi_region)),
        ("enable_log_file_validation", "log_file_validation_enabled", json!(x.log_file_validation_enabled)),
        ("enable_logging", "is_logging", json!(x.is_logging)),
        ("s3_bucket_name", "s3_bucket_name", json!(x.s3_bucket_name)),
    ]
    .into_iter()
    .filter_map(|(k, attr, live)| a.get(k).map(|v| (attr.to_owned(), v.clone(), live)))
    .collect();
    Some((&x.meta, c))
}

fn kms_key<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let k = snap.kms.keys.iter().find(|k| k.meta.arn == s(a, "arn") || k.meta.id == s(a, "key_id"))?;
    let c = [
        ("enable_key_rotation", "rotation_enabled", json!(k.rotation_enabled)),
        ("is_enabled", "enabled", json!(k.enabled)),
    ]
    .into_iter()
    .filter_map(|(key, attr, live)| a.get(key).map(|v| (attr.to_owned(), v.clone(), live)))
    .collect();
    Some((&k.meta, c))
}

/// No configuration resource is folded into these.
fn gather(_: &TfResource, _: &mut Parts) {}

/// Terraform does not own automated snapshots (AWS takes them) or AWS managed keys.
fn not_owned<'s>(snap: &'s Snapshot, out: &mut BTreeSet<(&'static str, &'s str)>) {
    out.extend(
        snap.rds
            .db_snapshots
            .iter()
            .filter(|x| x.snapshot_type != "manual")
            .map(|x| ("rds.db_snapshots", x.meta.arn.as_str())),
    );
    out.extend(
        snap.kms
            .keys
            .iter()
            .filter(|k| k.key_manager.as_deref() != Some("CUSTOMER"))
            .map(|k| ("kms.keys", k.meta.arn.as_str())),
    );
}
