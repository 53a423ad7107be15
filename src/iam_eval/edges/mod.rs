//! The edge checkers of the privilege-escalation graph: one small checker per family of edges
//! (`assume`, `modify`, `credentials`, `passrole`, `existing`, `create`, `admin`), each naming the
//! actions it needs and citing the catalogue entry it implements ([`super::witness`]).
//!
//! Every checker asks the one evaluation ([`super::decide_with`]: explicit Deny, boundary,
//! SCPs, conditions judged by [`super::condition`]) about the actual target: the role, user,
//! group, policy or instance ARN, never `*`. Statements are indexed so that the cost stays
//! near-linear in the account: each principal's Allow statements are reduced once to a bit set
//! of the edge actions they grant ([`ACTIONS`]), and targets are found through sorted indexes
//! by the literal prefix of the statement's Resource ([`TargetIndex`]).

mod admin;
mod assume;
mod create;
mod credentials;
mod existing;
mod modify;
mod passrole;

use std::collections::{BTreeMap, HashMap, HashSet};

use super::condition::{self, Domain, Facts, Truth};
use super::glob::{action_covers, covers};
use super::graph::{NodeId, Out, Tier, ADMIN};
use super::inventory::Inventory;
use super::witness::{EdgeKind, Step, ADMINISTRATOR_NODE};
use super::{decide_with, resolved, Actions, Decision, PrincipalPolicies, Stmt};
use crate::aws::iam::{ManagedPolicy, Role};
use crate::model::Snapshot;

/// The concrete actions the checkers ask about; a principal's Allow statements are reduced to
/// a bit set over this list once.
pub(crate) const ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "iam:PutUserPolicy",
    "iam:PutRolePolicy",
    "iam:PutGroupPolicy",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AddUserToGroup",
    "iam:DeleteUserPolicy",
    "iam:DeleteRolePolicy",
    "iam:DeleteGroupPolicy",
    "iam:DetachUserPolicy",
    "iam:DetachRolePolicy",
    "iam:DetachGroupPolicy",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:CreateInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:PassRole",
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "lambda:CreateEventSourceMapping",
    "lambda:AddPermission",
    "lambda:UpdateFunctionCode",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "glue:StartJobRun",
    "glue:CreateTrigger",
    "glue:UpdateDevEndpoint",
    "cloudformation:CreateStack",
    "cloudformation:CreateStackSet",
    "cloudformation:CreateStackInstances",
    "cloudformation:UpdateStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "codebuild:CreateProject",
    "codebuild:StartBuild",
    "codebuild:StartBuildBatch",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:CreateService",
    "apprunner:CreateService",
    "apprunner:UpdateService",
    "ssm:SendCommand",
    "ssm:StartSession",
    "ec2-instance-connect:SendSSHPublicKey",
];

/// The bit of an action of [`ACTIONS`].
pub(crate) fn bit(action: &str) -> u128 {
    ACTIONS.iter().position(|a| *a == action).map(|i| 1u128 << i).unwrap_or(0)
}

const _: () = assert!(ACTIONS.len() <= 128);

/// The actions of [`ACTIONS`] a bit set holds, in catalogue order.
pub(crate) fn held(mask: u128) -> Vec<&'static str> {
    ACTIONS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, a)| *a).collect()
}

/// Targets of one kind sorted by the resource part of their ARN (after the fifth colon), so a
/// Resource pattern finds its candidates by its literal prefix.
#[derive(Default)]
pub(crate) struct TargetIndex {
    entries: Vec<(String, String, NodeId)>,
}

impl TargetIndex {
    pub fn new(mut items: Vec<(String, NodeId)>) -> Self {
        let mut entries: Vec<(String, String, NodeId)> =
            items.drain(..).map(|(arn, n)| (resource_part(&arn).to_owned(), arn, n)).collect();
        entries.sort();
        TargetIndex { entries }
    }

    /// The targets whose ARN the pattern matches, with their ARN.
    pub fn matching<'a>(&'a self, pattern: &'a str) -> impl Iterator<Item = (&'a str, NodeId)> + 'a {
        let range: &[(String, String, NodeId)] = if pattern == "*" || pattern.matches(':').count() < 5 {
            &self.entries
        } else {
            let res = resource_part(pattern);
            let prefix = &res[..res.find(['*', '?']).unwrap_or(res.len())];
            let lo = self.entries.partition_point(|(k, _, _)| k.as_str() < prefix);
            let hi = lo + self.entries[lo..].partition_point(|(k, _, _)| k.starts_with(prefix));
            &self.entries[lo..hi]
        };
        range.iter().filter(move |(_, arn, _)| covers(pattern, arn)).map(|(_, arn, n)| (arn.as_str(), *n))
    }
}

fn resource_part(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or("")
}

/// One Allow statement's grant of an action: the resource patterns (policy variables resolved)
/// and the statement.
pub(crate) struct Grant<'a> {
    pub stmt: &'a Stmt,
    pub resources: Vec<String>,
}

/// One principal being checked: its policies, its action bit set, and the questions the
/// checkers ask.
pub(crate) struct Asker<'a> {
    pub node: NodeId,
    pub p: &'a PrincipalPolicies,
    pub scps: Option<&'a [Stmt]>,
    /// Allow statements whose condition can hold, with their action bits.
    allows: Vec<(u128, Truth, &'a Stmt)>,
    pub mask: u128,
    /// Whether any statement that applies has a condition (else the request facts never matter).
    conditioned: bool,
}

impl<'a> Asker<'a> {
    pub fn has(&self, action: &str) -> bool {
        self.mask & bit(action) != 0
    }

    /// The Allow statements granting `action`, with their resource patterns.
    pub fn grants(&self, action: &str) -> Vec<Grant<'a>> {
        let b = bit(action);
        self.allows
            .iter()
            .filter(|(m, _, _)| m & b != 0)
            .map(|(_, _, s)| Grant {
                stmt: s,
                resources: if !s.st.not_resource.is_empty() || s.st.resource.is_empty() {
                    vec!["*".to_owned()]
                } else {
                    s.st.resource.iter().filter_map(|r| resolved(r, &self.p.facts).map(|x| x.into_owned())).collect()
                },
            })
            .collect()
    }

    /// The request facts for acting on a target (its account and tags as `aws:Resource*`).
    pub fn facts_on(&self, target: Option<&Target<'_>>) -> std::borrow::Cow<'a, Facts> {
        match target {
            Some(t) if self.conditioned => {
                let mut f = self.p.facts.with("aws:resourceaccount", Domain::Values(vec![t.account.to_owned()]));
                if let Some(tags) = t.tags {
                    for (k, v) in tags {
                        let key = format!("aws:resourcetag/{}", k.to_ascii_lowercase());
                        f.extra.push((key.replace("aws:", "iam:"), Domain::Values(vec![v.clone()])));
                        f.extra.push((key, Domain::Values(vec![v.clone()])));
                    }
                }
                std::borrow::Cow::Owned(f)
            }
            _ => std::borrow::Cow::Borrowed(&self.p.facts),
        }
    }

    /// The full decision for `action` on `resource` (an ARN or a pattern).
    pub fn ask(&self, action: &str, resource: &str, facts: &Facts) -> Decision {
        decide_with(self.p, self.scps, &Actions::Pattern(action.to_owned()), resource, facts)
    }

    /// The decision on a target.
    pub fn ask_on(&self, action: &str, t: &Target<'_>) -> Decision {
        let f = self.facts_on(Some(t));
        self.ask(action, t.arn, &f)
    }

    /// Whether `action` is allowed on some resource the principal may name (creating compute:
    /// the attacker picks the name): each statement granting it, asked on its own pattern.
    pub fn somewhere(&self, action: &str) -> Option<Decision> {
        self.somewhere_with(action, &self.p.facts)
    }

    /// [`Asker::somewhere`] with request keys of its own (`iam:PolicyARN`, ...).
    pub fn somewhere_with(&self, action: &str, facts: &Facts) -> Option<Decision> {
        let mut best: Option<Decision> = None;
        // Only a Resource of the action's own service can name what it creates.
        let svc = match action.split(':').next().unwrap_or("") {
            "ec2-instance-connect" => "ec2",
            s => s,
        };
        let shape = format!("arn:*:{svc}:*");
        for g in self.grants(action) {
            for r in g.resources.iter().filter(|r| *r == "*" || super::glob::overlaps(r, &shape)) {
                let d = self.ask(action, r, facts);
                if d.allowed && best.as_ref().is_none_or(|b| b.conditional && !d.conditional) {
                    best = Some(d);
                }
            }
        }
        best
    }
}

/// A target as the checkers see it.
pub(crate) struct Target<'a> {
    pub arn: &'a str,
    pub account: &'a str,
    pub tags: Option<&'a BTreeMap<String, String>>,
}

/// Everything the checkers share: the principals, the indexes, and what they produce.
pub(crate) struct Builder<'a> {
    pub s: &'a Snapshot,
    pub ps: &'a [PrincipalPolicies],
    pub scps: Option<&'a [Stmt]>,
    pub account: String,
    pub partition: String,
    pub node_of: HashMap<&'a str, NodeId>,
    pub roles: TargetIndex,
    pub users: TargetIndex,
    pub groups: TargetIndex,
    /// Customer managed policies.
    pub policies: TargetIndex,
    /// Managed policy ARN → its snapshot record.
    pub policy_of: HashMap<&'a str, &'a ManagedPolicy>,
    /// Managed policy ARN → what making another of its versions the default gives (the same
    /// for every actor: judged once).
    pub version_gains: HashMap<String, modify::VersionGain>,
    /// Policy ARN → the nodes it applies to (its principals, and the members of its groups).
    pub attached: HashMap<&'a str, Vec<NodeId>>,
    /// Group node → member user nodes.
    pub members: HashMap<NodeId, Vec<NodeId>>,
    /// Role node → its snapshot record.
    pub role_of: HashMap<NodeId, &'a Role>,
    /// Service principal → the roles whose trust admits it, with the tier and the statement.
    pub trusting: HashMap<String, Vec<(NodeId, Tier, String)>>,
    /// Principal ARN → roles whose trust names it (or everyone).
    pub naming: HashMap<String, Vec<NodeId>>,
    /// Roles whose trust admits every AWS principal.
    pub open_trust: Vec<NodeId>,
    /// Per node: whether an administrator policy added to it would make it administrator (its
    /// own Denies, its boundary and the SCPs allow `*` on `*`), and how surely.
    pub upgradable: Vec<Option<Tier>>,
    /// Policies that grant administrator when attached (AdministratorAccess and customer
    /// managed policies allowing `*` on `*`).
    pub admin_policies: Vec<String>,
    pub inventory: Inventory,
    /// Targets one removal (a Deny's policy, a boundary) makes administrator.
    pub lifts: Vec<(NodeId, modify::Lift)>,
    pub out: Out,
    mask_cache: HashMap<String, u128>,
}

impl<'a> Builder<'a> {
    pub fn new(s: &'a Snapshot, ps: &'a [PrincipalPolicies], scps: Option<&'a [Stmt]>) -> Self {
        let node_of: HashMap<&str, NodeId> =
            ps.iter().enumerate().map(|(i, p)| (p.arn.as_str(), i as NodeId + 1)).collect();
        let of_kind = |kind: &str| {
            TargetIndex::new(
                ps.iter()
                    .enumerate()
                    .filter(|(_, p)| p.kind == kind)
                    .map(|(i, p)| (p.arn.clone(), i as NodeId + 1))
                    .collect(),
            )
        };
        let group_node: HashMap<&str, NodeId> = ps
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == "group")
            .map(|(i, p)| (p.name.as_str(), i as NodeId + 1))
            .collect();
        let mut members: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        let mut attached: HashMap<&str, Vec<NodeId>> = HashMap::new();
        for u in &s.iam.users {
            let Some(&un) = node_of.get(u.meta.arn.as_str()) else { continue };
            for g in &u.groups {
                if let Some(&gn) = group_node.get(g.as_str()) {
                    members.entry(gn).or_default().push(un);
                }
            }
            for a in &u.attached_policies {
                attached.entry(a.policy_arn.as_str()).or_default().push(un);
            }
        }
        for r in &s.iam.roles {
            if let Some(&rn) = node_of.get(r.meta.arn.as_str()) {
                for a in &r.attached_policies {
                    attached.entry(a.policy_arn.as_str()).or_default().push(rn);
                }
            }
        }
        for g in &s.iam.groups {
            let Some(&gn) = node_of.get(g.meta.arn.as_str()) else { continue };
            for a in &g.attached_policies {
                let e = attached.entry(a.policy_arn.as_str()).or_default();
                e.push(gn);
                e.extend(members.get(&gn).into_iter().flatten());
            }
        }
        for v in attached.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let role_of: HashMap<NodeId, &Role> =
            s.iam.roles.iter().filter_map(|r| node_of.get(r.meta.arn.as_str()).map(|&n| (n, r))).collect();
        let policies = TargetIndex::new(
            s.iam.policies.iter().filter(|p| !p.aws_managed).map(|p| (p.meta.arn.clone(), 0)).collect(),
        );
        let partition = if s.partition.is_empty() { "aws".to_owned() } else { s.partition.clone() };
        let mut b = Builder {
            s,
            ps,
            scps,
            account: s.account_id.clone(),
            admin_policies: Vec::new(),
            partition,
            node_of,
            roles: of_kind("role"),
            users: of_kind("user"),
            groups: of_kind("group"),
            policies,
            policy_of: s.iam.policies.iter().map(|p| (p.meta.arn.as_str(), p)).collect(),
            version_gains: HashMap::new(),
            attached,
            members,
            role_of,
            trusting: HashMap::new(),
            naming: HashMap::new(),
            open_trust: Vec::new(),
            upgradable: Vec::new(),
            inventory: Inventory::from_snapshot(s),
            lifts: Vec::new(),
            out: Out::default(),
            mask_cache: HashMap::new(),
        };
        assume::index_trust(&mut b);
        b.upgradable = std::iter::once(Some(Tier::Sure)).chain(ps.iter().map(|p| admin::upgradable(p, scps))).collect();
        b.admin_policies = std::iter::once(format!("arn:{}:iam::aws:policy/AdministratorAccess", b.partition))
            .chain(
                s.iam
                    .policies
                    .iter()
                    .filter(|m| !m.aws_managed && m.document.as_ref().is_some_and(admin::document_is_admin))
                    .map(|m| m.meta.arn.clone()),
            )
            .collect();
        b.lifts = modify::lifts_of(&b);
        b
    }

    /// The node of a principal ARN.
    pub fn node(&self, arn: &str) -> Option<NodeId> {
        self.node_of.get(arn).copied()
    }

    pub fn principal(&self, n: NodeId) -> Option<&'a PrincipalPolicies> {
        self.ps.get((n as usize).checked_sub(1)?)
    }

    pub fn arn(&self, n: NodeId) -> &'a str {
        if n == ADMIN {
            ADMINISTRATOR_NODE
        } else {
            self.principal(n).map(|p| p.arn.as_str()).unwrap_or("")
        }
    }

    pub fn target(&self, n: NodeId) -> Target<'a> {
        let p = self.principal(n);
        let arn = self.arn(n);
        Target { arn, account: arn.split(':').nth(4).unwrap_or(""), tags: p.and_then(|p| p.facts.tags.as_ref()) }
    }

    /// The principal `n` as an [`Asker`].
    pub fn asker(&mut self, n: NodeId) -> Option<Asker<'a>> {
        let p = self.principal(n)?;
        let mut allows = Vec::new();
        let mut mask = 0u128;
        for s in p.identity.iter().filter(|s| s.st.effect == "Allow") {
            let truth = condition::judge(&s.st, false, &p.facts);
            let m = self.statement_mask(&s.st);
            if truth == Truth::Never {
                if m != 0 {
                    let cond = serde_json::to_string(&s.st.condition).unwrap_or_default();
                    self.broken(
                        n,
                        format!(
                            "{} grants {} only under a condition that cannot hold now or later: {cond}",
                            s.source.label(),
                            held(m).join(", ")
                        ),
                    );
                }
                continue;
            }
            mask |= m;
            allows.push((m, truth, s));
        }
        let conditioned = p
            .identity
            .iter()
            .chain(p.boundary.iter().flatten())
            .chain(self.scps.into_iter().flatten())
            .any(|s| !s.st.condition.is_empty());
        Some(Asker { node: n, p, scps: self.scps, allows, mask, conditioned })
    }

    fn statement_mask(&mut self, st: &crate::model::Statement) -> u128 {
        let mut m = 0u128;
        if st.not_action.is_empty() {
            for a in &st.action {
                m |= self.pattern_mask(a);
            }
            m
        } else {
            for a in &st.not_action {
                m |= self.pattern_mask(a);
            }
            let all = if ACTIONS.len() == 128 { u128::MAX } else { (1u128 << ACTIONS.len()) - 1 };
            all & !m
        }
    }

    fn pattern_mask(&mut self, pattern: &str) -> u128 {
        if let Some(&m) = self.mask_cache.get(pattern) {
            return m;
        }
        let m =
            ACTIONS.iter().enumerate().filter(|(_, a)| action_covers(pattern, a)).fold(0u128, |m, (i, _)| m | (1 << i));
        self.mask_cache.insert(pattern.to_owned(), m);
        m
    }

    /// The candidates of a target index matching any of the grants' patterns (each once).
    pub fn candidates(&self, index: &TargetIndex, grants: &[Grant<'_>]) -> Vec<NodeId> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for g in grants {
            for r in &g.resources {
                for (_, n) in index.matching(r) {
                    if seen.insert(n) {
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    /// Records an edge `from → to` and its step.
    pub fn edge(&mut self, from: NodeId, to: NodeId, tier: Tier, step: Step) {
        let step = self.out.push_step(step);
        self.out.edges.push(super::graph::EdgeRec { from, to, tier, step });
    }

    /// Records that `actor` can make each of `targets` administrator.
    pub fn enable(
        &mut self,
        actor: NodeId,
        targets: super::graph::Targets,
        requires: Option<NodeId>,
        tier: Tier,
        step: Step,
    ) {
        let step = self.out.push_step(step);
        self.out.enables.push(super::graph::EnableRec { actor, targets, requires, tier, step });
    }

    /// Records why an escalation-shaped grant of `n` leads nowhere (for a PASS's evidence).
    pub fn broken(&mut self, n: NodeId, why: String) {
        self.out.attempts.entry(n).or_default().push(why);
    }

    /// A step of `kind` by `actor`.
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &self,
        kind: &EdgeKind,
        actor: NodeId,
        action: &str,
        resource: &str,
        gains: NodeId,
        granted_by: Vec<String>,
        tier: Tier,
    ) -> Step {
        Step {
            actor: self.arn(actor).to_owned(),
            edge: kind.id,
            action: action.to_owned(),
            resource: resource.to_owned(),
            gains: self.arn(gains).to_owned(),
            granted_by,
            conditional: tier != Tier::Sure,
            unknown: None,
            notes: Vec::new(),
            reference: kind.reference,
        }
    }
}

/// Whether a resource-based grant naming the caller (a trust policy naming it) stands without
/// an identity-policy Allow: no unconditional Deny of the caller's policies, boundary or the
/// SCPs; the SCPs allow it; for a role, its boundary allows it ("Evaluating policies within a
/// single account" and "Permissions boundaries", IAM User Guide). `None`: it does not.
pub(crate) fn resource_based(a: &Asker<'_>, action: &str, resource: &str) -> Option<Tier> {
    use super::{layer, rel, Layer, Rel};
    let act = Actions::Pattern(action.to_owned());
    let facts = &a.p.facts;
    let mut tier = Tier::Sure;
    for s in a.p.identity.iter().chain(a.p.boundary.iter().flatten()).chain(a.scps.into_iter().flatten()) {
        if s.st.effect != "Deny" || rel(&s.st, &act, resource, facts) != Rel::Covers {
            continue;
        }
        match condition::judge(&s.st, true, facts) {
            Truth::Always => return None,
            Truth::Maybe => tier = Tier::Conditional,
            Truth::Never => {}
        }
    }
    let mut within = |list: &[Stmt]| match layer(list, &act, resource, facts) {
        Layer::Full(_) => true,
        Layer::Conditional(_) | Layer::Partial(_) => {
            tier = Tier::Conditional;
            true
        }
        Layer::None => false,
    };
    if a.scps.is_some_and(|l| !within(l)) {
        return None;
    }
    if a.p.kind == "role" && a.p.boundary.as_deref().is_some_and(|bd| !within(bd)) {
        return None;
    }
    Some(tier)
}

/// The statement labels of a decision.
pub(crate) fn labels(d: &Decision) -> Vec<String> {
    d.granted_by.iter().map(super::Source::label).collect()
}

/// The tier of a decision that allows.
pub(crate) fn tier_of(d: &Decision) -> Tier {
    if d.conditional {
        Tier::Conditional
    } else {
        Tier::Sure
    }
}

/// Why a decision does not allow, in a few words (its notes).
pub(crate) fn why_not(d: &Decision) -> String {
    if d.notes.is_empty() {
        "not granted".to_owned()
    } else {
        d.notes.join("; ")
    }
}

/// The patterns a list of grants holds, for messages.
pub(crate) fn patterns(grants: &[Grant<'_>]) -> String {
    let mut out: Vec<String> = grants
        .iter()
        .flat_map(|g| g.resources.iter().map(move |r| format!("{r} ({})", g.stmt.source.label())))
        .collect();
    out.sort();
    out.dedup();
    out.join(", ")
}

/// Runs every checker over every principal.
pub(crate) fn build(b: &mut Builder<'_>) {
    for i in 0..b.ps.len() {
        let n = i as NodeId + 1;
        let Some(a) = b.asker(n) else { continue };
        // Administrator already: every other edge of it is moot.
        if admin::check(b, &a) {
            continue;
        }
        // A trust policy naming the principal needs no grant of its own.
        assume::check(b, &a);
        if a.mask == 0 {
            continue;
        }
        modify::check(b, &a);
        credentials::check(b, &a);
        create::check(b, &a);
        passrole::check(b, &a);
        existing::check(b, &a);
    }
}
