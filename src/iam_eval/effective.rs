//! Effective permissions: what each Allow statement grants that survives Denies, the
//! permissions boundary and SCPs, conditional grants marked.

use super::*;

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
