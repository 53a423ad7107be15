//! Network drift: the tier reachability graph built from security groups, compared with
//! `architecture.flows`.
//!
//! A security group's tier is its tier tag. Every ingress rule of a tiered group is an edge
//! into that tier, from: `internet` (0.0.0.0/0 or ::/0), the tier of a referenced group
//! (`sg:<id>` when that group has no tier), `cidr:<range>` for any other range, or
//! `prefix-list:<id>`. An edge whose ports are not all allowed for its (from, to) pair is an
//! extra path; a declared flow port that no edge reaches is a missing path. Flows are TCP: a
//! UDP rule is always extra; ICMP rules carry no ports and are ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::Item;
use crate::baseline::{EnvView, INTERNET};
use crate::model::{DriftItem, DriftState, SecurityGroup, Severity, Snapshot};

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
    let tier_by_id: BTreeMap<&str, &str> = s
        .ec2
        .security_groups
        .iter()
        .filter_map(|g| view.tier_of(&g.meta.tags).map(|t| (g.meta.id.as_str(), t)))
        .collect();
    let mut edges: BTreeMap<Edge, BTreeSet<String>> = BTreeMap::new();
    for g in s.ec2.security_groups.iter().filter(|g| in_scope(g)) {
        let Some(to) = view.tier_of(&g.meta.tags) else { continue };
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

pub(crate) fn check(s: &Snapshot, view: &EnvView, vpc_id: Option<&str>) -> Vec<DriftItem> {
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
            "{} can reach tier {} on {} {} (security group {}); the baseline allows {}",
            edge.source,
            edge.to,
            edge.protocol,
            edge.range(),
            arns.iter().cloned().collect::<Vec<_>>().join(", "),
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
            if !reached {
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
    use crate::model::SgRule;

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
