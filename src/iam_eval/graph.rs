//! Who can become administrator: the privilege-escalation graph over every principal of the
//! account, and reachability with a witness (issue 23).
//!
//! Nodes: the administrator, every user, role and group (a group stands for a member with no
//! other policy), and one node per kind of compute the snapshot cannot show ("unknown
//! compute", see [`super::inventory`]). An edge `A → B` means A can act as B (assume it, obtain
//! its credentials, run code as it, ...); an edge to the administrator means A holds `*` on `*`
//! or full IAM write, or can create an administrator principal. An *enable* means A can make
//! some targets administrator (write or attach a policy, rewrite a managed policy, lift a Deny
//! or a boundary, join a group): a principal P becomes administrator through it when P can
//! act as A and as one of those targets (A itself for a self-escalation). The edge checkers are
//! in [`super::edges`]; each edge and enable carries its [`Step`].
//!
//! Every edge has a tier: `Sure`, `Conditional` (it holds under a condition, or depends on
//! something the snapshot does not fix) or `Unknown` (the snapshot cannot show it at all, the
//! step saying why). Reachability is solved three times, with the edges up to each tier: a
//! principal is administrator-equivalent when the `Sure` graph reaches the administrator,
//! conditionally when only the `Conditional` one does, and UNKNOWN when only `Unknown` edges
//! lead there. The chain reported is the shortest (in hops) in the first graph that reaches the
//! administrator; a principal that reaches nothing carries the reasons its escalation-shaped
//! grants led nowhere.
//!
//! Cost: building is near-linear (see [`super::edges`]); each solve is a backward breadth-first
//! search from the administrator, plus two searches per principal that can make *another*
//! principal administrator without being administrator itself (rare in practice).

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use super::edges::{self, Builder};
use super::witness::{chain_text, Step, ADMINISTRATOR_NODE};
use super::{PrincipalPolicies, Stmt};
use crate::model::Snapshot;

pub type NodeId = u32;
/// The administrator node.
pub const ADMIN: NodeId = 0;

/// How sure an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Sure,
    Conditional,
    Unknown,
}

#[derive(Debug, Clone)]
pub(crate) struct EdgeRec {
    pub from: NodeId,
    pub to: NodeId,
    pub tier: Tier,
    pub step: u32,
}

/// Whom an enable makes administrator.
#[derive(Debug, Clone)]
pub(crate) enum Targets {
    Nodes(Vec<NodeId>),
    /// Every user of the account the administrator policy would make administrator, and
    /// `also` (a group judged on its own: its member).
    Users {
        also: Option<NodeId>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct EnableRec {
    pub actor: NodeId,
    pub targets: Targets,
    /// The group that must reach the administrator for the enable to count (add-user-to-group).
    pub requires: Option<NodeId>,
    pub tier: Tier,
    pub step: u32,
}

/// What the edge checkers produce.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub edges: Vec<EdgeRec>,
    pub enables: Vec<EnableRec>,
    pub steps: Vec<Step>,
    /// Per principal: why its escalation-shaped grants lead nowhere.
    pub attempts: HashMap<NodeId, Vec<String>>,
    pub hubs: Vec<String>,
    pub hub_of: HashMap<String, NodeId>,
}

impl Out {
    pub fn push_step(&mut self, s: Step) -> u32 {
        self.steps.push(s);
        (self.steps.len() - 1) as u32
    }

    /// A new "unknown compute" node after the `principals` principals.
    pub fn new_hub(&mut self, principals: usize, label: String) -> NodeId {
        let n = (principals + 1 + self.hubs.len()) as NodeId;
        self.hubs.push(label.clone());
        self.hub_of.insert(label, n);
        n
    }
}

/// A principal's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Reaches the administrator with every step certain.
    Admin,
    /// Reaches it only through a conditional step.
    Conditional,
    /// Reaches it only through a step the snapshot cannot show.
    Unknown,
    /// Does not reach it.
    None,
}

/// A principal's place in the graph, as the checks and `explain` read it
/// (`input.derived.iam.principals[arn].escalation`).
#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    pub verdict: Verdict,
    /// The shortest chain to the administrator (empty when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<Step>,
    /// The chain as one line of text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// UNKNOWN: what the snapshot cannot show on the way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// Why its escalation-shaped grants lead nowhere (or not to the administrator).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub broken: Vec<String>,
    /// The principals it can act as, with how (least privilege and node-role checks read
    /// their permissions too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reach: Vec<Reached>,
}

impl Escalation {
    /// No chain, nothing noted.
    pub fn none() -> Self {
        Escalation {
            verdict: Verdict::None,
            chain: Vec::new(),
            text: String::new(),
            unknown: Vec::new(),
            broken: Vec::new(),
            reach: Vec::new(),
        }
    }
}

/// A principal another one can act as, or (tier `unknown`, `arn` naming the service and why)
/// compute the snapshot cannot show, which may run as any role that service may assume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reached {
    pub arn: String,
    pub tier: Tier,
    /// The chain to it as text.
    pub via: String,
}

/// One hop of a witness: an edge, or an enable making `target` administrator.
#[derive(Debug, Clone, Copy)]
enum WStep {
    Edge(u32),
    Enable(u32, NodeId),
}

#[derive(Debug, Clone, Copy)]
enum Via {
    None,
    Edge(u32),
    Composite(u32),
}

/// A breadth-first search's marks, reused from one search to the next (a search costs what it
/// visits, not the size of the graph).
struct Search {
    epoch: u32,
    mark: Vec<u32>,
    parent: Vec<u32>,
    visited: Vec<NodeId>,
}

impl Search {
    fn new(n: usize) -> Self {
        Search { epoch: 0, mark: vec![0; n], parent: vec![0; n], visited: Vec::new() }
    }
    fn start(&mut self) {
        self.epoch += 1;
        self.visited.clear();
    }
    /// Marks `v` reached through `edge`; false when it already was.
    fn visit(&mut self, v: NodeId, edge: u32) -> bool {
        let i = v as usize;
        if self.mark[i] == self.epoch {
            return false;
        }
        self.mark[i] = self.epoch;
        self.parent[i] = edge;
        self.visited.push(v);
        true
    }
    fn parent(&self, v: NodeId) -> Option<u32> {
        (self.mark[v as usize] == self.epoch).then(|| self.parent[v as usize])
    }
}

/// One reachability solve over the edges up to a tier.
struct Solution {
    admin: Vec<bool>,
    via: Vec<Via>,
    composites: Vec<Vec<WStep>>,
}

/// The graph of a snapshot with its verdicts.
pub struct Graph {
    /// ARN (or label) per node: the administrator, the principals (sorted by ARN), the hubs.
    pub(crate) names: Vec<String>,
    principals: usize,
    pub(crate) edges: Vec<EdgeRec>,
    enables: Vec<EnableRec>,
    pub(crate) steps: Vec<Step>,
    /// Edge indexes by source and by target (compressed: offsets then indexes).
    out_off: Vec<u32>,
    out_idx: Vec<u32>,
    in_off: Vec<u32>,
    in_idx: Vec<u32>,
    /// The users an administrator policy would make administrator.
    upgradable_users: Vec<NodeId>,
    attempts: HashMap<NodeId, Vec<String>>,
    /// Per principal node (index - 1): its verdict and chain.
    pub escalation: Vec<Escalation>,
}

fn csr(n: usize, edges: &[EdgeRec], key: impl Fn(&EdgeRec) -> NodeId) -> (Vec<u32>, Vec<u32>) {
    let mut off = vec![0u32; n + 1];
    for e in edges {
        off[key(e) as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let mut fill = off.clone();
    let mut idx = vec![0u32; edges.len()];
    for (i, e) in edges.iter().enumerate() {
        let k = key(e) as usize;
        idx[fill[k] as usize] = i as u32;
        fill[k] += 1;
    }
    (off, idx)
}

/// Builds the graph of `ps` (the snapshot's principals, as [`super::principals`] returns them)
/// and solves it.
pub fn build_graph(s: &Snapshot, ps: &[PrincipalPolicies], scps: Option<&[Stmt]>) -> Graph {
    let mut b = Builder::new(s, ps, scps);
    edges::build(&mut b);
    let upgradable_users: Vec<NodeId> = ps
        .iter()
        .enumerate()
        .filter(|(i, p)| p.kind == "user" && b.upgradable.get(i + 1).copied().flatten().is_some())
        .map(|(i, _)| i as NodeId + 1)
        .collect();
    let out = std::mem::take(&mut b.out);
    let mut names = Vec::with_capacity(ps.len() + 1 + out.hubs.len());
    names.push(ADMINISTRATOR_NODE.to_owned());
    names.extend(ps.iter().map(|p| p.arn.clone()));
    names.extend(out.hubs.iter().cloned());
    let n = names.len();
    let (out_off, out_idx) = csr(n, &out.edges, |e| e.from);
    let (in_off, in_idx) = csr(n, &out.edges, |e| e.to);
    let mut g = Graph {
        names,
        principals: ps.len(),
        edges: out.edges,
        enables: out.enables,
        steps: out.steps,
        out_off,
        out_idx,
        in_off,
        in_idx,
        upgradable_users,
        attempts: out.attempts,
        escalation: Vec::new(),
    };
    g.solve_all();
    g
}

impl Graph {
    fn incoming(&self, v: NodeId) -> &[u32] {
        &self.in_idx[self.in_off[v as usize] as usize..self.in_off[v as usize + 1] as usize]
    }

    fn outgoing(&self, v: NodeId) -> &[u32] {
        &self.out_idx[self.out_off[v as usize] as usize..self.out_off[v as usize + 1] as usize]
    }

    /// The node of a principal ARN.
    pub fn node(&self, arn: &str) -> Option<NodeId> {
        self.names[1..=self.principals].binary_search_by(|x| x.as_str().cmp(arn)).ok().map(|i| i as NodeId + 1)
    }

    /// Backward breadth-first search from `sources` over edges up to `limit`, not entering
    /// nodes in `stop`: `s` records, for each node reached, the edge leading toward the
    /// sources, and lists the nodes reached (its cost is the part of the graph it visits).
    fn backward(&self, s: &mut Search, sources: &[NodeId], limit: Tier, stop: &[bool]) {
        s.start();
        let mut q = VecDeque::new();
        for &src in sources {
            if s.visit(src, u32::MAX) {
                q.push_back(src);
            }
        }
        while let Some(v) = q.pop_front() {
            for &e in self.incoming(v) {
                let ed = &self.edges[e as usize];
                if ed.tier > limit || stop[ed.from as usize] {
                    continue;
                }
                if s.visit(ed.from, e) {
                    q.push_back(ed.from);
                }
            }
        }
    }

    /// The hops from `from` to a source of the search `s`, and the source.
    fn path(&self, s: &Search, from: NodeId) -> (Vec<WStep>, NodeId) {
        let mut out = Vec::new();
        let mut v = from;
        while let Some(e) = s.parent(v) {
            if e == u32::MAX || out.len() > self.names.len() {
                break;
            }
            out.push(WStep::Edge(e));
            v = self.edges[e as usize].to;
        }
        (out, v)
    }

    fn solve(&self, limit: Tier) -> Solution {
        let n = self.names.len();
        let mut sol = Solution { admin: vec![false; n], via: vec![Via::None; n], composites: Vec::new() };
        sol.admin[ADMIN as usize] = true;
        let mut frontier: VecDeque<NodeId> = VecDeque::from([ADMIN]);
        // Enables by actor, up to the tier.
        let mut by_actor: BTreeMap<NodeId, Vec<u32>> = BTreeMap::new();
        for (i, en) in self.enables.iter().enumerate() {
            if en.tier <= limit {
                by_actor.entry(en.actor).or_default().push(i as u32);
            }
        }
        let (mut to_actor, mut to_target) = (Search::new(n), Search::new(n));
        loop {
            // Everyone who reaches an administrator node is one.
            while let Some(v) = frontier.pop_front() {
                for &e in self.incoming(v) {
                    let ed = &self.edges[e as usize];
                    if ed.tier > limit || sol.admin[ed.from as usize] {
                        continue;
                    }
                    sol.admin[ed.from as usize] = true;
                    sol.via[ed.from as usize] = Via::Edge(e);
                    frontier.push_back(ed.from);
                }
            }
            // Enables: P becomes administrator when P acts as the actor and as a target.
            let mut grew = false;
            for (&x, recs) in &by_actor {
                if sol.admin[x as usize] {
                    continue;
                }
                let mut target_rec: HashMap<NodeId, u32> = HashMap::new();
                for &r in recs {
                    let en = &self.enables[r as usize];
                    if en.requires.is_some_and(|g| !sol.admin[g as usize]) {
                        continue;
                    }
                    let targets: Box<dyn Iterator<Item = NodeId>> = match &en.targets {
                        Targets::Nodes(v) => Box::new(v.iter().copied()),
                        Targets::Users { also } => Box::new(self.upgradable_users.iter().copied().chain(*also)),
                    };
                    for t in targets {
                        target_rec.entry(t).or_insert(r);
                    }
                }
                if target_rec.is_empty() {
                    continue;
                }
                if let Some(&r) = target_rec.get(&x) {
                    sol.composites.push(vec![WStep::Enable(r, x)]);
                    sol.admin[x as usize] = true;
                    sol.via[x as usize] = Via::Composite((sol.composites.len() - 1) as u32);
                    frontier.push_back(x);
                    grew = true;
                    continue;
                }
                self.backward(&mut to_actor, &[x], limit, &sol.admin);
                let mut targets: Vec<NodeId> = target_rec.keys().copied().filter(|t| !sol.admin[*t as usize]).collect();
                targets.sort_unstable();
                self.backward(&mut to_target, &targets, limit, &sol.admin);
                let mut winners: Vec<NodeId> =
                    to_actor.visited.iter().copied().filter(|p| to_target.parent(*p).is_some()).collect();
                winners.sort_unstable();
                for p in winners {
                    if sol.admin[p as usize] {
                        continue;
                    }
                    let (mut chain, _) = self.path(&to_actor, p);
                    let (rest, t) = self.path(&to_target, p);
                    chain.push(WStep::Enable(target_rec[&t], t));
                    chain.extend(rest);
                    sol.composites.push(chain);
                    sol.admin[p as usize] = true;
                    sol.via[p as usize] = Via::Composite((sol.composites.len() - 1) as u32);
                    frontier.push_back(p);
                    grew = true;
                }
            }
            if !grew && frontier.is_empty() {
                break;
            }
        }
        sol
    }

    /// The steps of a witness, an "unknown compute" node merged into the hop through it.
    fn materialize(&self, hops: &[WStep]) -> Vec<Step> {
        let mut out: Vec<Step> = Vec::new();
        let mut pending_hub: Option<Step> = None;
        for h in hops {
            match *h {
                WStep::Edge(e) => {
                    let ed = &self.edges[e as usize];
                    let step = self.steps[ed.step as usize].clone();
                    if let Some(mut first) = pending_hub.take() {
                        first.resource = format!("{} running as {}", first.resource, step.gains);
                        first.gains = step.gains.clone();
                        first.granted_by.extend(step.granted_by);
                        first.granted_by.sort();
                        first.granted_by.dedup();
                        out.push(first);
                    } else if ed.to as usize > self.principals {
                        pending_hub = Some(step);
                    } else {
                        out.push(step);
                    }
                }
                WStep::Enable(r, t) => {
                    let en = &self.enables[r as usize];
                    let mut step = self.steps[en.step as usize].clone();
                    let target = &self.names[t as usize];
                    if step.resource != *target {
                        step.notes.push(format!("makes {target} administrator"));
                    }
                    out.push(step);
                }
            }
        }
        out.extend(pending_hub);
        out
    }

    fn witness(&self, sol: &Solution, v: NodeId) -> Vec<Step> {
        let mut hops = Vec::new();
        let mut cur = v;
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > self.names.len() + 1 {
                break;
            }
            match sol.via[cur as usize] {
                Via::Edge(e) => {
                    hops.push(WStep::Edge(e));
                    cur = self.edges[e as usize].to;
                    if cur == ADMIN {
                        break;
                    }
                }
                Via::Composite(c) => {
                    hops.extend(sol.composites[c as usize].iter().copied());
                    break;
                }
                Via::None => break,
            }
        }
        self.materialize(&hops)
    }

    fn solve_all(&mut self) {
        let sols = [self.solve(Tier::Sure), self.solve(Tier::Conditional), self.solve(Tier::Unknown)];
        let mut esc = Vec::with_capacity(self.principals);
        let mut search = Search::new(self.names.len());
        for i in 0..self.principals {
            let v = (i + 1) as NodeId;
            let (verdict, sol) = if sols[0].admin[v as usize] {
                (Verdict::Admin, Some(&sols[0]))
            } else if sols[1].admin[v as usize] {
                (Verdict::Conditional, Some(&sols[1]))
            } else if sols[2].admin[v as usize] {
                (Verdict::Unknown, Some(&sols[2]))
            } else {
                (Verdict::None, None)
            };
            let chain = sol.map(|s| self.witness(s, v)).unwrap_or_default();
            let mut unknown: Vec<String> = chain.iter().filter_map(|s| s.unknown.clone()).collect();
            unknown.sort();
            unknown.dedup();
            let reach = self.reach_with(&mut search, v);
            let mut broken =
                if verdict == Verdict::Admin { Vec::new() } else { self.attempts.get(&v).cloned().unwrap_or_default() };
            if verdict == Verdict::None {
                // What it could make administrator, and why that does not help it.
                for en in self.enables.iter().filter(|en| en.actor == v) {
                    let step = &self.steps[en.step as usize];
                    let whom = match (&en.targets, en.requires) {
                        (_, Some(g)) => format!(
                            "would give a user the policies of {}, which does not reach administrator",
                            self.names[g as usize]
                        ),
                        (Targets::Nodes(n), None) => format!(
                            "would make {} administrator, but it cannot act as {}",
                            n.iter()
                                .map(|t| super::witness::short(&self.names[*t as usize]))
                                .collect::<Vec<_>>()
                                .join(", "),
                            if n.len() == 1 { "it" } else { "any of them" }
                        ),
                        (Targets::Users { .. }, None) => {
                            "would make users administrator, but it cannot act as one".into()
                        }
                    };
                    broken.push(format!("{} on {} {whom}", step.action, step.resource));
                }
                let reached = &reach;
                if !reached.is_empty() {
                    let list: Vec<String> = reached.iter().take(5).map(|r| super::witness::short(&r.arn)).collect();
                    broken.push(format!(
                        "acts as {}{}, none of which reaches administrator",
                        list.join(", "),
                        if reached.len() > 5 { format!(" and {} more", reached.len() - 5) } else { String::new() }
                    ));
                }
            }
            esc.push(Escalation { verdict, text: chain_text(&chain), chain, unknown, broken, reach });
        }
        self.escalation = esc;
    }

    /// The principals `v` can act as (through edges, any tier), each with its chain.
    pub fn reach_from(&self, v: NodeId) -> Vec<Reached> {
        self.reach_with(&mut Search::new(self.names.len()), v)
    }

    fn reach_with(&self, s: &mut Search, v: NodeId) -> Vec<Reached> {
        if self.outgoing(v).is_empty() {
            return Vec::new();
        }
        s.start();
        s.visit(v, u32::MAX);
        s.visit(ADMIN, u32::MAX);
        let mut q = VecDeque::from([v]);
        let mut order = Vec::new();
        while let Some(u) = q.pop_front() {
            for &e in self.outgoing(u) {
                let t = self.edges[e as usize].to;
                if !s.visit(t, e) {
                    continue;
                }
                // Unknown compute stands for every role its service may assume: reported as
                // one entry (the kind and why it is unknown), not expanded into each role.
                order.push(t);
                if t as usize <= self.principals {
                    q.push_back(t);
                }
            }
        }
        order
            .into_iter()
            .map(|t| {
                let mut hops = Vec::new();
                let mut cur = t;
                let mut tier = Tier::Sure;
                while let Some(e) = s.parent(cur).filter(|e| *e != u32::MAX) {
                    hops.push(WStep::Edge(e));
                    tier = tier.max(self.edges[e as usize].tier);
                    cur = self.edges[e as usize].from;
                }
                hops.reverse();
                let mut chain = self.materialize(&hops);
                if t as usize > self.principals {
                    // The hop into unknown compute, which `materialize` holds back for its role.
                    if let Some(WStep::Edge(e)) = hops.last() {
                        chain.push(self.steps[self.edges[*e as usize].step as usize].clone());
                    }
                    tier = Tier::Unknown;
                }
                Reached { arn: self.names[t as usize].clone(), tier, via: chain_text(&chain) }
            })
            .collect()
    }

    /// The escalation of a principal by ARN.
    pub fn escalation_of(&self, arn: &str) -> Option<&Escalation> {
        self.node(arn).and_then(|n| self.escalation.get(n as usize - 1))
    }

    /// Number of edges and enables (for the benchmark and logs).
    pub fn size(&self) -> (usize, usize, usize) {
        (self.names.len(), self.edges.len(), self.enables.len())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::aws::iam::{InlinePolicy, Role, User};
    use crate::iam_eval::principals;
    use crate::model::{PolicyDocument, ResourceMeta};

    fn doc(v: serde_json::Value) -> PolicyDocument {
        PolicyDocument::from_value(&json!({ "Statement": v })).unwrap()
    }

    fn meta(account: &str, kind: &str, name: &str) -> ResourceMeta {
        ResourceMeta {
            arn: format!("arn:aws:iam::{account}:{kind}/{name}"),
            name: name.into(),
            account_id: account.into(),
            ..Default::default()
        }
    }

    fn role(account: &str, name: &str, trust: serde_json::Value, policy: serde_json::Value) -> Role {
        Role {
            meta: meta(account, "role", name),
            assume_role_policy: doc(trust),
            inline_policies: vec![InlinePolicy { name: "p".into(), document: doc(policy) }],
            instance_profiles: Some(Vec::new()),
            ..Default::default()
        }
    }

    fn user(account: &str, name: &str, policy: serde_json::Value) -> User {
        User {
            meta: meta(account, "user", name),
            inline_policies: vec![InlinePolicy { name: "p".into(), document: doc(policy) }],
            ..Default::default()
        }
    }

    fn snapshot(roles: Vec<Role>, users: Vec<User>) -> Snapshot {
        let mut s = Snapshot {
            account_id: "111111111111".into(),
            partition: "aws".into(),
            collected_at: "2026-11-20T06:00:00Z".into(),
            ..Default::default()
        };
        s.iam.roles = roles;
        s.iam.users = users;
        s
    }

    fn verdict(s: &Snapshot, arn: &str) -> (Verdict, Vec<&'static str>) {
        let ps = principals(s);
        let g = build_graph(s, &ps, None);
        let e = g.escalation_of(arn).unwrap_or_else(|| panic!("{arn}"));
        (e.verdict, e.chain.iter().map(|s| s.edge).collect())
    }

    const ADMIN_POLICY: fn() -> serde_json::Value = || json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]);

    /// Cross-account: a role trusting another account's root needs the caller's own Allow; a
    /// trust naming a caller of another account directly is not enough without it.
    #[test]
    fn cross_account_needs_identity_and_trust() {
        let caller = "arn:aws:iam::222222222222:user/ext";
        let trust_root = json!([{"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole"}]);
        let trust_user = json!([{"Effect": "Allow", "Principal": {"AWS": caller}, "Action": "sts:AssumeRole"}]);
        let allow =
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/*"}]);
        let none = json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]);
        for (trust, policy, want) in [
            (trust_root.clone(), allow.clone(), Verdict::Admin),
            (trust_root, none.clone(), Verdict::None),
            (trust_user.clone(), none, Verdict::None),
            (trust_user, allow, Verdict::Admin),
        ] {
            let s = snapshot(
                vec![role("111111111111", "admin", trust.clone(), ADMIN_POLICY())],
                vec![user("222222222222", "ext", policy.clone())],
            );
            assert_eq!(verdict(&s, caller).0, want, "trust {trust}, policy {policy}");
        }
    }

    /// The caller reaches the actor and the target on separate branches: the actor cannot
    /// assume the target, the caller can assume both (pathfinding.cloud iam-014 in two hands).
    #[test]
    fn enable_through_separate_branches() {
        let a = "111111111111";
        let trusts_u = json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:user/u")}, "Action": "sts:AssumeRole"}]);
        let s = snapshot(
            vec![
                role(
                    a,
                    "x",
                    trusts_u.clone(),
                    json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": format!("arn:aws:iam::{a}:role/t")}]),
                ),
                role(a, "t", trusts_u, json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}])),
            ],
            vec![user(a, "u", json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]))],
        );
        let (v, chain) = verdict(&s, &format!("arn:aws:iam::{a}:user/u"));
        assert_eq!(v, Verdict::Admin);
        assert_eq!(chain, vec!["assume-role", "put-policy", "assume-role"]);
        // The actor alone cannot reach its target: no chain, and its PASS says why.
        let ps = principals(&s);
        let g = build_graph(&s, &ps, None);
        let x = g.escalation_of(&format!("arn:aws:iam::{a}:role/x")).unwrap();
        assert_eq!(x.verdict, Verdict::None);
        assert!(x.broken.iter().any(|b| b.contains("cannot act as")), "{:?}", x.broken);
    }

    /// UNKNOWN compute: the chain names the collection and merges the unknown-compute node into
    /// one step ending on the role.
    #[test]
    fn unknown_compute_is_one_step_naming_the_collection() {
        let a = "111111111111";
        let s = snapshot(
            vec![role(
                a,
                "fn",
                json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
                ADMIN_POLICY(),
            )],
            vec![user(a, "dev", json!([{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]))],
        );
        let ps = principals(&s);
        let g = build_graph(&s, &ps, None);
        let e = g.escalation_of(&format!("arn:aws:iam::{a}:user/dev")).unwrap();
        assert_eq!(e.verdict, Verdict::Unknown);
        assert_eq!(e.chain.len(), 2, "{}", e.text);
        assert_eq!(e.chain[0].gains, format!("arn:aws:iam::{a}:role/fn"));
        assert_eq!(e.unknown, vec!["lambda.functions not collected".to_owned()]);
        assert!(e.chain[0].granted_by.iter().any(|g| g.starts_with("trust:fn#")), "{:?}", e.chain[0]);
    }

    /// SCPs given to the evaluation break edges like an explicit Deny.
    #[test]
    fn scps_break_edges() {
        let a = "111111111111";
        let s = snapshot(
            vec![role(a, "r", json!([]), json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"}]))],
            Vec::new(),
        );
        let ps = principals(&s);
        let arn = format!("arn:aws:iam::{a}:role/r");
        assert_eq!(build_graph(&s, &ps, None).escalation_of(&arn).unwrap().verdict, Verdict::Admin);
        let scp = crate::iam_eval::stmts(
            "scp:no-iam",
            &doc(
                json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
            ),
        );
        let g = build_graph(&s, &ps, Some(&scp));
        let e = g.escalation_of(&arn).unwrap();
        assert_eq!(e.verdict, Verdict::None);
        assert!(e.broken.iter().any(|b| b.contains("scp:no-iam")), "{:?}", e.broken);
    }
}
