//! Promotion parity: what a release would lose on its way from one environment to the next.
//!
//! An architecture element that is in sync in the source environment but MISSING or CHANGED
//! in the target is a parity break, and blocks the promotion. Each environment is judged
//! against its own view of the baseline before the two are compared, so what the baseline
//! lets differ per environment (Multi-AZ, a NAT gateway per AZ, ...) never counts. Drift
//! against a Terraform state (`iac`) describes one state file, not an environment, and is
//! left out of the comparison.
//!
//! A promotion judged against the wrong source environment would compare the wrong
//! expectations without a word, so [`environment_hint`] reads which environment a snapshot's
//! own resources say they belong to, for the caller to hold against the one it was told.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{DriftReport, DriftState, Snapshot};

/// The parity breaks between a source environment's drift and the target's, as gate reasons.
pub fn breaks(source_env: &str, source: &DriftReport, target_env: &str, target: &DriftReport) -> Vec<String> {
    let compared = |kind: &str| kind != "iac";
    let drifted_in_source: BTreeSet<(&str, &str, Option<&str>)> = source
        .items
        .iter()
        .filter(|i| compared(&i.kind))
        .map(|i| (i.kind.as_str(), i.element.as_str(), i.attribute.as_deref()))
        .collect();
    target
        .items
        .iter()
        .filter(|i| compared(&i.kind) && matches!(i.state, DriftState::Missing | DriftState::Changed))
        .filter(|i| !drifted_in_source.contains(&(i.kind.as_str(), i.element.as_str(), i.attribute.as_deref())))
        .map(|i| {
            let attr = i.attribute.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            format!(
                "parity: {} {}{attr} is in sync in {source_env} but {} in {target_env}",
                i.kind,
                i.element,
                i.state.as_str()
            )
        })
        .collect()
}

/// The environment a snapshot's resources name in their `environment_tag` (e.g.
/// `flowforge:env`): the most frequent value, ties broken by name; `None` when no resource
/// carries the tag.
pub fn environment_hint(snapshot: &Snapshot, environment_tag: &str) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, meta) in snapshot.resource_metas() {
        if let Some(env) = meta.tags.get(environment_tag) {
            *counts.entry(env.as_str()).or_default() += 1;
        }
    }
    // max_by_key keeps the last of equal maxima: iterate in reverse for the first name.
    counts.into_iter().rev().max_by_key(|(_, n)| *n).map(|(env, _)| env.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DriftItem, Severity};

    fn item(element: &str, state: DriftState, attribute: Option<&str>, kind: &str) -> DriftItem {
        DriftItem {
            drift_id: String::new(),
            kind: kind.into(),
            element: element.into(),
            state,
            severity: Severity::High,
            resource_arn: None,
            attribute: attribute.map(str::to_owned),
            expected: None,
            actual: None,
            message: String::new(),
            waiver: None,
        }
    }

    fn report(items: Vec<DriftItem>) -> DriftReport {
        DriftReport { items, ..DriftReport::default() }
    }

    /// Only elements in sync in the source and MISSING/CHANGED in the target break parity;
    /// what already drifted in the source, UNMANAGED items and Terraform-state drift do not.
    #[test]
    fn breaks_are_target_drift_absent_from_the_source() {
        let source = report(vec![item("bucket:gold", DriftState::Missing, None, "architecture")]);
        let target = report(vec![
            item("bucket:gold", DriftState::Missing, None, "architecture"),
            item("database", DriftState::Changed, Some("multi_az"), "architecture"),
            item("vpc_endpoint:s3", DriftState::Missing, None, "architecture"),
            item("bucket:x", DriftState::Unmanaged, None, "architecture"),
            item("aws_s3_bucket.gold", DriftState::Missing, None, "iac"),
        ]);
        assert_eq!(
            breaks("qa", &source, "uat", &target),
            vec![
                "parity: architecture database (multi_az) is in sync in qa but CHANGED in uat".to_owned(),
                "parity: architecture vpc_endpoint:s3 is in sync in qa but MISSING in uat".to_owned(),
            ]
        );
    }

    /// The environment hint is the most frequent tag value; no tag gives no hint.
    #[test]
    fn environment_hint_takes_the_most_frequent_tag() {
        let mut s = Snapshot::default();
        assert_eq!(environment_hint(&s, "flowforge:env"), None);
        for env in ["prod", "uat", "prod"] {
            let mut role = crate::aws::iam::Role::default();
            role.meta.tags.insert("flowforge:env".into(), env.into());
            s.iam.roles.push(role);
        }
        assert_eq!(environment_hint(&s, "flowforge:env").as_deref(), Some("prod"));
        s.iam.roles.truncate(2);
        // A tie goes to the first name.
        assert_eq!(environment_hint(&s, "flowforge:env").as_deref(), Some("prod"));
    }
}
