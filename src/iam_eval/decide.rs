//! Statement matching and the decision for one (action, resource) request: how an action
//! set and a resource relate to a statement, each policy layer (identity, boundary, SCPs)
//! judged on its own, and the layers combined as AWS's evaluation logic combines them.

use super::*;

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
pub(super) fn action_rel(st: &Statement, q: &Actions) -> Rel {
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
pub(super) fn resolved<'a>(x: &'a str, facts: &Facts) -> Option<std::borrow::Cow<'a, str>> {
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
pub(super) fn resource_rel(st: &Statement, r: &str, facts: &Facts) -> Rel {
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
pub(super) enum Rel {
    Covers,
    Overlaps,
    Disjoint,
}

pub(super) fn rel(st: &Statement, a: &Actions, r: &str, facts: &Facts) -> Rel {
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
pub(super) enum Layer {
    Full(Vec<Source>),
    Conditional(Vec<Source>),
    Partial(Vec<Source>),
    None,
}

pub(super) fn layer(list: &[Stmt], a: &Actions, r: &str, facts: &Facts) -> Layer {
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
