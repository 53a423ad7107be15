//! Resource-policy grants: what a same-account resource policy (bucket, secret, key,
//! repository) grants a principal by naming its ARN, after Denies, SCPs and a role's boundary.

use super::*;

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
