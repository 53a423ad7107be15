//! Call statistics for `--api-stats` and the benchmark: the calls a collection made against
//! the fewest calls the same snapshot could have been built with, given the APIs' largest
//! page sizes and the per-resource calls no batch API replaces. Both come from the service
//! registry: each operation's rule is declared beside it in its service's `service!`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::aws::{Scope, ServicePart};
use crate::model::Snapshot;

/// The fewest calls per `service:Operation` (IAM prefix and recorded name) that yield this
/// snapshot: for each service of the registry, the page sizes and per-resource calls its
/// `service!` declares, per scanned region for a regional service and once for a global one.
/// The session's own calls (the account id, `--region all`) are not counted: the snapshot's
/// caller identity is the one call both need.
pub fn minimum_calls(s: &Snapshot) -> BTreeMap<String, u64> {
    let mut m: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |client: &'static str, name: &'static str, n: u64| {
        if n > 0 {
            *m.entry(format!("{}:{name}", crate::aws::iam_prefix(client))).or_insert(0) += n;
        }
    };
    macro_rules! each_service {
        ($($svc:ident)*) => {
            $( part_minimum(&s.$svc, &s.regions, &mut add); )*
        };
    }
    crate::aws::registry!(each_service);
    m
}

/// One service's fewest calls: once for a global service, per region for a regional one.
fn part_minimum<P: ServicePart>(part: &P, regions: &[String], add: &mut dyn FnMut(&'static str, &'static str, u64)) {
    match P::SERVICE.scope {
        Scope::Global => part.minimum_calls(None, add),
        Scope::Regional => {
            for region in regions {
                part.minimum_calls(Some(region), add);
            }
        }
    }
}

/// A plain-text table: calls and minimum per operation, totals, and calls per resource.
pub fn stats_table(calls: &BTreeMap<String, u64>, snapshot: &Snapshot) -> String {
    let minimum = minimum_calls(snapshot);
    let mut keys: Vec<&String> = calls.keys().chain(minimum.keys()).collect();
    keys.sort();
    keys.dedup();
    let width = keys.iter().map(|k| k.len()).max().unwrap_or(9).max(9);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:>8}  {:>8}", "operation", "calls", "minimum");
    for k in &keys {
        let _ = writeln!(
            out,
            "{:<width$}  {:>8}  {:>8}",
            k,
            calls.get(*k).copied().unwrap_or(0),
            minimum.get(*k).copied().unwrap_or(0)
        );
    }
    let total: u64 = calls.values().sum();
    let min_total: u64 = minimum.values().sum();
    let resources = snapshot.resource_metas().len();
    let _ = writeln!(out, "{:<width$}  {:>8}  {:>8}", "total", total, min_total);
    let per = |n: u64| if resources == 0 { 0.0 } else { n as f64 / resources as f64 };
    let _ = writeln!(
        out,
        "resources {resources}; calls per resource {:.3} (minimum {:.3}); collection errors {}",
        per(total),
        per(min_total),
        snapshot.collection_errors.len()
    );
    for k in &keys {
        let (made, least) = (calls.get(*k).copied().unwrap_or(0), minimum.get(*k).copied().unwrap_or(0));
        if made > least {
            let _ = writeln!(out, "above minimum: {k} (+{})", made - least);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-bucket calls scale with buckets; listings cost one page even when empty.
    #[test]
    fn minimum_counts_pages_and_per_resource_calls() {
        let mut s = Snapshot { regions: vec!["us-east-1".into()], ..Snapshot::default() };
        for _ in 0..3 {
            s.s3.buckets.push(Default::default());
        }
        let m = minimum_calls(&s);
        assert_eq!(m["s3:GetBucketPolicy"], 3);
        assert_eq!(m["s3:ListBuckets"], 1);
        assert_eq!(m["ec2:DescribeVpcs"], 1);
        assert_eq!(m["iam:GetAccountAuthorizationDetails"], 1);
        assert!(!m.contains_key("rds:DescribeDBParameters"));
        assert!(!m.contains_key("s3:GetBucketLocation"), "real ListBuckets answers carry the region");
        assert_eq!(crate::aws::pages(1001, 1000), 2);
        assert_eq!(crate::aws::pages(0, 1000), 1);
    }

    /// A regional service's listings are counted once per scanned region and its per-resource
    /// calls by the resources of each region; a global service's once per scan. The rules are
    /// those the services declare (KMS: rotation and policy of customer keys only).
    #[test]
    fn minimum_is_per_region_for_regional_services() {
        use crate::aws::kms::KmsKey;
        let mut s = Snapshot { regions: vec!["eu-west-1".into(), "us-east-1".into()], ..Snapshot::default() };
        for (region, manager) in [("eu-west-1", "CUSTOMER"), ("eu-west-1", "AWS"), ("us-east-1", "CUSTOMER")] {
            let mut key =
                KmsKey { key_manager: Some(manager.into()), aliases: vec!["alias/x".into()], ..Default::default() };
            key.meta.region = region.into();
            s.kms.keys.push(key);
        }
        let m = minimum_calls(&s);
        assert_eq!(m["kms:ListKeys"], 2, "one listing per region");
        assert_eq!(m["kms:ListAliases"], 2);
        assert_eq!(m["kms:DescribeKey"], 3);
        assert_eq!(m["kms:GetKeyRotationStatus"], 2, "customer keys only");
        assert_eq!(m["ec2:DescribeVpcs"], 2);
        assert_eq!(m["s3:ListBuckets"], 1, "a global service once");
        assert_eq!(m["sts:GetCallerIdentity"], 1);
        let table = stats_table(&BTreeMap::from([("kms:DescribeKey".to_owned(), 5)]), &s);
        assert!(table.contains("above minimum: kms:DescribeKey (+2)"), "{table}");
    }
}
