//! Architecture drift of the account-audit sections (`architecture.config_recorder`,
//! `architecture.audit_trail`): a recording AWS Config recorder and the declared CloudTrail
//! trail, multi-region, logging and validating its log files, where the requirements ask.

use serde_json::json;

use super::{changed, missing, Candidate, Run};
use crate::baseline::EnvView;
use crate::model::{ResourceMeta, Severity, Snapshot};

pub(super) fn check<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    config_recorder(s, run);
    audit_trail(s, run);
}

/// A recording AWS Config recorder, when declared and required.
fn config_recorder(s: &Snapshot, run: &mut Run) {
    let view = run.view;
    if !(view.architecture.config_recorder && view.requirements.config_recorder_required) {
        return;
    }
    let drift = match s.config.recorders.iter().find(|r| r.recording).or(s.config.recorders.first()) {
        None => run
            .absent("config.recorders", missing("config_recorder", Severity::Medium, "AWS Config recorder"))
            .into_iter()
            .collect(),
        Some(r) if !r.recording => {
            vec![changed("config_recorder", &r.meta, Severity::Medium, "recording", json!(true), json!(false))]
        }
        Some(_) => Vec::new(),
    };
    run.element("config_recorder", drift);
}

/// The declared audit trail (`architecture.audit_trail`), when CloudTrail is required: found
/// by name, it is multi-region, logging and validates its log files. A value the collector
/// could not read leaves the element unverified, never in sync.
fn audit_trail<'a>(s: &'a Snapshot, run: &mut Run<'a>) {
    let view = run.view;
    let Some(spec) = &view.architecture.audit_trail else { return };
    if !view.requirements.cloudtrail_required {
        return;
    }
    let element = "audit_trail";
    let drift = match run.find(&s.cloudtrail.trails, |t| &t.meta, &spec.name, None) {
        None => run
            .absent("cloudtrail.trails", missing(element, Severity::High, &format!("CloudTrail trail `{}`", spec.name)))
            .into_iter()
            .collect(),
        Some(t) => {
            let mut drift = Vec::new();
            for (attr, actual, severity) in [
                ("is_multi_region", t.is_multi_region, Severity::High),
                ("is_logging", t.is_logging, Severity::High),
                ("log_file_validation_enabled", t.log_file_validation_enabled, Severity::Medium),
            ] {
                match actual {
                    None => run.unknown = true,
                    Some(false) => drift.push(changed(element, &t.meta, severity, attr, json!(true), json!(false))),
                    Some(true) => {}
                }
            }
            drift
        }
    };
    run.element(element, drift);
}

/// Trails that look like FlowForge's, when the baseline declares one.
pub(super) fn candidates<'a>(
    s: &'a Snapshot,
    view: &EnvView,
    looks: &dyn Fn(&ResourceMeta) -> bool,
) -> Vec<Candidate<'a>> {
    if view.architecture.audit_trail.is_none() {
        return Vec::new();
    }
    s.cloudtrail
        .trails
        .iter()
        .filter(|t| looks(&t.meta))
        .map(|t| (format!("trail:{}", t.meta.name), Severity::Low, &t.meta))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, summary};
    use crate::drift::testutil::*;
    use crate::model::DriftState;

    /// The declared trail: missing when absent, CHANGED per attribute, UNMANAGED when a second
    /// FlowForge-named trail exists, unverified when its status was not read.
    #[test]
    fn audit_trail_element() {
        use crate::aws::cloudtrail::Trail;
        let trail = |name: &str, logging: Option<bool>| Trail {
            meta: meta("cloudtrail", "trail", name, name, &[]),
            is_multi_region: Some(true),
            is_logging: logging,
            log_file_validation_enabled: Some(true),
            ..Default::default()
        };
        let mut s = compliant_snapshot();
        s.cloudtrail.trails.clear();
        let missing: Vec<_> = summary(&run(&s).items);
        assert!(missing.contains(&("audit_trail".to_owned(), DriftState::Missing, None)), "{missing:?}");

        s.cloudtrail.trails =
            vec![trail("flowforge-prod-trail", Some(false)), trail("flowforge-prod-extra", Some(true))];
        let got = summary(&run(&s).items);
        assert!(
            got.contains(&("audit_trail".to_owned(), DriftState::Changed, Some("is_logging".to_owned()))),
            "{got:?}"
        );
        assert!(got.contains(&("trail:flowforge-prod-extra".to_owned(), DriftState::Unmanaged, None)), "{got:?}");

        s.cloudtrail.trails = vec![trail("flowforge-prod-trail", None)];
        let out = run(&s);
        assert!(!summary(&out.items).iter().any(|(e, _, _)| e == "audit_trail"));
        assert!(out.unverified.contains(&"audit_trail".to_owned()));
    }
}
