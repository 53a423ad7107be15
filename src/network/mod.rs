//! Effective network reachability: one home for what a security group and a network ACL let
//! through, consumed by the engine (as derived facts in the Rego input, [`facts`]) and by the
//! tier reachability drift (`drift::network`). SDK-free: it works on the snapshot.
//!
//! The rules, as AWS documents them:
//! - A security group is stateful and allow-only: a packet is admitted when *any* ingress rule
//!   matches it. So a port is open to the internet when the union of the IPv4 ranges of every
//!   rule reaching that port (and, separately, of the IPv6 ranges) holds every public address
//!   (the halves `0.0.0.0/1` + `128.0.0.0/1` are as open as `0.0.0.0/0`). A rule reaches a
//!   service only through the protocol the service speaks: a UDP rule on 22 does not reach SSH;
//!   protocol `-1` reaches every protocol and port (EC2 User Guide, "Security group rules").
//! - A network ACL is stateless and ordered: its rules are evaluated by rule number, lowest
//!   first; the first rule matching the packet's protocol, port and source decides (allow or
//!   deny), and the final `*` rule denies everything else (VPC User Guide, "Network ACL
//!   rules"). So the sources a NACL admits on a port are computed address by address in rule
//!   order, not rule by rule.
//! - A path is open only when both layers admit it (VPC User Guide, "Compare security groups
//!   and network ACLs").
//!
//! "The internet" is every public address: the RFC 6890 special-purpose ranges (private,
//! loopback, ...) cannot source internet traffic, so an ACL that denies only 10.0.0.0/8 before
//! allowing 0.0.0.0/0 still admits the internet ([`cidr::AddrSet::admits_internet`]).

pub mod cidr;
pub mod facts;
pub mod tiers;

use std::collections::BTreeSet;

use crate::aws::ec2::{NaclEntry, NetworkAcl, SecurityGroup, SgRule};
use cidr::{AddrSet, Family};

/// The transport a service speaks or a rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// `-1`: every protocol and port.
    All,
    Tcp,
    Udp,
    /// Any other IANA protocol (ICMP, ...): no ports, never a TCP or UDP service.
    Other,
}

impl Protocol {
    /// From a security-group (`tcp`, `6`, `-1`, ...) or NACL (`6`, `-1`) protocol field.
    pub fn parse(text: &str) -> Protocol {
        match text.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            _ => Protocol::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Protocol::All => "all",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Other => "other",
        }
    }

    /// True when a rule of this protocol reaches a service speaking `service`.
    pub fn reaches(self, service: Protocol) -> bool {
        self == Protocol::All || (self == service && service != Protocol::Other)
    }
}

/// The ports a rule names: `-1` and port-less protocols cover every port of what they reach.
fn port_span(protocol: Protocol, from: Option<i32>, to: Option<i32>) -> (u16, u16) {
    match protocol {
        Protocol::Tcp | Protocol::Udp => {
            let clamp = |v: i32| u16::try_from(v.clamp(0, 65535)).unwrap_or(u16::MAX);
            match (from, to) {
                // AWS reports -1/-1 or nothing for "all ports" of a port protocol.
                (Some(f), Some(t)) if f >= 0 && t >= 0 => (clamp(f), clamp(t)),
                _ => (0, 65535),
            }
        }
        _ => (0, 65535),
    }
}

/// A contiguous run of ports of one protocol and family open to the internet, with the
/// ranges that open it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WorldOpen {
    pub family: Family,
    pub protocol: Protocol,
    pub from_port: u16,
    pub to_port: u16,
    /// The CIDRs (as written in the rules) whose union holds the internet.
    pub sources: Vec<String>,
}

/// Splits 0..=65535 at every port where a span starts or ends: inside one segment every span
/// either covers every port or none, so one representative port judges the whole segment.
fn segments(spans: impl Iterator<Item = (u16, u16)>) -> Vec<(u16, u16)> {
    let mut cuts: BTreeSet<u32> = [0u32, 65536].into_iter().collect();
    for (lo, hi) in spans {
        cuts.insert(u32::from(lo));
        cuts.insert(u32::from(hi) + 1);
    }
    let cuts: Vec<u32> = cuts.into_iter().collect();
    cuts.windows(2).filter_map(|w| Some((u16::try_from(w[0]).ok()?, u16::try_from(w[1] - 1).ok()?))).collect()
}

/// Merges adjacent runs with the same family and protocol.
fn merge(mut runs: Vec<WorldOpen>) -> Vec<WorldOpen> {
    runs.sort();
    let mut out: Vec<WorldOpen> = Vec::new();
    for r in runs {
        match out.last_mut() {
            Some(last)
                if last.family == r.family
                    && last.protocol == r.protocol
                    && u32::from(last.to_port) + 1 == u32::from(r.from_port) =>
            {
                last.to_port = r.to_port;
                let s: BTreeSet<String> = last.sources.drain(..).chain(r.sources).collect();
                last.sources = s.into_iter().collect();
            }
            _ => out.push(r),
        }
    }
    out
}

/// Ingress CIDRs that did not parse, per group: they make its verdict UNKNOWN, never PASS.
pub fn unparsed_ranges(rules: &[SgRule]) -> Vec<String> {
    rules
        .iter()
        .flat_map(|r| r.ipv4_ranges.iter().chain(&r.ipv6_ranges))
        .filter(|c| cidr::parse(c).is_none())
        .cloned()
        .collect()
}

/// Where a security group's ingress admits the internet: per family and per service protocol
/// (TCP, UDP), the port runs on which the union of the ranges of the rules reaching them
/// holds every public address.
pub fn sg_world_open(sg: &SecurityGroup) -> Vec<WorldOpen> {
    let mut runs = Vec::new();
    for service in [Protocol::Tcp, Protocol::Udp] {
        let rules: Vec<(&SgRule, (u16, u16))> = sg
            .ingress
            .iter()
            .filter_map(|r| {
                let p = Protocol::parse(&r.protocol);
                p.reaches(service).then(|| (r, port_span(p, r.from_port, r.to_port)))
            })
            .collect();
        if rules.is_empty() {
            continue;
        }
        for (lo, hi) in segments(rules.iter().map(|(_, s)| *s)) {
            let covering: Vec<&SgRule> =
                rules.iter().filter(|(_, (a, b))| *a <= lo && hi <= *b).map(|(r, _)| *r).collect();
            for family in [Family::V4, Family::V6] {
                let mut set = AddrSet::empty(family);
                let mut sources = BTreeSet::new();
                for r in &covering {
                    let ranges = if family == Family::V4 { &r.ipv4_ranges } else { &r.ipv6_ranges };
                    for c in ranges {
                        if let Some(one) = AddrSet::of_cidr(family, c) {
                            set = set.union(&one);
                            sources.insert(c.clone());
                        }
                    }
                }
                if !set.is_empty() && set.admits_internet() {
                    runs.push(WorldOpen {
                        family,
                        protocol: service,
                        from_port: lo,
                        to_port: hi,
                        sources: sources.into_iter().collect(),
                    });
                }
            }
        }
    }
    merge(runs)
}

/// What a NACL's inbound rules admit for one protocol, port and family: the sources allowed
/// (first match, in rule order, then the implicit deny) and the rule numbers that decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclVerdict {
    pub allowed: AddrSet,
    /// Rule numbers of the allow rules that admitted some address.
    pub allowing_rules: Vec<i32>,
    /// Rule numbers of the deny rules that refused some address before any allow.
    pub denying_rules: Vec<i32>,
}

fn entry_family(e: &NaclEntry) -> Option<(Family, &str)> {
    match (&e.cidr_block, &e.ipv6_cidr_block) {
        (Some(c), _) => Some((Family::V4, c.as_str())),
        (None, Some(c)) => Some((Family::V6, c.as_str())),
        _ => None,
    }
}

/// Inbound entries in evaluation order (rule number, lowest first).
fn inbound(acl: &NetworkAcl) -> Vec<&NaclEntry> {
    let mut v: Vec<&NaclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    v.sort_by_key(|e| e.rule_number);
    v
}

/// Entries that cannot be judged (an unparsable CIDR, an action that is neither allow nor
/// deny): the ACL's verdicts are then UNKNOWN.
pub fn nacl_unjudgeable(acl: &NetworkAcl) -> Vec<i32> {
    acl.entries
        .iter()
        .filter(|e| {
            let bad_cidr = match entry_family(e) {
                Some((_, c)) => cidr::parse(c).is_none(),
                None => true,
            };
            let action = e.rule_action.to_ascii_lowercase();
            bad_cidr || (action != "allow" && action != "deny")
        })
        .map(|e| e.rule_number)
        .collect()
}

/// The sources a NACL admits inbound on `service`/`port`, family `family`.
pub fn nacl_admits(acl: &NetworkAcl, service: Protocol, port: u16, family: Family) -> NaclVerdict {
    let mut remaining = AddrSet::full(family);
    let mut allowed = AddrSet::empty(family);
    let (mut allowing_rules, mut denying_rules) = (Vec::new(), Vec::new());
    for e in inbound(acl) {
        let p = Protocol::parse(&e.protocol);
        if !p.reaches(service) {
            continue;
        }
        let (lo, hi) = port_span(p, e.from_port, e.to_port);
        if port < lo || port > hi {
            continue;
        }
        let Some((f, text)) = entry_family(e) else { continue };
        if f != family {
            continue;
        }
        let Some(range) = AddrSet::of_cidr(family, text) else { continue };
        let matched = remaining.intersect(&range);
        if matched.is_empty() {
            continue;
        }
        if e.rule_action.eq_ignore_ascii_case("allow") {
            allowed = allowed.union(&matched);
            allowing_rules.push(e.rule_number);
        } else {
            denying_rules.push(e.rule_number);
        }
        remaining = remaining.minus(&range);
    }
    NaclVerdict { allowed, allowing_rules, denying_rules }
}

/// Where a NACL's inbound rules admit the internet, per family and service protocol, as port
/// runs (the sources are the allowing rule numbers).
pub fn nacl_world_open(acl: &NetworkAcl) -> Vec<WorldOpen> {
    let spans: Vec<(u16, u16)> = inbound(acl)
        .iter()
        .map(|e| {
            let p = Protocol::parse(&e.protocol);
            port_span(p, e.from_port, e.to_port)
        })
        .collect();
    let mut runs = Vec::new();
    for service in [Protocol::Tcp, Protocol::Udp] {
        for (lo, hi) in segments(spans.iter().copied()) {
            for family in [Family::V4, Family::V6] {
                let v = nacl_admits(acl, service, lo, family);
                if !v.allowed.is_empty() && v.allowed.admits_internet() {
                    runs.push(WorldOpen {
                        family,
                        protocol: service,
                        from_port: lo,
                        to_port: hi,
                        sources: v.allowing_rules.iter().map(|n| format!("rule {n}")).collect(),
                    });
                }
            }
        }
    }
    merge(runs)
}

/// The representative ports of `lo..=hi` for a NACL: one per segment its rules cut the range
/// into, so "admits some port of the range" is judged exactly with a few evaluations.
pub fn nacl_ports_in(acl: &NetworkAcl, lo: u16, hi: u16) -> Vec<u16> {
    let spans: Vec<(u16, u16)> =
        inbound(acl).iter().map(|e| port_span(Protocol::parse(&e.protocol), e.from_port, e.to_port)).collect();
    segments(spans.into_iter().chain([(lo, hi)]))
        .into_iter()
        .filter(|(a, b)| *a >= lo && *b <= hi)
        .map(|(a, _)| a)
        .collect()
}

/// The ACL that filters a subnet: its explicit association, else its VPC's default ACL.
pub fn acl_of_subnet<'a>(acls: &'a [NetworkAcl], subnet_id: &str, vpc_id: &str) -> Option<&'a NetworkAcl> {
    acls.iter()
        .find(|a| a.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| acls.iter().find(|a| a.is_default && a.vpc_id == vpc_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: i32, to: i32, v4: &[&str], v6: &[&str]) -> SgRule {
        SgRule {
            protocol: protocol.into(),
            from_port: (protocol != "-1").then_some(from),
            to_port: (protocol != "-1").then_some(to),
            ipv4_ranges: v4.iter().map(|s| (*s).to_owned()).collect(),
            ipv6_ranges: v6.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        }
    }

    fn sg(rules: Vec<SgRule>) -> SecurityGroup {
        SecurityGroup { ingress: rules, ..Default::default() }
    }

    fn open_on(sg: &SecurityGroup, service: Protocol, port: u16) -> Vec<Family> {
        sg_world_open(sg)
            .into_iter()
            .filter(|w| w.protocol == service && w.from_port <= port && port <= w.to_port)
            .map(|w| w.family)
            .collect()
    }

    /// Split halves in two rules on the same port are as open as 0.0.0.0/0.
    #[test]
    fn union_across_rules() {
        let g = sg(vec![rule("tcp", 22, 22, &["0.0.0.0/1"], &[]), rule("tcp", 0, 1024, &["128.0.0.0/1"], &[])]);
        assert_eq!(open_on(&g, Protocol::Tcp, 22), vec![Family::V4]);
        assert!(open_on(&g, Protocol::Tcp, 23).is_empty(), "only one half reaches 23");
    }

    /// A UDP rule does not reach a TCP service; -1 reaches both; IPv6 is judged apart.
    #[test]
    fn protocol_and_family() {
        let g = sg(vec![rule("udp", 22, 22, &["0.0.0.0/0"], &[])]);
        assert!(open_on(&g, Protocol::Tcp, 22).is_empty());
        assert_eq!(open_on(&g, Protocol::Udp, 22), vec![Family::V4]);
        let g = sg(vec![rule("-1", 0, 0, &[], &["::/0"])]);
        assert_eq!(open_on(&g, Protocol::Tcp, 3389), vec![Family::V6]);
        let w = sg_world_open(&g);
        assert_eq!((w[0].from_port, w[0].to_port), (0, 65535));
    }

    fn entry(n: i32, protocol: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
        let v6 = cidr.contains(':');
        NaclEntry {
            rule_number: n,
            egress: false,
            protocol: protocol.into(),
            rule_action: action.into(),
            cidr_block: (!v6).then(|| cidr.to_owned()),
            ipv6_cidr_block: v6.then(|| cidr.to_owned()),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
        }
    }

    /// The lower rule number wins: a deny at 90 shadows an allow at 100; reversed, the allow wins.
    #[test]
    fn nacl_rule_order() {
        let acl = NetworkAcl {
            entries: vec![
                entry(100, "6", "allow", "0.0.0.0/0", Some((22, 22))),
                entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
                entry(32767, "-1", "deny", "0.0.0.0/0", None),
            ],
            ..Default::default()
        };
        assert!(nacl_admits(&acl, Protocol::Tcp, 22, Family::V4).allowed.is_empty());
        let acl = NetworkAcl {
            entries: vec![
                entry(100, "6", "allow", "0.0.0.0/0", Some((22, 22))),
                entry(110, "6", "deny", "0.0.0.0/0", Some((22, 22))),
            ],
            ..Default::default()
        };
        let v = nacl_admits(&acl, Protocol::Tcp, 22, Family::V4);
        assert!(v.allowed.admits_internet());
        assert_eq!(v.allowing_rules, vec![100]);
        assert_eq!(nacl_world_open(&acl).len(), 1);
        assert!(nacl_admits(&acl, Protocol::Tcp, 22, Family::V6).allowed.is_empty(), "no IPv6 rule: implicit deny");
    }

    /// Representative ports cut a range where the rules do.
    #[test]
    fn nacl_ports() {
        let acl = NetworkAcl {
            entries: vec![entry(100, "6", "allow", "0.0.0.0/0", Some((5432, 5432)))],
            ..Default::default()
        };
        assert_eq!(nacl_ports_in(&acl, 5000, 6000), vec![5000, 5432, 5433]);
        assert_eq!(nacl_ports_in(&acl, 5432, 5432), vec![5432]);
    }
}
