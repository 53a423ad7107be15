//! Least-privilege and trust drift for the roles the baseline names.
//!
//! Permissions come from the IAM evaluation engine ([`crate::iam_eval::least_privilege`]),
//! the same function FF-IAM-003 reads through `input.derived.iam.least_privilege`: every
//! effective permission of the role (explicit unconditional Denies, the permissions boundary
//! and SCPs applied; conditional grants kept), and of every principal the privilege-escalation
//! graph lets it act as (named with the chain), must be contained in one `allow` entry of the
//! role's baseline. What is left is listed per granted action with the resource scopes beyond
//! the baseline and the statements that grant it. An attached policy whose document is not in
//! the snapshot is itself drift (unverifiable).
//!
//! Trust: every principal an Allow statement of the trust policy names must match a pattern of
//! `trusted_principals` for its type; a 12-digit account id is read as that account's root.

use std::collections::BTreeMap;

use serde_json::json;

use super::Item;
use crate::aws::iam::Role;
use crate::baseline::{EnvView, RoleBaseline};
use crate::iam_eval::glob::{action_covers, covers};
use crate::iam_eval::{least_privilege, principals, Context};
use crate::model::{DriftItem, DriftState, Severity, Snapshot};

pub(crate) fn check(s: &Snapshot, view: &EnvView, iam: &Context) -> Vec<DriftItem> {
    let ps = principals(s);
    let lp = least_privilege(s, &ps, &view.roles, iam);
    let mut items = Vec::new();
    for (key, rb) in &view.roles {
        let Some(role) = s.iam.roles.iter().find(|r| r.meta.name == rb.name) else { continue };
        items.extend(permissions(s, key, rb, role, lp.get(&role.meta.arn)));
        items.extend(trust(view, key, rb, role));
    }
    items
}

fn permissions(
    s: &Snapshot,
    key: &str,
    rb: &RoleBaseline,
    role: &Role,
    lp: Option<&crate::iam_eval::LeastPrivilege>,
) -> Vec<DriftItem> {
    let element = format!("role:{key}");
    let mut items = Vec::new();
    for att in &role.attached_policies {
        if s.iam.policies.iter().find(|p| p.meta.arn == att.policy_arn).and_then(|p| p.document.as_ref()).is_none() {
            items.push(
                Item::new("least-privilege", &element, DriftState::Changed, Severity::Medium)
                    .arn(&role.meta.arn)
                    .attr(format!("attached_policy:{}", att.policy_arn), json!(null), json!(att.policy_arn))
                    .message(format!(
                        "role {} has attached policy {} whose document is not in the snapshot: its permissions cannot be verified",
                        rb.name, att.policy_arn
                    )),
            );
        }
    }
    for e in lp.map(|lp| lp.excess.as_slice()).unwrap_or_default() {
        let severity = match e.severity {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            _ => Severity::Medium,
        };
        let baseline = if e.expected.is_empty() {
            " (the baseline grants no such action)".to_owned()
        } else {
            format!(" (baseline: {})", e.expected.join(", "))
        };
        // Held through another principal the role can act as: named with the chain.
        let (msg, attr) = match &e.via {
            None => (
                format!(
                    "role {} is granted {} on {} beyond its least-privilege baseline{baseline} (granted by {})",
                    rb.name,
                    e.action,
                    e.resources.join(", "),
                    e.granted_by.join(", ")
                ),
                format!("action:{}", e.action),
            ),
            Some(via) => (
                format!(
                    "role {} can act as {} ({}) and so holds {} on {} beyond its least-privilege baseline{baseline} (granted by {})",
                    rb.name,
                    via.principal,
                    via.chain,
                    e.action,
                    e.resources.join(", "),
                    e.granted_by.join(", ")
                ),
                format!("action:{} via:{}", e.action, via.principal),
            ),
        };
        items.push(
            Item::new("least-privilege", &element, DriftState::Changed, severity)
                .arn(&role.meta.arn)
                .attr(attr, json!(e.expected), json!(e.resources))
                .message(msg),
        );
    }
    items
}

fn trust(view: &EnvView, key: &str, rb: &RoleBaseline, role: &Role) -> Vec<DriftItem> {
    let element = format!("role:{key}");
    let mut found: BTreeMap<(String, String), Severity> = BTreeMap::new();
    for st in role.assume_role_policy.statement.iter().filter(|st| st.effect == "Allow") {
        let conditional = !st.condition.is_empty();
        if let Some(np) = &st.not_principal {
            for (ty, vals) in np {
                found.insert((format!("NotPrincipal:{ty}"), vals.join(",")), Severity::Critical);
            }
        }
        let Some(principals) = &st.principal else { continue };
        for (ty, vals) in principals {
            let allowed = rb.trusted_principals.get(ty).map(Vec::as_slice).unwrap_or_default();
            for v in vals {
                let v = if ty == "AWS" && v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()) {
                    format!("arn:{}:iam::{v}:root", view.partition)
                } else {
                    v.clone()
                };
                let ok = allowed.iter().any(|p| if ty == "Service" { action_covers(p, &v) } else { covers(p, &v) });
                if ok {
                    continue;
                }
                let severity = if v == "*" && !conditional {
                    Severity::Critical
                } else if v == "*" || (ty == "AWS" && !v.contains(&format!(":{}:", view.account_id))) {
                    Severity::High
                } else {
                    Severity::Medium
                };
                found.insert((ty.clone(), v), severity);
            }
        }
    }
    found
        .into_iter()
        .map(|((ty, v), severity)| {
            let expected =
                rb.trusted_principals.get(ty.trim_start_matches("NotPrincipal:")).cloned().unwrap_or_default();
            Item::new("trust", &element, DriftState::Changed, severity)
                .arn(&role.meta.arn)
                .attr(format!("principal:{ty}:{v}"), json!(expected), json!(v))
                .message(format!("{ty} principal {v} may assume role {} but the baseline does not trust it", rb.name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::aws::iam::{AttachedPolicy, InlinePolicy, ManagedPolicy};

    fn run(s: &Snapshot) -> Vec<DriftItem> {
        check(s, &prod_view(), &Context::default())
    }

    fn with_policy(statements: serde_json::Value) -> Snapshot {
        let mut s = compliant_snapshot();
        let role = s.iam.roles.iter_mut().find(|r| r.meta.name == "flowforge-prod-data-engineer").unwrap();
        role.inline_policies.push(InlinePolicy { name: "extra".into(), document: policy(statements) });
        s
    }

    fn attrs(items: &[DriftItem]) -> Vec<&str> {
        items.iter().map(|i| i.attribute.as_deref().unwrap_or("")).collect()
    }

    /// Roles exactly as the baseline grants them produce no drift.
    #[test]
    fn compliant_roles_have_no_drift() {
        let items = run(&compliant_snapshot());
        assert!(items.is_empty(), "{items:#?}");
    }

    /// `s3:*` is wider than the s3 actions the baseline lists; a narrower action is not drift.
    #[test]
    fn service_wildcard_is_excess_but_contained_action_is_not() {
        let s = with_policy(json!([
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::flowforge-prod-gold/*"},
            {"Effect": "Allow", "Action": ["S3:getobject"], "Resource": "arn:aws:s3:::flowforge-prod-gold/reports/*"}
        ]));
        let items = run(&s);
        assert_eq!(attrs(&items), vec!["action:s3:*"], "{items:#?}");
        assert_eq!(items[0].severity, Severity::High);
        assert_eq!(items[0].actual, Some(json!(["arn:aws:s3:::flowforge-prod-gold/*"])));
    }

    /// A baseline action on a wider resource is a resource-scope excess.
    #[test]
    fn wider_resource_scope_is_excess() {
        let s = with_policy(
            json!([{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::flowforge-prod-landing/*"}]),
        );
        let items = run(&s);
        assert_eq!(attrs(&items), vec!["action:s3:PutObject"]);
        assert_eq!(items[0].actual, Some(json!(["arn:aws:s3:::flowforge-prod-landing/*"])));
        assert_eq!(
            items[0].expected,
            Some(json!([
                "arn:aws:s3:::flowforge-prod-bronze/*",
                "arn:aws:s3:::flowforge-prod-gold/*",
                "arn:aws:s3:::flowforge-prod-silver/*"
            ]))
        );
    }

    /// An unconditional explicit Deny removes the excess; a conditional one does not.
    #[test]
    fn explicit_deny_removes_excess_only_without_condition() {
        let s = with_policy(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "kms:Decrypt"], "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}}
        ]));
        assert_eq!(attrs(&run(&s)), vec!["action:kms:Decrypt"]);
    }

    /// NotAction in an Allow grants nearly everything; NotAction in a Deny denies the rest.
    #[test]
    fn not_action_allow_and_deny() {
        let s = with_policy(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]));
        let items = run(&s);
        let own: Vec<&DriftItem> = items.iter().filter(|i| !attrs(&[(*i).clone()])[0].contains(" via:")).collect();
        assert_eq!(own.len(), 1, "{own:#?}");
        assert_eq!(own[0].attribute.as_deref(), Some("action:NotAction[iam:*]"));
        assert_eq!(own[0].severity, Severity::Critical);
        // sts:AssumeRole on * (NotAction iam:* grants it) reaches the roles trusting the account
        // with MFA: their permissions count too, each named with its chain.
        let via: Vec<&DriftItem> = items
            .iter()
            .filter(|i| i.message.contains("can act as arn:aws:iam::123456789012:role/flowforge-prod-devops"))
            .collect();
        assert!(
            via.iter().any(|i| i.attribute.as_deref()
                == Some("action:ecs:UpdateService via:arn:aws:iam::123456789012:role/flowforge-prod-devops")),
            "{items:#?}"
        );
        assert!(via.iter().all(|i| i.message.contains("--[sts:AssumeRole]--> role/flowforge-prod-devops")), "{via:#?}");

        let s = with_policy(json!([
            {"Effect": "Allow", "Action": ["ec2:RunInstances", "s3:DeleteBucket"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["s3:*"], "Resource": "*"}
        ]));
        assert_eq!(attrs(&run(&s)), vec!["action:s3:DeleteBucket"], "ec2 is denied by the NotAction deny");
    }

    /// Attached managed policies count; a missing document is reported, not ignored.
    #[test]
    fn attached_policies_are_resolved() {
        let mut s = compliant_snapshot();
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/wide");
        s.iam.policies.push(ManagedPolicy {
            meta: meta("iam", "policy", "wide", "wide", &[]),
            document: Some(policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))),
            ..Default::default()
        });
        let role = s.iam.roles.iter_mut().find(|r| r.meta.name == "flowforge-prod-auditor").unwrap();
        role.attached_policies.push(AttachedPolicy { policy_name: "wide".into(), policy_arn: arn });
        role.attached_policies
            .push(AttachedPolicy { policy_name: "gone".into(), policy_arn: "arn:aws:iam::aws:policy/Gone".into() });
        let items = run(&s);
        assert_eq!(attrs(&items), vec!["attached_policy:arn:aws:iam::aws:policy/Gone", "action:*"]);
        assert_eq!(items[1].severity, Severity::Critical);
    }

    /// Trust beyond the baseline: another account, and `*`.
    #[test]
    fn trust_drift_lists_extra_principals() {
        let mut s = compliant_snapshot();
        let role = s.iam.roles.iter_mut().find(|r| r.meta.name == "flowforge-prod-devops").unwrap();
        role.assume_role_policy = policy(json!([
            {"Effect": "Allow", "Principal": {"AWS": ["123456789012", "999999999999"]}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
        ]));
        // (Every baseline role now reaches devops through its open trust: least-privilege items
        // of their own, asserted in not_action_allow_and_deny; here the trust items.)
        let items: Vec<DriftItem> = run(&s).into_iter().filter(|i| i.kind == "trust").collect();
        assert_eq!(attrs(&items), vec!["principal:AWS:*", "principal:AWS:arn:aws:iam::999999999999:root"]);
        assert_eq!(items[0].severity, Severity::Critical);
        assert_eq!(items[1].severity, Severity::High);
    }
}
