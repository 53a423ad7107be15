//! Resource-based policies the audit reads (S3 bucket policies, Secrets Manager resource
//! policies; KMS key policies are not collected): who outside the account, or anyone, an
//! Allow admits.
//!
//! "Public" follows the S3 definition ("The meaning of public", S3 User Guide, Blocking public
//! access): a statement admitting `*` is not public when a condition fixes the caller or the
//! source to literal values (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceVpc`, `aws:SourceVpce`,
//! `aws:userid`); a statement that only denies (TLS-only policies) grants nothing.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{PolicyDocument, Snapshot, Statement};

/// One Allow of a resource policy admitting a caller outside the account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalGrant {
    pub statement: usize,
    pub principal: String,
    /// `public` (anyone) or `cross-account`.
    pub kind: &'static str,
    pub actions: Vec<String>,
}

/// `input.derived.iam.resource_policies[resource arn]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResourcePolicyFacts {
    pub service: &'static str,
    pub grants: Vec<ExternalGrant>,
}

const FIXING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:userid",
];

fn fixed(st: &Statement) -> bool {
    st.condition.iter().any(|(op, keys)| {
        let base = op.trim_start_matches("ForAnyValue:");
        (base.starts_with("String") || base.starts_with("Arn")) && !base.contains("Not") && {
            keys.iter()
                .any(|(k, vals)| FIXING_KEYS.contains(&k.as_str()) && vals.iter().all(|v| !v.contains(['*', '?'])))
        }
    })
}

/// The external grants of one resource policy; `account` is the resource's account.
pub fn external_grants(doc: &PolicyDocument, account: &str) -> Vec<ExternalGrant> {
    let mut out = Vec::new();
    for (i, st) in doc.statement.iter().enumerate().filter(|(_, s)| s.effect == "Allow") {
        let actions = if st.not_action.is_empty() {
            st.action.clone()
        } else {
            vec![format!("NotAction[{}]", st.not_action.join(","))]
        };
        let mut push = |principal: String, kind| {
            out.push(ExternalGrant { statement: i, principal, kind, actions: actions.clone() })
        };
        if st.not_principal.is_some() && !fixed(st) {
            push("NotPrincipal".into(), "public");
        }
        let Some(principals) = &st.principal else { continue };
        for (ty, vals) in principals {
            for v in vals {
                if v == "*" {
                    if !fixed(st) {
                        push(format!("{ty}:*"), "public");
                    }
                } else if ty == "AWS" {
                    let acct = if v.len() == 12 { v.as_str() } else { v.split(':').nth(4).unwrap_or_default() };
                    if acct != account {
                        push(format!("AWS:{v}"), "cross-account");
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every collected resource policy with its external grants.
pub fn resource_policies(s: &Snapshot) -> BTreeMap<String, ResourcePolicyFacts> {
    let mut out = BTreeMap::new();
    for b in &s.s3.buckets {
        if let Some(doc) = &b.policy {
            let account = if b.meta.account_id.is_empty() { &s.account_id } else { &b.meta.account_id };
            out.insert(
                b.meta.arn.clone(),
                ResourcePolicyFacts { service: "s3", grants: external_grants(doc, account) },
            );
        }
    }
    for sec in &s.secretsmanager.secrets {
        if let Some(doc) = &sec.policy {
            let account = if sec.meta.account_id.is_empty() { &s.account_id } else { &sec.meta.account_id };
            out.insert(
                sec.meta.arn.clone(),
                ResourcePolicyFacts { service: "secretsmanager", grants: external_grants(doc, account) },
            );
        }
    }
    out
}
