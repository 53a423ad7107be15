//! Validation of the `network` section ([`NetworkSpec`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{boolean, list, map, pattern, Ctx};
use crate::baseline::network::NetworkSpec;
use crate::diag::yaml::RawNode;
use crate::diag::Code;

/// `network:`; `tiers` are the architecture's tier names (a pattern for an unknown tier is a
/// problem, as is a glob that does not compile).
pub(super) fn network(cx: &mut Ctx, node: &RawNode, tiers: &BTreeSet<String>) -> Option<NetworkSpec> {
    let m = map(cx, node, "network", Some(&["tier_name_patterns", "nacl_isolation"]), &[])?;
    let nacl_isolation = match m.get("nacl_isolation") {
        Some(n) => boolean(cx, n, "network.nacl_isolation"),
        None => Some(false),
    };
    let mut patterns = BTreeMap::new();
    let mut ok = true;
    if let Some(n) = m.get("tier_name_patterns") {
        match map(cx, n, "network.tier_name_patterns", None, &[]) {
            Some(t) => {
                for (tier, pos, body) in &t.entries {
                    let p = format!("network.tier_name_patterns.{tier}");
                    if !tiers.is_empty() && !tiers.contains(*tier) {
                        let known: Vec<&str> = tiers.iter().map(String::as_str).collect();
                        cx.err(
                            Code::BaselineUnknownReference,
                            *pos,
                            format!("{p}: unknown tier `{tier}` (known: {})", known.join(", ")),
                        );
                        ok = false;
                        continue;
                    }
                    let globs = list(cx, body, &p, true, |cx, n, path| {
                        let g = pattern(cx, n, path, false)?;
                        if let Err(e) = globset::Glob::new(&g) {
                            cx.err(Code::BaselineInvalidValue, n.pos, format!("{path}: not a glob: {e}"));
                            return None;
                        }
                        Some(g)
                    });
                    match globs {
                        Some(g) => {
                            patterns.insert((*tier).to_owned(), g);
                        }
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    let nacl_isolation = nacl_isolation?;
    ok.then_some(NetworkSpec { tier_name_patterns: patterns, nacl_isolation })
}
