//! Architecture drift: each element the baseline declares for the environment, matched in
//! the snapshot by identity, ends IN_SYNC, MISSING or CHANGED; resources that are FlowForge's
//! in this environment (the one decision of `baseline::scope`, which the checks read too) but
//! match no declared element are UNMANAGED.
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

    compute(s, view, &mut run);
    perimeter(s, view, &mut run);
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

/// The declared perimeter (`architecture.perimeter`): the WAF association of the load
/// balancer, the certificates its HTTPS listeners serve, the alarms, their topics and the log
/// groups. What is *required* comes from the environment's requirements; the finer rules
/// (rule-group names aside: dimensions, domain, key size, expiry) are the checks'.
fn perimeter<'a>(s: &'a Snapshot, view: &EnvView, run: &mut Run<'a>) {
    let Some(p) = &view.architecture.perimeter else { return };
    let req = &view.requirements;
    let lb = view
        .architecture
        .load_balancer
        .as_ref()
        .and_then(|lb| s.elbv2.load_balancers.iter().find(|l| l.meta.name == lb.name));

    if let (true, Some(lb)) = (req.waf_required, lb) {
        let element = "waf_association";
        let assoc = s.wafv2.associations.iter().find(|a| a.resource_arn == lb.meta.arn);
        let acl = assoc.and_then(|a| a.web_acl_arn.as_deref());
        let drift = match acl {
            None => run
                .absent(
                    "wafv2.associations",
                    missing(element, Severity::Medium, &format!("WAF web ACL on load balancer `{}`", lb.meta.name)),
                )
                .into_iter()
                .collect(),
            Some(acl_arn) => match s.wafv2.web_acls.iter().find(|w| w.meta.arn == acl_arn) {
                None => {
                    run.unknown = true;
                    Vec::new()
                }
                Some(w) => {
                    let want: Vec<&String> = p.waf.iter().flat_map(|x| &x.rule_groups).collect();
                    let lacking = want.iter().any(|g| !w.managed_rule_groups.contains(g));
                    if lacking {
                        vec![changed(
                            element,
                            &w.meta,
                            Severity::Medium,
                            "managed_rule_groups",
                            json!(want),
                            json!(w.managed_rule_groups),
                        )]
                    } else {
                        Vec::new()
                    }
                }
            },
        };
        if let Some(a) = assoc {
            run.matched.insert(a.meta.arn.as_str());
        }
        run.element(element, drift);
    }

    if let (Some(_), Some(lb)) = (&p.certificate, lb) {
        let served: BTreeSet<&str> = s
            .elbv2
            .listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.meta.arn && l.protocol == "HTTPS")
            .flat_map(|l| l.certificate_arns.iter().map(String::as_str))
            .collect();
        for arn in served {
            let element = format!("certificate:{}", arn.rsplit('/').next().unwrap_or(arn));
            let drift = match s.acm.certificates.iter().find(|c| c.meta.arn == arn) {
                None => run
                    .absent(
                        "acm.certificates",
                        missing(&element, Severity::Medium, &format!("ACM certificate `{arn}`")),
                    )
                    .into_iter()
                    .collect(),
                Some(c) => {
                    run.matched.insert(c.meta.arn.as_str());
                    match c.status.as_deref() {
                        Some("ISSUED") => Vec::new(),
                        None => {
                            run.unknown = true;
                            Vec::new()
                        }
                        Some(other) => {
                            vec![changed(&element, &c.meta, Severity::High, "status", json!("ISSUED"), json!(other))]
                        }
                    }
                }
            };
            run.element(&element, drift);
        }
    }

    if req.alarms_required {
        for a in &p.alarms {
            let element = format!("alarm:{}", a.name);
            let drift = match run.find(&s.cloudwatch.alarms, |x| &x.meta, &a.name, None) {
                None => run
                    .absent("cloudwatch.alarms", missing(&element, Severity::Medium, &format!("alarm `{}`", a.name)))
                    .into_iter()
                    .collect(),
                Some(x) => {
                    let mut d = Vec::new();
                    for (attr, want, got) in [
                        ("namespace", json!(a.namespace), json!(x.namespace)),
                        ("metric_name", json!(a.metric), json!(x.metric_name)),
                        ("actions_enabled", json!(true), json!(x.actions_enabled)),
                    ] {
                        if want != got {
                            d.push(changed(&element, &x.meta, Severity::Medium, attr, want, got));
                        }
                    }
                    d
                }
            };
            run.element(&element, drift);
        }
    }

    for name in &p.alarm_topics {
        let element = format!("alarm_topic:{name}");
        let drift = match run.find(&s.sns.topics, |t| &t.meta, name, None) {
            None => run
                .absent("sns.topics", missing(&element, Severity::Medium, &format!("SNS topic `{name}`")))
                .into_iter()
                .collect(),
            Some(t) if req.alarm_topics_kms_required && t.kms_key_id.is_none() => {
                vec![changed(&element, &t.meta, Severity::Medium, "kms_key_id", json!("a KMS key"), Value::Null)]
            }
            Some(_) => Vec::new(),
        };
        run.element(&element, drift);
    }

    for name in &p.log_groups {
        let element = format!("log_group:{name}");
        let drift = match run.find(&s.logs.log_groups, |g| &g.meta, name, None) {
            None => run
                .absent("logs.log_groups", missing(&element, Severity::Medium, &format!("log group `{name}`")))
                .into_iter()
                .collect(),
            Some(g) => {
                let (min, max) = (i64::from(req.log_retention_min_days), i64::from(req.log_retention_max_days));
                let days = g.retention_in_days.map(i64::from);
                let too_short = days.is_some_and(|d| d < min);
                let too_long = max > 0 && days.is_none_or(|d| d > max);
                let mut d = Vec::new();
                if too_short || too_long {
                    let want = if max > 0 { json!(format!("{min}..={max}")) } else { json!(format!(">= {min}")) };
                    d.push(changed(&element, &g.meta, Severity::Medium, "retention_in_days", want, json!(days)));
                }
                if req.log_groups_kms_required && g.kms_key_id.is_none() {
                    d.push(changed(&element, &g.meta, Severity::Medium, "kms_key_id", json!("a KMS key"), Value::Null));
                }
                d
            }
        };
        run.element(&element, drift);
    }
}

/// Alarms, topics and log groups that are FlowForge's (`looks`) but not declared: UNMANAGED
/// candidates.
fn perimeter_candidates(s: &Snapshot, looks: impl Fn(&ResourceMeta) -> bool) -> Vec<(String, Severity, &ResourceMeta)> {
    let mut out = Vec::new();
    for a in s.cloudwatch.alarms.iter().filter(|a| looks(&a.meta)) {
        out.push((format!("alarm:{}", a.meta.name), Severity::Low, &a.meta));
    }
    for t in s.sns.topics.iter().filter(|t| looks(&t.meta)) {
        out.push((format!("alarm_topic:{}", t.meta.name), Severity::Low, &t.meta));
    }
    for g in s.logs.log_groups.iter().filter(|g| looks(&g.meta)) {
        out.push((format!("log_group:{}", g.meta.name), Severity::Low, &g.meta));
    }
    out
}

/// FlowForge resources (the one decision, `baseline::scope`) of the types the baseline
/// declares that matched nothing.
fn unmanaged(s: &Snapshot, view: &EnvView, run: &mut Run) {
    let scope = crate::baseline::scope::decide(s, view);
    let looks = |m: &ResourceMeta| scope.is_flowforge(&m.arn);
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
    for x in s.secretsmanager.secrets.iter().filter(|x| looks(&x.meta)) {
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
    for c in s.ecs.clusters.iter().filter(|c| looks(&c.meta)) {
        candidates.push((format!("ecs_cluster:{}", c.meta.name), Severity::Low, &c.meta));
    }
    for x in s.ecs.services.iter().filter(|x| looks(&x.meta)) {
        candidates.push((format!("ecs_service:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for x in s.apprunner.services.iter().filter(|x| looks(&x.meta)) {
        candidates.push((format!("apprunner_service:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for r in s.ecr.repositories.iter().filter(|r| looks(&r.meta)) {
        candidates.push((format!("ecr_repository:{}", r.meta.name), Severity::Low, &r.meta));
    }
    for g in s.eks.node_groups.iter().filter(|g| looks(&g.meta)) {
        candidates.push((format!("node_group:{}", g.meta.name), Severity::Medium, &g.meta));
    }
    candidates.extend(perimeter_candidates(s, looks));
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

/// The compute elements of `architecture.compute`: the control plane (ECS cluster and
/// service, or App Runner service) with its roles, the ECR repositories, the cluster's OIDC
/// provider for IRSA, the node role and the node groups.
fn compute<'a>(s: &'a Snapshot, view: &'a EnvView, run: &mut Run<'a>) {
    let Some(spec) = &view.architecture.compute else { return };
    let cp = &spec.control_plane;
    let role_name = |arn: Option<&str>| arn.map(|a| a.rsplit('/').next().unwrap_or(a).to_owned());
    if cp.host == "ecs" {
        if let Some(cluster) = &cp.cluster {
            let found = run.find(&s.ecs.clusters, |c| &c.meta, cluster, None);
            let drift = match found {
                None => run
                    .absent("ecs.clusters", missing("ecs_cluster", Severity::High, &format!("ECS cluster `{cluster}`")))
                    .into_iter()
                    .collect(),
                Some(_) => Vec::new(),
            };
            run.element("ecs_cluster", drift);
        }
        let mut drift = Vec::new();
        match run.find(&s.ecs.services, |x| &x.meta, &cp.service, None) {
            None => drift.extend(run.absent(
                "ecs.services",
                missing("ecs_service", Severity::High, &format!("ECS service `{}`", cp.service)),
            )),
            Some(svc) => {
                let td = svc.task_definition.as_deref();
                match s.ecs.task_definitions.iter().find(|t| Some(t.meta.arn.as_str()) == td) {
                    Some(t) => {
                        let actual = role_name(t.task_role_arn.as_deref());
                        if actual.as_deref() != Some(cp.task_role.as_str()) {
                            drift.push(changed(
                                "ecs_service",
                                &svc.meta,
                                Severity::High,
                                "task_role",
                                json!(cp.task_role),
                                json!(actual),
                            ));
                        }
                    }
                    // The revision could not be described: the role is not known.
                    None => run.unknown = true,
                }
            }
        }
        run.element("ecs_service", drift);
    } else {
        let mut drift = Vec::new();
        match run.find(&s.apprunner.services, |x| &x.meta, &cp.service, None) {
            None => drift.extend(run.absent(
                "apprunner.services",
                missing("apprunner_service", Severity::High, &format!("App Runner service `{}`", cp.service)),
            )),
            Some(svc) => {
                let actual = role_name(svc.instance_role_arn.as_deref());
                if actual.as_deref() != Some(cp.task_role.as_str()) {
                    drift.push(changed(
                        "apprunner_service",
                        &svc.meta,
                        Severity::High,
                        "instance_role",
                        json!(cp.task_role),
                        json!(actual),
                    ));
                }
            }
        }
        run.element("apprunner_service", drift);
    }
    let named_roles = [("execution_role", cp.execution_role.as_ref()), ("node_role", spec.node_role.as_ref())];
    for (element, name) in named_roles {
        let Some(name) = name else { continue };
        let drift = match run.find(&s.iam.roles, |r| &r.meta, name, None) {
            None => run
                .absent("iam.roles", missing(element, Severity::Medium, &format!("IAM role `{name}`")))
                .into_iter()
                .collect(),
            Some(_) => Vec::new(),
        };
        run.element(element, drift);
    }
    for repo in &spec.ecr.repositories {
        let element = format!("ecr_repository:{repo}");
        let drift = match run.find(&s.ecr.repositories, |r| &r.meta, repo, None) {
            None => run
                .absent("ecr.repositories", missing(&element, Severity::Medium, &format!("ECR repository `{repo}`")))
                .into_iter()
                .collect(),
            Some(_) => Vec::new(),
        };
        run.element(&element, drift);
    }
    // The OIDC provider of the declared cluster's issuer (judged when the cluster is known).
    let cluster =
        view.architecture.eks_cluster.as_ref().and_then(|e| s.eks.clusters.iter().find(|c| c.meta.name == e.name));
    if let (Some(_), Some(c)) = (&spec.irsa, cluster) {
        let mut drift = Vec::new();
        match c.oidc_issuer.as_deref().map(|i| i.trim_start_matches("https://")) {
            None => run.unknown = true,
            Some(url) => {
                let found = s.iam.oidc_providers.iter().find(|p| p.url.as_deref() == Some(url));
                match found {
                    Some(p) => {
                        run.matched.insert(p.meta.arn.as_str());
                    }
                    None => drift.extend(run.absent(
                        "iam.oidc_providers",
                        missing("oidc_provider", Severity::High, &format!("IAM OIDC provider for `{url}`")),
                    )),
                }
            }
        }
        run.element("oidc_provider", drift);
    }
    for name in &spec.node_groups {
        let element = format!("node_group:{name}");
        let mut drift = Vec::new();
        match run.find(&s.eks.node_groups, |g| &g.meta, name, None) {
            None => drift.extend(
                run.absent("eks.node_groups", missing(&element, Severity::High, &format!("EKS node group `{name}`"))),
            ),
            Some(g) => {
                if let (Some(want), Some(actual)) = (&spec.node_role, role_name(g.node_role.as_deref())) {
                    if &actual != want {
                        drift.push(changed(
                            &element,
                            &g.meta,
                            Severity::Medium,
                            "node_role",
                            json!(want),
                            json!(actual),
                        ));
                    }
                }
            }
        }
        run.element(&element, drift);
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
        // 2 NATs, config recorder, 5 roles; ECS cluster and service, execution and node roles,
        // 2 ECR repositories, OIDC provider, node group; the perimeter's 11 (issue 13); the audit trail
        assert_eq!(o.declared, 42);
        assert_eq!(o.in_sync, 42);
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
        assert_eq!(o.in_sync, 39);
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
        assert_eq!(o.declared, 40);
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
        assert_eq!((o.declared, o.in_sync), (42, 39));
    }

    /// Compute: a deleted OIDC provider and node group are MISSING, a service running as
    /// another role and a node group on another node role are CHANGED, a stray ECR repository
    /// and App Runner service are UNMANAGED.
    #[test]
    fn compute_elements_drift() {
        let mut s = compliant_snapshot();
        s.iam.oidc_providers.clear();
        s.eks.node_groups[0].node_role = Some("arn:aws:iam::123456789012:role/flowforge-prod-devops".into());
        s.ecs.task_definitions[0].task_role_arn = Some("arn:aws:iam::123456789012:role/flowforge-prod-devops".into());
        s.ecr.repositories.push(crate::aws::ecr::EcrRepository {
            meta: meta("ecr", "repository", "flowforge-prod-scratch", "flowforge-prod-scratch", &[]),
            ..Default::default()
        });
        s.apprunner.services.push(crate::aws::apprunner::AppRunnerService {
            meta: meta("apprunner", "service", "flowforge-prod-ui-demo/1", "flowforge-prod-ui-demo", &[]),
            ..Default::default()
        });
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![
                ("ecs_service".into(), DriftState::Changed, Some("task_role".into())),
                ("oidc_provider".into(), DriftState::Missing, None),
                ("node_group:flowforge-prod-workers".into(), DriftState::Changed, Some("node_role".into())),
                ("apprunner_service:flowforge-prod-ui-demo".into(), DriftState::Unmanaged, None),
                ("ecr_repository:flowforge-prod-scratch".into(), DriftState::Unmanaged, None),
            ]
        );
        assert_eq!((o.declared, o.in_sync), (42, 39));
    }

    /// Compute: a task definition that could not be described leaves the ECS service
    /// unverified (its role unknown), not in sync and not CHANGED.
    #[test]
    fn compute_undescribed_task_definition_is_unverified() {
        let mut s = compliant_snapshot();
        s.ecs.task_definitions.clear();
        let o = run(&s);
        assert!(o.items.is_empty(), "{:#?}", o.items);
        assert_eq!(o.unverified, vec!["ecs_service"]);
    }

    /// The declared perimeter: a lost web ACL and alarm are MISSING, a topic without its key
    /// and a short retention are CHANGED, an undeclared FlowForge alarm is UNMANAGED.
    #[test]
    fn perimeter_elements_drift() {
        let mut s = compliant_snapshot();
        s.wafv2.associations[0].web_acl_arn = None;
        s.cloudwatch.alarms.retain(|a| a.meta.name != "flowforge-prod-database-cpu");
        s.sns.topics[0].kms_key_id = None;
        s.logs.log_groups.iter_mut().find(|g| g.meta.name == "/flowforge/prod/prefect").unwrap().retention_in_days =
            Some(7);
        let mut extra = s.cloudwatch.alarms[0].clone();
        extra.meta.name = "flowforge-prod-debug".into();
        extra.meta.arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:flowforge-prod-debug".into();
        s.cloudwatch.alarms.push(extra);
        let o = run(&s);
        assert_eq!(
            summary(&o.items),
            vec![
                ("waf_association".into(), DriftState::Missing, None),
                ("alarm:flowforge-prod-database-cpu".into(), DriftState::Missing, None),
                ("alarm_topic:flowforge-prod-alerts".into(), DriftState::Changed, Some("kms_key_id".into())),
                ("log_group:/flowforge/prod/prefect".into(), DriftState::Changed, Some("retention_in_days".into())),
                ("alarm:flowforge-prod-debug".into(), DriftState::Unmanaged, None),
            ]
        );
    }

    /// A failed alarm listing leaves the declared alarms unverified, never MISSING.
    #[test]
    fn perimeter_listing_failure_is_unverified() {
        let mut s = compliant_snapshot();
        s.cloudwatch.alarms.clear();
        s.collection_errors.push(crate::model::CollectionError {
            service: "cloudwatch".into(),
            operation: "DescribeAlarms".into(),
            region: "us-east-1".into(),
            resource: None,
            error_code: "AccessDenied".into(),
            message: "denied".into(),
        });
        let o = run(&s);
        assert!(o.items.is_empty(), "{:#?}", o.items);
        assert_eq!(o.unverified.iter().filter(|e| e.starts_with("alarm:")).count(), 4);
    }
}
