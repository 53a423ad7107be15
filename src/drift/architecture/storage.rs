//! Architecture drift of the storage sections (`architecture.data_lake`,
//! `architecture.database`): each layer's bucket, encrypted with KMS and versioned where
//! required, and the metadata database with its engine, port, encryption, Multi-AZ and
//! `rds.force_ssl`.

use serde_json::json;

use super::{changed, missing, name_drift, Candidate, Run};
use crate::model::{ResourceMeta, Severity, Snapshot};

pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    buckets(s, run);
    database(s, run);
}

/// The data lake: one bucket per layer, found by name or by the layer tag.
fn buckets<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let req = &view.requirements;
    for (layer, name) in view.buckets() {
        let element = format!("bucket:{layer}");
        let layer_tag = Some((view.recognise.layer_tag.as_str(), layer));
        let mut drift = Vec::new();
        match run.find(&s.s3.buckets, |b| &b.meta, name, layer_tag) {
            None => {
                drift.extend(run.absent(
                    "s3.buckets",
                    missing(&element, Severity::High, &format!("bucket `{name}` ({layer} layer)")),
                ))
            }
            Some(b) => {
                drift.extend(name_drift(&element, &b.meta, name));
                if req.s3_kms_required && run.can_judge(&b.meta.arn, "GetBucketEncryption") {
                    let alg = b.encryption.as_ref().and_then(|e| e.rules.first()).map(|r| r.sse_algorithm.as_str());
                    if !alg.is_some_and(|a| a.starts_with("aws:kms")) {
                        drift.push(changed(
                            &element,
                            &b.meta,
                            Severity::High,
                            "encryption.rules[0].sse_algorithm",
                            json!("aws:kms"),
                            json!(alg),
                        ));
                    }
                }
                if req.s3_versioning_required
                    && run.can_judge(&b.meta.arn, "GetBucketVersioning")
                    && b.versioning.status.as_deref() != Some("Enabled")
                {
                    drift.push(changed(
                        &element,
                        &b.meta,
                        Severity::Medium,
                        "versioning.status",
                        json!("Enabled"),
                        json!(b.versioning.status),
                    ));
                }
            }
        }
        run.element(&element, drift);
    }
}

/// The metadata database, when declared.
fn database<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let Some(db) = &view.architecture.database else { return };
    let req = &view.requirements;
    let element = "database";
    let mut drift = Vec::new();
    match run.find(&s.rds.db_instances, |d| &d.meta, &db.identifier, None) {
        None => drift.extend(run.absent(
            "rds.db_instances",
            missing(element, Severity::High, &format!("RDS instance `{}`", db.identifier)),
        )),
        Some(d) => {
            if !d.engine.contains(&db.engine) {
                drift.push(changed(element, &d.meta, Severity::Medium, "engine", json!(db.engine), json!(d.engine)));
            }
            if let Some(port) = d.port {
                if port != i32::from(db.port) {
                    drift.push(changed(element, &d.meta, Severity::Low, "port", json!(db.port), json!(port)));
                }
            }
            // Not reported (null) is not in sync either: the value shows as null.
            if db.storage_encrypted && d.storage_encrypted != Some(true) {
                drift.push(changed(
                    element,
                    &d.meta,
                    Severity::High,
                    "storage_encrypted",
                    json!(true),
                    json!(d.storage_encrypted),
                ));
            }
            if req.rds_multi_az && d.multi_az != Some(true) {
                drift.push(changed(element, &d.meta, Severity::Medium, "multi_az", json!(true), json!(d.multi_az)));
            }
            if db.force_ssl {
                // Judged only when the parameter group was collected.
                let value = d
                    .parameter_groups
                    .iter()
                    .find_map(|g| s.rds.parameter_groups.iter().find(|p| &p.meta.name == g || &p.meta.id == g))
                    .map(|p| match crate::defaults::effective(&p.family, &p.parameters, "rds.force_ssl") {
                        // Not set: the engine's documented default (crate::defaults).
                        crate::defaults::Effective::Explicit(v)
                        | crate::defaults::Effective::Default { value: v, .. } => Some(v),
                        crate::defaults::Effective::Unknown(_) => None,
                    });
                if value.is_none() && run.gaps.list_failed("rds.parameter_groups") {
                    run.unknown = true;
                }
                match value {
                    // A silent group of an engine version without a documented default.
                    Some(None) => run.unknown = true,
                    Some(Some(v)) if v != "1" => drift.push(changed(
                        element,
                        &d.meta,
                        Severity::High,
                        "parameters.rds.force_ssl",
                        json!("1"),
                        json!(v),
                    )),
                    _ => {}
                }
            }
        }
    }
    run.element(element, drift);
}

/// Buckets and DB instances that look like FlowForge's.
pub(super) fn candidates<'a>(s: &'a Snapshot, looks: &dyn Fn(&ResourceMeta) -> bool) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate> = Vec::new();
    for b in s.s3.buckets.iter().filter(|b| looks(&b.meta)) {
        out.push((format!("bucket:{}", b.meta.name), Severity::Medium, &b.meta));
    }
    for d in s.rds.db_instances.iter().filter(|d| looks(&d.meta)) {
        out.push((format!("database:{}", d.meta.id), Severity::Medium, &d.meta));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, summary};
    use crate::aws::s3::Bucket;
    use crate::drift::testutil::*;
    use crate::model::{DriftState, Severity};

    /// A FlowForge-tagged bucket nobody declared is UNMANAGED; another env's bucket is not.
    #[test]
    fn extra_tagged_bucket_is_unmanaged() {
        let mut s = compliant_snapshot();
        s.s3.buckets.push(Bucket { meta: meta("s3", "", "scratch-data", "scratch-data", &[]), ..Default::default() });
        let mut other = meta("s3", "", "flowforge-dev-gold", "flowforge-dev-gold", &[]);
        other.tags.insert("flowforge:env".into(), "dev".into());
        s.s3.buckets.push(Bucket { meta: other, ..Default::default() });
        let o = run(&s);
        assert_eq!(summary(&o.items), vec![("bucket:scratch-data".into(), DriftState::Unmanaged, None)]);
        assert_eq!(o.items[0].severity, Severity::Medium);
        assert_eq!(o.in_sync, o.declared, "unmanaged resources do not lower coverage");
    }

    /// A renamed but tagged bucket is found by its tags and reported as a name change.
    #[test]
    fn renamed_bucket_is_matched_by_tags() {
        let mut s = compliant_snapshot();
        let gold = s.s3.buckets.iter_mut().find(|b| b.meta.name == "flowforge-prod-gold").unwrap();
        gold.meta.name = "ff-gold".into();
        gold.meta.id = "ff-gold".into();
        gold.meta.arn = "arn:aws:s3:::ff-gold".into();
        let o = run(&s);
        assert_eq!(summary(&o.items), vec![("bucket:gold".into(), DriftState::Changed, Some("name".into()))]);
    }
}
