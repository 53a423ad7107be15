//! Least privilege, once: a baseline role's effective permissions ([`super::effective`]:
//! Denies, the boundary and SCPs applied) compared with what its baseline `allow` entries
//! permit. FF-IAM-003 (through `input.derived.iam.least_privilege`) and the least-privilege
//! drift both read [`least_privilege`], so they cannot disagree.
//!
//! A permission is within the baseline when one `allow` entry contains its action pattern and
//! its resource pattern (wildcards compared as sets). `NotAction` grants everything but a few
//! actions: only a baseline `*` contains it; `NotResource` is read as `*`. A conditional
//! permission still counts (conditions narrow, they do not remove).

use std::collections::BTreeMap;

use serde::Serialize;

use super::glob::{action_covers, covers};
use super::{effective, Actions, Context, PrincipalPolicies};
use crate::baseline::RoleBaseline;
use crate::model::Snapshot;

/// One granted action (pattern) beyond the baseline, with the resource scopes beyond it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excess {
    pub action: String,
    /// Resource patterns (labels) granted beyond the baseline.
    pub resources: Vec<String>,
    /// The baseline's resources for the actions containing this one (empty: none).
    pub expected: Vec<String>,
    /// The granting statements (`policy#index` or `policy#sid`).
    pub granted_by: Vec<String>,
    pub conditional: bool,
    /// `critical` for `*`/NotAction, `high` for a service wildcard or an IAM action, else `medium`.
    pub severity: &'static str,
}

/// One baseline role's comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeastPrivilege {
    pub baseline_role: String,
    pub role_name: String,
    pub excess: Vec<Excess>,
    /// Policies the role uses whose documents are not in the snapshot.
    pub unknown: Vec<String>,
}

fn in_baseline(rb: &RoleBaseline, a: &Actions, resource: &str) -> bool {
    let pattern = match a {
        Actions::Pattern(p) => p.as_str(),
        Actions::AllExcept(_) => "*",
    };
    rb.allow.iter().any(|e| {
        e.actions.iter().any(|ba| action_covers(ba, pattern)) && e.resources.iter().any(|br| covers(br, resource))
    })
}

fn baseline_scope(rb: &RoleBaseline, pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = rb
        .allow
        .iter()
        .filter(|e| e.actions.iter().any(|ba| action_covers(ba, pattern)))
        .flat_map(|e| e.resources.iter().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The least-privilege comparison of every baseline role found in the snapshot, by role ARN.
pub fn least_privilege(
    _s: &Snapshot,
    principals: &[PrincipalPolicies],
    roles: &BTreeMap<String, RoleBaseline>,
    cx: &Context,
) -> BTreeMap<String, LeastPrivilege> {
    let mut out = BTreeMap::new();
    for (key, rb) in roles {
        let Some(p) = principals.iter().find(|p| p.kind == "role" && p.name == rb.name) else { continue };
        let mut by_action: BTreeMap<String, Excess> = BTreeMap::new();
        for perm in effective(p, cx) {
            let Some(a) = &perm.actions else { continue };
            if in_baseline(rb, a, &perm.resource_pattern) {
                continue;
            }
            let pattern = match a {
                Actions::Pattern(x) => x.as_str(),
                Actions::AllExcept(_) => "*",
            };
            let severity = match pattern {
                "*" => "critical",
                x if x.ends_with(":*") || x.to_ascii_lowercase().starts_with("iam:") => "high",
                _ => "medium",
            };
            let e = by_action.entry(perm.action.clone()).or_insert_with(|| Excess {
                action: perm.action.clone(),
                resources: Vec::new(),
                expected: baseline_scope(rb, pattern),
                granted_by: Vec::new(),
                conditional: true,
                severity,
            });
            e.resources.push(perm.resource.clone());
            e.granted_by.push(perm.source.label());
            e.conditional &= perm.conditional;
        }
        let excess = by_action
            .into_values()
            .map(|mut e| {
                e.resources.sort();
                e.resources.dedup();
                e.granted_by.sort();
                e.granted_by.dedup();
                e
            })
            .collect();
        out.insert(
            p.arn.clone(),
            LeastPrivilege {
                baseline_role: key.clone(),
                role_name: rb.name.clone(),
                excess,
                unknown: p.unknown.clone(),
            },
        );
    }
    out
}
