//! `administrator` and `full-iam-write`: the principal itself holds `*` on `*`, or `iam:*` on
//! `*` (with full IAM write it can grant itself or a new principal anything), through the
//! one evaluation (Denies, boundary, SCPs, conditions). Also what "administrator" means for a
//! target that is given an administrator policy ([`upgradable`]).

use super::super::graph::{Tier, ADMIN};
use super::super::witness::{ADMINISTRATOR, FULL_IAM_WRITE};
use super::super::{decide_with, stmts, Actions, PrincipalPolicies, Stmt};
use super::{labels, tier_of, Asker, Builder};
use crate::model::PolicyDocument;

/// Adds the principal's direct edges to the administrator; true when one holds unconditionally
/// (nothing else about the principal matters then).
pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) -> bool {
    for (kind, action) in [(ADMINISTRATOR, "*"), (FULL_IAM_WRITE, "iam:*")] {
        let d = decide_with(a.p, a.scps, &Actions::Pattern(action.to_owned()), "*", &a.p.facts);
        if d.allowed && !d.partial {
            let tier = tier_of(&d);
            let mut step = b.step(kind, a.node, action, "*", ADMIN, labels(&d), tier);
            step.notes = d.notes.clone();
            b.edge(a.node, ADMIN, tier, step);
            if tier == Tier::Sure {
                return true;
            }
        }
    }
    false
}

/// Whether `p` would be administrator if an administrator policy were added to its identity
/// policies: its own Denies, its permissions boundary and the SCPs still apply. `None`: it
/// would not; otherwise the tier.
pub(crate) fn upgradable(p: &PrincipalPolicies, scps: Option<&[Stmt]>) -> Option<Tier> {
    // Nothing of its own stands in the way: the common case, answered without a copy.
    if p.boundary.is_none() && scps.is_none() && p.identity.iter().all(|s| s.st.effect == "Allow") {
        return Some(Tier::Sure);
    }
    let admin = Stmt {
        source: super::super::Source { policy: "administrator policy".into(), statement: 0, sid: None },
        st: crate::model::Statement {
            effect: "Allow".into(),
            action: vec!["*".into()],
            resource: vec!["*".into()],
            ..Default::default()
        },
    };
    let with = PrincipalPolicies {
        identity: p.identity.iter().cloned().chain([admin]).collect(),
        boundary: p.boundary.clone(),
        facts: p.facts.clone(),
        ..Default::default()
    };
    let d = decide_with(&with, scps, &Actions::Pattern("*".into()), "*", &p.facts);
    (d.allowed && !d.partial).then(|| tier_of(&d))
}

/// A managed policy that is administrator by itself (`*` on `*`, unconditionally).
pub(crate) fn document_is_admin(doc: &PolicyDocument) -> bool {
    document_allows(doc, "*")
}

/// Whether a policy document is administrator by itself, and how: `*` (every action) or
/// `iam:*` (full IAM write) on `*`, unconditionally.
pub(crate) fn document_admin_kind(doc: &PolicyDocument) -> Option<&'static str> {
    ["*", "iam:*"].into_iter().find(|a| document_allows(doc, a))
}

fn document_allows(doc: &PolicyDocument, action: &str) -> bool {
    let p = PrincipalPolicies { identity: stmts("policy", doc), ..Default::default() };
    let d = decide_with(&p, None, &Actions::Pattern(action.to_owned()), "*", &p.facts);
    d.allowed && !d.partial && !d.conditional
}
