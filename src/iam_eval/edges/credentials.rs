//! Obtaining another user's credentials: `create-access-key` (iam:CreateAccessKey), and a
//! console password with `create-login-profile` / `update-login-profile`. The caller then acts
//! as that user. The snapshot does not keep access-key counts or login profiles: an access key
//! cannot be created for a user that already has two, a login profile only created for a user
//! without one and updated for a user with one; holding only one of the two password actions
//! is therefore conditional.

use super::super::graph::Tier;
use super::super::witness::{CREATE_ACCESS_KEY, CREATE_LOGIN_PROFILE, UPDATE_LOGIN_PROFILE};
use super::assume::summarize;
use super::{labels, patterns, tier_of, why_not, Asker, Builder};

pub(super) fn check(b: &mut Builder<'_>, a: &Asker<'_>) {
    let key = "iam:CreateAccessKey";
    let (create, update) = ("iam:CreateLoginProfile", "iam:UpdateLoginProfile");
    for action in [key, create, update] {
        if !a.has(action) {
            continue;
        }
        let grants = a.grants(action);
        let cands = b.candidates(&b.users, &grants);
        let (mut ok, mut refused) = (0usize, Vec::new());
        for u in cands {
            if u == a.node {
                continue;
            }
            let target = b.target(u);
            let d = a.ask_on(action, &target);
            if !d.allowed {
                refused.push(format!("{} ({})", target.arn, why_not(&d)));
                continue;
            }
            let mut tier = tier_of(&d);
            let mut notes = d.notes.clone();
            let kind = match action {
                "iam:CreateAccessKey" => {
                    notes.push("fails while the user already has two access keys (not collected)".into());
                    CREATE_ACCESS_KEY
                }
                _ => {
                    // With both password actions the caller succeeds whether or not the user
                    // has a console password.
                    let other = if action == create { update } else { create };
                    let both = a.has(other) && a.ask_on(other, &target).allowed;
                    if !both {
                        tier = tier.max(Tier::Conditional);
                        notes.push(format!(
                            "works only if the user {} a console password (login profiles are not collected)",
                            if action == create { "has no" } else { "has" }
                        ));
                    }
                    if action == create {
                        CREATE_LOGIN_PROFILE
                    } else {
                        UPDATE_LOGIN_PROFILE
                    }
                }
            };
            ok += 1;
            let mut step = b.step(kind, a.node, action, target.arn, u, labels(&d), tier);
            step.notes = notes;
            b.edge(a.node, u, tier, step);
        }
        if ok == 0 {
            let why = if refused.is_empty() { "no other user matches".to_owned() } else { summarize(&refused) };
            b.broken(a.node, format!("{action} granted on {}: {why}", patterns(&grants)));
        }
    }
}
