//! The identity Terraform types: IAM roles (with their inline policies and attachments
//! folded in), customer managed policies and OIDC identity providers.

use std::collections::BTreeSet;

use serde_json::json;

use super::values::{doc_value, policy_value, s, sorted_strs, Attrs};
use super::{Matched, Parts, Section, TfResource};
use crate::model::Snapshot;

pub(super) const SECTION: Section = Section {
    matchers: &[("iam.roles", role), ("iam.policies", policy), ("iam.oidc_providers", oidc_provider)],
    gather,
    not_owned,
};

/// A role: its trust policy, and the inline policies and attachments the state declares for it
/// (an inline policy the state does not know is drift too).
fn role<'s>(a: &Attrs, parts: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let x = snap.iam.roles.iter().find(|x| x.meta.name == s(a, "name"))?;
    let mut c = vec![(
        "assume_role_policy".into(),
        policy_value(s(a, "assume_role_policy")),
        doc_value(Some(&x.assume_role_policy)),
    )];
    let role = s(a, "name");
    if let Some(want) = parts.role_inline.get(role) {
        for (pname, doc) in want {
            let got = doc_value(x.inline_policies.iter().find(|p| &p.name == pname).map(|p| &p.document));
            c.push((format!("inline_policies.{pname}"), doc.clone(), got));
        }
        let extra: Vec<&str> =
            x.inline_policies.iter().map(|p| p.name.as_str()).filter(|n| !want.contains_key(*n)).collect();
        if !extra.is_empty() {
            c.push((
                "inline_policies".into(),
                json!(want.keys().collect::<Vec<_>>()),
                json!(x.inline_policies.iter().map(|p| &p.name).collect::<Vec<_>>()),
            ));
        }
    }
    if let Some(want) = parts.role_attached.get(role) {
        let got: BTreeSet<&str> = x.attached_policies.iter().map(|p| p.policy_arn.as_str()).collect();
        c.push(("attached_policies".into(), json!(want), json!(got)));
    }
    Some((&x.meta, c))
}

fn policy<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let p = snap.iam.policies.iter().find(|p| p.meta.arn == s(a, "arn"))?;
    Some((&p.meta, vec![("document".into(), policy_value(s(a, "policy")), doc_value(p.document.as_ref()))]))
}

fn oidc_provider<'s>(a: &Attrs, _: &Parts, snap: &'s Snapshot) -> Option<Matched<'s>> {
    let p = snap.iam.oidc_providers.iter().find(|p| !s(a, "arn").is_empty() && p.meta.arn == s(a, "arn"))?;
    let mut got = p.client_ids.clone();
    got.sort();
    Some((&p.meta, vec![("client_id_list".into(), json!(sorted_strs(a.get("client_id_list"))), json!(got))]))
}

/// The role policies and attachments the state declares, by role name.
fn gather(r: &TfResource, p: &mut Parts) {
    let a = &r.attributes;
    match r.resource_type.as_str() {
        "aws_iam_role_policy" => {
            // `role` is the role name; `id` is "role:policy".
            p.role_inline
                .entry(s(a, "role").to_owned())
                .or_default()
                .insert(s(a, "name").to_owned(), policy_value(s(a, "policy")));
        }
        "aws_iam_role_policy_attachment" => {
            p.role_attached.entry(s(a, "role").to_owned()).or_default().insert(s(a, "policy_arn").to_owned());
        }
        _ => {}
    }
}

/// Terraform does not own service-linked roles or AWS managed policies.
fn not_owned<'s>(snap: &'s Snapshot, out: &mut BTreeSet<(&'static str, &'s str)>) {
    out.extend(
        snap.iam
            .roles
            .iter()
            .filter(|r| r.path.starts_with("/aws-service-role/"))
            .map(|r| ("iam.roles", r.meta.arn.as_str())),
    );
    out.extend(snap.iam.policies.iter().filter(|p| p.aws_managed).map(|p| ("iam.policies", p.meta.arn.as_str())));
}
