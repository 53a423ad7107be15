//! `create-principal`: creating a role (or user) of one's own and giving it an administrator
//! policy (PMapper gathering.py, `update_admin_status`: "check if node can create a role and
//! attach the AdministratorAccess policy or an inline policy"). The new role's trust names the
//! creator, so it needs no sts:AssumeRole permission of its own (same account), only not to be
//! denied it. A creation that must set a permissions boundary (a condition on
//! `iam:PermissionsBoundary`) gives a bounded principal: no edge.

use super::super::condition::Domain;
use super::super::graph::{Tier, ADMIN};
use super::super::witness::CREATE_PRINCIPAL;
use super::{labels, tier_of, Asker, Builder};
use crate::iam_eval::Decision;

pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    for (create, writes, then) in [
        ("iam:CreateRole", ["iam:PutRolePolicy", "iam:AttachRolePolicy"], &[][..]),
        (
            "iam:CreateUser",
            ["iam:PutUserPolicy", "iam:AttachUserPolicy"],
            &["iam:CreateAccessKey", "iam:CreateLoginProfile"][..],
        ),
    ] {
        if !a.has(create) {
            continue;
        }
        // No boundary in the request: a creation that requires one is refused.
        let bare = a.p.facts.with("iam:permissionsboundary", Domain::Absent);
        let Some(c) = a.somewhere_with(create, &bare) else {
            b.broken(
                a.node,
                format!("{create}: only allowed with a permissions boundary on the new principal, or not at all"),
            );
            continue;
        };
        let write = writes.iter().find_map(|w| {
            let facts = if w.contains("Attach") {
                a.p.facts.with("iam:policyarn", Domain::Values(vec![b.admin_policies[0].clone()]))
            } else {
                a.p.facts.clone()
            };
            a.has(w).then(|| a.somewhere_with(w, &facts)).flatten().map(|d| (*w, d))
        });
        let Some((w, wd)) = write else {
            b.broken(
                a.node,
                format!("{create} without a way to give the new principal a policy ({})", writes.join(" or ")),
            );
            continue;
        };
        let mut decisions: Vec<(&str, Decision)> = vec![(create, c), (w, wd)];
        if then.is_empty() {
            let resource = format!("arn:{}:iam::{}:role/*", b.partition, b.account);
            match super::resource_based(a, "sts:AssumeRole", &resource) {
                Some(Tier::Sure) => {}
                Some(_) => decisions[0].1.conditional = true,
                None => {
                    b.broken(a.node, format!("{create}: the new role could not be assumed (sts:AssumeRole denied)"));
                    continue;
                }
            }
        } else {
            match then.iter().find_map(|t| a.somewhere(t).map(|d| (*t, d))) {
                Some(x) => decisions.push(x),
                None => {
                    b.broken(
                        a.node,
                        format!("{create}: no way to obtain the new user's credentials ({})", then.join(" or ")),
                    );
                    continue;
                }
            }
        }
        let tier = decisions.iter().map(|(_, d)| tier_of(d)).max().unwrap_or(Tier::Sure);
        let action = decisions.iter().map(|(x, _)| *x).collect::<Vec<_>>().join(" + ");
        let mut granted: Vec<String> = decisions.iter().flat_map(|(_, d)| labels(d)).collect();
        granted.sort();
        granted.dedup();
        let kind = if then.is_empty() { "role" } else { "user" };
        let mut step = b.step(CREATE_PRINCIPAL, a.node, &action, &format!("a new {kind}"), ADMIN, granted, tier);
        step.notes = vec![format!("the new {kind} gets an administrator policy and no permissions boundary")];
        b.edge(a.node, ADMIN, tier, step);
    }
}
