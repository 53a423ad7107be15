//! Resource-based policies the audit reads: S3 bucket policies, Secrets Manager resource
//! policies, KMS key policies and ECR repository policies. For each: who outside the account,
//! or anyone, an Allow admits (`grants`); which principals of the account it names
//! (`account_grants`, which feed the principals' effective permissions, see
//! [`resource_grants_of`]); and, for a KMS key, whether the key policy lets the account's IAM
//! policies count at all (`iam_policies_enabled`).
//!
//! "Public" follows the S3 definition ("The meaning of public", S3 User Guide, Blocking public
//! access): a statement admitting `*` is not public when a condition fixes the caller or the
//! source to literal values (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
//! `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`,
//! `aws:SourceOwner`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:userid`; for a KMS key also
//! `kms:CallerAccount`, "AWS KMS condition keys", KMS Developer Guide); a statement that only
//! denies (TLS-only policies) grants nothing. A condition with a `Not` operator, `IfExists`,
//! or a wildcard value does not fix anything.
//!
//! Same-account principals ("Policy evaluation logic", IAM User Guide, "Evaluating policies
//! within a single account"): an Allow in a resource policy naming a user or role of the
//! account grants it that access on the resource even without an identity-policy Allow, except
//! for KMS, where the key policy is the primary control: identity policies count only when the
//! key policy allows the account ("Key policies in AWS KMS", "Default key policy": the
//! statement giving the account root principal access "enables IAM policies").

use std::collections::BTreeMap;

use serde::Serialize;

use super::Actions;
use crate::model::{PolicyDocument, Snapshot, Statement};

/// One Allow of a resource policy admitting a caller outside the account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalGrant {
    pub statement: usize,
    pub principal: String,
    /// `public` (anyone) or `cross-account`.
    pub kind: &'static str,
    pub actions: Vec<String>,
    /// The other account (`cross-account` grants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// One Allow of a resource policy naming a principal of the resource's own account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AccountGrant {
    pub statement: usize,
    /// The principal as written (`arn:aws:iam::111122223333:role/x`, or the account root).
    pub principal: String,
    /// True for the account itself (`123456789012` or `arn:...:root`): a delegation to the
    /// account's IAM policies, not a grant to one principal.
    pub account_root: bool,
    pub actions: Vec<String>,
    /// The resources the statement names (`Resource`), empty for `*` or `NotResource` (the
    /// resource itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    pub conditional: bool,
    /// The actions as the engine matches them.
    #[serde(skip)]
    pub patterns: Vec<Actions>,
}

/// `input.derived.iam.resource_policies[resource arn]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResourcePolicyFacts {
    /// `s3`, `secretsmanager`, `kms` or `ecr`.
    pub service: &'static str,
    pub grants: Vec<ExternalGrant>,
    pub account_grants: Vec<AccountGrant>,
    /// KMS only: whether an unconditional Allow of `kms:*` (or `*`) to the account lets the
    /// account's IAM policies grant use of the key. `None` for other services.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam_policies_enabled: Option<bool>,
}

const FIXING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:userid",
];

/// Condition keys that fix the caller for one service only.
fn service_fixing_key(service: &str, key: &str) -> bool {
    service == "kms" && key == "kms:calleraccount"
}

fn fixed(st: &Statement, service: &str) -> bool {
    st.condition.iter().any(|(op, keys)| {
        let base = op.trim_start_matches("ForAnyValue:");
        (base.starts_with("String") || base.starts_with("Arn"))
            && !base.contains("Not")
            && !base.ends_with("IfExists")
            && keys.iter().any(|(k, vals)| {
                (FIXING_KEYS.contains(&k.as_str()) || service_fixing_key(service, k))
                    && !vals.is_empty()
                    && vals.iter().all(|v| !v.contains(['*', '?']))
            })
    })
}

/// The account of an `AWS` principal: a 12-digit id or the fifth field of an ARN.
fn account_of(v: &str) -> &str {
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        v
    } else {
        v.split(':').nth(4).unwrap_or_default()
    }
}

fn is_root(v: &str, account: &str) -> bool {
    v == account || (v.starts_with("arn:") && v.ends_with(&format!(":{account}:root")))
}

fn actions_of(st: &Statement) -> Vec<String> {
    if st.not_action.is_empty() {
        st.action.clone()
    } else {
        vec![format!("NotAction[{}]", st.not_action.join(","))]
    }
}

/// The external grants of one resource policy of `service`; `account` is the resource's account.
pub fn external_grants_of(doc: &PolicyDocument, service: &str, account: &str) -> Vec<ExternalGrant> {
    let mut out = Vec::new();
    for (i, st) in doc.statement.iter().enumerate().filter(|(_, s)| s.effect == "Allow") {
        let actions = actions_of(st);
        let mut push = |principal: String, kind, acct: Option<String>| {
            out.push(ExternalGrant { statement: i, principal, kind, actions: actions.clone(), account: acct })
        };
        if st.not_principal.is_some() && !fixed(st, service) {
            push("NotPrincipal".into(), "public", None);
        }
        let Some(principals) = &st.principal else { continue };
        for (ty, vals) in principals {
            for v in vals {
                if v == "*" {
                    if !fixed(st, service) {
                        push(format!("{ty}:*"), "public", None);
                    }
                } else if ty == "AWS" {
                    let acct = account_of(v);
                    if acct != account {
                        push(format!("AWS:{v}"), "cross-account", Some(acct.to_owned()));
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The external grants of one resource policy (service-neutral condition keys only).
pub fn external_grants(doc: &PolicyDocument, account: &str) -> Vec<ExternalGrant> {
    external_grants_of(doc, "", account)
}

/// The Allows of one resource policy that name principals of `account`.
pub fn account_grants(doc: &PolicyDocument, account: &str) -> Vec<AccountGrant> {
    let mut out = Vec::new();
    for (i, st) in doc.statement.iter().enumerate().filter(|(_, s)| s.effect == "Allow") {
        let Some(principals) = &st.principal else { continue };
        for v in principals.get("AWS").into_iter().flatten() {
            if v != "*" && account_of(v) == account {
                out.push(AccountGrant {
                    statement: i,
                    principal: v.clone(),
                    account_root: is_root(v, account),
                    actions: actions_of(st),
                    resources: if st.not_resource.is_empty() {
                        st.resource.iter().filter(|r| *r != "*").cloned().collect()
                    } else {
                        Vec::new()
                    },
                    conditional: !st.condition.is_empty(),
                    patterns: if st.not_action.is_empty() {
                        st.action.iter().map(|a| Actions::Pattern(a.clone())).collect()
                    } else {
                        vec![Actions::AllExcept(st.not_action.clone())]
                    },
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a KMS key policy lets IAM policies of `account` count: an unconditional Allow of
/// `kms:*` (or `*`) to the account root ("Default key policy", KMS Developer Guide).
pub fn kms_iam_policies_enabled(doc: &PolicyDocument, account: &str) -> bool {
    account_grants(doc, account).iter().any(|g| {
        g.account_root && !g.conditional && g.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("kms:*"))
    })
}

/// The facts of one resource policy.
pub fn facts(doc: &PolicyDocument, service: &'static str, account: &str) -> ResourcePolicyFacts {
    ResourcePolicyFacts {
        service,
        grants: external_grants_of(doc, service, account),
        account_grants: account_grants(doc, account),
        iam_policies_enabled: (service == "kms").then(|| kms_iam_policies_enabled(doc, account)),
    }
}

/// Every collected resource policy with its facts, by resource ARN.
pub fn resource_policies(s: &Snapshot) -> BTreeMap<String, ResourcePolicyFacts> {
    let mut out = BTreeMap::new();
    let mut add = |meta: &crate::model::ResourceMeta, doc: &Option<PolicyDocument>, service: &'static str| {
        if let Some(doc) = doc {
            let account = if meta.account_id.is_empty() { &s.account_id } else { &meta.account_id };
            out.insert(meta.arn.clone(), facts(doc, service, account));
        }
    };
    for b in &s.s3.buckets {
        add(&b.meta, &b.policy, "s3");
    }
    for sec in &s.secretsmanager.secrets {
        add(&sec.meta, &sec.policy, "secretsmanager");
    }
    for k in &s.kms.keys {
        add(&k.meta, &k.policy, "kms");
    }
    for r in &s.ecr.repositories {
        add(&r.meta, &r.policy, "ecr");
    }
    out
}
