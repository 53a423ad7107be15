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

/// How many offending results a reason lists before "… and N more".
const LIST_LIMIT: usize = 10;

/// Decides the gate. `extra_reasons` carries blocking reasons found elsewhere (expired
/// waivers, promotion parity).
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
            failing.iter().map(|r| format!("{} [{}] {}", r.check_id, r.severity, r.resource_arn)),
        ));
    }
    let errors: Vec<&CheckResult> = results.iter().filter(|r| r.status == Status::Error).collect();
    if !errors.is_empty() {
        let mut ids: Vec<&str> = errors.iter().map(|r| r.check_id.as_str()).collect();
        ids.dedup();
        reasons.push(listed(
            &format!("{} check(s) could not be evaluated (ERROR)", ids.len()),
            ids.into_iter().map(str::to_owned),
        ));
    }
    if policy.require_complete_audit {
        let unknown: Vec<&CheckResult> = results.iter().filter(|r| r.status == Status::Unknown).collect();
        if !unknown.is_empty() {
            reasons.push(listed(
                &format!(
                    "the audit is incomplete: {} UNKNOWN result(s) and this environment requires a complete audit",
                    unknown.len()
                ),
                unknown.iter().map(|r| format!("{} {}", r.check_id, r.resource_arn)),
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
            reasons
                .push(listed(&format!("{} drift item(s) in state {}", items.len(), state.as_str()), items.into_iter()));
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

fn listed(head: &str, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut s = format!("{head}: ");
    let shown: Vec<&str> = items.iter().take(LIST_LIMIT).map(String::as_str).collect();
    s.push_str(&shown.join(", "));
    if items.len() > LIST_LIMIT {
        s.push_str(&format!(" … and {} more", items.len() - LIST_LIMIT));
    }
    s
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
