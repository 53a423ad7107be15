//! The KMS keys FlowForge uses: which customer keys the FlowForge resources name, computed
//! once per evaluation (`input.derived.kms`), in one pass over the references.
//!
//! The three KMS checks judge exactly these keys. A reference is a key id, key ARN, alias name
//! or alias ARN found on a FlowForge resource (the one decision, `baseline::scope`): buckets
//! (default encryption), DB instances, clusters and snapshots, secrets, SSM parameters, log
//! groups and SNS topics; plus every multi-region trail (the account's audit trail, whoever
//! owns it). AWS-managed keys (`alias/aws/...`) are AWS's business and are left out. A bare
//! key id or alias is resolved in the region of the resource that names it, as AWS does.
//!
//! Fail closed, as `unknown` results of the KMS checks:
//! - a reference to a key the snapshot does not hold (another account's, or a failed read) is
//!   an UNKNOWN on the resource that names it (a resource of the snapshot, never an ARN made
//!   up from the reference);
//! - a key named only by resources whose FlowForge-ness is undecided (their tags could not be
//!   read) is an UNKNOWN on the key: whether it is in scope cannot be said.
//!
//! This was `policies/lib/kms.rego`, which re-scanned every reference for each reference
//! (quadratic: 8.6 s for FF-KMS-002 on an account with 1,000 extra resources).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::baseline::scope::Scope;
use crate::model::{ResourceMeta, Snapshot};

/// The collections the facts are computed from: a check reading `input.derived.kms` reads
/// these (the engine's UNKNOWN-on-failed-call rule follows them, `policy::deps`).
pub const DERIVED_FROM: &[&str] = &[
    "kms.keys",
    "s3.buckets",
    "rds.db_instances",
    "rds.db_clusters",
    "rds.db_snapshots",
    "secretsmanager.secrets",
    "ssm.parameters",
    "cloudtrail.trails",
    "logs.log_groups",
    "sns.topics",
];

/// `input.derived.kms`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyUse {
    /// Key ARN → the sorted ARNs of the FlowForge resources that name it.
    pub used: BTreeMap<String, Vec<String>>,
    /// What the KMS checks cannot judge, as their `unknown` results.
    pub unknown: Vec<Unknown>,
}

/// One `{"arn", "reason"}` for the checks' `unknown` rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unknown {
    pub arn: String,
    pub reason: String,
}

/// A resource's reference to a key, with the collection it was found in.
struct Reference<'a> {
    key: &'a str,
    user: &'a ResourceMeta,
    /// Counted whatever the resource's FlowForge-ness (multi-region trails).
    always: bool,
}

fn push<'a>(out: &mut Vec<Reference<'a>>, key: Option<&'a str>, user: &'a ResourceMeta, always: bool) {
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        out.push(Reference { key, user, always });
    }
}

fn references(s: &Snapshot) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    for b in &s.s3.buckets {
        for r in b.encryption.iter().flat_map(|e| &e.rules) {
            push(&mut out, r.kms_master_key_id.as_deref(), &b.meta, false);
        }
    }
    for x in &s.rds.db_instances {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    for x in &s.rds.db_clusters {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    for x in &s.rds.db_snapshots {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    for x in &s.secretsmanager.secrets {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    for x in &s.ssm.parameters {
        push(&mut out, x.key_id.as_deref(), &x.meta, false);
    }
    for t in &s.cloudtrail.trails {
        if t.is_multi_region == Some(true) {
            push(&mut out, t.kms_key_id.as_deref(), &t.meta, true);
        }
    }
    for x in &s.logs.log_groups {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    for x in &s.sns.topics {
        push(&mut out, x.kms_key_id.as_deref(), &x.meta, false);
    }
    out
}

/// Computes which keys the FlowForge resources of `scope` use.
pub fn key_use(s: &Snapshot, scope: &Scope) -> KeyUse {
    // Every way a key can be named: ARNs and alias ARNs as they are, a bare key id or alias
    // within its region.
    let mut by_ref: HashMap<(&str, &str), &str> = HashMap::new();
    let mut by_arn: HashMap<String, &str> = HashMap::new();
    for k in &s.kms.keys {
        let (arn, region) = (k.meta.arn.as_str(), k.meta.region.as_str());
        by_arn.insert(arn.to_owned(), arn);
        by_ref.insert((region, k.meta.id.as_str()), arn);
        // An alias ARN is the key ARN's `arn:<partition>:kms:<region>:<account>:` and the alias.
        let prefix = arn.strip_suffix(&format!("key/{}", k.meta.id));
        for a in &k.aliases {
            by_ref.insert((region, a.as_str()), arn);
            if let Some(prefix) = prefix {
                by_arn.insert(format!("{prefix}{a}"), arn);
            }
        }
    }
    let resolve = |user: &ResourceMeta, key: &str| -> Option<&str> {
        if key.starts_with("arn:") {
            by_arn.get(key).copied()
        } else {
            by_ref.get(&(user.region.as_str(), key)).copied()
        }
    };

    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut undecided: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut unknown: BTreeSet<Unknown> = BTreeSet::new();
    for r in references(s) {
        if r.key.contains("alias/aws/") {
            continue;
        }
        let arn = r.user.arn.as_str();
        let undecided_why = scope.undecided.get(arn).filter(|_| !r.always);
        if !r.always && !scope.is_flowforge(arn) && undecided_why.is_none() {
            continue;
        }
        match (resolve(r.user, r.key), undecided_why) {
            (Some(key), None) => {
                used.entry(key.to_owned()).or_default().insert(arn.to_owned());
            }
            (Some(key), Some(why)) => {
                undecided.entry(key).or_default().insert(why.clone());
            }
            (None, why) => {
                let mut reason = format!("KMS key {}, used by {arn}, is not in the snapshot (kms.keys)", r.key);
                if let Some(why) = why {
                    reason = format!("{reason}; {why}");
                }
                unknown.insert(Unknown { arn: arn.to_owned(), reason });
            }
        }
    }
    for (key, whys) in undecided {
        if !used.contains_key(key) {
            let whys: Vec<String> = whys.into_iter().collect();
            unknown.insert(Unknown {
                arn: key.to_owned(),
                reason: format!(
                    "whether KMS key {key} is used by FlowForge is unknown: it is named only by resources \
                     whose FlowForge-ness is undecided ({})",
                    whys.join("; ")
                ),
            });
        }
    }
    KeyUse {
        used: used.into_iter().map(|(k, users)| (k, users.into_iter().collect())).collect(),
        unknown: unknown.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::scope::decide;
    use crate::evaluate::examples::example;
    use crate::model::CollectionError;

    /// Keys are named every way AWS allows (ARN, id, alias, alias ARN) and each resolves to
    /// the key; users are FlowForge resources only, AWS-managed aliases are left out, and an
    /// unknown reference is an UNKNOWN on the resource that names it, never an invented ARN.
    #[test]
    fn references_resolve_every_way_and_unknowns_name_real_resources() {
        let (mut s, view) = example("prod-compliant");
        let key = s.kms.keys.iter().find(|k| !k.aliases.is_empty()).unwrap().clone();
        let prefix = key.meta.arn.strip_suffix(&format!("key/{}", key.meta.id)).unwrap().to_owned();
        let names =
            [key.meta.arn.clone(), key.meta.id.clone(), key.aliases[0].clone(), format!("{prefix}{}", key.aliases[0])];
        let mut template = s.logs.log_groups[0].clone();
        template.meta.id = String::new();
        s.logs.log_groups.clear();
        for (i, n) in names.iter().enumerate() {
            let mut g = template.clone();
            g.meta.arn = format!("arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-{i}");
            g.meta.name = format!("flowforge-prod-{i}");
            g.kms_key_id = Some(n.clone());
            s.logs.log_groups.push(g);
        }
        let mut other = template.clone();
        other.meta.arn = "arn:aws:logs:eu-west-1:123456789012:log-group:someone-else".into();
        other.meta.name = "someone-else".into();
        other.kms_key_id = Some("alias/not-a-key".into());
        s.logs.log_groups.push(other);
        let mut managed = template.clone();
        managed.meta.arn = "arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-managed".into();
        managed.meta.name = "flowforge-prod-managed".into();
        managed.kms_key_id = Some("alias/aws/logs".into());
        s.logs.log_groups.push(managed);
        let mut missing = template;
        missing.meta.arn = "arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-missing".into();
        missing.meta.name = "flowforge-prod-missing".into();
        missing.kms_key_id = Some("alias/gone".into());
        s.logs.log_groups.push(missing);

        let facts = key_use(&s, &decide(&s, &view));
        let users = &facts.used[&key.meta.arn];
        for i in 0..4 {
            assert!(
                users.contains(&format!("arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-{i}")),
                "{i}: {users:?}"
            );
        }
        assert!(!users.iter().any(|u| u.ends_with("someone-else")));
        assert_eq!(
            facts.unknown,
            vec![Unknown {
                arn: "arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-missing".into(),
                reason: "KMS key alias/gone, used by arn:aws:logs:eu-west-1:123456789012:log-group:flowforge-prod-missing, is not in the snapshot (kms.keys)".into(),
            }]
        );
    }

    /// A key named only by a resource whose tags could not be read is UNKNOWN, not out of
    /// scope; named also by a FlowForge resource, it is simply in scope.
    #[test]
    fn key_of_undecided_users_is_unknown() {
        let (mut s, view) = example("prod-compliant");
        let key = s.kms.keys[0].meta.arn.clone();
        let mut g = s.logs.log_groups[0].clone();
        g.meta.arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/team/app".into();
        g.meta.name = "/team/app".into();
        g.meta.id = "/team/app".into();
        g.kms_key_id = Some(key.clone());
        s.logs.log_groups = vec![g.clone()];
        s.s3.buckets.clear();
        s.rds = Default::default();
        s.secretsmanager.secrets.clear();
        s.ssm.parameters.clear();
        s.cloudtrail.trails.clear();
        s.sns.topics.clear();
        s.collection_errors.push(CollectionError {
            service: "logs".into(),
            operation: "ListTagsForResource".into(),
            region: "eu-west-1".into(),
            resource: Some(g.meta.arn.clone()),
            error_code: "AccessDeniedException".into(),
            message: "denied".into(),
        });
        let facts = key_use(&s, &decide(&s, &view));
        assert!(facts.used.is_empty(), "{facts:?}");
        assert_eq!(facts.unknown.len(), 1, "{facts:?}");
        assert_eq!(facts.unknown[0].arn, key);
        assert!(facts.unknown[0].reason.contains("logs:ListTagsForResource"), "{}", facts.unknown[0].reason);
    }
}
