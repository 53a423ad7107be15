//! Trust policies judged by who can actually assume the role.
//!
//! - `*` (or a `NotPrincipal` in an Allow) admits every AWS principal: acceptable only when a
//!   condition pins the caller's identity (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
//!   `aws:PrincipalArn` with a literal value). A condition on anything else (time, MFA, source
//!   IP) leaves the role open to everyone who meets it.
//! - A principal of another account is acceptable only with such a condition or with
//!   `sts:ExternalId` (the third-party pattern, IAM User Guide "Access to AWS accounts owned by
//!   third parties"); the account's own principals are trusted as the account decides.
//! - OIDC federated principals (IRSA, GitHub Actions, any `oidc-provider/…`) must pin
//!   `<issuer>:aud` and a specific `<issuer>:sub` (IAM User Guide "Configuring a role for GitHub
//!   OIDC identity provider"; EKS "IAM roles for service accounts"): a wildcard subject is open
//!   to every workload of that issuer. GitHub subjects may end in a wildcard after
//!   `repo:<owner>/<repo>:` (every branch of one repository).
//! - Service principals are AWS services; `aws:SourceAccount`/`aws:SourceArn` is recorded
//!   (confused-deputy protection) but its absence is not a finding: most services do not act
//!   for other accounts and the condition is not always supported.

use serde::Serialize;

use crate::aws::iam::Role;
use crate::model::Statement;

/// One way a role can be assumed by a caller the account does not control.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TrustIssue {
    pub statement: usize,
    pub principal_type: String,
    pub principal: String,
    pub reason: String,
}

/// A role's trust judgement (`input.derived.iam.trust[role arn]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustFacts {
    /// Every principal an Allow names, as `Type:value`.
    pub principals: Vec<String>,
    pub issues: Vec<TrustIssue>,
    /// Service principals trusted with `aws:SourceAccount`/`aws:SourceArn`.
    pub service_source_pinned: Vec<String>,
}

const IDENTITY_KEYS: &[&str] =
    &["aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:principalorgpaths"];

/// A positive string/ARN operator (not `…Not…`, not `Null`).
fn positive(op: &str) -> bool {
    let base = op.trim_start_matches("ForAnyValue:").trim_start_matches("ForAllValues:");
    (base.starts_with("String") || base.starts_with("Arn")) && !base.contains("Not")
}

/// Values of `key` under positive operators.
fn pinned<'a>(st: &'a Statement, key: &str) -> Vec<&'a str> {
    st.condition
        .iter()
        .filter(|(op, _)| positive(op))
        .filter_map(|(_, keys)| keys.get(key))
        .flatten()
        .map(String::as_str)
        .collect()
}

/// True when a condition pins who the caller is with a literal value.
fn identity_pinned(st: &Statement) -> bool {
    IDENTITY_KEYS.iter().any(|k| {
        let vals = pinned(st, k);
        !vals.is_empty()
            && vals.iter().all(|v| match *k {
                "aws:principalarn" => v.split(':').nth(4).is_some_and(|acct| !acct.contains(['*', '?'])),
                _ => !v.contains(['*', '?']),
            })
    })
}

fn is_oidc(value: &str) -> bool {
    value.contains(":oidc-provider/")
        || !value.starts_with("arn:") && !value.ends_with("cognito-identity.amazonaws.com")
}

/// Is an OIDC subject specific to one workload?
fn specific_sub(v: &str) -> bool {
    if let Some(rest) = v.strip_prefix("repo:") {
        // repo:<owner>/<repo>:<rest>: owner and repository literal, the rest may be a wildcard.
        let mut parts = rest.splitn(2, ':');
        let repo = parts.next().unwrap_or_default();
        return repo.split_once('/').is_some_and(|(o, r)| !o.is_empty() && !r.is_empty())
            && !repo.contains(['*', '?'])
            && parts.next().is_some_and(|tail| !tail.is_empty());
    }
    !v.is_empty() && !v.contains(['*', '?'])
}

/// Why one principal of an Allow statement may assume the role unidentified (none: it may not).
fn principal_issues(st: &Statement, ty: &str, v: &str, account: &str) -> Vec<String> {
    let mut out = Vec::new();
    match ty {
        "AWS" if v == "*" => {
            if identity_pinned(st) {
                return out;
            }
            out.push(
                "any AWS principal may assume it: no condition pins aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn"
                    .into(),
            );
        }
        "AWS" => {
            let acct = if v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()) {
                v
            } else {
                v.split(':').nth(4).unwrap_or_default()
            };
            if acct != account && !identity_pinned(st) && pinned(st, "sts:externalid").is_empty() {
                out.push(format!(
                    "account {acct} may assume it without sts:ExternalId or a condition on the caller's identity"
                ));
            }
        }
        "Federated" if v.contains(":saml-provider/") => {
            if !pinned(st, "saml:aud").is_empty() {
                return out;
            }
            out.push("SAML federation without a SAML:aud condition".into());
        }
        "Federated" if is_oidc(v) => {
            let host = v.split_once(":oidc-provider/").map(|(_, h)| h).unwrap_or(v).to_ascii_lowercase();
            let aud = pinned(st, &format!("{host}:aud"));
            let sub = pinned(st, &format!("{host}:sub"));
            if aud.is_empty() {
                out.push(format!("OIDC trust does not pin {host}:aud"));
            }
            if sub.is_empty() {
                out.push(format!("OIDC trust does not pin {host}:sub: every workload of the issuer may assume it"));
            } else if !sub.iter().all(|s| specific_sub(s)) {
                out.push(format!(
                    "OIDC trust pins {host}:sub with a wildcard ({}): open to every matching workload",
                    sub.join(", ")
                ));
            }
        }
        _ => {}
    }
    out
}

/// Judges a role's trust policy; `account` is the role's account.
pub fn judge_trust(role: &Role, account: &str) -> TrustFacts {
    let mut f = TrustFacts::default();
    for (i, st) in role.assume_role_policy.statement.iter().enumerate() {
        if st.effect != "Allow" {
            continue;
        }
        let mut issue = |ty: &str, p: &str, reason: String| {
            f.issues.push(TrustIssue { statement: i, principal_type: ty.into(), principal: p.into(), reason })
        };
        if let Some(np) = &st.not_principal {
            for (ty, vals) in np {
                issue(
                    &format!("NotPrincipal:{ty}"),
                    &vals.join(","),
                    "an Allow with NotPrincipal admits every principal but those listed".into(),
                );
            }
        }
        let Some(principals) = &st.principal else { continue };
        for (ty, vals) in principals {
            for v in vals {
                f.principals.push(format!("{ty}:{v}"));
                if ty == "Service"
                    && (!pinned(st, "aws:sourceaccount").is_empty() || !pinned(st, "aws:sourcearn").is_empty())
                {
                    f.service_source_pinned.push(v.clone());
                }
                for reason in principal_issues(st, ty, v, account) {
                    issue(ty, v, reason);
                }
            }
        }
    }
    f.principals.sort();
    f.principals.dedup();
    f.issues.sort();
    f.issues.dedup();
    f
}
