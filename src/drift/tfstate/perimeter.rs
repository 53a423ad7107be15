//! The perimeter's Terraform types: the load balancer and its listeners, the WAF web ACL and
//! its association with the balancer, the certificate, and the monitoring around them
//! (CloudWatch alarms, SNS topics, log groups).
//!
//! For WAF, ACM, alarms, SNS and log groups an attribute the state does not record is not
//! compared, and the provider's empty string or 0 for "not set" compares equal to the
//! snapshot's null.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::values::{s, Attrs};
use super::{Comparison, Matched, Parts, Section, TfResource};
use crate::model::Snapshot;

pub(super) const SECTION: Section = Section {
    matchers: &[
        ("elbv2.load_balancers", load_balancer),
        ("elbv2.listeners", listener),
        ("wafv2.web_acls", web_acl),
        ("wafv2.associations", web_acl_association),
        ("acm.certificates", certificate),
        ("cloudwatch.alarms", alarm),
        ("sns.topics", topic),
        ("logs.log_groups", log_group),
    ],
    gather,
    not_owned,
};

fn load_balancer<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let l = snap.elbv2.load_balancers.iter().find(|l| l.meta.arn == s(a, "arn"))?;
    let scheme = if a.get("internal").and_then(Value::as_bool) == Some(true) { "internal" } else { "internet-facing" };
    Some((
        &l.meta,
        vec![
            ("lb_type".into(), json!(s(a, "load_balancer_type")), json!(l.lb_type)),
            ("scheme".into(), json!(scheme), json!(l.scheme)),
        ],
    ))
}

fn listener<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let l = snap.elbv2.listeners.iter().find(|l| l.meta.arn == s(a, "arn"))?;
    let port = a.get("port").cloned().map(|p| match p {
        Value::String(s) => s.parse::<i64>().map(|n| json!(n)).unwrap_or(Value::String(s)),
        other => other,
    });
    Some((
        &l.meta,
        vec![
            ("port".into(), port.unwrap_or(Value::Null), json!(l.port)),
            ("protocol".into(), json!(s(a, "protocol")), json!(l.protocol)),
            ("ssl_policy".into(), json!(s(a, "ssl_policy")), json!(l.ssl_policy)),
        ],
    ))
}

/// The comparisons of the attributes the state records, "" and 0 read as unset.
fn recorded(a: &Attrs, pairs: Vec<(&str, Value)>) -> Vec<Comparison> {
    let unset_is_null = |k: &str| match a.get(k) {
        Some(Value::String(v)) if v.is_empty() => Some(Value::Null),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Some(Value::Null),
        other => other.cloned(),
    };
    pairs.into_iter().filter_map(|(k, live)| unset_is_null(k).map(|want| (k.to_owned(), want, live))).collect()
}

fn web_acl<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let w = snap.wafv2.web_acls.iter().find(|w| w.meta.arn == s(a, "arn"))?;
    Some((&w.meta, recorded(a, vec![("name", json!(w.meta.name))])))
}

fn web_acl_association<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.wafv2.associations.iter().find(|x| x.resource_arn == s(a, "resource_arn"))?;
    Some((&x.meta, recorded(a, vec![("web_acl_arn", json!(x.web_acl_arn))])))
}

fn certificate<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let c = snap.acm.certificates.iter().find(|c| c.meta.arn == s(a, "arn"))?;
    Some((&c.meta, recorded(a, vec![("domain_name", json!(c.domain_name)), ("status", json!(c.status))])))
}

fn alarm<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.cloudwatch.alarms.iter().find(|x| x.meta.name == s(a, "alarm_name"))?;
    let pairs = vec![
        ("namespace", json!(x.namespace)),
        ("metric_name", json!(x.metric_name)),
        ("actions_enabled", json!(x.actions_enabled)),
    ];
    Some((&x.meta, recorded(a, pairs)))
}

fn topic<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let t = snap.sns.topics.iter().find(|t| t.meta.arn == s(a, "arn"))?;
    Some((&t.meta, recorded(a, vec![("kms_master_key_id", json!(t.kms_key_id))])))
}

fn log_group<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let g = snap.logs.log_groups.iter().find(|g| g.meta.name == s(a, "name"))?;
    let pairs = vec![("retention_in_days", json!(g.retention_in_days)), ("kms_key_id", json!(g.kms_key_id))];
    Some((&g.meta, recorded(a, pairs)))
}

/// No configuration resource is folded into a perimeter resource.
fn gather(_: &TfResource, _: &mut Parts) {}

/// A WAF association entry exists for every Application Load Balancer, protected or not: it
/// is the balancer's property, never "unmanaged" on its own.
fn not_owned<'s>(snap: &'s Snapshot, out: &mut BTreeSet<(&'static str, &'s str)>) {
    out.extend(snap.wafv2.associations.iter().map(|x| ("wafv2.associations", x.meta.arn.as_str())));
}

#[cfg(test)]
mod tests {
    use super::super::{compare, TfState};
    use crate::drift::testutil::*;
    use crate::model::DriftState;

    /// Perimeter types compare what the state records; the provider's "" and 0 are unset.
    #[test]
    fn perimeter_types_compare_recorded_attributes() {
        let text = r#"{"version": 4, "resources": [
            {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "g", "instances": [{"attributes": {"name": "a", "retention_in_days": 0, "kms_key_id": ""}}]},
            {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "h", "instances": [{"attributes": {"name": "b", "retention_in_days": 30}}]}
        ]}"#;
        let tf = TfState::parse(text, "p.tfstate").unwrap();
        let (sum, items) = compare(&tf, &super::super::tests::with_log_groups(compliant_snapshot()));
        let changed: Vec<_> = items
            .iter()
            .filter(|i| i.state == DriftState::Changed)
            .map(|i| (i.element.as_str(), i.attribute.as_deref()))
            .collect();
        assert_eq!(changed, vec![("aws_cloudwatch_log_group.g", Some("retention_in_days"))]);
        assert_eq!((sum.managed_in_sync, sum.changed), (1, 1));
    }
}
