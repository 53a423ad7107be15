//! Validation of the per-environment part ([`crate::baseline::environments`]): `environments`
//! with their overrides, `defaults` (every requirement and gate key set), and
//! `promotion_order`. Requirement keys come from the one table of `requirements!`; an unknown
//! one is reported with the closest known requirement.

use std::collections::{BTreeMap, BTreeSet};

use super::{item_positions, Cx};
use crate::baseline::*;
use crate::diag::fields::{suggest, Table};
use crate::diag::yaml::{RawNode, RawValue};
use crate::diag::Code;
use crate::model::Severity;

/// `environments`: the environments and their overrides, and the valid names in the order
/// they are declared (known even when a body is invalid, so references can be checked).
pub(super) fn environments(cx: &Cx, node: &RawNode) -> (Option<BTreeMap<String, Environment>>, Vec<String>) {
    let Some(entries) = cx.entries(node, "environments") else { return (None, Vec::new()) };
    if entries.is_empty() {
        cx.invalid(node, "environments: at least one environment is required");
        return (None, Vec::new());
    }
    // Names first, so that references inside the file can be checked whatever the order.
    let mut names = Vec::new();
    for e in &entries {
        let name = e.key;
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            names.push(name.to_owned());
        } else {
            cx.report(
                Code::BaselineInvalidValue,
                e.key_pos,
                format!("environments: invalid environment name `{name}` (lower-case letters, digits and `-`, starting with a letter)"),
            );
        }
    }
    let mut out = BTreeMap::new();
    let mut ok = true;
    for e in &entries {
        let path = format!("environments.{}", e.key);
        let env = match &e.value.value {
            RawValue::Null => Some(Environment::default()),
            _ => environment(cx, e.value, &path),
        };
        match env {
            Some(env) => {
                out.insert(e.key.to_owned(), env);
            }
            None => ok = false,
        }
    }
    (ok.then_some(out), names)
}

fn environment(cx: &Cx, node: &RawNode, path: &str) -> Option<Environment> {
    let t = cx.table(node, path)?;
    let description = t.opt("description", |n, p| cx.string(n, p));
    let requirements = t.or("requirements", RequirementsOverride::default(), |n, p| requirements(cx, n, p).0);
    let gate = t.or("gate", GateOverride::default(), |n, p| gate(cx, n, p, false));
    Some(Environment { description: description?, requirements: requirements?, gate: gate? })
}

/// `defaults`: every requirement and every gate key, set.
pub(super) fn defaults(cx: &Cx, node: &RawNode) -> Option<Defaults> {
    let t = cx.table(node, "defaults")?;
    let requirements = t.req("requirements", |n, p| {
        let (over, set) = requirements(cx, n, p);
        for k in RequirementsOverride::KEYS.iter().filter(|k| !set.contains(*k)) {
            cx.report(
                Code::BaselineMissingKey,
                n.pos,
                format!("{p}: missing key `{k}` (defaults must set every requirement)"),
            );
        }
        over?.complete().ok()
    });
    let gate = t.req("gate", |n, p| {
        let g = gate(cx, n, p, true)?;
        Some(Gate {
            fail_on: g.fail_on?,
            require_complete_audit: g.require_complete_audit?,
            fail_on_drift: g.fail_on_drift?,
            excluded_checks: g.excluded_checks.unwrap_or_default(),
        })
    });
    Some(Defaults { requirements: requirements?, gate: gate? })
}

/// A `requirements` mapping: the overrides it sets (`None` when one was rejected) and the
/// keys it names. Its keys are the `requirements!` table's.
fn requirements<'n>(cx: &Cx, node: &'n RawNode, path: &str) -> (Option<RequirementsOverride>, BTreeSet<&'n str>) {
    let Some(entries) = cx.entries(node, path) else { return (None, BTreeSet::new()) };
    let mut out = RequirementsOverride::default();
    let mut set = BTreeSet::new();
    let mut ok = true;
    for e in entries {
        let (key, v) = (e.key, e.value);
        let p = format!("{path}.{key}");
        let Some(kind) = RequirementsOverride::kind_of(key) else {
            let hint =
                suggest(key, RequirementsOverride::KEYS).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
            cx.report(
                Code::BaselineUnknownKey,
                e.key_pos,
                format!(
                    "unknown requirement `{key}` in {path}: {hint}known requirements are {}",
                    RequirementsOverride::KEYS.join(", ")
                ),
            );
            ok = false;
            continue;
        };
        set.insert(key);
        let value = match kind {
            RequirementKind::Bool => cx.boolean(v, &p).map(RequirementValue::Bool),
            RequirementKind::Count => cx.count(v, &p).map(RequirementValue::Count),
        };
        match value.map(|val| out.set(key, val)) {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                cx.invalid(v, format!("{p}: {e}"));
                ok = false;
            }
            None => ok = false,
        }
    }
    (ok.then_some(out), set)
}

/// A `gate` mapping; in `defaults` (`required`) every key must be set.
fn gate(cx: &Cx, node: &RawNode, path: &str, required: bool) -> Option<GateOverride> {
    let t = cx.table(node, path)?;
    /// `Some(None)` when absent (and allowed to be), `None` when rejected or missing.
    fn key<'n, T>(
        t: &Table<'_, '_, 'n>,
        required: bool,
        key: &'static str,
        f: impl FnOnce(&'n RawNode, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        if required {
            t.req(key, f).map(Some)
        } else {
            t.opt(key, f)
        }
    }
    let fail_on = key(&t, required, "fail_on", |n, p| severity(cx, n, p));
    let require_complete_audit = key(&t, required, "require_complete_audit", |n, p| cx.boolean(n, p));
    let fail_on_drift = key(&t, required, "fail_on_drift", |n, p| drift_kinds(cx, n, p));
    // Optional everywhere: no exclusion is the default.
    let excluded_checks = t.opt("excluded_checks", |n, p| check_ids(cx, n, p));
    Some(GateOverride {
        fail_on: fail_on?,
        require_complete_audit: require_complete_audit?,
        fail_on_drift: fail_on_drift?,
        excluded_checks: excluded_checks?,
    })
}

/// `gate.excluded_checks`: check ids as `policy list` shows them, each at most once.
fn check_ids(cx: &Cx, node: &RawNode, path: &str) -> Option<Vec<String>> {
    let ids = cx.list(node, path, false, |item, ip| {
        let id = cx.string(item, ip)?;
        if !crate::policy::is_valid_check_id(&id) {
            cx.invalid(
                item,
                format!("{ip}: {id:?} is not a check id (FF-<SERVICE>-<NNN>, as `policy list` shows them)"),
            );
            return None;
        }
        Some(id)
    })?;
    let names: Vec<&str> = ids.iter().map(String::as_str).collect();
    cx.unique(node, &names, path, "check id").then_some(ids)
}

fn severity(cx: &Cx, node: &RawNode, path: &str) -> Option<Severity> {
    let s = cx.string(node, path)?;
    s.parse::<Severity>().map_err(|e| cx.invalid(node, format!("{path}: {e}"))).ok()
}

fn drift_kinds(cx: &Cx, node: &RawNode, path: &str) -> Option<Vec<crate::model::DriftState>> {
    let kinds = cx.list(node, path, false, |item, ip| {
        let s = cx.string(item, ip)?;
        let kind = parse_drift_kind(&s);
        if kind.is_none() {
            cx.invalid(item, format!("{ip}: unknown drift kind {s:?} (expected missing, changed or unmanaged)"));
        }
        kind
    })?;
    let names: Vec<&str> = kinds.iter().map(|k| drift_kind_name(*k)).collect();
    cx.unique(node, &names, path, "drift kind").then_some(kinds)
}

/// `promotion_order`: environments of the file, each at most once, in the order a release
/// goes through them. An environment left out has no source to be promoted from.
pub(super) fn promotion_order(cx: &Cx, node: &RawNode) -> Option<Vec<String>> {
    let p = "promotion_order";
    let names = cx.list(node, p, false, |n, ip| cx.string(n, ip))?;
    let mut ok = true;
    let mut seen = BTreeSet::new();
    for (name, pos) in names.iter().zip(item_positions(node)) {
        if !cx.envs().contains(name) {
            let message = format!("{p}: unknown environment `{name}` (known: {})", cx.known_envs());
            cx.report(Code::BaselineUnknownReference, pos, message);
            ok = false;
        } else if !seen.insert(name.as_str()) {
            cx.report(Code::BaselineDuplicate, pos, format!("{p}: environment `{name}` is listed twice"));
            ok = false;
        }
    }
    ok.then_some(names)
}

#[cfg(test)]
mod tests {
    use super::super::tests::problems;
    use crate::baseline::BUILTIN_BASELINE;

    /// Defaults must define every requirement, or an environment's view would have holes.
    #[test]
    fn defaults_missing_requirement_is_reported() {
        let text = BUILTIN_BASELINE.replace("    imdsv2_required: true\n", "");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("missing key `imdsv2_required`"), "{p:?}");
    }

    /// A gate default left out is reported even when another gate value is wrong: every
    /// problem at once.
    #[test]
    fn defaults_gate_reports_missing_and_wrong_keys_together() {
        let text = BUILTIN_BASELINE.replace(
            "    require_complete_audit: false\n    fail_on_drift: [missing]\n",
            "    fail_on_drift: [missin]\n",
        );
        let p = problems(&text).join("\n");
        assert!(p.contains("defaults.gate: missing key `require_complete_audit`"), "{p}");
        assert!(p.contains("unknown drift kind \"missin\""), "{p}");
    }

    /// A misspelt requirement override names the requirement it probably meant.
    #[test]
    fn unknown_requirement_suggests_the_known_one() {
        let text = BUILTIN_BASELINE.replace("      rds_multi_az: true\n", "      rds_multi_azz: true\n");
        let p = problems(&text).join("\n");
        assert!(
            p.contains(
                "unknown requirement `rds_multi_azz` in environments.prod.requirements: did you mean `rds_multi_az`?"
            ),
            "{p}"
        );
    }
}
