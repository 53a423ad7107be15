//! The network facts the Rego checks read as `input.derived.network`, computed once per
//! evaluation from the snapshot and the environment's baseline view, so that no check
//! re-derives CIDR unions or NACL rule order (`docs/policies.md`, "Derived facts").
//!
//! Shape (every map keyed and sorted by id or ARN; a group or ACL with nothing to say is
//! absent from `security_groups` / `network_acls` only when noted):
//! - `tiers.security_groups` / `tiers.subnets`: id → tier (tag, else name pattern);
//! - `security_groups`: ARN → `{id, group_name, tier, world_open, unparsed, prefix_list_rules}`
//!   for every group;
//! - `network_acls`: ARN → `{id, vpc_id, subnets, world_open, unjudgeable, database_ports}`
//!   for every ACL: `subnets` are those it filters (explicitly, or as its VPC's default ACL),
//!   `database_ports` judges the database-tier subnets it filters against the data-plane
//!   subnets' CIDRs;
//! - `data_plane_cidrs`: `{ipv4, ipv6}` of the data-plane tier's subnets.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::cidr::{AddrSet, Family};
use super::tiers::TierRules;
use super::{
    acl_of_subnet, nacl_admits, nacl_unjudgeable, nacl_world_open, sg_world_open, unparsed_ranges, Protocol, WorldOpen,
};
use crate::model::Snapshot;

/// The collections the facts are derived from: a check reading `input.derived.network` reads
/// these (the engine's UNKNOWN-on-failed-call rule follows them, `policy::deps`).
pub const DERIVED_FROM: &[&str] = &["ec2.security_groups", "ec2.network_acls", "ec2.subnets"];

/// The database tier and the tier allowed to reach it (FlowForge Deployment Guide – AWS,
/// "Configuration Notes / Networking").
pub const DATABASE_TIER: &str = "database";
pub const DATA_PLANE_TIER: &str = "data-plane";

/// What the facts need from `data.baseline`.
#[derive(Debug, Default, Deserialize)]
struct View {
    #[serde(default)]
    recognise: Recognise,
    #[serde(default)]
    architecture: Architecture,
    #[serde(default)]
    network: Option<Network>,
}

#[derive(Debug, Default, Deserialize)]
struct Recognise {
    #[serde(default)]
    tier_tag: String,
}

#[derive(Debug, Default, Deserialize)]
struct Architecture {
    #[serde(default)]
    database_ports: Vec<u16>,
}

#[derive(Debug, Default, Deserialize)]
struct Network {
    #[serde(default)]
    tier_name_patterns: BTreeMap<String, Vec<String>>,
}

/// The tier rules of a baseline view (`data.baseline` JSON).
pub fn tier_rules(baseline: &Value) -> TierRules {
    let view: View = serde_json::from_value(baseline.clone()).unwrap_or_default();
    let patterns = view.network.map(|n| n.tier_name_patterns).unwrap_or_default();
    TierRules::new(&view.recognise.tier_tag, &patterns)
}

fn world_json(w: &[WorldOpen]) -> Value {
    Value::Array(
        w.iter()
            .map(|r| {
                json!({
                    "family": r.family.label(), "protocol": r.protocol.label(),
                    "from_port": r.from_port, "to_port": r.to_port, "sources": r.sources,
                })
            })
            .collect(),
    )
}

/// The addresses of a tier's subnets, per family.
fn tier_addresses(s: &Snapshot, rules: &TierRules, tier: &str, family: Family) -> AddrSet {
    let mut set = AddrSet::empty(family);
    for sub in &s.ec2.subnets {
        if rules.tier_of(&sub.meta.name, &sub.meta.tags) == Some(tier) {
            if let Some(one) = AddrSet::of_cidr(family, &sub.cidr_block) {
                set = set.union(&one);
            }
        }
    }
    set
}

/// `input.derived.network` for a snapshot and a baseline view.
pub fn derive(s: &Snapshot, baseline: &Value) -> Value {
    let view: View = serde_json::from_value(baseline.clone()).unwrap_or_default();
    let rules = tier_rules(baseline);

    let sg_tiers: BTreeMap<&str, &str> = s
        .ec2
        .security_groups
        .iter()
        .filter_map(|g| rules.tier_of(&g.meta.name, &g.meta.tags).map(|t| (g.meta.id.as_str(), t)))
        .collect();
    let subnet_tiers: BTreeMap<&str, &str> = s
        .ec2
        .subnets
        .iter()
        .filter_map(|x| rules.tier_of(&x.meta.name, &x.meta.tags).map(|t| (x.meta.id.as_str(), t)))
        .collect();

    let mut groups = serde_json::Map::new();
    let mut sorted: Vec<_> = s.ec2.security_groups.iter().collect();
    sorted.sort_by(|a, b| a.meta.arn.cmp(&b.meta.arn));
    for g in sorted {
        let prefix_list_rules: Vec<Value> = g
            .ingress
            .iter()
            .filter(|r| !r.prefix_list_ids.is_empty())
            .map(|r| {
                let p = Protocol::parse(&r.protocol);
                let (lo, hi) = super::port_span(p, r.from_port, r.to_port);
                json!({"protocol": p.label(), "from_port": lo, "to_port": hi, "prefix_list_ids": r.prefix_list_ids})
            })
            .collect();
        groups.insert(
            g.meta.arn.clone(),
            json!({
                "id": g.meta.id, "group_name": g.group_name,
                "tier": sg_tiers.get(g.meta.id.as_str()),
                "world_open": world_json(&sg_world_open(g)),
                "unparsed": unparsed_ranges(&g.ingress),
                "prefix_list_rules": prefix_list_rules,
            }),
        );
    }

    let data_plane = [Family::V4, Family::V6].map(|f| tier_addresses(s, &rules, DATA_PLANE_TIER, f));
    let mut acls = serde_json::Map::new();
    let mut sorted: Vec<_> = s.ec2.network_acls.iter().collect();
    sorted.sort_by(|a, b| a.meta.arn.cmp(&b.meta.arn));
    for acl in sorted {
        let filtered: Vec<&crate::aws::ec2::Subnet> = s
            .ec2
            .subnets
            .iter()
            .filter(|x| {
                acl_of_subnet(&s.ec2.network_acls, &x.meta.id, &x.vpc_id).is_some_and(|a| a.meta.arn == acl.meta.arn)
            })
            .collect();
        let db_subnets: Vec<&str> = filtered
            .iter()
            .filter(|x| subnet_tiers.get(x.meta.id.as_str()) == Some(&DATABASE_TIER))
            .map(|x| x.meta.id.as_str())
            .collect();
        let mut database_ports = Vec::new();
        if !db_subnets.is_empty() {
            for port in &view.architecture.database_ports {
                for (i, family) in [Family::V4, Family::V6].into_iter().enumerate() {
                    let v = nacl_admits(acl, Protocol::Tcp, *port, family);
                    let outside = v.allowed.minus(&data_plane[i]);
                    database_ports.push(json!({
                        "port": port, "family": family.label(),
                        "allowed": v.allowed.cidrs(),
                        "outside_data_plane": outside.cidrs(),
                        "allowing_rules": v.allowing_rules,
                        "denying_rules": v.denying_rules,
                    }));
                }
            }
        }
        let mut subnets: Vec<&str> = filtered.iter().map(|x| x.meta.id.as_str()).collect();
        subnets.sort_unstable();
        acls.insert(
            acl.meta.arn.clone(),
            json!({
                "id": acl.meta.id, "vpc_id": acl.vpc_id, "subnets": subnets,
                "database_subnets": db_subnets,
                "world_open": world_json(&nacl_world_open(acl)),
                "unjudgeable": nacl_unjudgeable(acl),
                "database_ports": database_ports,
            }),
        );
    }

    json!({
        "tiers": {"security_groups": sg_tiers, "subnets": subnet_tiers},
        "security_groups": groups,
        "network_acls": acls,
        "data_plane_cidrs": {"ipv4": data_plane[0].cidrs(), "ipv6": data_plane[1].cidrs()},
    })
}
