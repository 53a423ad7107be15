//! Views of an [`AuditReport`] that several formats share: check lookup, the service a check
//! belongs to, framework coverage, counts.
//!
//! Kept here so that the Markdown summary, the HTML charts and the SARIF rules agree on the
//! same numbers. Everything returns sorted collections (BTreeMap) for deterministic output.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{AuditReport, CheckRun, DriftState, Severity, Status};

/// Check id → check, for renderers that walk results and need the check's metadata.
pub fn checks_by_id(report: &AuditReport) -> BTreeMap<&str, &CheckRun> {
    report.checks.iter().map(|c| (c.meta.id.as_str(), c)).collect()
}

/// The AWS service a check belongs to: the collection's prefix (`s3.buckets` → `s3`), falling
/// back to the second part of the id (`FF-S3-001` → `s3`).
pub fn service_of(check_id: &str, check: Option<&CheckRun>) -> String {
    if let Some(svc) = check.and_then(|c| c.meta.collection.split('.').next()).filter(|s| !s.is_empty()) {
        return svc.to_string();
    }
    check_id.split('-').nth(1).map(str::to_ascii_lowercase).unwrap_or_else(|| "other".to_string())
}

/// The coverage of one framework control by the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCoverage {
    /// Checks mapped to the control (sorted).
    pub checks: BTreeSet<String>,
    /// FAIL results among those checks.
    pub failed_results: usize,
}

/// Framework → control → coverage, from the checks' framework mappings and the FAIL results.
pub fn framework_coverage(report: &AuditReport) -> BTreeMap<String, BTreeMap<String, ControlCoverage>> {
    let mut fails_by_check: BTreeMap<&str, usize> = BTreeMap::new();
    for r in report.results.iter().filter(|r| r.status == Status::Fail) {
        *fails_by_check.entry(r.check_id.as_str()).or_default() += 1;
    }
    let mut out: BTreeMap<String, BTreeMap<String, ControlCoverage>> = BTreeMap::new();
    for c in &report.checks {
        for (framework, controls) in &c.meta.frameworks {
            for control in controls {
                let cov = out
                    .entry(framework.clone())
                    .or_default()
                    .entry(control.clone())
                    .or_insert_with(|| ControlCoverage { checks: BTreeSet::new(), failed_results: 0 });
                if cov.checks.insert(c.meta.id.clone()) {
                    cov.failed_results += fails_by_check.get(c.meta.id.as_str()).copied().unwrap_or(0);
                }
            }
        }
    }
    out
}

/// Result counts by status, in [`Status::ALL`] order, computed from the results.
pub fn status_counts(report: &AuditReport) -> Vec<(Status, usize)> {
    Status::ALL.iter().map(|s| (*s, report.results.iter().filter(|r| r.status == *s).count())).collect()
}

/// FAIL counts by severity, most severe first, computed from the results.
pub fn fail_counts_by_severity(report: &AuditReport) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|s| (*s, report.results.iter().filter(|r| r.status == Status::Fail && r.severity == *s).count()))
        .collect()
}

/// Drift states that are findings (everything but IN_SYNC).
pub fn is_drift_finding(state: DriftState) -> bool {
    state != DriftState::InSync
}

/// Compact JSON of evidence (one line), for table cells.
pub fn compact_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `waiver.owner (ticket)` or empty.
pub fn waiver_owner(w: &crate::model::AppliedWaiver) -> String {
    match &w.ticket {
        Some(t) if !t.is_empty() => format!("{} ({t})", w.owner),
        _ => w.owner.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// Charts and SARIF tags rely on this derivation from check metadata.
    #[test]
    fn service_comes_from_check_metadata() {
        let report = sample_report();
        let by_id = checks_by_id(&report);
        assert_eq!(service_of("FF-SECRETS-001", by_id.get("FF-SECRETS-001").copied()), "secretsmanager");
        assert_eq!(service_of("FF-XYZ-001", None), "xyz");
    }

    /// Framework coverage counts a control once per check and adds that check's FAILs.
    #[test]
    fn framework_coverage_counts_controls_and_failures() {
        let cov = framework_coverage(&sample_report());
        let nist = &cov["nist-800-53-r5"];
        assert_eq!(nist["SC-8"].checks.iter().collect::<Vec<_>>(), ["FF-RDS-001", "FF-S3-001"]);
        assert_eq!(nist["SC-8"].failed_results, 2);
        assert_eq!(cov["aws-fsbp"]["EC2.8"].failed_results, 14);
        assert_eq!(cov["cis-aws-foundations"].len(), 2);
    }
}
