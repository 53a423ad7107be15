//! Least privilege, once: a baseline role's effective permissions ([`super::effective`]:
//! Denies, the boundary and SCPs applied) compared with what its baseline `allow` entries
//! permit. FF-IAM-003 (through `input.derived.iam.least_privilege`) and the least-privilege
//! drift both read [`least_privilege`], so they cannot disagree.
//!
//! A permission is within the baseline when one `allow` entry contains its action pattern and
//! its resource pattern (wildcards compared as sets). `NotAction` grants everything but a few
//! actions: only a baseline `*` contains it; `NotResource` is read as `*`. A conditional
//! permission still counts (conditions narrow, they do not remove).
//!
//! What the role can reach counts too (issue 23): every principal the privilege-escalation
//! graph lets it act as (assume, pass to compute, run code on, ...) lends it its permissions,
//! so "may reach data-lake write through role X" is an excess with its chain (`via`), and a
//! role that can become administrator holds `*` through its chain. Compute the snapshot cannot
//! show (a Lambda function, a stack, ...) that the role can run code on makes the comparison
//! UNKNOWN (`unknown`): it may run as any role its service may assume.

use std::collections::BTreeMap;

use serde::Serialize;

use super::glob::{action_covers, covers};
use super::graph::{Tier, Verdict};
use super::{Actions, Context, PrincipalFacts, PrincipalPolicies};
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
    /// Held through another principal the role can act as: that principal's ARN and the chain
    /// (`None`: the role's own policies grant it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
}

/// The principal an excess is held through, and how the role reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Via {
    pub principal: String,
    pub chain: String,
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

fn severity_of(pattern: &str) -> &'static str {
    match pattern {
        "*" => "critical",
        x if x.ends_with(":*") || x.to_ascii_lowercase().starts_with("iam:") => "high",
        _ => "medium",
    }
}

/// The least-privilege comparison of every baseline role found in the snapshot, by role ARN
/// (the privilege-escalation graph and every principal's facts computed here: what
/// [`super::derive`] gives FF-IAM-003, for the drift).
pub fn least_privilege(
    s: &Snapshot,
    principals: &[PrincipalPolicies],
    roles: &BTreeMap<String, RoleBaseline>,
    cx: &Context,
) -> BTreeMap<String, LeastPrivilege> {
    if roles.is_empty() || !principals.iter().any(|p| p.kind == "role" && roles.values().any(|r| r.name == p.name)) {
        return BTreeMap::new();
    }
    // Only the baseline roles and what they reach need their facts (the graph needs everyone).
    let scps = cx.scp_stmts();
    let graph = super::build_graph(s, principals, scps.as_deref());
    let baseline: Vec<usize> = principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == "role" && roles.values().any(|r| r.name == p.name))
        .map(|(i, _)| i)
        .collect();
    let mut needed: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for &i in &baseline {
        needed.insert(principals[i].arn.as_str());
        if let Some(e) = graph.escalation.get(i) {
            needed.extend(e.reach.iter().map(|r| r.arn.as_str()));
        }
    }
    let no_resource_policies = BTreeMap::new();
    let facts: BTreeMap<String, PrincipalFacts> = principals
        .iter()
        .enumerate()
        .filter(|(_, p)| needed.contains(p.arn.as_str()))
        .map(|(i, p)| {
            let esc = graph.escalation.get(i).cloned().unwrap_or_else(super::Escalation::none);
            (p.arn.clone(), super::principal_facts_with(p, cx, scps.as_deref(), &no_resource_policies, esc))
        })
        .collect();
    least_privilege_in(principals, roles, &facts)
}

/// [`least_privilege`] on principal facts already derived.
pub(crate) fn least_privilege_in(
    principals: &[PrincipalPolicies],
    roles: &BTreeMap<String, RoleBaseline>,
    facts: &BTreeMap<String, PrincipalFacts>,
) -> BTreeMap<String, LeastPrivilege> {
    let mut out = BTreeMap::new();
    for (key, rb) in roles {
        let Some(p) = principals.iter().find(|p| p.kind == "role" && p.name == rb.name) else { continue };
        let Some(own) = facts.get(&p.arn) else { continue };
        let mut by_action: BTreeMap<(String, String), Excess> = BTreeMap::new();
        let mut unknown = p.unknown.clone();
        let mut add = |perm: &super::Permission, via: Option<Via>, conditional: bool, label: String| {
            let Some(a) = &perm.actions else { return };
            if in_baseline(rb, a, &perm.resource_pattern) {
                return;
            }
            let pattern = match a {
                Actions::Pattern(x) => x.as_str(),
                Actions::AllExcept(_) => "*",
            };
            let key = (perm.action.clone(), via.as_ref().map(|v| v.principal.clone()).unwrap_or_default());
            let e = by_action.entry(key).or_insert_with(|| Excess {
                action: perm.action.clone(),
                resources: Vec::new(),
                expected: baseline_scope(rb, pattern),
                granted_by: Vec::new(),
                conditional: true,
                severity: severity_of(pattern),
                via,
            });
            e.resources.push(perm.resource.clone());
            e.granted_by.push(label);
            e.conditional &= conditional;
        };
        for perm in &own.permissions {
            add(perm, None, perm.conditional, perm.source.label());
        }
        for r in &own.escalation.reach {
            if r.tier == Tier::Unknown {
                // Compute the snapshot cannot show may run as any role its service may assume:
                // what the role would hold through it cannot be compared.
                unknown.push(format!(
                    "may act, through compute the snapshot cannot show, as a role trusting {}: {}",
                    r.arn, r.via
                ));
                continue;
            }
            let Some(q) = facts.get(&r.arn) else { continue };
            let short = super::witness::short(&r.arn);
            for perm in &q.permissions {
                let via = Via { principal: r.arn.clone(), chain: r.via.clone() };
                add(
                    perm,
                    Some(via),
                    perm.conditional || r.tier != Tier::Sure,
                    format!("{short}:{}", perm.source.label()),
                );
            }
        }
        // Able to become administrator: `*` through its chain.
        if matches!(own.escalation.verdict, Verdict::Admin | Verdict::Conditional)
            && !own.escalation.chain.is_empty()
            && !(own.escalation.chain.len() == 1 && own.escalation.chain[0].edge == "administrator")
        {
            let admin = super::Permission {
                action: "*".into(),
                resource: "*".into(),
                conditional: own.escalation.verdict == Verdict::Conditional,
                source: super::Source { policy: "escalation".into(), statement: 0, sid: None },
                notes: Vec::new(),
                actions: Some(Actions::Pattern("*".into())),
                resource_pattern: "*".into(),
            };
            let via = Via { principal: super::witness::ADMINISTRATOR_NODE.into(), chain: own.escalation.text.clone() };
            let labels: Vec<String> = own.escalation.chain.iter().flat_map(|s| s.granted_by.iter().cloned()).collect();
            add(&admin, Some(via), admin.conditional, labels.join(", "));
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
        unknown.sort();
        unknown.dedup();
        out.insert(
            p.arn.clone(),
            LeastPrivilege { baseline_role: key.clone(), role_name: rb.name.clone(), excess, unknown },
        );
    }
    out
}
