//! The exit decision: thresholds, completeness, drift, waivers.
//!
//! The gate reads results, never the account: it says PASS or BLOCK and lists every reason
//! it blocks, so a CI log or a release manager sees all of them at once, not the first.

pub mod parity;
pub mod waivers;

use std::collections::BTreeMap;

use crate::model::{CheckResult, DriftReport, DriftState, GateDecision, Severity, Status};

/// The thresholds in force for one run (baseline environment defaults, then CLI overrides).
/// Serialised into an organisation scan's shard file, so that `merge` re-runs [`decide`] with
/// the thresholds each account was judged by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatePolicy {
    /// A FAIL at or above this severity blocks.
    pub fail_on: Severity,
    /// An UNKNOWN result blocks (the audit is incomplete).
    pub require_complete_audit: bool,
    /// Drift items in these states block.
    pub fail_on_drift: Vec<DriftState>,
}

/// How many checks or elements a reason names before "and N more": each reason is one line
/// of a CI log; the reports list every offending result and drift item.
const LIST_LIMIT: usize = 5;

/// Decides the gate. `extra_reasons` carries blocking reasons found elsewhere (expired
/// waivers, promotion parity, a partial check selection).
///
/// Each reason is one short line that names what blocks (check ids, drift elements), never a
/// list of ARNs: the findings table of the terminal and every report list the results.
pub fn decide(
    policy: &GatePolicy,
    results: &[CheckResult],
    drift: Option<&DriftReport>,
    extra_reasons: Vec<String>,
) -> GateDecision {
    let mut reasons = Vec::new();

    let failing: Vec<&CheckResult> =
        results.iter().filter(|r| r.status == Status::Fail && r.severity >= policy.fail_on).collect();
    if !failing.is_empty() {
        reasons.push(listed(
            &format!("{} FAIL result(s) at or above severity {}", failing.len(), policy.fail_on),
            check_ids(&failing),
            "check(s)",
        ));
    }
    let errors: Vec<&CheckResult> = results.iter().filter(|r| r.status == Status::Error).collect();
    if !errors.is_empty() {
        let ids = check_ids(&errors);
        reasons.push(listed(&format!("{} check(s) could not be evaluated (ERROR)", ids.len()), ids, "check(s)"));
    }
    if policy.require_complete_audit {
        let unknown: Vec<&CheckResult> = results.iter().filter(|r| r.status == Status::Unknown).collect();
        if !unknown.is_empty() {
            reasons.push(listed(
                &format!(
                    "the audit is incomplete: {} UNKNOWN result(s) and this environment requires a complete audit",
                    unknown.len()
                ),
                check_ids(&unknown),
                "check(s)",
            ));
        }
    }
    if let Some(drift) = drift {
        let mut by_state: BTreeMap<DriftState, Vec<String>> = BTreeMap::new();
        for item in &drift.items {
            if policy.fail_on_drift.contains(&item.state) && item.waiver.is_none() {
                by_state.entry(item.state).or_default().push(format!("{} {}", item.kind, item.element));
            }
        }
        for (state, items) in by_state {
            reasons.push(listed(
                &format!("{} drift item(s) in state {}", items.len(), state.as_str()),
                items,
                "item(s)",
            ));
        }
    }
    reasons.extend(extra_reasons);
    GateDecision {
        passed: reasons.is_empty(),
        fail_on: policy.fail_on.to_string(),
        require_complete_audit: policy.require_complete_audit,
        reasons,
    }
}

/// The distinct check ids of `results`, in order (results are sorted by check id).
fn check_ids(results: &[&CheckResult]) -> Vec<String> {
    let mut ids: Vec<String> = results.iter().map(|r| r.check_id.clone()).collect();
    ids.dedup();
    ids
}

/// `head: a, b, c, d, e and N more <what>`.
fn listed(head: &str, items: Vec<String>, what: &str) -> String {
    let mut s = format!("{head}: ");
    s.push_str(&items.iter().take(LIST_LIMIT).map(String::as_str).collect::<Vec<_>>().join(", "));
    if items.len() > LIST_LIMIT {
        s.push_str(&format!(" and {} more {what}", items.len() - LIST_LIMIT));
    }
    s
}

/// The reason a partial run blocks a gate that requires a complete audit: checks the run's
/// selection (`--checks`, `--excluded-checks`, `--services`, `--severity`) left out and the
/// baseline does not list as excluded for the environment (`gate.excluded_checks`). `None`
/// when the audit need not be complete or every check left out is declared.
pub fn partial_audit(policy: &GatePolicy, not_run: &[String], declared: &[String]) -> Option<String> {
    if !policy.require_complete_audit {
        return None;
    }
    let undeclared: Vec<String> =
        not_run.iter().filter(|id| !declared.iter().any(|d| d.eq_ignore_ascii_case(id))).cloned().collect();
    if undeclared.is_empty() {
        return None;
    }
    Some(listed(
        &format!(
            "the audit is partial: the check selection left out {} check(s) that the baseline does not exclude (gate.excluded_checks) and this environment requires a complete audit",
            undeclared.len()
        ),
        undeclared,
        "check(s)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(check: &str, sev: Severity, status: Status) -> CheckResult {
        CheckResult {
            finding_id: crate::model::finding_id(check, "arn:aws:s3:::b"),
            check_id: check.into(),
            severity: sev,
            status,
            resource_arn: "arn:aws:s3:::b".into(),
            resource_name: "b".into(),
            region: "us-east-1".into(),
            message: String::new(),
            evidence: vec![],
            waiver: None,
        }
    }

    fn policy(fail_on: Severity, complete: bool) -> GatePolicy {
        GatePolicy { fail_on, require_complete_audit: complete, fail_on_drift: vec![] }
    }

    /// A FAIL below the threshold passes; at the threshold it blocks.
    #[test]
    fn threshold_is_inclusive() {
        let r = vec![result("FF-S3-005", Severity::Medium, Status::Fail)];
        assert!(decide(&policy(Severity::High, false), &r, None, vec![]).passed);
        let d = decide(&policy(Severity::Medium, false), &r, None, vec![]);
        assert!(!d.passed);
        assert!(d.reasons[0].contains("FF-S3-005"), "{:?}", d.reasons);
    }

    /// Issue 25: a reason is one short line naming check ids, never a list of ARNs, whatever
    /// the number of results behind it.
    #[test]
    fn reasons_are_one_short_line_each() {
        let mut r = Vec::new();
        for i in 0..40 {
            let mut x = result(&format!("FF-S3-{:03}", i / 2), Severity::High, Status::Fail);
            x.resource_arn = format!("arn:aws:s3:::a-very-long-bucket-name-that-repeats-{i}-{}", "x".repeat(40));
            r.push(x);
        }
        let d = decide(&policy(Severity::Low, false), &r, None, vec![]);
        assert_eq!(d.reasons.len(), 1);
        let reason = &d.reasons[0];
        assert!(!reason.contains('\n') && !reason.contains("arn:"), "{reason}");
        assert!(reason.len() < 160, "{} chars: {reason}", reason.len());
        assert!(reason.starts_with("40 FAIL result(s) at or above severity low: FF-S3-000, FF-S3-001"), "{reason}");
        assert!(reason.ends_with(" and 15 more check(s)"), "{reason}");
    }

    /// Issue 25: a partial check selection blocks only where a complete audit is required,
    /// and not when the baseline declares every check left out.
    #[test]
    fn partial_selection_blocks_a_complete_audit_unless_declared() {
        let not_run = vec!["FF-S3-001".to_owned(), "FF-S3-002".to_owned()];
        assert_eq!(partial_audit(&policy(Severity::High, false), &not_run, &[]), None);
        let r = partial_audit(&policy(Severity::High, true), &not_run, &["FF-S3-001".to_owned()]).unwrap();
        assert!(r.contains("left out 1 check(s)") && r.ends_with(": FF-S3-002"), "{r}");
        assert_eq!(partial_audit(&policy(Severity::High, true), &not_run, &not_run), None);
        assert_eq!(partial_audit(&policy(Severity::High, true), &[], &[]), None);
    }

    /// UNKNOWN blocks only where a complete audit is required; WAIVED never blocks.
    #[test]
    fn unknown_blocks_only_when_complete_audit_required() {
        let r = vec![
            result("FF-S3-001", Severity::High, Status::Unknown),
            result("FF-S3-002", Severity::Critical, Status::Waived),
        ];
        assert!(decide(&policy(Severity::Low, false), &r, None, vec![]).passed);
        assert!(!decide(&policy(Severity::Low, true), &r, None, vec![]).passed);
    }

    /// A broken check can never let the gate pass.
    #[test]
    fn error_always_blocks() {
        let r = vec![result("FF-X-001", Severity::Info, Status::Error)];
        assert!(!decide(&policy(Severity::Critical, false), &r, None, vec![]).passed);
    }
}
