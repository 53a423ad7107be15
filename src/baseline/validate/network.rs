//! Validation of the network sections ([`crate::baseline::network`]): `architecture.vpc`,
//! `architecture.tiers`, `architecture.flows` (the ports lists are the shared
//! [`Cx::ports`]) and the top-level `network:` block.

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::RawNode;
use crate::diag::Code;

/// `architecture.vpc`.
pub(super) fn vpc(cx: &Cx, node: &RawNode, path: &str) -> Option<VpcSpec> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| cx.pattern(n, p, false));
    let endpoints = t.or("required_endpoints", Vec::new(), |n, p| {
        let eps = cx.list(n, p, false, |item, ip| endpoint(cx, item, ip))?;
        let services: Vec<String> = eps.iter().map(|e| e.service.clone()).collect();
        cx.unique(n, &services, p, "endpoint service").then_some(eps)
    });
    Some(VpcSpec { name: name?, required_endpoints: endpoints? })
}

fn endpoint(cx: &Cx, node: &RawNode, path: &str) -> Option<EndpointSpec> {
    let t = cx.table(node, path)?;
    let service = t.req("service", |n, p| cx.string(n, p));
    let endpoint_type = t.req("type", |n, p| {
        let s = cx.string(n, p)?;
        match s.as_str() {
            "Gateway" => Some(EndpointType::Gateway),
            "Interface" => Some(EndpointType::Interface),
            _ => {
                cx.invalid(n, format!("{p}: unknown endpoint type {s:?} (expected Gateway or Interface)"));
                None
            }
        }
    });
    let private_dns = t.opt("private_dns", |n, p| cx.boolean(n, p));
    let environments = cx.env_list(&t);
    if let (Some(Some(true)), Some(EndpointType::Gateway), Some(n)) = (private_dns, endpoint_type, t.get("private_dns"))
    {
        cx.invalid(n, format!("{}: only Interface endpoints have private DNS", t.key_path("private_dns")));
        return None;
    }
    Some(EndpointSpec {
        service: service?,
        endpoint_type: endpoint_type?,
        private_dns: private_dns?,
        environments: environments?,
    })
}

/// `architecture.tiers`: tier names are the author's; `internet` and `cidr:...` are reserved.
pub(super) fn tiers(cx: &Cx, node: &RawNode, path: &str) -> Option<BTreeMap<String, TierSpec>> {
    let entries = cx.entries(node, path)?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for e in entries {
        let p = format!("{path}.{}", e.key);
        if e.key == INTERNET || e.key.starts_with("cidr:") {
            cx.report(
                Code::BaselineInvalidValue,
                e.key_pos,
                format!("{p}: `{}` is reserved (it names traffic from outside the VPC)", e.key),
            );
            ok = false;
            continue;
        }
        match tier(cx, e.value, &p) {
            Some(t) => {
                out.insert(e.key.to_owned(), t);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn tier(cx: &Cx, node: &RawNode, path: &str) -> Option<TierSpec> {
    let t = cx.table(node, path)?;
    let description = t.opt("description", |n, p| cx.string(n, p));
    let subnet_visibility = t.req("subnet_visibility", |n, p| {
        let s = cx.string(n, p)?;
        match s.as_str() {
            "public" => Some(SubnetVisibility::Public),
            "private" => Some(SubnetVisibility::Private),
            _ => {
                cx.invalid(n, format!("{p}: expected public or private, found {s:?}"));
                None
            }
        }
    });
    Some(TierSpec { description: description?, subnet_visibility: subnet_visibility? })
}

/// `architecture.flows`: each between known tiers (checked when the tiers are valid), no
/// flow given twice.
pub(super) fn flows(
    cx: &Cx,
    node: &RawNode,
    path: &str,
    tiers: &BTreeSet<String>,
    tiers_valid: bool,
) -> Option<Vec<FlowSpec>> {
    let flows = cx.list(node, path, false, |item, ip| {
        let f = cx.table(item, ip)?;
        let endpoint = |key: &'static str, allow_internet: bool| {
            f.req(key, |n, p| {
                let s = cx.string(n, p)?;
                let known = tiers.contains(&s) || (allow_internet && s == INTERNET);
                if !known && tiers_valid {
                    let mut names: Vec<&str> = tiers.iter().map(String::as_str).collect();
                    if allow_internet {
                        names.push(INTERNET);
                    }
                    cx.report(
                        Code::BaselineUnknownReference,
                        n.pos,
                        format!("{p}: unknown tier `{s}` (known: {})", names.join(", ")),
                    );
                    return None;
                }
                Some(s)
            })
        };
        let from = endpoint("from", true);
        let to = endpoint("to", false);
        let ports = f.req("ports", |n, p| cx.ports(n, p));
        let environments = cx.env_list(&f);
        Some(FlowSpec { from: from?, to: to?, ports: ports?, environments: environments? })
    })?;
    let names: Vec<String> = flows.iter().map(|f| format!("{} -> {}", f.from, f.to)).collect();
    cx.unique(node, &names, path, "flow").then_some(flows)
}

/// `network:`; `tiers` are the architecture's tier names (a pattern for an unknown tier is a
/// problem, as is a glob that does not compile).
pub(super) fn network(cx: &Cx, node: &RawNode, tiers: &BTreeSet<String>) -> Option<NetworkSpec> {
    let t = cx.table(node, "network")?;
    let tier_name_patterns = t.or("tier_name_patterns", BTreeMap::new(), |n, p| {
        let entries = cx.entries(n, p)?;
        let mut patterns = BTreeMap::new();
        let mut ok = true;
        for e in entries {
            let tp = format!("{p}.{}", e.key);
            if !tiers.is_empty() && !tiers.contains(e.key) {
                let known: Vec<&str> = tiers.iter().map(String::as_str).collect();
                cx.report(
                    Code::BaselineUnknownReference,
                    e.key_pos,
                    format!("{tp}: unknown tier `{}` (known: {})", e.key, known.join(", ")),
                );
                ok = false;
                continue;
            }
            let globs = cx.list(e.value, &tp, true, |n, path| {
                let g = cx.pattern(n, path, false)?;
                if let Err(err) = globset::Glob::new(&g) {
                    cx.invalid(n, format!("{path}: not a glob: {err}"));
                    return None;
                }
                Some(g)
            });
            match globs {
                Some(g) => {
                    patterns.insert(e.key.to_owned(), g);
                }
                None => ok = false,
            }
        }
        ok.then_some(patterns)
    });
    let nacl_isolation = t.or("nacl_isolation", false, |n, p| cx.boolean(n, p));
    Some(NetworkSpec { tier_name_patterns: tier_name_patterns?, nacl_isolation: nacl_isolation? })
}

#[cfg(test)]
mod tests {
    use super::super::tests::problems;
    use crate::baseline::BUILTIN_BASELINE;

    /// A flow between tiers that do not exist can never be checked: it is a load error.
    #[test]
    fn flow_to_unknown_tier_is_reported() {
        let text = BUILTIN_BASELINE.replace("to: database, ports: [5432]", "to: databse, ports: [5432]");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("unknown tier `databse`"), "{p:?}");
    }

    /// A gateway endpoint with private DNS is refused, and its other fields are still checked.
    #[test]
    fn gateway_endpoint_with_private_dns_is_refused() {
        let text = BUILTIN_BASELINE.replace(
            "{ service: s3, type: Gateway }",
            "{ service: s3, type: Gateway, private_dns: true, environments: [stage] }",
        );
        let p = problems(&text).join("\n");
        assert!(
            p.contains("architecture.vpc.required_endpoints[0].private_dns: only Interface endpoints have private DNS"),
            "{p}"
        );
        assert!(p.contains("unknown environment `stage`"), "{p}");
    }
}
