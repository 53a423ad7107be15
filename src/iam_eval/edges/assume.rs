//! `assume-role`: the caller may call sts:AssumeRole on the role (identity policy, boundary,
//! SCPs, conditions) and the role's trust policy admits it. A trust policy naming the caller's
//! ARN (or every principal) in the same account needs no identity permission ("Evaluating
//! policies within a single account", IAM User Guide; PMapper sts_edges.py: "NODE_MATCH will
//! override a lack of an allow from iam policy"); one naming the account root, or a caller of
//! another account, needs both. A Deny in the trust policy matching the caller wins.

use super::super::condition::{self, Caller, Domain, Truth};
use super::super::glob::action_covers;
use super::super::graph::Tier;
use super::super::witness::ASSUME_ROLE;
use super::{labels, patterns, tier_of, why_not, Asker, Builder};
use crate::aws::iam::Role;
use crate::model::Statement;

fn assume_action(st: &Statement) -> bool {
    if st.not_action.is_empty() {
        st.action.iter().any(|a| action_covers(a, "sts:AssumeRole"))
    } else {
        !st.not_action.iter().any(|a| action_covers(a, "sts:AssumeRole"))
    }
}

fn account_root(v: &str, partition: &str) -> Option<String> {
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.to_owned());
    }
    let rest = v.strip_prefix(&format!("arn:{partition}:iam::"))?;
    let (acct, res) = rest.split_once(':')?;
    (res == "root").then(|| acct.to_owned())
}

/// Builds the trust indexes: which roles name a principal, admit everyone, or trust a service.
pub(super) fn index_trust(b: &mut Builder<'_>) {
    let mut naming: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
    let mut open = Vec::new();
    let mut trusting: std::collections::HashMap<String, Vec<(u32, Tier, String)>> = std::collections::HashMap::new();
    let service_facts = condition::Facts {
        now: condition::parse_time(&b.s.collected_at),
        caller: Caller::Service,
        account: Some(b.account.clone()),
        ..Default::default()
    };
    for r in &b.s.iam.roles {
        let Some(rn) = b.node(&r.meta.arn) else { continue };
        let mut denied_services: Vec<&str> = Vec::new();
        for st in r.assume_role_policy.statement.iter().filter(|s| s.effect == "Deny" && assume_action(s)) {
            if condition::judge(st, true, &service_facts) == Truth::Always {
                denied_services
                    .extend(st.principal.iter().flat_map(|p| p.get("Service")).flatten().map(String::as_str));
            }
        }
        for (i, st) in r.assume_role_policy.statement.iter().enumerate() {
            if st.effect != "Allow" || !assume_action(st) {
                continue;
            }
            if st.not_principal.is_some() {
                open.push(rn);
            }
            let Some(principals) = &st.principal else { continue };
            for v in principals.get("AWS").into_iter().flatten() {
                if v == "*" {
                    open.push(rn);
                } else {
                    naming.entry(naming_key(v)).or_default().push(rn);
                }
            }
            for svc in principals.get("Service").into_iter().flatten() {
                if denied_services.contains(&svc.as_str()) {
                    continue;
                }
                let tier = match condition::judge(st, false, &service_facts) {
                    Truth::Never => continue,
                    Truth::Maybe => Tier::Conditional,
                    Truth::Always => Tier::Sure,
                };
                trusting.entry(svc.clone()).or_default().push((rn, tier, trust_label(r, i, st)));
            }
        }
    }
    open.sort_unstable();
    open.dedup();
    for v in naming.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    b.naming = naming;
    b.open_trust = open;
    b.trusting = trusting;
}

/// How [`index_trust`] files a principal a trust policy names: its ARN, or for a role session
/// (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`) `session:ACCOUNT:NAME`.
fn naming_key(v: &str) -> String {
    if let Some((head, rest)) = v.split_once(":assumed-role/") {
        if let (Some(acct), Some(name)) = (head.split(':').nth(4), rest.split('/').next()) {
            return format!("session:{acct}:{name}");
        }
    }
    v.to_owned()
}

pub(crate) fn trust_label(r: &Role, i: usize, st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("trust:{}#{sid}", r.meta.name),
        None => format!("trust:{}#{i}", r.meta.name),
    }
}

/// How a role's trust policy admits a caller.
#[derive(Debug, Default)]
pub(crate) struct Admission {
    /// The trust names the caller itself (or everyone): enough in the same account.
    pub direct: Option<(Tier, String)>,
    /// The trust names the caller's account: the caller's own policies must allow it too.
    pub account: Option<(Tier, String)>,
    /// A Deny of the trust policy matching the caller.
    pub denied: Option<String>,
    /// A Deny that matches under a condition.
    pub conditional_deny: bool,
}

/// Judges a role's trust policy for the caller `a` (sts:AssumeRole).
pub(crate) fn admits(b: &Builder<'_>, r: &Role, a: &Asker<'_>) -> Admission {
    let p = a.p;
    let acct = p.facts.account.as_deref().unwrap_or("");
    let session = format!("arn:{}:sts::{acct}:assumed-role/{}/", b.partition, p.name);
    let matches_caller = |v: &str| -> Option<bool> {
        if v == "*" || v == p.arn || (p.kind == "role" && v.starts_with(&session)) {
            Some(true)
        } else if account_root(v, &b.partition).as_deref() == Some(acct) {
            Some(false)
        } else {
            None
        }
    };
    let facts = p
        .facts
        .with("aws:resourceaccount", Domain::Values(vec![r.meta.arn.split(':').nth(4).unwrap_or("").to_owned()]));
    let mut out = Admission::default();
    let better = |cur: &Option<(Tier, String)>, t: Tier| cur.as_ref().is_none_or(|(c, _)| t < *c);
    for (i, st) in r.assume_role_policy.statement.iter().enumerate() {
        if !assume_action(st) || p.kind == "group" {
            continue;
        }
        // Does the statement's principal element cover the caller, and how?
        let hit: Option<bool> = match (&st.principal, &st.not_principal) {
            (_, Some(np)) => {
                let listed = np.get("AWS").into_iter().flatten().any(|v| matches_caller(v).is_some() && v != "*");
                (!listed).then_some(true)
            }
            (Some(pr), None) => pr.get("AWS").into_iter().flatten().filter_map(|v| matches_caller(v)).max(),
            (None, None) => None,
        };
        let Some(direct) = hit else { continue };
        let deny = st.effect == "Deny";
        let truth = condition::judge(st, deny, &facts);
        if deny {
            match truth {
                Truth::Always => out.denied = Some(trust_label(r, i, st)),
                Truth::Maybe => out.conditional_deny = true,
                Truth::Never => {}
            }
            continue;
        }
        let tier = match truth {
            Truth::Never => continue,
            Truth::Maybe => Tier::Conditional,
            Truth::Always => Tier::Sure,
        };
        let slot = if direct { &mut out.direct } else { &mut out.account };
        if better(slot, tier) {
            *slot = Some((tier, trust_label(r, i, st)));
        }
    }
    out
}

/// Adds the caller's assume-role edges.
pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    if a.p.kind == "group" && !a.has("sts:AssumeRole") {
        return;
    }
    let grants = if a.has("sts:AssumeRole") { a.grants("sts:AssumeRole") } else { Vec::new() };
    let mut cands = b.candidates(&b.roles, &grants);
    cands.extend(b.naming.get(&a.p.arn).into_iter().flatten().copied());
    if a.p.kind == "role" {
        let session = format!("session:{}:{}", a.p.facts.account.as_deref().unwrap_or(""), a.p.name);
        cands.extend(b.naming.get(&session).into_iter().flatten().copied());
    }
    cands.extend(b.open_trust.iter().copied());
    cands.sort_unstable();
    cands.dedup();
    let (mut ok, mut refused) = (0usize, Vec::new());
    for rn in cands {
        if rn == a.node {
            continue;
        }
        let Some(role) = b.role_of.get(&rn).copied() else { continue };
        let t = b.target(rn);
        let cross = t.account != a.p.facts.account.as_deref().unwrap_or("");
        let adm = admits(b, role, a);
        if let Some(by) = &adm.denied {
            refused.push(format!("{} (denied by {by})", t.arn));
            continue;
        }
        let d = if grants.is_empty() { None } else { Some(a.ask_on("sts:AssumeRole", &t)) };
        let identity = d.as_ref().filter(|d| d.allowed);
        let trust = if cross {
            adm.account.as_ref().or(adm.direct.as_ref())
        } else {
            adm.direct.as_ref().or(adm.account.as_ref())
        };
        let (tier, mut granted) = match (identity, trust, &adm.direct) {
            (Some(d), Some((tt, tl)), _) => {
                let mut g = labels(d);
                g.push(tl.clone());
                (tier_of(d).max(*tt), g)
            }
            (None, _, Some((tt, tl))) if !cross => match super::resource_based(a, "sts:AssumeRole", t.arn) {
                Some(rt) => ((*tt).max(rt), vec![tl.clone()]),
                None => {
                    refused.push(format!("{} (sts:AssumeRole denied to the caller)", t.arn));
                    continue;
                }
            },
            _ => {
                if !grants.is_empty() {
                    refused.push(match (&d, trust) {
                        (Some(d), _) if !d.allowed => format!("{} ({})", t.arn, why_not(d)),
                        _ => format!("{} (its trust policy does not admit the caller)", t.arn),
                    });
                }
                continue;
            }
        };
        granted.sort();
        granted.dedup();
        let tier = if adm.conditional_deny { tier.max(Tier::Conditional) } else { tier };
        let step = b.step(ASSUME_ROLE, a.node, "sts:AssumeRole", t.arn, rn, granted, tier);
        b.edge(a.node, rn, tier, step);
        ok += 1;
    }
    if !grants.is_empty() && ok == 0 {
        let why = if refused.is_empty() {
            "no role of the account matches".to_owned()
        } else {
            format!("no role admits it: {}", summarize(&refused))
        };
        b.broken(a.node, format!("sts:AssumeRole granted on {}: {why}", patterns(&grants)));
    }
}

/// At most three reasons, and how many more.
pub(crate) fn summarize(list: &[String]) -> String {
    let mut s = list.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if list.len() > 3 {
        s.push_str(&format!("; and {} more", list.len() - 3));
    }
    s
}
