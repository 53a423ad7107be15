//! Network drift: the tier reachability graph built from security groups, compared with
//! `architecture.flows`.
//!
//! A security group's tier is its tier tag, else its name matched against the baseline's
//! `network.tier_name_patterns` (`crate::network::tiers`). Every ingress rule of a tiered group is an edge
//! into that tier, from: `internet` (0.0.0.0/0 or ::/0), the tier of a referenced group
//! (`sg:<id>` when that group has no tier), `cidr:<range>` for any other range, or
//! `prefix-list:<id>`. An edge whose ports are not all allowed for its (from, to) pair is an
//! extra path; a declared flow port that no edge reaches is a missing path. Flows are TCP: a
//! UDP rule is always extra; ICMP rules carry no ports and are ignored.
//!
//! The network ACL layer ([`crate::network`], one home for the rule-order semantics): a path
//! is open only when the security groups *and* the ACL of at least one subnet of the
//! destination tier admit it. An extra path the ACLs block is not open (no drift), and a
//! declared flow the ACLs block is missing; each item's message says which layer allows or
//! blocks it. Without a recognised destination subnet or a collected ACL, the ACL layer is
//! "not judged" and the security groups decide alone.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::Item;
use crate::aws::ec2::SecurityGroup;
use crate::baseline::{EnvView, INTERNET};
use crate::model::{DriftItem, DriftState, Severity, Snapshot};
use crate::network::cidr::{AddrSet, Family};
use crate::network::tiers::TierRules;
use crate::network::{acl_of_subnet, nacl_admits, nacl_ports_in, Protocol};

const KIND: &str = "network";

/// One reachability edge: `source` reaches tier `to` on `protocol` ports `from_port..=to_port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Edge {
    pub source: String,
    pub to: String,
    pub protocol: String,
    pub from_port: u16,
    pub to_port: u16,
}

impl Edge {
    /// `0-65535`, `5432` or `8000-8080`.
    fn range(&self) -> String {
        if self.from_port == 0 && self.to_port == 65535 {
            "all".to_owned()
        } else if self.from_port == self.to_port {
            self.from_port.to_string()
        } else {
            format!("{}-{}", self.from_port, self.to_port)
        }
    }

    /// The drift attribute: `port:5432`, `ports:8000-8080`, `ports:all`, `udp:53`.
    fn ports_label(&self) -> String {
        match self.protocol.as_str() {
            "all" => "ports:all".to_owned(),
            "tcp" if self.from_port == self.to_port => format!("port:{}", self.from_port),
            "tcp" => format!("ports:{}", self.range()),
            other => format!("{other}:{}", self.range()),
        }
    }

    fn reaches(&self, port: u16) -> bool {
        (self.protocol == "tcp" || self.protocol == "all") && self.from_port <= port && port <= self.to_port
    }

    fn touches(&self, ports: &[u16]) -> bool {
        ports.iter().any(|p| self.from_port <= *p && *p <= self.to_port)
    }
}

/// The reachability graph: each edge with the ARNs of the groups that open it.
pub(crate) fn graph(s: &Snapshot, view: &EnvView, vpc_id: Option<&str>) -> BTreeMap<Edge, BTreeSet<String>> {
    let in_scope = |g: &SecurityGroup| vpc_id.is_none_or(|v| g.vpc_id == v);
    let rules = view.tier_rules();
    let tier_by_id: BTreeMap<&str, &str> = s
        .ec2
        .security_groups
        .iter()
        .filter_map(|g| rules.tier_of(&g.meta.name, &g.meta.tags).map(|t| (g.meta.id.as_str(), t)))
        .collect();
    let mut edges: BTreeMap<Edge, BTreeSet<String>> = BTreeMap::new();
    for g in s.ec2.security_groups.iter().filter(|g| in_scope(g)) {
        let Some(to) = tier_by_id.get(g.meta.id.as_str()).copied() else { continue };
        for rule in &g.ingress {
            let protocol = match rule.protocol.to_ascii_lowercase().as_str() {
                "-1" | "all" => "all",
                "tcp" | "6" => "tcp",
                "udp" | "17" => "udp",
                _ => continue,
            };
            let (from_port, to_port) = if protocol == "all" {
                (0, 65535)
            } else {
                let lo = rule.from_port.unwrap_or(0).clamp(0, 65535);
                let hi = rule.to_port.unwrap_or(65535).clamp(0, 65535);
                (u16::try_from(lo).unwrap_or(0), u16::try_from(hi).unwrap_or(u16::MAX))
            };
            let mut sources: Vec<String> = Vec::new();
            for c in rule.ipv4_ranges.iter().chain(&rule.ipv6_ranges) {
                sources.push(if c == "0.0.0.0/0" || c == "::/0" { INTERNET.to_owned() } else { format!("cidr:{c}") });
            }
            for r in &rule.referenced_group_ids {
                sources.push(tier_by_id.get(r.as_str()).map_or_else(|| format!("sg:{r}"), |t| (*t).to_owned()));
            }
            for p in &rule.prefix_list_ids {
                sources.push(format!("prefix-list:{p}"));
            }
            for source in sources {
                let edge = Edge { source, to: to.to_owned(), protocol: protocol.to_owned(), from_port, to_port };
                edges.entry(edge).or_default().insert(g.meta.arn.clone());
            }
        }
    }
    edges
}

/// What the network ACL layer says about an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AclLayer {
    /// Some destination subnet's ACL admits some source address on some port of the edge.
    Allows(String),
    /// Every destination subnet's ACL refuses every source address on every port.
    Blocks(String),
    /// No destination subnet, no ACL, or a source the ACLs cannot be asked about.
    NotJudged(String),
}

impl AclLayer {
    fn describe(&self) -> String {
        match self {
            AclLayer::Allows(why) => format!("network ACL layer allows it ({why})"),
            AclLayer::Blocks(why) => format!("network ACL layer blocks it ({why})"),
            AclLayer::NotJudged(why) => format!("network ACL layer not judged ({why})"),
        }
    }
}

/// The source addresses of an edge, per family; `None` for a source that is not an address
/// range (a security group without a tier, a prefix list).
fn source_sets(s: &Snapshot, rules: &TierRules, source: &str, vpc_id: Option<&str>) -> Option<[AddrSet; 2]> {
    if source == INTERNET {
        return Some([AddrSet::internet(Family::V4), AddrSet::internet(Family::V6)]);
    }
    if let Some(c) = source.strip_prefix("cidr:") {
        let v4 = AddrSet::of_cidr(Family::V4, c).unwrap_or_else(|| AddrSet::empty(Family::V4));
        let v6 = AddrSet::of_cidr(Family::V6, c).unwrap_or_else(|| AddrSet::empty(Family::V6));
        return (!v4.is_empty() || !v6.is_empty()).then_some([v4, v6]);
    }
    if source.starts_with("sg:") || source.starts_with("prefix-list:") {
        return None;
    }
    let mut sets = [AddrSet::empty(Family::V4), AddrSet::empty(Family::V6)];
    for sub in s.ec2.subnets.iter().filter(|x| vpc_id.is_none_or(|v| x.vpc_id == v)) {
        if rules.tier_of(&sub.meta.name, &sub.meta.tags) == Some(source) {
            for set in &mut sets {
                if let Some(one) = AddrSet::of_cidr(set.family(), &sub.cidr_block) {
                    *set = set.union(&one);
                }
            }
        }
    }
    (!sets[0].is_empty() || !sets[1].is_empty()).then_some(sets)
}

/// The ACL layer's verdict on `source` reaching tier `to` on `protocol` ports `lo..=hi`.
pub(crate) fn acl_layer(
    s: &Snapshot,
    rules: &TierRules,
    vpc_id: Option<&str>,
    source: &str,
    to: &str,
    protocol: &str,
    (lo, hi): (u16, u16),
) -> AclLayer {
    let subnets: Vec<_> = s
        .ec2
        .subnets
        .iter()
        .filter(|x| vpc_id.is_none_or(|v| x.vpc_id == v) && rules.tier_of(&x.meta.name, &x.meta.tags) == Some(to))
        .collect();
    if subnets.is_empty() {
        return AclLayer::NotJudged(format!("no subnet of tier {to} is recognised"));
    }
    if s.ec2.network_acls.is_empty() {
        return AclLayer::NotJudged("no network ACL was collected".to_owned());
    }
    let Some(sources) = source_sets(s, rules, source, vpc_id) else {
        return AclLayer::NotJudged(format!("{source} is not an address range"));
    };
    let services: &[Protocol] = match protocol {
        "tcp" => &[Protocol::Tcp],
        "udp" => &[Protocol::Udp],
        _ => &[Protocol::Tcp, Protocol::Udp],
    };
    let mut blocked_by = Vec::new();
    for sub in subnets {
        let Some(acl) = acl_of_subnet(&s.ec2.network_acls, &sub.meta.id, &sub.vpc_id) else {
            return AclLayer::NotJudged(format!("no network ACL was collected for subnet {}", sub.meta.id));
        };
        for port in nacl_ports_in(acl, lo, hi) {
            for service in services {
                for set in &sources {
                    let v = nacl_admits(acl, *service, port, set.family());
                    if !v.allowed.intersect(set).is_empty() {
                        return AclLayer::Allows(format!(
                            "{} of subnet {} admits {} port {port}, rule(s) {:?}",
                            acl.meta.id,
                            sub.meta.id,
                            service.label(),
                            v.allowing_rules
                        ));
                    }
                }
            }
        }
        blocked_by.push(format!("{} of subnet {}", acl.meta.id, sub.meta.id));
    }
    AclLayer::Blocks(format!("{} admit none of the sources (rule order, then the default deny)", blocked_by.join(", ")))
}

pub(crate) fn check(s: &Snapshot, view: &EnvView, vpc_id: Option<&str>) -> Vec<DriftItem> {
    let rules = view.tier_rules();
    let arch = &view.architecture;
    let mut allowed: BTreeMap<(&str, &str), BTreeSet<u16>> = BTreeMap::new();
    for f in &arch.flows {
        allowed.entry((f.from.as_str(), f.to.as_str())).or_default().extend(f.ports.iter().copied());
    }
    let edges = graph(s, view, vpc_id);
    let mut items = Vec::new();

    for (edge, arns) in &edges {
        let ok_ports = allowed.get(&(edge.source.as_str(), edge.to.as_str()));
        let all_allowed = edge.protocol == "tcp"
            && ok_ports.is_some_and(|ports| (edge.from_port..=edge.to_port).all(|p| ports.contains(&p)));
        if all_allowed {
            continue;
        }
        let layer =
            acl_layer(s, &rules, vpc_id, &edge.source, &edge.to, &edge.protocol, (edge.from_port, edge.to_port));
        if matches!(layer, AclLayer::Blocks(_)) {
            // Security groups allow it, the ACLs do not: the path is not open.
            continue;
        }
        let sensitive: Vec<u16> = arch.admin_ports.iter().chain(&arch.database_ports).copied().collect();
        let severity = if edge.source == INTERNET && edge.touches(&sensitive) {
            Severity::Critical
        } else if edge.source == INTERNET || edge.touches(&arch.database_ports) {
            Severity::High
        } else {
            Severity::Medium
        };
        let element = format!("flow:{}->{}", edge.source, edge.to);
        let expected: Vec<u16> = ok_ports.map(|p| p.iter().copied().collect()).unwrap_or_default();
        let label = edge.ports_label();
        let arn = arns.iter().next().cloned().unwrap_or_default();
        let msg = format!(
            "{} can reach tier {} on {} {} (security group layer allows it: {}; {}); the baseline allows {}",
            edge.source,
            edge.to,
            edge.protocol,
            edge.range(),
            arns.iter().cloned().collect::<Vec<_>>().join(", "),
            layer.describe(),
            if expected.is_empty() { "no flow between them".to_owned() } else { format!("ports {expected:?}") }
        );
        items.push(
            Item::new(KIND, element, DriftState::Unmanaged, severity)
                .arn(arn)
                .attr(label, json!(expected), json!(format!("{}:{}", edge.protocol, edge.range())))
                .message(msg),
        );
    }

    for f in &arch.flows {
        for port in &f.ports {
            let reached = edges.keys().any(|e| e.source == f.from && e.to == f.to && e.reaches(*port));
            let layer = acl_layer(s, &rules, vpc_id, &f.from, &f.to, "tcp", (*port, *port));
            if reached {
                if let AclLayer::Blocks(_) = &layer {
                    let element = format!("flow:{}->{}", f.from, f.to);
                    items.push(
                        Item::new(KIND, element, DriftState::Missing, Severity::Low)
                            .attr(format!("port:{port}"), json!(port), json!(null))
                            .message(format!(
                                "declared flow {} -> {} on port {port} is open in the security group layer, but the {}",
                                f.from,
                                f.to,
                                layer.describe()
                            )),
                    );
                }
            } else {
                let element = format!("flow:{}->{}", f.from, f.to);
                items.push(
                    Item::new(KIND, element, DriftState::Missing, Severity::Low)
                        .attr(format!("port:{port}"), json!(port), json!(null))
                        .message(format!(
                            "declared flow {} -> {} on port {port} is not open in any security group",
                            f.from, f.to
                        )),
                );
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::aws::ec2::SgRule;

    fn items_for(s: &Snapshot) -> Vec<DriftItem> {
        let view = prod_view();
        check(s, &view, Some("vpc-1"))
    }

    /// The compliant account opens exactly the declared flows.
    #[test]
    fn compliant_graph_has_no_drift() {
        let items = items_for(&compliant_snapshot());
        assert!(items.is_empty(), "{items:#?}");
    }

    /// The world on the database port is the worst network drift there is.
    #[test]
    fn world_to_database_port_is_critical_extra_path() {
        let mut s = compliant_snapshot();
        let db = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-db").unwrap();
        db.ingress.push(sg_rule(5432, &["0.0.0.0/0"], &[]));
        let items = items_for(&s);
        assert_eq!(items.len(), 1, "{items:#?}");
        assert_eq!(items[0].element, "flow:internet->database");
        assert_eq!(items[0].attribute.as_deref(), Some("port:5432"));
        assert_eq!(items[0].severity, Severity::Critical);
        assert_eq!(items[0].state, DriftState::Unmanaged);
    }

    /// A tier-to-tier path the baseline does not allow (control plane to database) is drift,
    /// and removing the only data-plane rule makes the required path missing.
    #[test]
    fn control_plane_to_database_replaces_data_plane() {
        let mut s = compliant_snapshot();
        let db = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-db").unwrap();
        db.ingress = vec![sg_rule(5432, &[], &["sg-cp"])];
        let items = items_for(&s);
        let got: Vec<(&str, &str, DriftState)> =
            items.iter().map(|i| (i.element.as_str(), i.attribute.as_deref().unwrap(), i.state)).collect();
        assert_eq!(
            got,
            vec![
                ("flow:control-plane->database", "port:5432", DriftState::Unmanaged),
                ("flow:data-plane->database", "port:5432", DriftState::Missing),
            ]
        );
        assert_eq!(items[0].severity, Severity::High);
    }

    fn nacl(id: &str, subnets: &[&str], entries: Vec<crate::aws::ec2::NaclEntry>) -> crate::aws::ec2::NetworkAcl {
        crate::aws::ec2::NetworkAcl {
            meta: meta("ec2", "network-acl", id, id, &[]),
            vpc_id: "vpc-1".into(),
            subnet_ids: subnets.iter().map(|s| (*s).to_owned()).collect(),
            entries,
            ..Default::default()
        }
    }

    fn entry(n: i32, action: &str, cidr: &str, port: Option<i32>) -> crate::aws::ec2::NaclEntry {
        crate::aws::ec2::NaclEntry {
            rule_number: n,
            protocol: if port.is_some() { "6".into() } else { "-1".into() },
            rule_action: action.into(),
            cidr_block: Some(cidr.into()),
            from_port: port,
            to_port: port,
            ..Default::default()
        }
    }

    /// Gives the fixture distinct data-plane CIDRs and one database subnet; returns its id.
    fn with_database_subnet(s: &mut Snapshot) -> Vec<&'static str> {
        for (i, sub) in s.ec2.subnets.iter_mut().enumerate() {
            sub.cidr_block = format!("10.0.{}.0/24", 10 + i);
        }
        let mut db = s.ec2.subnets[0].clone();
        db.meta = meta("ec2", "subnet", "subnet-da", "flowforge-prod-subnet-da", &[("flowforge:tier", "database")]);
        db.cidr_block = "10.0.20.0/24".into();
        db.map_public_ip_on_launch = false;
        s.ec2.subnets.push(db);
        vec!["subnet-da"]
    }

    /// An extra path the database subnet's ACL denies is not open (no drift); an ACL that
    /// allows everything leaves it open and the message names both layers.
    #[test]
    fn nacl_layer_blocks_or_allows_an_extra_path() {
        let mut s = compliant_snapshot();
        let ids = with_database_subnet(&mut s);
        let db = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-db").unwrap();
        db.ingress.push(sg_rule(5432, &["0.0.0.0/0"], &[]));
        let entries = vec![
            entry(100, "allow", "10.0.12.0/23", Some(5432)),
            entry(200, "deny", "0.0.0.0/0", Some(5432)),
            entry(300, "allow", "0.0.0.0/0", None),
        ];
        s.ec2.network_acls = vec![nacl("acl-db", &ids, entries)];
        let items = items_for(&s);
        assert!(items.is_empty(), "the ACL blocks the world on 5432: {items:#?}");

        s.ec2.network_acls = vec![nacl("acl-db", &ids, vec![entry(100, "allow", "0.0.0.0/0", None)])];
        let items = items_for(&s);
        assert_eq!(items.len(), 1, "{items:#?}");
        assert!(items[0].message.contains("network ACL layer allows it"), "{}", items[0].message);
    }

    /// A declared flow the ACL denies is missing, and the message says the ACL layer blocks it.
    #[test]
    fn nacl_layer_blocks_a_declared_flow() {
        let mut s = compliant_snapshot();
        let ids = with_database_subnet(&mut s);
        s.ec2.network_acls = vec![nacl("acl-db", &ids, vec![entry(100, "deny", "0.0.0.0/0", None)])];
        let items = items_for(&s);
        let blocked: Vec<&DriftItem> = items.iter().filter(|i| i.element == "flow:data-plane->database").collect();
        assert_eq!(blocked.len(), 1, "{items:#?}");
        assert_eq!(blocked[0].state, DriftState::Missing);
        assert!(blocked[0].message.contains("network ACL layer blocks it"), "{}", blocked[0].message);
    }

    /// Port ranges and all-traffic rules are judged port by port, and other CIDRs are named.
    #[test]
    fn ranges_and_cidrs() {
        let mut s = compliant_snapshot();
        let cp = s.ec2.security_groups.iter_mut().find(|g| g.meta.id == "sg-cp").unwrap();
        cp.ingress.push(SgRule {
            protocol: "-1".into(),
            ipv4_ranges: vec!["10.0.0.0/16".into()],
            ..Default::default()
        });
        let items = items_for(&s);
        assert_eq!(items.len(), 1, "{items:#?}");
        assert_eq!(items[0].element, "flow:cidr:10.0.0.0/16->control-plane");
        assert_eq!(items[0].attribute.as_deref(), Some("ports:all"));
    }
}
