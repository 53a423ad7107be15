//! Architecture drift of the perimeter sections (`architecture.load_balancer`,
//! `architecture.perimeter`): the load balancer and its HTTPS listener on an allowed TLS
//! policy, the WAF web ACL with its rule groups, the certificates served, the alarms, their
//! topics and the log groups (retention and encryption where required).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{changed, missing, Candidate, Run};
use crate::model::{ResourceMeta, Severity, Snapshot};

pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    load_balancer(s, run);
    perimeter(s, run);
}

/// The declared load balancer and its HTTPS listener's TLS policy.
fn load_balancer<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let Some(lb) = &view.architecture.load_balancer else { return };
    let what = format!("load balancer `{}`", lb.name);
    let balancers = &s.elbv2.load_balancers;
    let found =
        run.exists("load_balancer", "elbv2.load_balancers", balancers, |l| &l.meta, &lb.name, Severity::Medium, &what);
    let element = "load_balancer:https_listener";
    let listener = found
        .and_then(|l| s.elbv2.listeners.iter().find(|x| x.load_balancer_arn == l.meta.arn && x.protocol == "HTTPS"));
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

/// The declared perimeter (`architecture.perimeter`): the WAF association of the load
/// balancer, the certificates its HTTPS listeners serve, the alarms, their topics and the log
/// groups. What is *required* comes from the environment's requirements; the finer rules
/// (rule-group names aside: dimensions, domain, key size, expiry) are the checks'.
fn perimeter<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
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

/// Load balancers, alarms, topics and log groups that are FlowForge's (`looks`: the one
/// decision of `baseline::scope`).
pub(super) fn candidates<'a>(s: &'a Snapshot, looks: &dyn Fn(&ResourceMeta) -> bool) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate> = Vec::new();
    for l in s.elbv2.load_balancers.iter().filter(|l| looks(&l.meta)) {
        out.push((format!("load_balancer:{}", l.meta.name), Severity::Low, &l.meta));
    }
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

#[cfg(test)]
mod tests {
    use super::super::tests::{run, summary};
    use crate::drift::testutil::*;
    use crate::model::DriftState;

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
