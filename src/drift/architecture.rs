//! Architecture drift: each element the baseline declares for the environment, matched in
//! the snapshot by identity, ends IN_SYNC, MISSING or CHANGED; resources that look like
//! FlowForge of this environment (name prefix or app + environment tags) but match no
//! declared element are UNMANAGED.
//!
//! Identity is the declared name (the `Name` tag for EC2, the service's name elsewhere); when
//! no resource has the name, a resource tagged for the environment (and, for buckets and
//! roles, with the right layer or role tag) is taken, and its name is reported as CHANGED.
//! Only declared attributes are compared: compliance checks judge the rest.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{Gaps, Item};
use crate::baseline::{EndpointType, EnvView};
use crate::model::{DriftItem, DriftState, ResourceMeta, Severity, Snapshot, Subnet};

const KIND: &str = "architecture";

pub(crate) struct Outcome {
    pub declared: usize,
    pub in_sync: usize,
    pub items: Vec<DriftItem>,
    /// The matched FlowForge VPC's id, for network drift.
    pub vpc_id: Option<String>,
    /// Declared elements that could not be judged because collection failed.
    pub unverified: Vec<String>,
}

struct Run<'a> {
    view: &'a EnvView,
    gaps: Gaps<'a>,
    declared: usize,
    in_sync: usize,
    unverified: Vec<String>,
    items: Vec<DriftItem>,
    matched: BTreeSet<&'a str>,
    /// Set while judging an element when data it needs could not be collected.
    unknown: bool,
}

impl<'a> Run<'a> {
    /// Records one declared element and its drift. No drift means in sync, unless some of
    /// its data could not be collected: then it is unverified (declared, not in sync).
    fn element(&mut self, name: &str, drift: Vec<DriftItem>) {
        self.declared += 1;
        if drift.is_empty() {
            if self.unknown {
                self.unverified.push(name.to_owned());
            } else {
                self.in_sync += 1;
            }
        }
        self.unknown = false;
        self.items.extend(drift);
    }

    /// A MISSING item, unless the collection could not be listed (absence proves nothing).
    fn absent(&mut self, collection: &str, item: DriftItem) -> Option<DriftItem> {
        if self.gaps.list_failed(collection) {
            self.unknown = true;
            None
        } else {
            Some(item)
        }
    }

    /// False (and the element unverified) when `operation` failed for this resource.
    fn can_judge(&mut self, arn: &str, operation: &str) -> bool {
        if self.gaps.detail_failed(arn, operation) {
            self.unknown = true;
            false
        } else {
            true
        }
    }

    /// Finds a declared resource by name, else by tags; records the match.
    fn find<T>(
        &mut self,
        items: &'a [T],
        meta: impl Fn(&'a T) -> &'a ResourceMeta,
        name: &str,
        tag: Option<(&str, &str)>,
    ) -> Option<&'a T> {
        let by_name = items.iter().find(|r| {
            let m = meta(r);
            (m.name == name || m.id == name) && !self.matched.contains(m.arn.as_str())
        });
        let found = by_name.or_else(|| {
            items.iter().find(|r| {
                let m = meta(r);
                self.view.is_tagged_for_env(&m.tags)
                    && tag.is_some_and(|(k, v)| m.tags.get(k).is_some_and(|t| t == v))
                    && !self.matched.contains(m.arn.as_str())
            })
        });
        if let Some(r) = found {
            self.matched.insert(meta(r).arn.as_str());
        }
        found
    }
}

/// An endpoint that AWS still lists but that no longer works.
fn gone(state: &str) -> bool {
    matches!(state.to_ascii_lowercase().as_str(), "deleted" | "deleting" | "failed" | "rejected" | "expired")
}

fn missing(element: &str, severity: Severity, what: &str) -> DriftItem {
    Item::new(KIND, element, DriftState::Missing, severity)
        .message(format!("{what} is declared but not in the account"))
}

fn changed(
    element: &str,
    m: &ResourceMeta,
    severity: Severity,
    attr: &str,
    expected: Value,
    actual: Value,
) -> DriftItem {
    let msg = format!("{} `{}`: {attr} is {actual}, expected {expected}", element, display_name(m));
    Item::new(KIND, element, DriftState::Changed, severity).arn(&m.arn).attr(attr, expected, actual).message(msg)
}

fn display_name(m: &ResourceMeta) -> &str {
    if m.name.is_empty() {
        &m.id
    } else {
        &m.name
    }
}

/// A resource found by tags under another name: the declared name is drift.
fn name_drift(element: &str, m: &ResourceMeta, expected: &str) -> Option<DriftItem> {
    (m.name != expected && m.id != expected)
        .then(|| changed(element, m, Severity::Low, "name", json!(expected), json!(m.name)))
}

pub(crate) fn check(s: &Snapshot, view: &EnvView) -> Outcome {
    let arch = &view.architecture;
    let req = &view.requirements;
    let mut run = Run {
        view,
        gaps: Gaps::new(s),
        declared: 0,
        in_sync: 0,
        unverified: Vec::new(),
        items: Vec::new(),
        matched: BTreeSet::new(),
        unknown: false,
    };

    // VPC and what lives in it.
    let vpc = run.find(
        &s.ec2.vpcs,
        |v| &v.meta,
        &arch.vpc.name,
        Some((view.recognise.app_tag.key.as_str(), view.recognise.app_tag.value.as_str())),
    );
    match vpc {
        None => {
            let item = run.absent("ec2.vpcs", missing("vpc", Severity::High, &format!("VPC `{}`", arch.vpc.name)));
            run.element("vpc", item.into_iter().collect());
        }
        Some(v) => run.element("vpc", name_drift("vpc", &v.meta, &arch.vpc.name).into_iter().collect()),
    }
    let vpc_id = vpc.map(|v| v.meta.id.clone());

    for ep in &arch.vpc.required_endpoints {
        let element = format!("vpc_endpoint:{}", ep.service);
        let suffix = format!(".{}", ep.service);
        let candidates: Vec<_> = s
            .ec2
            .vpc_endpoints
            .iter()
            .filter(|e| Some(&e.vpc_id) == vpc_id.as_ref() && e.service_name.ends_with(&suffix) && !gone(&e.state))
            .collect();
        let found =
            candidates.iter().find(|e| e.endpoint_type == ep.endpoint_type.as_str()).or(candidates.first()).copied();
        let mut drift = Vec::new();
        match found {
            None => drift.extend(run.absent(
                "ec2.vpc_endpoints",
                missing(
                    &element,
                    Severity::High,
                    &format!("{} endpoint for {} in VPC `{}`", ep.endpoint_type.as_str(), ep.service, arch.vpc.name),
                ),
            )),
            Some(e) => {
                run.matched.insert(e.meta.arn.as_str());
                if e.endpoint_type != ep.endpoint_type.as_str() {
                    drift.push(changed(
                        &element,
                        &e.meta,
                        Severity::Medium,
                        "endpoint_type",
                        json!(ep.endpoint_type.as_str()),
                        json!(e.endpoint_type),
                    ));
                }
                if let Some(dns) = ep.private_dns {
                    if ep.endpoint_type == EndpointType::Interface && e.private_dns_enabled != dns {
                        drift.push(changed(
                            &element,
                            &e.meta,
                            Severity::Medium,
                            "private_dns_enabled",
                            json!(dns),
                            json!(e.private_dns_enabled),
                        ));
                    }
                }
            }
        }
        run.element(&element, drift);
    }

    // Data lake.
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

    // Metadata database.
    if let Some(db) = &arch.database {
        let element = "database";
        let mut drift = Vec::new();
        match run.find(&s.rds.db_instances, |d| &d.meta, &db.identifier, None) {
            None => drift.extend(run.absent(
                "rds.db_instances",
                missing(element, Severity::High, &format!("RDS instance `{}`", db.identifier)),
            )),
            Some(d) => {
                if !d.engine.contains(&db.engine) {
                    drift.push(changed(
                        element,
                        &d.meta,
                        Severity::Medium,
                        "engine",
                        json!(db.engine),
                        json!(d.engine),
                    ));
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
                        .map(|p| p.parameters.get("rds.force_ssl").cloned());
                    if value.is_none() && run.gaps.list_failed("rds.parameter_groups") {
                        run.unknown = true;
                    }
                    if let Some(v) = value {
                        if v.as_deref() != Some("1") {
                            drift.push(changed(
                                element,
                                &d.meta,
                                Severity::High,
                                "parameters.rds.force_ssl",
                                json!("1"),
                                json!(v),
                            ));
                        }
                    }
                }
            }
        }
        run.element(element, drift);
    }

    for name in &arch.secrets {
        let element = format!("secret:{name}");
        let drift = match run.find(&s.secretsmanager.secrets, |x| &x.meta, name, None) {
            None => run
                .absent("secretsmanager.secrets", missing(&element, Severity::Medium, &format!("secret `{name}`")))
                .into_iter()
                .collect(),
            Some(_) => Vec::new(),
        };
        run.element(&element, drift);
    }

    if let Some(lb) = &arch.load_balancer {
        let found = run.find(&s.elbv2.load_balancers, |l| &l.meta, &lb.name, None);
        let drift = match found {
            None => run
                .absent(
                    "elbv2.load_balancers",
                    missing("load_balancer", Severity::Medium, &format!("load balancer `{}`", lb.name)),
                )
                .into_iter()
                .collect(),
            Some(_) => Vec::new(),
        };
        run.element("load_balancer", drift);
        let element = "load_balancer:https_listener";
        let listener = found.and_then(|l| {
            s.elbv2.listeners.iter().find(|x| x.load_balancer_arn == l.meta.arn && x.protocol == "HTTPS")
        });
        let mut drift = Vec::new();
        match listener {
            None => drift.extend(run.absent(
                "elbv2.listeners",
                missing(element, Severity::Medium, &format!("HTTPS listener on `{}`", lb.name)),
            )),
            Some(x) => {
                run.matched.insert(x.meta.arn.as_str());
                let policy = x.ssl_policy.as_deref().unwrap_or("");
                if !lb.allowed_ssl_policies.is_empty() && !lb.allowed_ssl_policies.iter().any(|p| p == policy) {
                    drift.push(changed(
                        element,
                        &x.meta,
                        Severity::High,
                        "ssl_policy",
                        json!(lb.allowed_ssl_policies),
                        json!(x.ssl_policy),
                    ));
                }
            }
        }
        run.element(element, drift);
    }

    if let Some(eks) = &arch.eks_cluster {
        let mut drift = Vec::new();
        match run.find(&s.eks.clusters, |c| &c.meta, &eks.name, None) {
            None => drift.extend(run.absent(
                "eks.clusters",
                missing("eks_cluster", Severity::High, &format!("EKS cluster `{}`", eks.name)),
            )),
            Some(c) => {
                if !req.eks_public_endpoint_allowed
                    && run.can_judge(&c.meta.arn, "DescribeCluster")
                    && c.endpoint_public_access != Some(false)
                {
                    drift.push(changed(
                        "eks_cluster",
                        &c.meta,
                        Severity::High,
                        "endpoint_public_access",
                        json!(false),
                        json!(c.endpoint_public_access),
                    ));
                }
            }
        }
        run.element("eks_cluster", drift);
    }

    // Subnets and NAT gateways per AZ (only knowable when the VPC exists).
    if let Some(vpc) = vpc {
        let subnets: Vec<&Subnet> = s.ec2.subnets.iter().filter(|x| x.vpc_id == vpc.meta.id).collect();
        let public = public_subnets(s, view, &vpc.meta.id, &subnets);
        let private_azs: BTreeSet<&str> = subnets
            .iter()
            .filter(|x| !public.contains(x.meta.id.as_str()))
            .map(|x| x.availability_zone.as_str())
            .collect();
        let want = req.min_private_subnet_azs as usize;
        if run.gaps.list_failed("ec2.subnets") || run.gaps.list_failed("ec2.route_tables") {
            run.unknown = true;
        }
        let drift = if run.unknown {
            Vec::new()
        } else if private_azs.is_empty() && want > 0 {
            vec![missing("private_subnets", Severity::High, &format!("private subnets in VPC `{}`", vpc.meta.name))]
        } else if private_azs.len() < want {
            vec![changed(
                "private_subnets",
                &vpc.meta,
                Severity::Medium,
                "availability_zone_count",
                json!(want),
                json!(private_azs.len()),
            )]
        } else {
            Vec::new()
        };
        run.element("private_subnets", drift);

        if req.nat_gateway_per_az {
            let azs: BTreeSet<&str> = subnets.iter().map(|x| x.availability_zone.as_str()).collect();
            for az in azs {
                let element = format!("nat_gateway:{az}");
                let nat = s.ec2.nat_gateways.iter().find(|n| {
                    let nat_az = n.availability_zone.as_deref().or_else(|| {
                        s.ec2.subnets.iter().find(|x| x.meta.id == n.subnet_id).map(|x| x.availability_zone.as_str())
                    });
                    n.vpc_id == vpc.meta.id && n.state == "available" && nat_az == Some(az)
                });
                let drift = match nat {
                    None => run
                        .absent(
                            "ec2.nat_gateways",
                            missing(&element, Severity::Medium, &format!("NAT gateway in {az}")),
                        )
                        .into_iter()
                        .collect(),
                    Some(_) => Vec::new(),
                };
                run.element(&element, drift);
            }
        }
    }

    if arch.config_recorder && req.config_recorder_required {
        let drift = match s.config.recorders.iter().find(|r| r.recording).or(s.config.recorders.first()) {
            None => run
                .absent("config.recorders", missing("config_recorder", Severity::Medium, "AWS Config recorder"))
                .into_iter()
                .collect(),
            Some(r) if !r.recording => {
                vec![changed("config_recorder", &r.meta, Severity::Medium, "recording", json!(true), json!(false))]
            }
            Some(_) => Vec::new(),
        };
        run.element("config_recorder", drift);
    }

    audit_trail(s, view, &mut run);

    for (key, role) in &view.roles {
        let element = format!("role:{key}");
        let tag = Some((view.recognise.role_tag.as_str(), key.as_str()));
        let drift = match run.find(&s.iam.roles, |r| &r.meta, &role.name, tag) {
            None => run
                .absent("iam.roles", missing(&element, Severity::Medium, &format!("IAM role `{}`", role.name)))
                .into_iter()
                .collect(),
            Some(r) => name_drift(&element, &r.meta, &role.name).into_iter().collect(),
        };
        run.element(&element, drift);
    }

    unmanaged(s, view, &mut run);

    Outcome { declared: run.declared, in_sync: run.in_sync, items: run.items, vpc_id, unverified: run.unverified }
}

/// The declared audit trail (`architecture.audit_trail`), when CloudTrail is required: found
/// by name, it is multi-region, logging and validates its log files. A value the collector
/// could not read leaves the element unverified, never in sync.
fn audit_trail<'a>(s: &'a Snapshot, view: &'a EnvView, run: &mut Run<'a>) {
    let Some(spec) = &view.architecture.backups.audit_trail else { return };
    if !view.requirements.cloudtrail_required {
        return;
    }
    let element = "audit_trail";
    let drift = match run.find(&s.cloudtrail.trails, |t| &t.meta, &spec.name, None) {
        None => run
            .absent("cloudtrail.trails", missing(element, Severity::High, &format!("CloudTrail trail `{}`", spec.name)))
            .into_iter()
            .collect(),
        Some(t) => {
            let mut drift = Vec::new();
            for (attr, actual, severity) in [
                ("is_multi_region", t.is_multi_region, Severity::High),
                ("is_logging", t.is_logging, Severity::High),
                ("log_file_validation_enabled", t.log_file_validation_enabled, Severity::Medium),
            ] {
                match actual {
                    None => run.unknown = true,
                    Some(false) => drift.push(changed(element, &t.meta, severity, attr, json!(true), json!(false))),
                    Some(true) => {}
                }
            }
            drift
        }
    };
    run.element(element, drift);
}

/// Subnet ids that route to an internet gateway (explicit association, else the main table).
/// Without route tables for the VPC, falls back to the tier tag, then `map_public_ip_on_launch`.
fn public_subnets<'a>(s: &'a Snapshot, view: &EnvView, vpc_id: &str, subnets: &[&'a Subnet]) -> BTreeSet<&'a str> {
    let tables: Vec<_> = s.ec2.route_tables.iter().filter(|t| t.vpc_id == vpc_id).collect();
    let to_igw = |t: &crate::model::RouteTable| {
        t.routes.iter().any(|r| r.gateway_id.as_deref().is_some_and(|g| g.starts_with("igw-")))
    };
    let mut out = BTreeSet::new();
    for x in subnets {
        let public = if tables.is_empty() {
            match view.tier_of(&x.meta.tags).and_then(|t| view.architecture.tiers.get(t)) {
                Some(tier) => tier.subnet_visibility == crate::baseline::SubnetVisibility::Public,
                None => x.map_public_ip_on_launch,
            }
        } else {
            let explicit = tables.iter().find(|t| t.subnet_ids.iter().any(|id| id == &x.meta.id));
            explicit.or_else(|| tables.iter().find(|t| t.main)).is_some_and(|t| to_igw(t))
        };
        if public {
            out.insert(x.meta.id.as_str());
        }
    }
    out
}

/// FlowForge-looking resources of the types the baseline declares that matched nothing.
fn unmanaged(s: &Snapshot, view: &EnvView, run: &mut Run) {
    let secret_prefix = format!("flowforge/{}/", view.environment);
    let looks = |m: &ResourceMeta| view.looks_like_env(&m.name, &m.tags) || view.looks_like_env(&m.id, &m.tags);
    let mut candidates: Vec<(String, Severity, &ResourceMeta)> = Vec::new();
    for v in s.ec2.vpcs.iter().filter(|v| !v.is_default && looks(&v.meta)) {
        candidates.push((format!("vpc:{}", display_name(&v.meta)), Severity::Low, &v.meta));
    }
    for e in s.ec2.vpc_endpoints.iter().filter(|e| looks(&e.meta) && !gone(&e.state)) {
        candidates.push((format!("vpc_endpoint:{}", e.meta.id), Severity::Low, &e.meta));
    }
    for b in s.s3.buckets.iter().filter(|b| looks(&b.meta)) {
        candidates.push((format!("bucket:{}", b.meta.name), Severity::Medium, &b.meta));
    }
    for d in s.rds.db_instances.iter().filter(|d| looks(&d.meta)) {
        candidates.push((format!("database:{}", d.meta.id), Severity::Medium, &d.meta));
    }
    for x in s.secretsmanager.secrets.iter().filter(|x| looks(&x.meta) || x.meta.name.starts_with(&secret_prefix)) {
        candidates.push((format!("secret:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for l in s.elbv2.load_balancers.iter().filter(|l| looks(&l.meta)) {
        candidates.push((format!("load_balancer:{}", l.meta.name), Severity::Low, &l.meta));
    }
    for c in s.eks.clusters.iter().filter(|c| looks(&c.meta)) {
        candidates.push((format!("eks_cluster:{}", c.meta.name), Severity::Low, &c.meta));
    }
    for r in s.iam.roles.iter().filter(|r| looks(&r.meta)) {
        candidates.push((format!("role:{}", r.meta.name), Severity::Low, &r.meta));
    }
    if view.architecture.backups.audit_trail.is_some() {
        for t in s.cloudtrail.trails.iter().filter(|t| looks(&t.meta)) {
            candidates.push((format!("trail:{}", t.meta.name), Severity::Low, &t.meta));
        }
    }
    for (element, severity, m) in candidates {
        if run.matched.contains(m.arn.as_str()) {
            continue;
        }
        let msg = format!(
            "`{}` looks like FlowForge {} (name or tags) but the baseline declares no such element",
            display_name(m),
            view.environment
        );
        run.items.push(Item::new(KIND, element, DriftState::Unmanaged, severity).arn(&m.arn).message(msg));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::model::Bucket;

    fn run(s: &Snapshot) -> Outcome {
        check(s, &prod_view())
    }

    fn summary(items: &[DriftItem]) -> Vec<(String, DriftState, Option<String>)> {
        items.iter().map(|i| (i.element.clone(), i.state, i.attribute.clone())).collect()
    }

    /// The compliant account is 100 % in sync, with every declared element counted.
    #[test]
    fn compliant_account_is_fully_in_sync() {
        let o = run(&compliant_snapshot());
        assert!(o.items.is_empty(), "{:#?}", o.items);
        // vpc, 2 endpoints, 4 buckets, database, 2 secrets, lb, listener, eks, private subnets,
        // 2 NATs, config recorder, 5 roles
        assert_eq!(o.declared, 23);
        assert_eq!(o.in_sync, 23);
        assert_eq!(o.vpc_id.as_deref(), Some("vpc-1"));
    }

    /// Deleted resources are MISSING, one item per declared element.
    #[test]
    fn deleted_endpoint_bucket_and_nat_are_missing() {
        let mut s = compliant_snapshot();
        s.ec2.vpc_endpoints.retain(|e| !e.service_name.ends_with(".secretsmanager"));
        s.s3.buckets.retain(|b| b.meta.name != "flowforge-prod-gold");
        s.ec2.nat_gateways.retain(|n| n.meta.id != "nat-b");
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![
                ("vpc_endpoint:secretsmanager".into(), DriftState::Missing, None),
                ("bucket:gold".into(), DriftState::Missing, None),
                ("nat_gateway:us-east-1b".into(), DriftState::Missing, None),
            ]
        );
        assert_eq!(o.in_sync, 20);
    }

    /// Declared attributes that differ are CHANGED with path, expected and actual.
    #[test]
    fn changed_attributes_have_paths_and_values() {
        let mut s = compliant_snapshot();
        s.rds.db_instances[0].multi_az = Some(false);
        let silver = s.s3.buckets.iter_mut().find(|b| b.meta.name == "flowforge-prod-silver").unwrap();
        silver.encryption.as_mut().unwrap().rules[0].sse_algorithm = "AES256".into();
        s.ec2.vpc_endpoints.iter_mut().find(|e| e.endpoint_type == "Interface").unwrap().private_dns_enabled = false;
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![
                ("vpc_endpoint:secretsmanager".into(), DriftState::Changed, Some("private_dns_enabled".into())),
                ("bucket:silver".into(), DriftState::Changed, Some("encryption.rules[0].sse_algorithm".into())),
                ("database".into(), DriftState::Changed, Some("multi_az".into())),
            ]
        );
        assert_eq!(o.items[1].expected, Some(json!("aws:kms")));
        assert_eq!(o.items[1].actual, Some(json!("AES256")));
        assert_eq!(o.items[2].expected, Some(json!(true)));
        assert_eq!(o.items[2].actual, Some(json!(false)));
        assert_eq!(
            o.items[2].resource_arn.as_deref(),
            Some("arn:aws:rds:us-east-1:123456789012:db/flowforge-prod-metadata")
        );
    }

    /// dev does not require Multi-AZ or a NAT per AZ: the same account has less declared.
    #[test]
    fn environment_requirements_change_what_is_compared() {
        let mut s = compliant_snapshot();
        s.rds.db_instances[0].multi_az = Some(false);
        let view = crate::baseline::Baseline::builtin().unwrap().env_view("prod", ACCOUNT, "aws").unwrap();
        let mut dev = view.clone();
        dev.requirements.rds_multi_az = false;
        dev.requirements.nat_gateway_per_az = false;
        let o = check(&s, &dev);
        assert!(o.items.is_empty(), "{:#?}", o.items);
        assert_eq!(o.declared, 21);
    }

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

    /// Private subnets in fewer AZs than required are a CHANGED count, not silently fine.
    #[test]
    fn private_subnets_in_one_az() {
        let mut s = compliant_snapshot();
        s.ec2.subnets.retain(|x| x.meta.id != "subnet-xb");
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![("private_subnets".into(), DriftState::Changed, Some("availability_zone_count".into()))]
        );
        assert_eq!(o.items[0].actual, Some(json!(1)));
    }

    /// The declared trail: missing when absent, CHANGED per attribute, UNMANAGED when a second
    /// FlowForge-named trail exists, unverified when its status was not read.
    #[test]
    fn audit_trail_element() {
        use crate::aws::cloudtrail::Trail;
        let trail = |name: &str, logging: Option<bool>| Trail {
            meta: meta("cloudtrail", "trail", name, name, &[]),
            is_multi_region: Some(true),
            is_logging: logging,
            log_file_validation_enabled: Some(true),
            ..Default::default()
        };
        let mut s = compliant_snapshot();
        s.cloudtrail.trails.clear();
        let missing: Vec<_> = summary(&run(&s).items);
        assert!(missing.contains(&("audit_trail".to_owned(), DriftState::Missing, None)), "{missing:?}");

        s.cloudtrail.trails =
            vec![trail("flowforge-prod-trail", Some(false)), trail("flowforge-prod-extra", Some(true))];
        let got = summary(&run(&s).items);
        assert!(
            got.contains(&("audit_trail".to_owned(), DriftState::Changed, Some("is_logging".to_owned()))),
            "{got:?}"
        );
        assert!(got.contains(&("trail:flowforge-prod-extra".to_owned(), DriftState::Unmanaged, None)), "{got:?}");

        s.cloudtrail.trails = vec![trail("flowforge-prod-trail", None)];
        let out = run(&s);
        assert!(!summary(&out.items).iter().any(|(e, _, _)| e == "audit_trail"));
        assert!(out.unverified.contains(&"audit_trail".to_owned()));
    }

    /// A failed call is not drift: a bucket list that could not be read makes nothing MISSING,
    /// and a failed GetBucketVersioning makes nothing CHANGED; both are unverified instead.
    #[test]
    fn collection_errors_make_elements_unverified_not_drifted() {
        let mut s = compliant_snapshot();
        let silver = s.s3.buckets.iter_mut().find(|b| b.meta.name == "flowforge-prod-silver").unwrap();
        silver.versioning.status = None;
        let arn = silver.meta.arn.clone();
        s.collection_errors.push(crate::model::CollectionError {
            service: "s3".into(),
            operation: "GetBucketVersioning".into(),
            region: REGION.into(),
            resource: Some(arn),
            error_code: "AccessDenied".into(),
            message: "denied".into(),
        });
        s.secretsmanager.secrets.clear();
        s.collection_errors.push(crate::model::CollectionError {
            service: "secretsmanager".into(),
            operation: "ListSecrets".into(),
            region: REGION.into(),
            resource: None,
            error_code: "AccessDenied".into(),
            message: "denied".into(),
        });
        let o = run(&s);
        assert!(o.items.is_empty(), "{:#?}", o.items);
        assert_eq!(
            o.unverified,
            vec!["bucket:silver", "secret:flowforge/prod/database", "secret:flowforge/prod/prefect-api"]
        );
        assert_eq!((o.declared, o.in_sync), (23, 20));
    }
}
