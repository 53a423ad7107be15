//! Validation of `architecture.parameter_store` and `architecture.audit_trail`
//! ([`crate::baseline::BackupsArchitecture`]).

use super::{list, map, opt, pattern, string, Ctx, Map};
use crate::baseline::{AuditTrailSpec, BackupsArchitecture, ParameterStoreSpec};
use crate::diag::yaml::RawNode;

pub(super) fn backups(cx: &mut Ctx, m: &Map) -> Option<BackupsArchitecture> {
    let parameter_store = opt(m.get("parameter_store"), |n| parameter_store(cx, n));
    let audit_trail = opt(m.get("audit_trail"), |n| {
        let p = "architecture.audit_trail";
        let t = map(cx, n, p, Some(&["name"]), &["name"])?;
        let name = t.get("name").and_then(|n| pattern(cx, n, &format!("{p}.name"), false));
        Some(AuditTrailSpec { name: name? })
    });
    Some(BackupsArchitecture { parameter_store: parameter_store?, audit_trail: audit_trail? })
}

fn parameter_store(cx: &mut Ctx, node: &RawNode) -> Option<ParameterStoreSpec> {
    const KEYS: &[&str] = &["prefixes", "secret_name_patterns"];
    let p = "architecture.parameter_store";
    let m = map(cx, node, p, Some(KEYS), KEYS)?;
    let prefixes = m
        .get("prefixes")
        .and_then(|n| list(cx, n, &format!("{p}.prefixes"), true, |cx, i, ip| pattern(cx, i, ip, false)));
    let patterns =
        m.get("secret_name_patterns").and_then(|n| list(cx, n, &format!("{p}.secret_name_patterns"), true, string));
    Some(ParameterStoreSpec { prefixes: prefixes?, secret_name_patterns: patterns? })
}
