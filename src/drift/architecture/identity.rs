//! Architecture drift of the identity sections (`architecture.secrets`, `roles`): each
//! declared secret and role exists (a role is also found by its role tag, then its name is
//! drift). What the roles may do and who may assume them is `drift::privilege`'s.

use super::{missing, name_drift, Candidate, Run};
use crate::model::{ResourceMeta, Severity, Snapshot};

pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    for name in &view.architecture.secrets {
        let element = format!("secret:{name}");
        let what = format!("secret `{name}`");
        run.exists(
            &element,
            "secretsmanager.secrets",
            &s.secretsmanager.secrets,
            |x| &x.meta,
            name,
            Severity::Medium,
            &what,
        );
    }
    for (key, role) in &view.roles {
        let element = format!("role:{key}");
        let tag = Some((view.recognise.role_tag.as_str(), key.as_str()));
        let drift = match run.find(&s.iam.roles, |r| &r.meta, &role.name, tag) {
            None => run
                .absent("iam.roles", missing(&element, Severity::Medium, &format!("IAM role `{}`", role.name)))
                .into_iter()
                .collect(),
            Some(r) => name_drift(&element, &r.meta, &role.name).into_iter().collect(),
        };
        run.element(&element, drift);
    }
}

/// Secrets and roles that are FlowForge's (`looks`: the one decision of `baseline::scope`).
pub(super) fn candidates<'a>(s: &'a Snapshot, looks: &dyn Fn(&ResourceMeta) -> bool) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate> = Vec::new();
    for x in s.secretsmanager.secrets.iter().filter(|x| looks(&x.meta)) {
        out.push((format!("secret:{}", x.meta.name), Severity::Medium, &x.meta));
    }
    for r in s.iam.roles.iter().filter(|r| looks(&r.meta)) {
        out.push((format!("role:{}", r.meta.name), Severity::Low, &r.meta));
    }
    out
}
