//! What a result is about: a resource of the snapshot, or one of flowforge-audit's own three
//! subjects, each in one documented form (`docs/report.md`, "Result subjects").
//!
//! Security Hub, SARIF consumers and waivers key on a result's resource: a finding must name a
//! resource that exists (its ARN as the snapshot has it), never an ARN made up from a name
//! (`.../web-acl`, the ARN a missing alarm "would have"). What is not a resource has an ARN in
//! the tool's own namespace, `arn:<partition>:flowforge-audit:<region>:<account>:`, followed by
//! - `collection/<service.collection>`: UNKNOWN, the collection could not be listed (or nothing
//!   was collected) in that region;
//! - `check/<id>`: ERROR, the check failed and has no resource to attach it to;
//! - `missing/<element>`: FAIL (or WAIVED, or UNKNOWN when the listing failed), a declared
//!   baseline element that does not exist, named as the drift names it (`alarm:<name>`,
//!   `log_group:<name>`, `audit_trail`). The Rego helper `data.flowforge.lib.missing_arn`
//!   builds the same form.
//!
//! [`unreal_subjects`] is the test every report must pass: the shipped examples' and every
//! emulator scan's.

use std::collections::HashSet;

use crate::model::Snapshot;

/// The tool's service name in its own ARNs.
const SERVICE: &str = "flowforge-audit";

/// Synthetic ARN for a collection that could not be listed in a region.
pub fn collection_arn(partition: &str, region: &str, account: &str, collection: &str) -> String {
    format!("arn:{partition}:{SERVICE}:{region}:{account}:collection/{collection}")
}

/// Synthetic ARN for a check that produced an ERROR and has no resources to attach it to.
pub fn check_arn(partition: &str, account: &str, check_id: &str) -> String {
    format!("arn:{partition}:{SERVICE}::{account}:check/{check_id}")
}

/// Synthetic ARN for a declared baseline element that does not exist (`element` as the drift
/// names it).
pub fn missing_arn(partition: &str, region: &str, account: &str, element: &str) -> String {
    format!("arn:{partition}:{SERVICE}:{region}:{account}:missing/{element}")
}

/// What a result's ARN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A resource of the snapshot.
    Resource,
    /// `collection/<name>`.
    Collection(&'a str),
    /// `check/<id>`.
    Check(&'a str),
    /// `missing/<element>`.
    Missing(&'a str),
}

/// The subject `arn` names in a report of `snapshot`, or `None` when it names nothing real.
pub fn subject<'a>(arn: &'a str, snapshot: &Snapshot, resources: &HashSet<&str>) -> Option<Subject<'a>> {
    if resources.contains(arn) {
        return Some(Subject::Resource);
    }
    let prefix = format!("arn:{}:{SERVICE}:", snapshot.partition);
    let rest = arn.strip_prefix(&prefix)?;
    let (region, rest) = rest.split_once(':')?;
    let (account, resource) = rest.split_once(':')?;
    if account != snapshot.account_id {
        return None;
    }
    let (kind, name) = resource.split_once('/')?;
    if name.is_empty() {
        return None;
    }
    match kind {
        "collection" if crate::model::collection_info(name).is_some() && !region.is_empty() => {
            Some(Subject::Collection(name))
        }
        "check" if region.is_empty() => Some(Subject::Check(name)),
        "missing" if !region.is_empty() => Some(Subject::Missing(name)),
        _ => None,
    }
}

/// Every result (ARN, status as the reports spell it) that names neither a resource of the
/// snapshot nor a tool subject with a status that subject can have, described for a test
/// message. Empty for a sound report.
pub fn unreal_subjects<'a>(results: impl IntoIterator<Item = (&'a str, &'a str)>, snapshot: &Snapshot) -> Vec<String> {
    let resources: HashSet<&str> = snapshot.resource_metas().into_iter().map(|(_, m)| m.arn.as_str()).collect();
    let mut out = Vec::new();
    for (arn, status) in results {
        let allowed: &[&str] = match subject(arn, snapshot, &resources) {
            Some(Subject::Resource) => continue,
            Some(Subject::Collection(_)) => &["UNKNOWN"],
            Some(Subject::Check(_)) => &["ERROR"],
            Some(Subject::Missing(_)) => &["FAIL", "WAIVED", "UNKNOWN"],
            None => {
                out.push(format!("{status} on {arn}: not a resource of the snapshot nor a documented subject"));
                continue;
            }
        };
        if !allowed.contains(&status) {
            out.push(format!("{status} on {arn}: this subject can only be {}", allowed.join(" or ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot { account_id: "123456789012".into(), partition: "aws".into(), ..Snapshot::default() }
    }

    /// The three forms parse back to what they name, and everything else, an ARN of another
    /// account or a status a subject cannot have, is reported.
    #[test]
    fn forms_round_trip_and_the_rest_is_reported() {
        let s = snapshot();
        let none = HashSet::new();
        let c = collection_arn("aws", "eu-west-1", "123456789012", "logs.log_groups");
        assert_eq!(subject(&c, &s, &none), Some(Subject::Collection("logs.log_groups")));
        let k = check_arn("aws", "123456789012", "FF-S3-001");
        assert_eq!(subject(&k, &s, &none), Some(Subject::Check("FF-S3-001")));
        let m = missing_arn("aws", "eu-west-1", "123456789012", "log_group:/ecs/x");
        assert_eq!(subject(&m, &s, &none), Some(Subject::Missing("log_group:/ecs/x")));
        for bad in [
            "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:flowforge-prod-x",
            "arn:aws:flowforge-audit:eu-west-1:999999999999:missing/audit_trail",
            "arn:aws:flowforge-audit:eu-west-1:123456789012:collection/no.such",
            "arn:aws:flowforge-audit:eu-west-1:123456789012:invented/x",
        ] {
            assert_eq!(subject(bad, &s, &none), None, "{bad}");
        }
        let problems =
            unreal_subjects([(c.as_str(), "FAIL"), (k.as_str(), "ERROR"), (m.as_str(), "FAIL"), ("arn:x", "PASS")], &s);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("can only be UNKNOWN"), "{problems:?}");
        assert!(problems[1].contains("arn:x"), "{problems:?}");
    }

    /// Both shipped examples' results name real subjects only: resources of the snapshot, or
    /// the documented tool forms (the drifted example's missing alarm is `missing/alarm:...`).
    #[test]
    fn shipped_examples_name_real_subjects_only() {
        let catalog = crate::policy::Catalog::builtin().unwrap();
        for name in ["prod-drifted", "prod-compliant"] {
            let (snapshot, view) = super::super::examples::example(name);
            let eval = super::super::evaluate(&snapshot, None, &catalog, view.to_json()).unwrap();
            let results = eval.results.iter().map(|r| (r.resource_arn.as_str(), r.status.as_str()));
            let problems = unreal_subjects(results, &snapshot);
            assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
            if name == "prod-drifted" {
                assert!(eval.results.iter().any(|r| r.check_id == "FF-CW-001"
                    && r.resource_arn
                        == "arn:aws:flowforge-audit:eu-west-1:123456789012:missing/alarm:flowforge-prod-database-storage"));
            }
        }
    }
}
