//! Validation of the identity sections ([`crate::baseline::identity`]): `architecture.secrets`,
//! `architecture.parameter_store` and the top-level `roles` (role names unique, principal
//! types IAM knows, actions of the form `service:Action`).

use std::collections::BTreeMap;

use super::Cx;
use crate::baseline::*;
use crate::diag::yaml::{Pos, RawNode};
use crate::diag::Code;

/// `architecture.secrets`: secret name patterns, no repeats.
pub(super) fn secrets(cx: &Cx, node: &RawNode, path: &str) -> Option<Vec<String>> {
    let s = cx.patterns(node, path, false)?;
    cx.unique(node, &s, path, "secret").then_some(s)
}

/// `architecture.parameter_store`.
pub(super) fn parameter_store(cx: &Cx, node: &RawNode, path: &str) -> Option<ParameterStoreSpec> {
    let t = cx.table(node, path)?;
    let prefixes = t.req("prefixes", |n, p| cx.patterns(n, p, true));
    let patterns = t.req("secret_name_patterns", |n, p| cx.list(n, p, true, |i, ip| cx.string(i, ip)));
    Some(ParameterStoreSpec { prefixes: prefixes?, secret_name_patterns: patterns? })
}

/// `roles`: role key → its baseline; no two roles of one name.
pub(super) fn roles(cx: &Cx, node: &RawNode) -> Option<BTreeMap<String, RoleBaseline>> {
    let entries = cx.entries(node, "roles")?;
    let mut out = BTreeMap::new();
    let mut names: Vec<(String, Pos)> = Vec::new();
    let mut ok = true;
    for e in entries {
        match role(cx, e.value, &format!("roles.{}", e.key), &mut names) {
            Some(r) => {
                out.insert(e.key.to_owned(), r);
            }
            None => ok = false,
        }
    }
    names.sort_by_key(|n| n.1);
    ok &= cx.no_duplicates(Code::BaselineDuplicate, &names, "roles", "role name");
    ok.then_some(out)
}

fn role(cx: &Cx, node: &RawNode, path: &str, names: &mut Vec<(String, Pos)>) -> Option<RoleBaseline> {
    let t = cx.table(node, path)?;
    let name = t.req("name", |n, p| {
        let s = cx.pattern(n, p, false)?;
        names.push((s.clone(), n.pos));
        Some(s)
    });
    let trusted_principals = t.req("trusted_principals", |n, p| trusted_principals(cx, n, p));
    let allow = t.req("allow", |n, p| cx.list(n, p, true, |item, ip| allow(cx, item, ip)));
    let environments = cx.env_list(&t);
    Some(RoleBaseline {
        name: name?,
        trusted_principals: trusted_principals?,
        allow: allow?,
        environments: environments?,
    })
}

/// Principal type → patterns; at least one type.
fn trusted_principals(cx: &Cx, node: &RawNode, path: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let t = cx.table(node, path)?;
    let mut out = BTreeMap::new();
    let mut ok = true;
    for ty in PRINCIPAL_TYPES {
        match t.opt(ty, |n, p| cx.patterns(n, p, true)) {
            Some(Some(list)) => {
                out.insert((*ty).to_owned(), list);
            }
            Some(None) => {}
            None => ok = false,
        }
    }
    if out.is_empty() && ok {
        cx.report(Code::BaselineMissingKey, node.pos, format!("{path}: at least one principal type is required"));
        return None;
    }
    ok.then_some(out)
}

fn allow(cx: &Cx, node: &RawNode, path: &str) -> Option<AllowSpec> {
    let t = cx.table(node, path)?;
    let actions = t.req("actions", |n, p| {
        cx.list(n, p, true, |i, ap| {
            let s = cx.string(i, ap)?;
            let well_formed = s == "*"
                || s.split_once(':').is_some_and(|(svc, act)| {
                    !svc.is_empty() && !act.is_empty() && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !well_formed {
                cx.invalid(
                    i,
                    format!("{ap}: {s:?} is not an IAM action (expected `service:Action`, wildcards allowed, or `*`)"),
                );
                return None;
            }
            Some(s)
        })
    });
    let resources = t.req("resources", |n, p| cx.patterns(n, p, true));
    Some(AllowSpec { actions: actions?, resources: resources? })
}

#[cfg(test)]
mod tests {
    use super::super::tests::problems;
    use crate::baseline::BUILTIN_BASELINE;

    /// Two roles of one name would each claim the other's role; a malformed action and an
    /// unknown principal type are reported with them.
    #[test]
    fn role_problems_are_reported_together() {
        let text = BUILTIN_BASELINE
            .replace("name: \"flowforge-{env}-auditor\"", "name: \"flowforge-{env}-devops\"")
            .replace("actions: [\"s3:ListBucket\", \"s3:GetBucketLocation\"]", "actions: [\"s3 ListBucket\"]")
            .replace("      Service: [\"ec2.amazonaws.com\"]\n", "      Servce: [\"ec2.amazonaws.com\"]\n");
        let p = problems(&text).join("\n");
        assert!(p.contains("roles: duplicate role name `flowforge-{env}-devops`"), "{p}");
        assert!(p.contains("\"s3 ListBucket\" is not an IAM action"), "{p}");
        assert!(
            p.contains("unknown key `Servce` in roles.prefect-worker.trusted_principals: did you mean `Service`?"),
            "{p}"
        );
    }
}
