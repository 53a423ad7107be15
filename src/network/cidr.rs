//! Address sets: CIDR ranges parsed by `ipnet`, held as sorted, disjoint, inclusive intervals
//! of integers (IPv4 and IPv6 apart), with the union, intersection and difference that
//! security-group unions and first-match NACL evaluation need. `ipnet` parses and turns an
//! interval back into CIDRs (`Ipv4Subnets`/`Ipv6Subnets`); it has no set algebra over
//! intervals, and the few lines below are simpler than another crate.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

/// An address family: IPv4 and IPv6 are judged apart (a rule's IPv4 ranges never cover IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn label(self) -> &'static str {
        match self {
            Family::V4 => "ipv4",
            Family::V6 => "ipv6",
        }
    }

    fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// A set of addresses of one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrSet {
    family: Family,
    /// Sorted, disjoint, non-adjacent inclusive intervals.
    ranges: Vec<(u128, u128)>,
}

/// Ranges that cannot be the source of internet traffic (RFC 6890 special-purpose space:
/// "this network", private, shared, loopback, link-local, multicast and reserved IPv4; for
/// IPv6 everything outside global unicast 2000::/3). An address set admits "the internet" when
/// it holds every other address.
const NON_INTERNET_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/3",
];
const INTERNET_V6: &str = "2000::/3";

/// Parses a CIDR (`10.0.0.0/16`, `::/0`); host bits are ignored as AWS does. `None` for
/// anything else.
pub fn parse(text: &str) -> Option<(Family, u128, u128)> {
    let net: IpNet = text.trim().parse().ok()?;
    Some(match net.trunc() {
        IpNet::V4(n) => (Family::V4, u128::from(u32::from(n.network())), u128::from(u32::from(n.broadcast()))),
        IpNet::V6(n) => (Family::V6, u128::from(n.network()), u128::from(n.broadcast())),
    })
}

impl AddrSet {
    pub fn empty(family: Family) -> AddrSet {
        AddrSet { family, ranges: Vec::new() }
    }

    pub fn full(family: Family) -> AddrSet {
        AddrSet { family, ranges: vec![(0, family.max())] }
    }

    /// The set of one CIDR, `None` when it does not parse or is of the other family.
    pub fn of_cidr(family: Family, text: &str) -> Option<AddrSet> {
        let (f, lo, hi) = parse(text)?;
        (f == family).then_some(AddrSet { family, ranges: vec![(lo, hi)] })
    }

    /// Every public address of the family (the complement of [`NON_INTERNET_V4`], or 2000::/3).
    pub fn internet(family: Family) -> AddrSet {
        match family {
            Family::V4 => {
                let mut s = AddrSet::full(Family::V4);
                for c in NON_INTERNET_V4 {
                    if let Some(r) = AddrSet::of_cidr(Family::V4, c) {
                        s = s.minus(&r);
                    }
                }
                s
            }
            Family::V6 => AddrSet::of_cidr(Family::V6, INTERNET_V6).unwrap_or_else(|| AddrSet::empty(Family::V6)),
        }
    }

    pub fn family(&self) -> Family {
        self.family
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn normalise(mut ranges: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
        ranges.sort_unstable();
        let mut out: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        out
    }

    pub fn union(&self, other: &AddrSet) -> AddrSet {
        let mut r = self.ranges.clone();
        r.extend(other.ranges.iter().copied());
        AddrSet { family: self.family, ranges: Self::normalise(r) }
    }

    pub fn intersect(&self, other: &AddrSet) -> AddrSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        AddrSet { family: self.family, ranges: out }
    }

    pub fn minus(&self, other: &AddrSet) -> AddrSet {
        let mut out = Vec::new();
        for &(lo, hi) in &self.ranges {
            let mut start = lo;
            let mut open = true;
            for &(olo, ohi) in &other.ranges {
                if ohi < start || olo > hi {
                    continue;
                }
                if olo > start {
                    out.push((start, olo - 1));
                }
                if ohi >= hi {
                    open = false;
                    break;
                }
                start = ohi + 1;
            }
            if open {
                out.push((start, hi));
            }
        }
        AddrSet { family: self.family, ranges: out }
    }

    /// True when every address of `other` is in this set.
    pub fn contains(&self, other: &AddrSet) -> bool {
        other.minus(self).is_empty()
    }

    /// True when the set holds every public address of its family: the internet can reach
    /// whatever it guards.
    pub fn admits_internet(&self) -> bool {
        self.contains(&AddrSet::internet(self.family))
    }

    /// The set as the fewest CIDRs, in address order.
    pub fn cidrs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for &(lo, hi) in &self.ranges {
            match self.family {
                Family::V4 => {
                    let (lo, hi) = (u32::try_from(lo).unwrap_or(u32::MAX), u32::try_from(hi).unwrap_or(u32::MAX));
                    out.extend(Ipv4Subnets::new(Ipv4Addr::from(lo), Ipv4Addr::from(hi), 0).map(|n| n.to_string()));
                }
                Family::V6 => {
                    out.extend(Ipv6Subnets::new(Ipv6Addr::from(lo), Ipv6Addr::from(hi), 0).map(|n| n.to_string()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(f: Family, cidrs: &[&str]) -> AddrSet {
        cidrs.iter().fold(AddrSet::empty(f), |s, c| s.union(&AddrSet::of_cidr(f, c).unwrap()))
    }

    /// Two halves make the whole IPv4 space; one half does not.
    #[test]
    fn split_halves_cover_the_space() {
        assert!(set(Family::V4, &["0.0.0.0/1", "128.0.0.0/1"]).admits_internet());
        assert_eq!(set(Family::V4, &["0.0.0.0/1", "128.0.0.0/1"]).cidrs(), vec!["0.0.0.0/0"]);
        assert!(!set(Family::V4, &["0.0.0.0/1"]).admits_internet());
        assert!(set(Family::V6, &["::/0"]).admits_internet());
        assert!(set(Family::V6, &["2000::/4", "3000::/4"]).admits_internet());
        assert!(!set(Family::V6, &["2001:db8::/32"]).admits_internet());
    }

    /// Private ranges are not the internet: all but 10.0.0.0/8 still admits it; 10.0.0.0/8 alone does not.
    #[test]
    fn private_ranges_are_not_the_internet() {
        let all = AddrSet::full(Family::V4);
        assert!(all.minus(&set(Family::V4, &["10.0.0.0/8"])).admits_internet());
        assert!(!all.minus(&set(Family::V4, &["8.8.8.0/24"])).admits_internet());
        assert!(!set(Family::V4, &["10.0.0.0/8"]).admits_internet());
    }

    /// Set algebra: difference and intersection give the expected CIDRs; host bits are ignored.
    #[test]
    fn algebra() {
        let a = set(Family::V4, &["10.0.0.0/16"]);
        let b = set(Family::V4, &["10.0.1.0/24"]);
        assert_eq!(a.intersect(&b).cidrs(), vec!["10.0.1.0/24"]);
        assert_eq!(b.minus(&a).cidrs(), Vec::<String>::new());
        assert_eq!(
            a.minus(&b).cidrs(),
            vec![
                "10.0.0.0/24",
                "10.0.2.0/23",
                "10.0.4.0/22",
                "10.0.8.0/21",
                "10.0.16.0/20",
                "10.0.32.0/19",
                "10.0.64.0/18",
                "10.0.128.0/17"
            ]
        );
        assert_eq!(AddrSet::of_cidr(Family::V4, "10.0.0.7/24").unwrap().cidrs(), vec!["10.0.0.0/24"]);
        assert!(AddrSet::of_cidr(Family::V4, "::/0").is_none());
        assert!(parse("10.0.0.0/33").is_none() && parse("nonsense").is_none());
    }
}
