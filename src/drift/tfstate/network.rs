//! The network's Terraform types: VPCs, subnets, security groups (with their rules, inline or
//! as rule resources, folded into the group's ingress set), network ACLs and VPC endpoints.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::values::{s, sorted_strs, strs, Attrs};
use super::{Matched, Parts, Section, TfResource};
use crate::aws::ec2::{SecurityGroup, SgRule};
use crate::model::Snapshot;

pub(super) const SECTION: Section = Section {
    matchers: &[
        ("ec2.vpcs", vpc),
        ("ec2.subnets", subnet),
        ("ec2.security_groups", security_group),
        ("ec2.network_acls", network_acl),
        ("ec2.vpc_endpoints", vpc_endpoint),
    ],
    gather,
    not_owned,
};

fn vpc<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let v = snap.ec2.vpcs.iter().find(|v| v.meta.id == s(a, "id"))?;
    Some((&v.meta, vec![("cidr_block".into(), json!(s(a, "cidr_block")), json!(v.cidr_block))]))
}

fn subnet<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.ec2.subnets.iter().find(|x| x.meta.id == s(a, "id"))?;
    Some((
        &x.meta,
        vec![
            ("cidr_block".into(), json!(s(a, "cidr_block")), json!(x.cidr_block)),
            ("availability_zone".into(), json!(s(a, "availability_zone")), json!(x.availability_zone)),
            (
                "map_public_ip_on_launch".into(),
                a.get("map_public_ip_on_launch").cloned().unwrap_or(json!(false)),
                json!(x.map_public_ip_on_launch),
            ),
        ],
    ))
}

fn security_group<'s>(a: &Attrs, parts: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let g = snap.ec2.security_groups.iter().find(|g| g.meta.id == s(a, "id"))?;
    let expected: Vec<String> = parts.sg_rules.get(s(a, "id")).map(|r| r.iter().cloned().collect()).unwrap_or_default();
    let actual: Vec<String> = live_rules(g).into_iter().collect();
    Some((
        &g.meta,
        vec![
            ("group_name".into(), json!(s(a, "name")), json!(g.group_name)),
            ("ingress".into(), json!(expected), json!(actual)),
        ],
    ))
}

/// A network ACL: its VPC and the subnets it filters (the rules are judged by the NACL checks,
/// FF-NET-004/005).
fn network_acl<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.ec2.network_acls.iter().find(|x| x.meta.id == s(a, "id"))?;
    Some((
        &x.meta,
        vec![
            ("vpc_id".into(), json!(s(a, "vpc_id")), json!(x.vpc_id)),
            ("subnet_ids".into(), json!(sorted_strs(a.get("subnet_ids"))), json!(x.subnet_ids)),
        ],
    ))
}

/// An endpoint being deleted is gone for Terraform: MISSING, not in sync.
fn is_deleted(state: &str) -> bool {
    matches!(state.to_ascii_lowercase().as_str(), "deleted" | "deleting")
}

fn vpc_endpoint<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let e = snap.ec2.vpc_endpoints.iter().find(|e| e.meta.id == s(a, "id") && !is_deleted(&e.state))?;
    let mut c = vec![
        ("service_name".into(), json!(s(a, "service_name")), json!(e.service_name)),
        ("endpoint_type".into(), json!(s(a, "vpc_endpoint_type")), json!(e.endpoint_type)),
    ];
    if e.endpoint_type == "Interface" {
        c.push((
            "private_dns_enabled".into(),
            a.get("private_dns_enabled").cloned().unwrap_or(json!(false)),
            json!(e.private_dns_enabled),
        ));
    }
    Some((&e.meta, c))
}

/// The ingress rules the state declares for each group: inline `ingress` blocks, ingress
/// `aws_security_group_rule`s and `aws_vpc_security_group_ingress_rule`s (egress rules are
/// not compared).
fn gather(r: &TfResource, p: &mut Parts) {
    let a = &r.attributes;
    match r.resource_type.as_str() {
        "aws_security_group" => {
            let id = s(a, "id");
            let set = p.sg_rules.entry(id.to_owned()).or_default();
            for block in a.get("ingress").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object) {
                set.extend(state_rule(id, block));
            }
        }
        "aws_security_group_rule" if s(a, "type") == "ingress" => {
            let id = s(a, "security_group_id");
            p.sg_rules.entry(id.to_owned()).or_default().extend(state_rule(id, a));
        }
        "aws_vpc_security_group_ingress_rule" => {
            p.sg_rules.entry(s(a, "security_group_id").to_owned()).or_default().extend(vpc_rule(a));
        }
        _ => {}
    }
}

/// Terraform rarely owns default VPCs and their subnets, `default` security groups, a VPC's
/// default network ACL (it adopts one at most, with `aws_default_network_acl`), or endpoints
/// being deleted.
fn not_owned<'s>(snap: &'s Snapshot, out: &mut BTreeSet<(&'static str, &'s str)>) {
    let default_vpcs: BTreeSet<&str> =
        snap.ec2.vpcs.iter().filter(|v| v.is_default).map(|v| v.meta.id.as_str()).collect();
    out.extend(snap.ec2.vpcs.iter().filter(|v| v.is_default).map(|v| ("ec2.vpcs", v.meta.arn.as_str())));
    out.extend(
        snap.ec2
            .subnets
            .iter()
            .filter(|x| default_vpcs.contains(x.vpc_id.as_str()))
            .map(|x| ("ec2.subnets", x.meta.arn.as_str())),
    );
    out.extend(
        snap.ec2
            .security_groups
            .iter()
            .filter(|g| g.group_name == "default")
            .map(|g| ("ec2.security_groups", g.meta.arn.as_str())),
    );
    out.extend(
        snap.ec2.network_acls.iter().filter(|a| a.is_default).map(|a| ("ec2.network_acls", a.meta.arn.as_str())),
    );
    out.extend(
        snap.ec2
            .vpc_endpoints
            .iter()
            .filter(|e| is_deleted(&e.state))
            .map(|e| ("ec2.vpc_endpoints", e.meta.arn.as_str())),
    );
}

/// One ingress permission as a comparable string: `tcp 5432-5432 from sg-123`.
fn rule_strings(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
    sources: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let proto = match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => "all".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        p => p.to_owned(),
    };
    let ports =
        if proto == "all" { "all".to_owned() } else { format!("{}-{}", from.unwrap_or(0), to.unwrap_or(65535)) };
    sources.into_iter().map(|src| format!("{proto} {ports} from {src}")).collect()
}

fn live_rules(g: &SecurityGroup) -> BTreeSet<String> {
    g.ingress.iter().flat_map(live_rule).collect()
}

fn live_rule(r: &SgRule) -> Vec<String> {
    let sources =
        r.ipv4_ranges.iter().chain(&r.ipv6_ranges).chain(&r.referenced_group_ids).chain(&r.prefix_list_ids).cloned();
    rule_strings(&r.protocol, r.from_port.map(i64::from), r.to_port.map(i64::from), sources)
}

/// Rules from an inline `ingress` block or an `aws_security_group_rule`.
fn state_rule(sg_id: &str, a: &Attrs) -> Vec<String> {
    let mut sources = strs(a.get("cidr_blocks"));
    sources.extend(strs(a.get("ipv6_cidr_blocks")));
    sources.extend(strs(a.get("security_groups")));
    sources.extend(strs(a.get("source_security_group_id")));
    sources.extend(strs(a.get("prefix_list_ids")));
    if a.get("self").and_then(Value::as_bool) == Some(true) {
        sources.push(sg_id.to_owned());
    }
    rule_strings(
        s(a, "protocol"),
        a.get("from_port").and_then(Value::as_i64),
        a.get("to_port").and_then(Value::as_i64),
        sources,
    )
}

/// Rules from an `aws_vpc_security_group_ingress_rule`.
fn vpc_rule(a: &Attrs) -> Vec<String> {
    let mut sources = strs(a.get("cidr_ipv4"));
    sources.extend(strs(a.get("cidr_ipv6")));
    sources.extend(strs(a.get("referenced_security_group_id")));
    sources.extend(strs(a.get("prefix_list_id")));
    rule_strings(
        s(a, "ip_protocol"),
        a.get("from_port").and_then(Value::as_i64),
        a.get("to_port").and_then(Value::as_i64),
        sources,
    )
}

#[cfg(test)]
mod tests {
    use super::super::compare;
    use super::super::TfState;
    use crate::drift::testutil::*;
    use crate::model::DriftState;

    /// `aws_network_acl` maps to the collected ACL: a subnet moved to another ACL is CHANGED
    /// on `subnet_ids`, an ACL that is gone is MISSING.
    #[test]
    fn network_acl_subnets_and_presence() {
        let text = r#"{"version": 4, "resources": [{"mode": "managed", "type": "aws_network_acl", "name": "db",
            "instances": [{"attributes": {"id": "acl-db", "vpc_id": "vpc-1", "subnet_ids": ["subnet-db-b", "subnet-db-a"]}}]}]}"#;
        let tf = TfState::parse(text, "acl.tfstate").unwrap();
        let mut s = compliant_snapshot();
        s.ec2.network_acls.push(crate::aws::ec2::NetworkAcl {
            meta: meta("ec2", "network-acl", "acl-db", "flowforge-prod-database-nacl", &[]),
            vpc_id: "vpc-1".into(),
            subnet_ids: vec!["subnet-db-a".into(), "subnet-db-b".into()],
            ..Default::default()
        });
        let (_, items) = compare(&tf, &s);
        assert!(items.iter().all(|i| i.element != "aws_network_acl.db"), "{items:#?}");
        s.ec2.network_acls[0].subnet_ids.pop();
        let (_, items) = compare(&tf, &s);
        let acl: Vec<_> = items.iter().filter(|i| i.element == "aws_network_acl.db").collect();
        assert_eq!(acl.len(), 1, "{items:#?}");
        assert_eq!((acl[0].state, acl[0].attribute.as_deref()), (DriftState::Changed, Some("subnet_ids")));
        s.ec2.network_acls.clear();
        let (_, items) = compare(&tf, &s);
        assert!(
            items.iter().any(|i| i.element == "aws_network_acl.db" && i.state == DriftState::Missing),
            "{items:#?}"
        );
    }
}
