//! Modifying a principal's permissions: writing or attaching a policy on a user, role or group
//! (`put-policy`, `attach-policy`), rewriting a managed policy attached to it
//! (`create-policy-version`, `set-default-policy-version`), joining a group
//! (`add-user-to-group`), lifting the Deny or the boundary that keeps it from administrator
//! (`remove-deny`, `remove-boundary`), and rewriting a role's trust (`update-assume-role-policy`).
//!
//! A modification makes its *target* administrator; whoever can then act as the target gains
//! it (the graph's reachability decides who: the actor itself for a self-escalation, or a
//! principal that reaches both the actor and the target, as in pathfinding.cloud iam-014
//! "AttachRolePolicy + sts:AssumeRole"). A target gains administrator only within its own
//! Denies, its permissions boundary and the SCPs ([`super::admin::upgradable`]), unless the
//! actor can also remove that boundary.

use std::collections::BTreeMap;

use super::super::condition::Domain;
use super::super::graph::{Targets, Tier};
use super::super::witness::{
    EdgeKind, ADD_USER_TO_GROUP, ATTACH_POLICY, CREATE_POLICY_VERSION, PUT_POLICY, REMOVE_BOUNDARY, REMOVE_DENY,
    SET_DEFAULT_POLICY_VERSION, UPDATE_ASSUME_ROLE_POLICY,
};
use super::super::{decide_with, Actions, PrincipalPolicies};
use super::assume::summarize;
use super::{labels, patterns, tier_of, why_not, Asker, Builder, TargetIndex};
use crate::iam_eval::graph::NodeId;

/// (edge kind, action, kind of target).
const WRITES: &[(&EdgeKind, &str, &str)] = &[
    (PUT_POLICY, "iam:PutUserPolicy", "user"),
    (PUT_POLICY, "iam:PutRolePolicy", "role"),
    (PUT_POLICY, "iam:PutGroupPolicy", "group"),
    (ATTACH_POLICY, "iam:AttachUserPolicy", "user"),
    (ATTACH_POLICY, "iam:AttachRolePolicy", "role"),
    (ATTACH_POLICY, "iam:AttachGroupPolicy", "group"),
];

fn index<'b>(b: &'b Builder<'_>, kind: &str) -> &'b TargetIndex {
    match kind {
        "user" => &b.users,
        "role" => &b.roles,
        _ => &b.groups,
    }
}

/// The boundary-removing action for a target kind.
fn boundary_actions(kind: &str) -> &'static [&'static str] {
    match kind {
        "user" => &["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"],
        "role" => &["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"],
        _ => &[],
    }
}

/// Whether `p` without its permissions boundary would be administrator (its own policies
/// plus an administrator policy when `with_admin`).
fn unbounded_admin(p: &PrincipalPolicies, b: &Builder<'_>, with_admin: bool) -> Option<Tier> {
    p.boundary.as_ref()?;
    let q = PrincipalPolicies { boundary: None, ..p.clone() };
    if with_admin {
        return super::admin::upgradable(&q, b.scps);
    }
    let d = decide_with(&q, b.scps, &Actions::Pattern("*".into()), "*", &q.facts);
    (d.allowed && !d.partial).then(|| tier_of(&d))
}

/// Can the actor remove the boundary of `t` (delete it, or replace it with an administrator
/// policy)? The tier and the statements.
fn can_lift_boundary(b: &Builder<'_>, a: &Asker<'_>, t: NodeId) -> Option<(Tier, Vec<String>, &'static str)> {
    let p = b.principal(t)?;
    for action in boundary_actions(p.kind) {
        if !a.has(action) {
            continue;
        }
        let target = b.target(t);
        let mut facts = a.facts_on(Some(&target)).into_owned();
        if action.contains("Put") {
            facts = facts.with("iam:permissionsboundary", Domain::Values(vec![b.admin_policies[0].clone()]));
        }
        let d = a.ask(action, target.arn, &facts);
        if d.allowed {
            return Some((tier_of(&d), labels(&d), action));
        }
    }
    None
}

/// Who becomes administrator when `t` is given an administrator policy: `t` (a user or role),
/// or a group's own node and its members; each within its Denies, boundary and the SCPs.
fn beneficiaries(b: &Builder<'_>, a: &Asker<'_>, t: NodeId, notes: &mut Vec<String>) -> Vec<(NodeId, Tier)> {
    let mut list = vec![t];
    if let Some(m) = b.members.get(&t) {
        list.extend(m.iter().copied());
    }
    let mut out = Vec::new();
    for n in list {
        match b.upgradable.get(n as usize).copied().flatten() {
            Some(tier) => out.push((n, tier)),
            None => {
                let Some(p) = b.principal(n) else { continue };
                match (can_lift_boundary(b, a, n), unbounded_admin(p, b, true)) {
                    (Some((t1, _, action)), Some(t2)) => {
                        notes.push(format!("{} also lifts the boundary of {} ({action})", b.arn(a.node), p.arn));
                        out.push((n, t1.max(t2)));
                    }
                    _ => notes
                        .push(format!("{} would stay within its own Denies, permissions boundary or the SCPs", p.arn)),
                }
            }
        }
    }
    out
}

/// Records the enables of one action on one target, one per tier of its beneficiaries.
#[allow(clippy::too_many_arguments)]
fn enable_all(
    b: &mut Builder<'_>,
    a: &Asker<'_>,
    kind: &EdgeKind,
    action: &str,
    resource: &str,
    bens: Vec<(NodeId, Tier)>,
    tier: Tier,
    granted: Vec<String>,
    notes: Vec<String>,
    unknown: Option<String>,
) {
    let mut by_tier: BTreeMap<Tier, Vec<NodeId>> = BTreeMap::new();
    for (n, t) in bens {
        let t = if unknown.is_some() { Tier::Unknown } else { t.max(tier) };
        by_tier.entry(t).or_default().push(n);
    }
    for (t, nodes) in by_tier {
        let mut step = b.step(kind, a.node, action, resource, super::ADMIN, granted.clone(), t);
        step.notes = notes.clone();
        step.unknown = unknown.clone();
        b.enable(a.node, Targets::Nodes(nodes), None, t, step);
    }
}

pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    writes(b, a);
    versions(b, a);
    groups(b, a);
    lifts(b, a);
    trust(b, a);
}

/// put-policy and attach-policy.
fn writes(b: &mut Builder<'_>, a: &Asker<'_>) {
    for &(kind, action, target_kind) in WRITES {
        if !a.has(action) {
            continue;
        }
        let grants = a.grants(action);
        let mut cands = b.candidates(index(b, target_kind), &grants);
        // A group judged on its own acts as a member: its user-targeted grants may cover the
        // member itself (`user/${aws:username}` is `user/*` for an unknown member).
        if a.p.kind == "group" && target_kind == "user" {
            let member = super::super::member_user(&b.partition, &b.account);
            if grants.iter().any(|g| g.resources.iter().any(|r| super::super::glob::covers(r, &member))) {
                cands.push(a.node);
            }
        }
        let (mut ok, mut refused) = (0usize, Vec::new());
        for t in cands {
            let mut target = b.target(t);
            // The group's member stands for itself: a user whose name the group does not fix.
            let member = super::super::member_user(&b.partition, &b.account);
            if t == a.node && a.p.kind == "group" {
                target.arn = &member;
            }
            let d = if kind.id == ATTACH_POLICY.id {
                // Attaching only helps with an administrator policy: iam:PolicyARN is one of them.
                let base = a.facts_on(Some(&target)).into_owned();
                let mut found = None;
                for pol in &b.admin_policies {
                    let d = a.ask(action, target.arn, &base.with("iam:policyarn", Domain::Values(vec![pol.clone()])));
                    if d.allowed {
                        found = Some((d, pol.clone()));
                        break;
                    }
                }
                match found {
                    Some((d, pol)) => {
                        let mut d = d;
                        d.notes.push(format!("attaching {pol}"));
                        d
                    }
                    None => {
                        refused.push(format!("{} (no administrator policy may be attached)", target.arn));
                        continue;
                    }
                }
            } else {
                a.ask_on(action, &target)
            };
            if !d.allowed {
                refused.push(format!("{} ({})", target.arn, why_not(&d)));
                continue;
            }
            let mut notes = d.notes.clone();
            let bens = if t == a.node && a.p.kind == "group" {
                notes.push("any member of the group acts on its own user".into());
                vec![(t, Tier::Sure)]
            } else {
                beneficiaries(b, a, t, &mut notes)
            };
            if bens.is_empty() {
                refused.push(format!("{} ({})", target.arn, notes.join("; ")));
                continue;
            }
            ok += 1;
            let resource = target.arn.to_owned();
            enable_all(b, a, kind, action, &resource, bens, tier_of(&d), labels(&d), notes, None);
        }
        if ok == 0 {
            let why = if refused.is_empty() { "no target matches".to_owned() } else { summarize(&refused) };
            b.broken(a.node, format!("{action} granted on {}: {why}", patterns(&grants)));
        }
    }
}

/// create-policy-version and set-default-policy-version on the customer managed policies
/// attached to principals.
fn versions(b: &mut Builder<'_>, a: &Asker<'_>) {
    for (kind, action) in [
        (CREATE_POLICY_VERSION, "iam:CreatePolicyVersion"),
        (SET_DEFAULT_POLICY_VERSION, "iam:SetDefaultPolicyVersion"),
    ] {
        if !a.has(action) {
            continue;
        }
        let grants = a.grants(action);
        let mut matched: Vec<String> = Vec::new();
        for g in &grants {
            for r in &g.resources {
                matched.extend(b.policies.matching(r).map(|(arn, _)| arn.to_owned()));
            }
        }
        matched.sort();
        matched.dedup();
        let (mut ok, mut refused) = (0usize, Vec::new());
        for pol in matched {
            let Some(attached) = b.attached.get(pol.as_str()).cloned() else {
                refused.push(format!("{pol} (attached to no principal)"));
                continue;
            };
            let d = a.ask(action, &pol, &a.p.facts);
            if !d.allowed {
                refused.push(format!("{pol} ({})", why_not(&d)));
                continue;
            }
            let mut notes = d.notes.clone();
            let mut bens = Vec::new();
            for t in attached {
                bens.extend(beneficiaries(b, a, t, &mut notes).into_iter().filter(|(n, _)| *n == t));
            }
            if bens.is_empty() {
                refused.push(format!("{pol} ({})", notes.join("; ")));
                continue;
            }
            let mut unknown = None;
            if kind.id == SET_DEFAULT_POLICY_VERSION.id {
                let gain = match b.version_gains.get(&pol) {
                    Some(g) => g.clone(),
                    None => {
                        let g = version_gain(b, &pol);
                        b.version_gains.insert(pol.clone(), g.clone());
                        g
                    }
                };
                match gain {
                    VersionGain::Administrator(what) => notes.push(what),
                    VersionGain::Unknown(why) => unknown = Some(why),
                    VersionGain::Nothing(why) => {
                        refused.push(format!("{pol} ({why})"));
                        continue;
                    }
                }
            }
            ok += 1;
            notes.push(format!(
                "{pol} is attached to {}",
                bens.iter().map(|(n, _)| b.arn(*n)).collect::<Vec<_>>().join(", ")
            ));
            enable_all(b, a, kind, action, &pol, bens, tier_of(&d), labels(&d), notes, unknown);
        }
        if ok == 0 {
            let why =
                if refused.is_empty() { "no customer managed policy matches".to_owned() } else { summarize(&refused) };
            b.broken(a.node, format!("{action} granted on {}: {why}", patterns(&grants)));
        }
    }
}

/// What making another version of a managed policy its default gives the principals it is
/// attached to.
#[derive(Clone)]
pub(crate) enum VersionGain {
    /// A version is administrator by itself (`*` on `*`, or `iam:*` on `*`): which.
    Administrator(String),
    /// The snapshot cannot tell (versions not collected or unreadable), or a version grants
    /// escalation actions whose chains are not followed from a hypothetical policy: why.
    Unknown(String),
    /// No other version, or none grants administrator or an escalation action: why.
    Nothing(String),
}

/// Judges the non-default versions of `pol` (GetAccountAuthorizationDetails keeps up to five).
fn version_gain(b: &mut Builder<'_>, pol: &str) -> VersionGain {
    let Some(&policy) = b.policy_of.get(pol) else {
        return VersionGain::Unknown(format!("{pol} is not in the snapshot"));
    };
    let Some(versions) = &policy.other_versions else {
        return VersionGain::Unknown(format!(
            "whether {pol} has another version broader than its default is not in the snapshot (its other versions were not collected)"
        ));
    };
    if versions.is_empty() {
        return VersionGain::Nothing("it has no other version".into());
    }
    let mut unknown = Vec::new();
    for v in versions {
        let Some(doc) = &v.document else {
            unknown.push(format!("version {} of {pol} could not be read", v.version_id));
            continue;
        };
        if let Some(what) = super::admin::document_admin_kind(doc) {
            return VersionGain::Administrator(format!(
                "version {} of {pol} allows {what} on * (made the default, it applies to every principal it is attached to)",
                v.version_id
            ));
        }
        let mask = doc.statement.iter().filter(|st| st.effect == "Allow").fold(0u128, |m, st| m | b.statement_mask(st));
        if mask != 0 {
            unknown.push(format!(
                "version {} of {pol} grants {} (a chain through a version not in force is not followed)",
                v.version_id,
                super::held(mask).join(", ")
            ));
        }
    }
    if unknown.is_empty() {
        let ids: Vec<&str> = versions.iter().map(|v| v.version_id.as_str()).collect();
        VersionGain::Nothing(format!(
            "its other versions ({}) grant neither administrator nor an escalation action",
            ids.join(", ")
        ))
    } else {
        VersionGain::Unknown(unknown.join("; "))
    }
}

/// add-user-to-group: the actor can put any user (itself included) into a group that reaches
/// administrator.
fn groups(b: &mut Builder<'_>, a: &Asker<'_>) {
    let action = "iam:AddUserToGroup";
    if !a.has(action) {
        return;
    }
    let grants = a.grants(action);
    let cands = b.candidates(&b.groups, &grants);
    let mut ok = 0usize;
    for g in cands {
        if g == a.node {
            continue;
        }
        let target = b.target(g);
        let d = a.ask_on(action, &target);
        if !d.allowed {
            continue;
        }
        ok += 1;
        let tier = tier_of(&d);
        let mut step = b.step(ADD_USER_TO_GROUP, a.node, action, target.arn, g, labels(&d), tier);
        step.notes = d.notes.clone();
        step.notes.push(format!("any user the actor adds gains {}'s policies", target.arn));
        let extra = (a.p.kind == "group").then_some(a.node);
        b.enable(a.node, Targets::Users { also: extra }, Some(g), tier, step);
    }
    if ok == 0 {
        b.broken(a.node, format!("{action} granted on {}: no group of the account may be joined", patterns(&grants)));
    }
}

/// remove-deny and remove-boundary: targets kept from administrator only by a Deny in one of
/// their policies, or by their permissions boundary.
fn lifts(b: &mut Builder<'_>, a: &Asker<'_>) {
    let lifts = b.lifts.clone();
    for (t, lift) in lifts {
        let Some(p) = b.principal(t) else { continue };
        let target = b.target(t);
        let (kind, actions, what): (&EdgeKind, Vec<String>, String) = match &lift.policy {
            Some((policy, managed)) => {
                let cap = match p.kind {
                    "user" => "User",
                    "role" => "Role",
                    _ => "Group",
                };
                let verb = if *managed { "Detach" } else { "Delete" };
                (REMOVE_DENY, vec![format!("iam:{verb}{cap}Policy")], format!("the Deny of {policy}"))
            }
            None => (
                REMOVE_BOUNDARY,
                boundary_actions(p.kind).iter().map(|s| (*s).to_owned()).collect(),
                format!("the permissions boundary {}", p.boundary_arn.clone().unwrap_or_default()),
            ),
        };
        for action in actions {
            if !a.has(&action) {
                continue;
            }
            let mut facts = a.facts_on(Some(&target)).into_owned();
            if let Some((policy, true)) = &lift.policy {
                facts = facts.with("iam:policyarn", Domain::Values(vec![policy.clone()]));
            }
            if action.contains("PutRolePermissions") || action.contains("PutUserPermissions") {
                facts = facts.with("iam:permissionsboundary", Domain::Values(vec![b.admin_policies[0].clone()]));
            }
            let d = a.ask(&action, target.arn, &facts);
            if !d.allowed {
                continue;
            }
            let notes = vec![format!("removes {what}, which alone keeps {} from administrator", target.arn)];
            enable_all(b, a, kind, &action, target.arn, vec![(t, lift.tier)], tier_of(&d), labels(&d), notes, None);
            break;
        }
    }
}

/// update-assume-role-policy: the actor rewrites the role's trust to name itself, then assumes
/// it (no identity permission needed in the same account, but its Denies, boundary and the
/// SCPs still apply).
fn trust(b: &mut Builder<'_>, a: &Asker<'_>) {
    let action = "iam:UpdateAssumeRolePolicy";
    if !a.has(action) {
        return;
    }
    let grants = a.grants(action);
    let cands = b.candidates(&b.roles, &grants);
    let (mut ok, mut refused) = (0usize, Vec::new());
    for r in cands {
        if r == a.node {
            continue;
        }
        let target = b.target(r);
        let d = a.ask_on(action, &target);
        if !d.allowed {
            refused.push(format!("{} ({})", target.arn, why_not(&d)));
            continue;
        }
        let Some(t2) = super::resource_based(a, "sts:AssumeRole", target.arn) else {
            refused.push(format!("{} (sts:AssumeRole is denied to the caller)", target.arn));
            continue;
        };
        ok += 1;
        let tier = tier_of(&d).max(t2);
        let mut step = b.step(
            UPDATE_ASSUME_ROLE_POLICY,
            a.node,
            "iam:UpdateAssumeRolePolicy + sts:AssumeRole",
            target.arn,
            r,
            labels(&d),
            tier,
        );
        step.notes = d.notes.clone();
        b.edge(a.node, r, tier, step);
    }
    if ok == 0 {
        let why = if refused.is_empty() { "no role matches".to_owned() } else { summarize(&refused) };
        b.broken(a.node, format!("{action} granted on {}: {why}", patterns(&grants)));
    }
}

/// A target that one removal makes administrator: removing `policy` (its ARN for a managed
/// policy, `true`; an inline policy's name, `false`), or its boundary (`None`).
#[derive(Debug, Clone)]
pub(crate) struct Lift {
    pub policy: Option<(String, bool)>,
    pub tier: Tier,
}

/// The targets one removal makes administrator (computed once: only principals with a Deny or
/// a boundary are looked at, and only those whose remaining policies allow `*` on `*`).
pub(crate) fn lifts_of(b: &Builder<'_>) -> Vec<(NodeId, Lift)> {
    let mut out = Vec::new();
    for (i, p) in b.ps.iter().enumerate() {
        let n = i as NodeId + 1;
        if b.upgradable.get(n as usize).copied().flatten().is_none() && p.boundary.is_some() {
            if let Some(tier) = unbounded_admin(p, b, false) {
                out.push((n, Lift { policy: None, tier }));
            }
        }
        let mut deny_policies: Vec<&str> =
            p.identity.iter().filter(|s| s.st.effect == "Deny").map(|s| s.source.policy.as_str()).collect();
        deny_policies.sort_unstable();
        deny_policies.dedup();
        for policy in deny_policies {
            // A group's policy seen through a user is removed from the group, not the user.
            if policy.starts_with("group:") {
                continue;
            }
            let q = PrincipalPolicies {
                identity: p.identity.iter().filter(|s| s.source.policy != policy).cloned().collect(),
                ..p.clone()
            };
            let d = decide_with(&q, b.scps, &Actions::Pattern("*".into()), "*", &q.facts);
            if d.allowed && !d.partial {
                let (name, managed) = match policy.strip_prefix("inline:") {
                    Some(name) => (name.to_owned(), false),
                    None => (policy.to_owned(), true),
                };
                out.push((n, Lift { policy: Some((name, managed)), tier: tier_of(&d) }));
            }
        }
    }
    out
}
