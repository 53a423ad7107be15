//! Call statistics for `--stats` and the benchmark: the calls a collection made against
//! the fewest calls the same snapshot could have been built with, given the APIs' largest
//! page sizes and the per-resource calls no batch API replaces.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::Snapshot;

/// Pages needed for `n` items at `page` items per call (a listing always costs one call).
fn pages(n: usize, page: usize) -> u64 {
    (n.div_ceil(page)).max(1) as u64
}

/// The fewest calls per `service:Operation` that yield this snapshot.
///
/// Page sizes: EC2 Describe* unbounded (without a page size EC2 answers everything at once,
/// which is how the collector asks), ListBuckets 10000, RDS 100, IAM
/// GetAccountAuthorizationDetails 1000, ListSecrets 100, DescribeLoadBalancers 400,
/// DescribeTags 20 ARNs, ListClusters 100. Bucket settings, secret policies, balancer
/// attributes and listeners, and cluster descriptions have no batch API: one call each.
/// GetBucketLocation is not counted: real ListBuckets answers carry the bucket region.
pub fn minimum_calls(s: &Snapshot) -> BTreeMap<String, u64> {
    let mut m: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |k: &str, n: u64| {
        if n > 0 {
            *m.entry(k.to_owned()).or_insert(0) += n;
        }
    };
    add("sts:GetCallerIdentity", 1);
    for region in &s.regions {
        let count = |metas: Vec<&str>| metas.iter().filter(|r| *r == region).count();
        macro_rules! n {
            ($coll:expr) => {
                count($coll.iter().map(|x| x.meta.region.as_str()).collect())
            };
        }
        add("ec2:DescribeVpcs", pages(n!(s.ec2.vpcs), usize::MAX));
        add("ec2:DescribeSubnets", pages(n!(s.ec2.subnets), usize::MAX));
        add("ec2:DescribeRouteTables", pages(n!(s.ec2.route_tables), usize::MAX));
        add("ec2:DescribeInternetGateways", pages(n!(s.ec2.internet_gateways), usize::MAX));
        add("ec2:DescribeNatGateways", pages(n!(s.ec2.nat_gateways), usize::MAX));
        add("ec2:DescribeSecurityGroups", pages(n!(s.ec2.security_groups), usize::MAX));
        add("ec2:DescribeVpcEndpoints", pages(n!(s.ec2.vpc_endpoints), usize::MAX));
        add("ec2:DescribeFlowLogs", pages(n!(s.ec2.flow_logs), usize::MAX));
        add("ec2:DescribeInstances", pages(n!(s.ec2.instances), usize::MAX));
        add("ec2:GetEbsEncryptionByDefault", 1);
        add("ec2:GetEbsDefaultKmsKeyId", 1);
        let instances = n!(s.rds.db_instances);
        let clusters = n!(s.rds.db_clusters);
        add("rds:DescribeDBInstances", pages(instances, 100));
        add("rds:DescribeDBClusters", pages(clusters, 100));
        let groups: Vec<_> = s.rds.parameter_groups.iter().filter(|g| &g.meta.region == region).collect();
        let instance_groups = groups.iter().filter(|g| g.kind == "instance").count() as u64;
        let cluster_groups = groups.iter().filter(|g| g.kind == "cluster").count() as u64;
        add("rds:DescribeDBParameterGroups", u64::from(instance_groups > 0));
        add("rds:DescribeDBParameters", instance_groups);
        add("rds:DescribeDBClusterParameterGroups", u64::from(cluster_groups > 0));
        add("rds:DescribeDBClusterParameters", cluster_groups);
        let secrets = n!(s.secretsmanager.secrets);
        add("secretsmanager:ListSecrets", pages(secrets, 100));
        add("secretsmanager:GetResourcePolicy", secrets as u64);
        add("config:DescribeConfigurationRecorders", 1);
        add("config:DescribeConfigurationRecorderStatus", 1);
        add("config:DescribeDeliveryChannels", 1);
        let lbs = n!(s.elbv2.load_balancers);
        add("elasticloadbalancing:DescribeLoadBalancers", pages(lbs, 400));
        add("elasticloadbalancing:DescribeLoadBalancerAttributes", lbs as u64);
        add("elasticloadbalancing:DescribeListeners", lbs as u64);
        if lbs > 0 {
            add("elasticloadbalancing:DescribeTags", pages(lbs, 20));
        }
        let clusters = n!(s.eks.clusters);
        add("eks:ListClusters", pages(clusters, 100));
        add("eks:DescribeCluster", clusters as u64);
        perimeter_minimum(s, region, &mut add);
        // Backups, parameters, trail and keys (issue 13).
        add("rds:DescribeDBSnapshots", pages(n!(s.rds.db_snapshots), 100));
        let manual = s.rds.db_snapshots.iter().filter(|x| &x.meta.region == region && x.snapshot_type == "manual");
        add("rds:DescribeDBSnapshotAttributes", manual.count() as u64);
        add("ssm:DescribeParameters", pages(n!(s.ssm.parameters), 50));
        let trails = n!(s.cloudtrail.trails);
        add("cloudtrail:DescribeTrails", 1);
        add("cloudtrail:GetTrailStatus", trails as u64);
        add("cloudtrail:GetEventSelectors", trails as u64);
        let keys: Vec<_> = s.kms.keys.iter().filter(|k| &k.meta.region == region).collect();
        let aliases: usize = keys.iter().map(|k| k.aliases.len()).sum();
        add("kms:ListKeys", pages(keys.len(), 1000));
        add("kms:ListAliases", pages(aliases, 100));
        add("kms:DescribeKey", keys.len() as u64);
        let customer = keys.iter().filter(|k| k.key_manager.as_deref() == Some("CUSTOMER")).count() as u64;
        add("kms:GetKeyRotationStatus", customer);
        add("kms:GetKeyPolicy", customer);
    }
    let b = s.s3.buckets.len() as u64;
    add("s3:ListBuckets", pages(s.s3.buckets.len(), 10_000));
    add("s3:GetAccountPublicAccessBlock", 1);
    for op in [
        "GetBucketEncryption",
        "GetBucketPolicy",
        "GetBucketVersioning",
        "GetBucketPublicAccessBlock",
        "GetBucketLogging",
        "GetBucketTagging",
        "GetBucketLifecycleConfiguration",
    ] {
        add(&format!("s3:{op}"), b);
    }
    let iam = s.iam.roles.len() + s.iam.users.len() + s.iam.groups.len() + s.iam.policies.len();
    add("iam:GetAccountAuthorizationDetails", pages(iam, 1000));
    add("iam:GetAccountPasswordPolicy", 1);
    m
}

/// The perimeter services' fewest calls in one region (WAF, ACM, CloudWatch, SNS, Logs). WAF
/// lists the region's load balancers itself (a second DescribeLoadBalancers).
fn perimeter_minimum(s: &Snapshot, region: &str, add: &mut impl FnMut(&str, u64)) {
    let n = |metas: Vec<&crate::model::ResourceMeta>| metas.into_iter().filter(|m| m.region == region).count();
    let acls = n(s.wafv2.web_acls.iter().map(|x| &x.meta).collect());
    let albs = n(s.wafv2.associations.iter().map(|x| &x.meta).collect());
    add("wafv2:ListWebACLs", pages(acls, 100));
    add("wafv2:GetWebACL", acls as u64);
    add(
        "elasticloadbalancing:DescribeLoadBalancers",
        pages(n(s.elbv2.load_balancers.iter().map(|x| &x.meta).collect()), 400),
    );
    add("wafv2:GetWebACLForResource", albs as u64);
    add(
        "wafv2:ListLoggingConfigurations",
        pages(n(s.wafv2.logging_configurations.iter().map(|x| &x.meta).collect()), 100),
    );
    let certs = n(s.acm.certificates.iter().map(|x| &x.meta).collect());
    add("acm:ListCertificates", pages(certs, 1000));
    add("acm:DescribeCertificate", certs as u64);
    add("cloudwatch:DescribeAlarms", pages(n(s.cloudwatch.alarms.iter().map(|x| &x.meta).collect()), 100));
    let topics = n(s.sns.topics.iter().map(|x| &x.meta).collect());
    add("sns:ListTopics", pages(topics, 100));
    add("sns:GetTopicAttributes", topics as u64);
    add("sns:ListSubscriptionsByTopic", topics as u64);
    let groups = n(s.logs.log_groups.iter().map(|x| &x.meta).collect());
    add("logs:DescribeLogGroups", pages(groups, 50));
    add("logs:ListTagsForResource", groups as u64);
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
        assert_eq!(pages(1001, 1000), 2);
    }
}
