//! The one IAM policy evaluation of the tool: what a role, user or group may effectively do,
//! which of it is only conditional, which risk classes that amounts to, who may assume a role,
//! and what a baseline role holds beyond its least-privilege baseline. Every IAM check (through
//! the derived facts in the policies' input, `input.derived.iam`) and the least-privilege drift
//! read this module; nothing else evaluates IAM policies.
//!
//! It follows AWS's documented policy evaluation logic for identity-based policies ("Policy
//! evaluation logic", IAM User Guide, `reference_policies_evaluation-logic.html`):
//! - an explicit Deny in any policy that applies (identity policies, the permissions boundary,
//!   SCPs) overrides every Allow; a Deny with a Condition is not a full Deny (it removes the
//!   permission only for some requests), so the permission stays and is marked conditional;
//! - SCPs (when given) and the permissions boundary limit what identity policies grant: an
//!   action must be allowed by each of them;
//! - conditions only narrow an Allow: a conditional Allow is reported as a conditional
//!   permission, never dropped;
//! - `Action`/`NotAction` and `Resource`/`NotResource` use IAM wildcards, compared as sets
//!   (pattern against pattern, [`glob`]);
//! - a user's permissions are its own inline and attached policies plus those of its groups;
//!   managed policies contribute their default version only (the collector keeps that one).
//!
//! Fail closed: a policy the principal uses whose document is not in the snapshot (attached
//! policy, boundary, group) is listed in `unknown`; checks turn it into UNKNOWN, never PASS.
//!
//! Service control policies are an input ([`Context::scps`]): `scan --org` gives each member
//! account the SCPs on its path to the root, and an action one of them denies (or none of them
//! allows) is not reported as granted. The allow side is read as one list, not level by level:
//! an action every SCP of one level leaves out but another level allows still counts as
//! granted, which reports more than AWS grants, never less. Without SCPs (a single-account
//! run, SCPs that could not be read, the management account) [`Context::scp_note`] says they
//! were not applied, and the report carries it.

pub mod condition;
mod decide;
mod edges;
mod effective;
pub mod glob;
mod grants;
mod graph;
mod inventory;
mod least;
mod resource;
mod risk;
mod trust;
mod witness;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::aws::iam::{AttachedPolicy, InlinePolicy};
use crate::model::{PolicyDocument, Snapshot, Statement};
use glob::{action_covers, action_overlaps, covers, overlaps};

pub use decide::*;
pub use effective::*;
pub use grants::*;
pub use graph::{build_graph, Escalation, Graph, Reached, Tier, Verdict};
pub use inventory::{Compute, ComputeKind, ComputeSet, Inventory};
pub use least::{least_privilege, Excess, LeastPrivilege};
pub use resource::{
    account_grants, external_grants, external_grants_of, kms_iam_policies_enabled, resource_policies, AccountGrant,
    ExternalGrant, ResourcePolicyFacts,
};
pub use risk::{Risk, RiskClass};
pub use trust::{judge_trust, TrustFacts, TrustIssue};
pub use witness::{edge_kinds_table, Step, EDGE_KINDS};

use condition::{Caller, Facts, Truth};

/// What the report says while no SCP was given to the engine.
pub const SCPS_NOT_APPLIED: &str =
    "SCPs not applied: service control policies were not provided to the IAM evaluation (no organisation scan)";

/// Where a statement comes from: the policy (`inline:<name>`, a managed policy ARN, `group:<name>/…`,
/// `boundary:<arn>`, `scp:<id>`) and its index in that policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Source {
    pub policy: String,
    pub statement: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl Source {
    /// `policy#index` (or `policy#sid`): how evidence names a statement.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) => format!("{}#{sid}", self.policy),
            None => format!("{}#{}", self.policy, self.statement),
        }
    }
}

/// A statement with its source.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub source: Source,
    pub st: Statement,
}

fn stmts(policy: &str, doc: &PolicyDocument) -> Vec<Stmt> {
    doc.statement
        .iter()
        .enumerate()
        .map(|(i, st)| Stmt {
            source: Source { policy: policy.to_owned(), statement: i, sid: st.sid.clone() },
            st: st.clone(),
        })
        .collect()
}

/// What applies to one evaluation besides the principal's own policies.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The SCPs that apply to the account, when the organisation scan provided them; each
    /// document is one SCP (`scp:<name>` in evidence).
    pub scps: Option<Vec<(String, PolicyDocument)>>,
}

impl Context {
    /// "SCPs not applied …" until SCPs are given; `None` once they are.
    pub fn scp_note(&self) -> Option<&'static str> {
        self.scps.is_none().then_some(SCPS_NOT_APPLIED)
    }

    /// What the IAM findings' evidence says about SCPs (`evidence.scps`): the note, or which
    /// SCPs were applied.
    pub fn scp_summary(&self) -> String {
        match &self.scps {
            None => SCPS_NOT_APPLIED.to_owned(),
            Some(list) if list.is_empty() => "SCPs applied: none applies to the account".to_owned(),
            Some(list) => {
                let names: Vec<&str> = list.iter().map(|(name, _)| name.as_str()).collect();
                format!("SCPs applied: {}", names.join(", "))
            }
        }
    }

    pub(crate) fn scp_stmts(&self) -> Option<Vec<Stmt>> {
        self.scps.as_ref().map(|list| list.iter().flat_map(|(name, doc)| stmts(&format!("scp:{name}"), doc)).collect())
    }
}

/// The policies that decide what one principal may do.
#[derive(Debug, Clone, Default)]
pub struct PrincipalPolicies {
    pub kind: &'static str,
    pub name: String,
    pub arn: String,
    /// Identity policies: inline, attached managed (default version), and the groups' for a user.
    pub identity: Vec<Stmt>,
    /// The permissions boundary's statements, when one is set and its document is known.
    pub boundary: Option<Vec<Stmt>>,
    pub boundary_arn: Option<String>,
    /// What could not be resolved from the snapshot (fail closed).
    pub unknown: Vec<String>,
    /// What the snapshot fixes about this principal's requests, for judging conditions.
    pub facts: Facts,
}

/// Managed policies and groups by ARN and name: one lookup per attachment instead of a scan
/// of every policy (the engine must stay near-linear in the size of the account).
pub(crate) struct Lookup<'a> {
    pub policies: HashMap<&'a str, &'a crate::aws::iam::ManagedPolicy>,
    pub groups: HashMap<&'a str, &'a crate::aws::iam::Group>,
}

impl<'a> Lookup<'a> {
    pub fn new(s: &'a Snapshot) -> Self {
        Lookup {
            policies: s.iam.policies.iter().map(|p| (p.meta.arn.as_str(), p)).collect(),
            groups: s.iam.groups.iter().map(|g| (g.meta.name.as_str(), g)).collect(),
        }
    }
    fn document(&self, arn: &str) -> Option<&'a PolicyDocument> {
        self.policies.get(arn).and_then(|p| p.document.as_ref())
    }
}

fn identity_of(
    l: &Lookup<'_>,
    prefix: &str,
    inline: &[InlinePolicy],
    attached: &[AttachedPolicy],
    unknown: &mut Vec<String>,
) -> Vec<Stmt> {
    let mut out = Vec::new();
    for p in inline {
        out.extend(stmts(&format!("{prefix}inline:{}", p.name), &p.document));
    }
    for a in attached {
        match l.document(&a.policy_arn) {
            Some(doc) => out.extend(stmts(&format!("{prefix}{}", a.policy_arn), doc)),
            None => unknown.push(format!("attached policy {} has no document in the snapshot", a.policy_arn)),
        }
    }
    out
}

fn boundary_of(l: &Lookup<'_>, arn: Option<&String>, unknown: &mut Vec<String>) -> Option<Vec<Stmt>> {
    let arn = arn?;
    match l.document(arn) {
        Some(doc) => Some(stmts(&format!("boundary:{arn}"), doc)),
        None => {
            unknown.push(format!("permissions boundary {arn} has no document in the snapshot"));
            None
        }
    }
}

/// The condition facts of a principal of the snapshot.
fn facts_of(s: &Snapshot, caller: Caller, meta: &crate::model::ResourceMeta) -> Facts {
    let account = meta.arn.split(':').nth(4).filter(|a| !a.is_empty()).unwrap_or(&s.account_id);
    Facts {
        now: condition::parse_time(&s.collected_at),
        caller,
        arn: (caller != Caller::Member).then(|| meta.arn.clone()),
        account: Some(account.to_owned()),
        username: (caller == Caller::User).then(|| meta.name.clone()),
        tags: (caller != Caller::Member).then(|| meta.tags.clone()),
        extra: Vec::new(),
    }
}

/// Every role, user and group of the snapshot with the policies that apply to it, sorted by ARN.
pub fn principals(s: &Snapshot) -> Vec<PrincipalPolicies> {
    principals_in(s, &Lookup::new(s))
}

pub(crate) fn principals_in(s: &Snapshot, l: &Lookup<'_>) -> Vec<PrincipalPolicies> {
    let mut out = Vec::new();
    for r in &s.iam.roles {
        let mut unknown = Vec::new();
        let identity = identity_of(l, "", &r.inline_policies, &r.attached_policies, &mut unknown);
        let boundary = boundary_of(l, r.permissions_boundary_arn.as_ref(), &mut unknown);
        out.push(PrincipalPolicies {
            kind: "role",
            name: r.meta.name.clone(),
            arn: r.meta.arn.clone(),
            identity,
            boundary,
            boundary_arn: r.permissions_boundary_arn.clone(),
            unknown,
            facts: facts_of(s, Caller::Role, &r.meta),
        });
    }
    for g in &s.iam.groups {
        let mut unknown = Vec::new();
        let identity = identity_of(l, "", &g.inline_policies, &g.attached_policies, &mut unknown);
        out.push(PrincipalPolicies {
            kind: "group",
            name: g.meta.name.clone(),
            arn: g.meta.arn.clone(),
            identity,
            unknown,
            facts: facts_of(s, Caller::Member, &g.meta),
            ..Default::default()
        });
    }
    for u in &s.iam.users {
        let mut unknown = Vec::new();
        let mut identity = identity_of(l, "", &u.inline_policies, &u.attached_policies, &mut unknown);
        for gname in &u.groups {
            match l.groups.get(gname.as_str()) {
                Some(g) => identity.extend(identity_of(
                    l,
                    &format!("group:{gname}/"),
                    &g.inline_policies,
                    &g.attached_policies,
                    &mut unknown,
                )),
                None => unknown.push(format!("group {gname} is not in the snapshot")),
            }
        }
        let boundary = boundary_of(l, u.permissions_boundary_arn.as_ref(), &mut unknown);
        out.push(PrincipalPolicies {
            kind: "user",
            name: u.meta.name.clone(),
            arn: u.meta.arn.clone(),
            identity,
            boundary,
            boundary_arn: u.permissions_boundary_arn.clone(),
            unknown,
            facts: facts_of(s, Caller::User, &u.meta),
        });
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

// ------------------------------------------------------------------ derived facts

/// The facts for one principal, as the policies see them in `input.derived.iam.principals[arn]`.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalFacts {
    pub kind: &'static str,
    pub name: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    pub permissions: Vec<Permission>,
    /// The permissions granted only under a condition.
    pub conditional_permissions: Vec<Permission>,
    /// The one-hop risk probes (each asked on `*`): what the principal's own policies hold.
    pub risks: Vec<Risk>,
    /// True when the privilege-escalation graph reaches the administrator with every step
    /// certain ([`Escalation`]).
    pub admin_equivalent: bool,
    /// The privilege-escalation graph's verdict, chain and reach ([`graph`]).
    pub escalation: Escalation,
    /// What same-account resource policies (bucket, secret, key, repository policies) grant
    /// this principal by naming its ARN, after Denies, SCPs and (for a role) the boundary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_grants: Vec<ResourceGrant>,
    pub unknown: Vec<String>,
}

/// Facts for a customer managed policy judged on its own (as if attached to a principal
/// with no other policy): risk classes, and how many principals use it.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedPolicyFacts {
    pub arn: String,
    pub attachment_count: i32,
    pub risks: Vec<Risk>,
    pub admin_equivalent: bool,
}

/// Everything the engine derives from a snapshot: `input.derived.iam`.
#[derive(Debug, Clone, Serialize)]
pub struct IamFacts {
    pub scps_applied: bool,
    /// Which SCPs were applied, or why none was ([`Context::scp_summary`]).
    pub scp_note: String,
    pub principals: BTreeMap<String, PrincipalFacts>,
    pub managed_policies: BTreeMap<String, ManagedPolicyFacts>,
    pub trust: BTreeMap<String, TrustFacts>,
    pub resource_policies: BTreeMap<String, ResourcePolicyFacts>,
    /// Baseline role ARN → its least-privilege comparison (empty without a baseline).
    pub least_privilege: BTreeMap<String, LeastPrivilege>,
}

/// Facts for one principal; `resource_policies` are the snapshot's resource-policy facts
/// ([`resource_policies`]), whose same-account grants become the principal's `resource_grants`;
/// `escalation` its place in the privilege-escalation graph.
pub fn principal_facts(
    p: &PrincipalPolicies,
    cx: &Context,
    resource_policies: &BTreeMap<String, ResourcePolicyFacts>,
    escalation: Escalation,
) -> PrincipalFacts {
    let scps = cx.scp_stmts();
    principal_facts_with(p, cx, scps.as_deref(), resource_policies, escalation)
}

pub(crate) fn principal_facts_with(
    p: &PrincipalPolicies,
    cx: &Context,
    scps: Option<&[Stmt]>,
    resource_policies: &BTreeMap<String, ResourcePolicyFacts>,
    escalation: Escalation,
) -> PrincipalFacts {
    let permissions = effective_with(p, scps);
    let risks = risk::classify_with(p, scps);
    PrincipalFacts {
        kind: p.kind,
        name: p.name.clone(),
        arn: p.arn.clone(),
        permissions_boundary: p.boundary_arn.clone(),
        conditional_permissions: permissions.iter().filter(|x| x.conditional).cloned().collect(),
        permissions,
        risks,
        admin_equivalent: escalation.verdict == Verdict::Admin,
        escalation,
        resource_grants: resource_grants(p, cx, resource_policies),
        unknown: p.unknown.clone(),
    }
}

/// Every principal's facts (the privilege-escalation graph built and solved once for all).
fn facts_of_principals(
    s: &Snapshot,
    ps: &[PrincipalPolicies],
    cx: &Context,
    resource_policies: &BTreeMap<String, ResourcePolicyFacts>,
) -> BTreeMap<String, PrincipalFacts> {
    let scps = cx.scp_stmts();
    let started = std::time::Instant::now();
    let mut graph = build_graph(s, ps, scps.as_deref());
    let (nodes, edges, enables) = graph.size();
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        nodes,
        edges,
        enables,
        "privilege-escalation graph"
    );
    // Each principal's own facts are independent: computed on every core; its place in the
    // graph is then moved in (not copied).
    let facts = crate::parallel::map_on_cores(
        ps,
        8,
        || (),
        |_, p| principal_facts_with(p, cx, scps.as_deref(), resource_policies, Escalation::none()),
    );
    let mut escalations = std::mem::take(&mut graph.escalation).into_iter();
    ps.iter()
        .zip(facts)
        .map(|(p, f)| {
            // A worker that stopped (a bug, not bad input) must not lose the principal.
            let mut f = f
                .unwrap_or_else(|| principal_facts_with(p, cx, scps.as_deref(), resource_policies, Escalation::none()));
            f.escalation = escalations.next().unwrap_or_else(Escalation::none);
            f.admin_equivalent = f.escalation.verdict == Verdict::Admin;
            (p.arn.clone(), f)
        })
        .collect()
}

/// Derives every fact of `input.derived.iam` from a snapshot, the baseline's roles and the
/// context (SCPs).
pub fn derive(s: &Snapshot, roles: &BTreeMap<String, crate::baseline::RoleBaseline>, cx: &Context) -> IamFacts {
    let ps = principals_in(s, &Lookup::new(s));
    let resource_policies = resource_policies(s);
    let principals = facts_of_principals(s, &ps, cx, &resource_policies);
    let managed_policies = s
        .iam
        .policies
        .iter()
        .filter(|m| !m.aws_managed)
        .filter_map(|m| {
            let doc = m.document.as_ref()?;
            let p = PrincipalPolicies {
                kind: "policy",
                name: m.meta.name.clone(),
                arn: m.meta.arn.clone(),
                identity: stmts(&m.meta.arn, doc),
                ..Default::default()
            };
            let risks = risk::classify_with(&p, None);
            let admin_equivalent = risks.iter().any(|r| r.class.is_admin_equivalent() && !r.conditional);
            Some((
                m.meta.arn.clone(),
                ManagedPolicyFacts {
                    arn: m.meta.arn.clone(),
                    attachment_count: m.attachment_count,
                    risks,
                    admin_equivalent,
                },
            ))
        })
        .collect();
    let trust = s.iam.roles.iter().map(|r| (r.meta.arn.clone(), judge_trust(r, &s.account_id))).collect();
    let least_privilege = least::least_privilege_in(&ps, roles, &principals);
    IamFacts {
        scps_applied: cx.scps.is_some(),
        scp_note: cx.scp_summary(),
        principals,
        managed_policies,
        trust,
        resource_policies,
        least_privilege,
    }
}

#[cfg(test)]
mod tests;
