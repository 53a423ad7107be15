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
mod edges;
pub mod glob;
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

// ------------------------------------------------------------------ statement matching

/// A set of actions a permission stands for: one pattern, or everything but some patterns
/// (an Allow with `NotAction`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Actions {
    Pattern(String),
    AllExcept(Vec<String>),
}

impl Actions {
    pub fn label(&self) -> String {
        match self {
            Actions::Pattern(p) => p.clone(),
            Actions::AllExcept(list) => format!("NotAction[{}]", list.join(",")),
        }
    }
}

/// How a statement's action element relates to a set of actions.
fn action_rel(st: &Statement, q: &Actions) -> Rel {
    if !st.not_action.is_empty() {
        return match q {
            Actions::Pattern(p) => {
                if st.not_action.iter().all(|x| !action_overlaps(x, p)) {
                    Rel::Covers
                } else if st.not_action.iter().any(|x| action_covers(x, p)) {
                    Rel::Disjoint
                } else {
                    Rel::Overlaps
                }
            }
            // Everything but X covers everything but Y when each X lies within some Y.
            Actions::AllExcept(ys) => {
                if st.not_action.iter().all(|x| ys.iter().any(|y| action_covers(y, x))) {
                    Rel::Covers
                } else {
                    Rel::Overlaps
                }
            }
        };
    }
    match q {
        Actions::Pattern(p) => {
            if st.action.iter().any(|a| action_covers(a, p)) {
                Rel::Covers
            } else if st.action.iter().any(|a| action_overlaps(a, p)) {
                Rel::Overlaps
            } else {
                Rel::Disjoint
            }
        }
        Actions::AllExcept(ys) => {
            if st.action.iter().any(|a| action_covers(a, "*")) {
                Rel::Covers
            } else if st.action.iter().any(|a| !ys.iter().any(|y| action_covers(y, a))) {
                Rel::Overlaps
            } else {
                Rel::Disjoint
            }
        }
    }
}

/// A Resource entry with its policy variables resolved for the caller (`${aws:username}`).
/// `None`: the entry matches nothing (a variable the request does not carry). For a group
/// judged on its own the member is unknown: `${aws:username}` stays as written, so it names
/// exactly the group's member (whose ARN is [`member_user`]) and no other user; any other
/// variable stands for any value.
fn resolved<'a>(x: &'a str, facts: &Facts) -> Option<std::borrow::Cow<'a, str>> {
    if !x.contains("${") {
        return Some(std::borrow::Cow::Borrowed(x));
    }
    match condition::substitute(x, facts) {
        Some(v) => Some(std::borrow::Cow::Owned(v)),
        None if facts.caller == Caller::Member => {
            let mut out = String::new();
            let mut rest = x;
            while let Some(i) = rest.find("${") {
                out.push_str(&rest[..i]);
                let end = rest[i..].find('}').map(|j| i + j + 1).unwrap_or(rest.len());
                let var = &rest[i..end];
                if var.eq_ignore_ascii_case("${aws:username}") {
                    out.push_str(MEMBER_VARIABLE);
                } else {
                    out.push('*');
                }
                rest = &rest[end..];
            }
            out.push_str(rest);
            Some(std::borrow::Cow::Owned(out))
        }
        None => None,
    }
}

/// How a group judged on its own names its member's user name in Resources.
pub(crate) const MEMBER_VARIABLE: &str = "${aws:username}";

/// The ARN the member of a group judged on its own stands for (in `partition`, `account`).
pub(crate) fn member_user(partition: &str, account: &str) -> String {
    format!("arn:{partition}:iam::{account}:user/{MEMBER_VARIABLE}")
}

/// How a statement's resource element relates to a resource pattern (no element: `*`).
fn resource_rel(st: &Statement, r: &str, facts: &Facts) -> Rel {
    if !st.not_resource.is_empty() {
        let excluded: Vec<_> = st.not_resource.iter().filter_map(|x| resolved(x, facts)).collect();
        return if excluded.iter().all(|x| !overlaps(x, r)) {
            Rel::Covers
        } else if excluded.iter().any(|x| covers(x, r)) {
            Rel::Disjoint
        } else {
            Rel::Overlaps
        };
    }
    if st.resource.is_empty() {
        return Rel::Covers;
    }
    let mut out = Rel::Disjoint;
    for x in st.resource.iter().filter_map(|x| resolved(x, facts)) {
        if covers(&x, r) {
            return Rel::Covers;
        }
        if out == Rel::Disjoint && overlaps(&x, r) {
            out = Rel::Overlaps;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Covers,
    Overlaps,
    Disjoint,
}

fn rel(st: &Statement, a: &Actions, r: &str, facts: &Facts) -> Rel {
    match action_rel(st, a) {
        Rel::Disjoint => Rel::Disjoint,
        ar => match (ar, resource_rel(st, r, facts)) {
            (_, Rel::Disjoint) => Rel::Disjoint,
            (Rel::Covers, Rel::Covers) => Rel::Covers,
            _ => Rel::Overlaps,
        },
    }
}

/// The outcome of asking whether a principal may perform `actions` on `resource` (a pattern:
/// `*` asks "on every resource").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    /// Allowed only for some requests: by a conditional Allow, or narrowed by a conditional or
    /// partial Deny, or only partly within a boundary/SCP.
    pub conditional: bool,
    /// Allowed for only part of the request pattern: a Deny, the boundary or an SCP covers
    /// some of its actions or resources (so `*` is not "every action" any more).
    pub partial: bool,
    /// The identity statements that grant it.
    pub granted_by: Vec<Source>,
    /// Why it is denied, not allowed, or only conditional.
    pub notes: Vec<String>,
}

/// One allow layer (SCPs, boundary, identity): does some Allow cover the request?
enum Layer {
    Full(Vec<Source>),
    Conditional(Vec<Source>),
    Partial(Vec<Source>),
    None,
}

fn layer(list: &[Stmt], a: &Actions, r: &str, facts: &Facts) -> Layer {
    let mut full = Vec::new();
    let mut cond = Vec::new();
    let mut partial = Vec::new();
    for s in list.iter().filter(|s| s.st.effect == "Allow") {
        // An Allow with NotResource grants everything but a few resources: read as `*`, as
        // least privilege reads it (fail closed: "all but one role" is not a resource scope).
        let relation = if !s.st.not_resource.is_empty() && action_rel(&s.st, a) == Rel::Covers {
            Rel::Covers
        } else {
            rel(&s.st, a, r, facts)
        };
        if relation == Rel::Disjoint {
            continue;
        }
        match (relation, condition::judge(&s.st, false, facts)) {
            (_, Truth::Never) => {}
            (Rel::Covers, Truth::Always) => full.push(s.source.clone()),
            (Rel::Covers, _) => cond.push(s.source.clone()),
            _ => partial.push(s.source.clone()),
        }
    }
    if !full.is_empty() {
        // The conditional grants are evidence too.
        full.extend(cond);
        Layer::Full(full)
    } else if !cond.is_empty() {
        Layer::Conditional(cond)
    } else if !partial.is_empty() {
        Layer::Partial(partial)
    } else {
        Layer::None
    }
}

/// Decides one request pattern for a principal, following the evaluation logic in the module doc.
pub fn decide(p: &PrincipalPolicies, cx: &Context, a: &Actions, r: &str) -> Decision {
    decide_with(p, cx.scp_stmts().as_deref(), a, r, &p.facts)
}

/// [`decide`] with the SCPs' statements already read and the request's condition facts
/// (the principal's, plus what the request carries: [`Facts::with`]).
pub(crate) fn decide_with(
    p: &PrincipalPolicies,
    scps: Option<&[Stmt]>,
    a: &Actions,
    r: &str,
    facts: &Facts,
) -> Decision {
    let mut d = Decision::default();
    let all_denies = p
        .identity
        .iter()
        .chain(p.boundary.iter().flatten())
        .chain(scps.into_iter().flatten())
        .filter(|s| s.st.effect == "Deny");
    for s in all_denies {
        let relation = rel(&s.st, a, r, facts);
        if relation == Rel::Disjoint {
            continue;
        }
        match (relation, condition::judge(&s.st, true, facts)) {
            (_, Truth::Never) => {}
            (Rel::Covers, Truth::Always) => {
                d.notes.push(format!("explicitly denied by {}", s.source.label()));
                return d;
            }
            (Rel::Covers, _) => {
                d.conditional = true;
                d.notes.push(format!("denied under a condition by {}", s.source.label()));
            }
            _ => {
                d.partial = true;
                d.notes.push(format!("partly denied by {}", s.source.label()));
            }
        }
    }
    let mut limit = |name: &str, list: &[Stmt]| -> bool {
        match layer(list, a, r, facts) {
            Layer::Full(_) => true,
            Layer::Conditional(src) => {
                d.conditional = true;
                let labels: Vec<String> = src.iter().map(Source::label).collect();
                d.notes.push(format!("only conditionally allowed by the {name} ({})", labels.join(", ")));
                true
            }
            Layer::Partial(src) => {
                d.partial = true;
                let labels: Vec<String> = src.iter().map(Source::label).collect();
                d.notes.push(format!("only partly allowed by the {name} ({})", labels.join(", ")));
                true
            }
            Layer::None => {
                d.notes.push(format!("not allowed by the {name}"));
                false
            }
        }
    };
    if let Some(scps) = scps {
        if !limit("SCPs", scps) {
            return d;
        }
    }
    if let Some(boundary) = &p.boundary {
        if !limit("permissions boundary", boundary) {
            return d;
        }
    }
    match layer(&p.identity, a, r, facts) {
        Layer::Full(src) => {
            d.allowed = true;
            d.granted_by = src;
        }
        Layer::Conditional(src) => {
            d.allowed = true;
            d.conditional = true;
            d.notes.push("granted only under a condition".into());
            d.granted_by = src;
        }
        Layer::Partial(_) | Layer::None => {
            d.notes.push("no identity policy grants it".into());
            d.allowed = false;
            d.conditional = false;
            d.partial = false;
        }
    }
    d.notes.sort();
    d.notes.dedup();
    d
}

// ------------------------------------------------------------------ effective permissions

/// One effective permission: what an Allow statement grants that survives Denies, the
/// boundary and SCPs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Permission {
    /// An action pattern, or `NotAction[...]`.
    pub action: String,
    /// A resource pattern, or `NotResource[...]`.
    pub resource: String,
    pub conditional: bool,
    /// The granting statement.
    pub source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip)]
    pub actions: Option<Actions>,
    /// The resource pattern used for containment (`NotResource` is read as `*`).
    #[serde(skip)]
    pub resource_pattern: String,
}

/// What each Allow statement of the principal grants, statement element by element, minus
/// what an unconditional Deny (or the boundary, or the SCPs) removes entirely.
pub fn effective(p: &PrincipalPolicies, cx: &Context) -> Vec<Permission> {
    effective_with(p, cx.scp_stmts().as_deref())
}

pub(crate) fn effective_with(p: &PrincipalPolicies, scps: Option<&[Stmt]>) -> Vec<Permission> {
    let mut out = Vec::new();
    let denies: Vec<Stmt> = p.identity.iter().filter(|x| x.st.effect == "Deny").cloned().collect();
    for s in p.identity.iter().filter(|s| s.st.effect == "Allow") {
        // A statement whose condition cannot hold grants nothing.
        let truth = condition::judge(&s.st, false, &p.facts);
        if truth == Truth::Never {
            continue;
        }
        // Judged as this statement alone grants it: other Allows do not matter here.
        let only = PrincipalPolicies {
            identity: denies.iter().cloned().chain([s.clone()]).collect(),
            boundary: p.boundary.clone(),
            facts: p.facts.clone(),
            ..Default::default()
        };
        let grants: Vec<Actions> = if s.st.not_action.is_empty() {
            s.st.action.iter().map(|a| Actions::Pattern(a.clone())).collect()
        } else {
            vec![Actions::AllExcept(s.st.not_action.clone())]
        };
        // (pattern asked, label reported): policy variables resolved for this principal; an
        // entry whose variable the principal's requests do not carry grants nothing.
        let resources: Vec<(String, String)> = if !s.st.not_resource.is_empty() {
            vec![("*".into(), format!("NotResource[{}]", s.st.not_resource.join(",")))]
        } else if s.st.resource.is_empty() {
            vec![("*".into(), "*".into())]
        } else {
            s.st.resource.iter().filter_map(|r| resolved(r, &p.facts).map(|x| (x.into_owned(), r.clone()))).collect()
        };
        for a in &grants {
            for (pattern, label) in &resources {
                let d = decide_with(&only, scps, a, pattern, &p.facts);
                if !d.allowed {
                    continue;
                }
                let mut push = |a: &Actions, d: Decision| {
                    out.push(Permission {
                        action: a.label(),
                        resource: label.clone(),
                        conditional: d.conditional || truth == Truth::Maybe,
                        source: s.source.clone(),
                        notes: d.notes,
                        actions: Some(a.clone()),
                        resource_pattern: pattern.clone(),
                    })
                };
                // Only partly within the boundary: what is effective is the boundary's narrower
                // action patterns that this statement covers (identity `*`, boundary
                // `ec2:Describe*` gives `ec2:Describe*`).
                let narrower: Vec<Actions> = match (&p.boundary, d.partial) {
                    (Some(b), true) if !matches!(layer(b, a, pattern, &p.facts), Layer::Full(_)) => b
                        .iter()
                        .filter(|x| x.st.effect == "Allow" && x.st.not_action.is_empty())
                        .flat_map(|x| x.st.action.iter().map(|bp| Actions::Pattern(bp.clone())))
                        .filter(|bp| action_rel(&s.st, bp) == Rel::Covers)
                        .collect(),
                    _ => Vec::new(),
                };
                if narrower.is_empty() {
                    // Partly denied or partly outside an SCP: still listed whole (fail closed
                    // for least privilege), the notes saying why.
                    push(a, d);
                    continue;
                }
                for bp in narrower {
                    let d = decide_with(&only, scps, &bp, pattern, &p.facts);
                    if d.allowed {
                        push(&bp, d);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

// ------------------------------------------------------------------ resource-policy grants

/// One access a same-account resource policy grants a principal by naming its ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceGrant {
    /// The resource whose policy grants it (bucket, secret, key or repository ARN).
    pub resource: String,
    pub service: String,
    /// An action pattern, or `NotAction[...]`.
    pub action: String,
    /// What it is granted on: the statement's `Resource` pattern (`arn:aws:s3:::b/*`), or the
    /// resource itself when the statement says `*`.
    pub on: String,
    /// The statement's index in the resource policy.
    pub statement: usize,
    pub conditional: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What the resource policies of the account grant `p` directly, following "Evaluating
/// policies within a single account" (IAM User Guide, policy evaluation logic): an Allow in a
/// resource policy naming a user or role suffices without an identity-policy Allow; an explicit
/// Deny in an identity policy, the boundary or an SCP still wins; an SCP must allow it; and a
/// permissions boundary limits what a resource policy grants to a *role* ARN, not to a *user*
/// ARN. Grants to the account root are delegations to IAM policies, not to `p`, and are left out.
pub fn resource_grants(
    p: &PrincipalPolicies,
    cx: &Context,
    policies: &BTreeMap<String, ResourcePolicyFacts>,
) -> Vec<ResourceGrant> {
    let scps = cx.scp_stmts();
    let mut out = Vec::new();
    for (resource, facts) in policies {
        for g in facts.account_grants.iter().filter(|g| !g.account_root && g.principal == p.arn) {
            let targets: Vec<&str> = if g.resources.is_empty() {
                vec![resource.as_str()]
            } else {
                g.resources.iter().map(String::as_str).collect()
            };
            for (a, on) in g.patterns.iter().flat_map(|a| targets.iter().map(move |on| (a, *on))) {
                let mut notes = Vec::new();
                let mut conditional = g.conditional;
                let denied = p
                    .identity
                    .iter()
                    .chain(p.boundary.iter().flatten())
                    .chain(scps.iter().flatten())
                    .filter(|s| s.st.effect == "Deny")
                    .any(|s| match (rel(&s.st, a, on, &p.facts), condition::judge(&s.st, true, &p.facts)) {
                        (Rel::Disjoint, _) | (_, Truth::Never) => false,
                        (Rel::Covers, Truth::Always) => true,
                        (Rel::Covers, _) => {
                            conditional = true;
                            notes.push(format!("denied under a condition by {}", s.source.label()));
                            false
                        }
                        _ => {
                            notes.push(format!("partly denied by {}", s.source.label()));
                            false
                        }
                    });
                if denied {
                    continue;
                }
                let mut within = |name: &str, list: &[Stmt]| match layer(list, a, on, &p.facts) {
                    Layer::Full(_) => true,
                    Layer::Conditional(_) => {
                        conditional = true;
                        notes.push(format!("only conditionally allowed by the {name}"));
                        true
                    }
                    Layer::Partial(_) => {
                        notes.push(format!("only partly allowed by the {name}"));
                        true
                    }
                    Layer::None => false,
                };
                if scps.as_ref().is_some_and(|l| !within("SCPs", l)) {
                    continue;
                }
                if p.kind == "role" && p.boundary.as_ref().is_some_and(|b| !within("permissions boundary", b)) {
                    continue;
                }
                notes.sort();
                notes.dedup();
                out.push(ResourceGrant {
                    resource: resource.clone(),
                    service: facts.service.to_owned(),
                    action: a.label(),
                    on: on.to_owned(),
                    statement: g.statement,
                    conditional,
                    notes,
                });
            }
        }
    }
    out.sort();
    out.dedup();
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
