//! OCSF Compliance Finding events (class 2003), for AWS Security Hub and SIEM ingestion.
//!
//! A JSON array with one event per result, whatever its status: a posture tool reports what
//! passed as well as what failed. The result's status is both the compliance status
//! (`compliance.status_id`: Pass, Fail, or Warning for "no result": UNKNOWN, ERROR,
//! NOT_APPLICABLE; the exact status in `compliance.status_code`) and the finding's workflow
//! status (`status_id`: New, Suppressed for WAIVED, Resolved for PASS). The frameworks of the
//! check are `compliance.standards` and `compliance.requirements`, the check id
//! `compliance.control`. Each event carries the finding id as `finding_info.uid`, so a SIEM
//! can deduplicate across scans, the resource ARN as `resources[].uid` with AWS's resource
//! type name, and the snapshot's `collected_at` as `time`: no clock, so output is
//! reproducible. The version is the one Security Hub documents ([`OCSF_VERSION`]); a test
//! validates every event against that version's schema files (`tests/data/ocsf-1.6.0`).
//! The mapping is documented in `docs/report.md`.

use serde_json::{json, Value};

use crate::model::{AuditReport, Severity, Status};

use super::common::checks_by_id;
use super::{Format, Renderer, ReportError};

/// The OCSF schema version the events follow: the one AWS Security Hub supports
/// ("Security Hub currently supports findings in OCSF schema version 1.6", Security Hub
/// User Guide, "Security Hub and the Open Cybersecurity Schema Framework").
pub const OCSF_VERSION: &str = "1.6.0";

/// Renders OCSF Compliance Findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct OcsfRenderer;

impl Renderer for OcsfRenderer {
    fn format(&self) -> Format {
        Format::Ocsf
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.ocsf.json"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        super::json::write_pretty_json("OCSF", &events(report)?, out)
    }
}

/// OCSF `severity_id` and its caption.
pub fn severity_id(severity: Severity) -> (u8, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The compliance status (`compliance.status_id`, its caption) of a result.
pub fn compliance_status(status: Status) -> (u8, &'static str) {
    match status {
        Status::Pass => (1, "Pass"),
        Status::Fail | Status::Waived => (3, "Fail"),
        Status::Unknown | Status::Error | Status::NotApplicable => (2, "Warning"),
    }
}

/// The finding's workflow status (`status_id`, its caption) of a result.
pub fn finding_status(status: Status) -> (u8, &'static str) {
    match status {
        Status::Pass => (4, "Resolved"),
        Status::Waived => (3, "Suppressed"),
        Status::Fail | Status::Unknown | Status::Error | Status::NotApplicable => (1, "New"),
    }
}

/// The Compliance Finding events of a report, one per result.
pub fn events(report: &AuditReport) -> Result<Vec<Value>, ReportError> {
    let time = chrono::DateTime::parse_from_rfc3339(&report.collected_at)
        .map_err(|source| ReportError::Timestamp { value: report.collected_at.clone(), source })?
        .timestamp_millis();
    let checks = checks_by_id(report);
    let mut out = Vec::with_capacity(report.results.len());
    for r in &report.results {
        let check = checks.get(r.check_id.as_str()).map(|c| &c.meta);
        let (sev_id, sev) = severity_id(r.severity);
        let (status_id, status) = finding_status(r.status);
        let (compliance_id, compliance) = compliance_status(r.status);
        let title = check.map(|m| m.title.as_str()).unwrap_or(r.check_id.as_str());
        let collection = check.map(|m| m.collection.as_str()).unwrap_or("");
        let frameworks = check.map(|m| &m.frameworks);
        let standards: Vec<&str> = frameworks.map(|f| f.keys().map(String::as_str).collect()).unwrap_or_default();
        let requirements: Vec<String> = frameworks
            .map(|f| f.iter().flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{fw} {id}"))).collect())
            .unwrap_or_default();
        let message = if r.message.is_empty() { format!("{title}: {}", r.status) } else { r.message.clone() };
        let mut event = json!({
            "activity_id": 1,
            "activity_name": "Create",
            "category_uid": 2,
            "category_name": "Findings",
            "class_uid": 2003,
            "class_name": "Compliance Finding",
            "type_uid": 200301,
            "type_name": "Compliance Finding: Create",
            "severity_id": sev_id,
            "severity": sev,
            "status_id": status_id,
            "status": status,
            "status_code": r.status.to_string(),
            "time": time,
            "message": message,
            "metadata": {
                "version": OCSF_VERSION,
                "product": {
                    "name": "flowforge-audit",
                    "vendor_name": "FlowForge",
                    "version": report.provenance.tool_version,
                },
                "profiles": ["cloud"],
            },
            "finding_info": {
                "uid": r.finding_id,
                "title": title,
                "desc": check.map(|m| m.description.as_str()).unwrap_or(""),
                "types": [check.map(|m| m.area.as_str()).unwrap_or("")],
            },
            "compliance": {
                "control": r.check_id,
                "standards": standards,
                "requirements": requirements,
                "status_id": compliance_id,
                "status": compliance,
                "status_code": r.status.to_string(),
                "status_detail": r.message,
            },
            "resources": [{
                "uid": r.resource_arn,
                "name": r.resource_name,
                "region": r.region,
                "type": crate::model::cloudformation_type(collection),
                "cloud_partition": report.partition,
            }],
            "cloud": {
                "provider": "AWS",
                "region": r.region,
                "account": { "uid": report.account_id, "type_id": 10, "type": "AWS Account" },
            },
            "remediation": { "desc": check.map(|m| m.remediation.as_str()).unwrap_or("") },
            "unmapped": {
                "environment": report.environment,
                "evidence": r.evidence,
                "guide_section": check.map(|m| m.guide_section.as_str()).unwrap_or(""),
            },
        });
        if let Some(w) = &r.waiver {
            event["unmapped"]["waiver"] = json!(w);
        }
        out.push(event);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// Every collection a built-in check judges has a CloudFormation type in the registry, so
    /// no OCSF finding falls back to an internal collection name.
    #[test]
    fn every_checked_collection_has_a_cloudformation_type() {
        let catalog = crate::policy::Catalog::builtin().unwrap();
        for check in catalog.checks() {
            let c = &check.meta.collection;
            let info =
                crate::model::collection_info(c).unwrap_or_else(|| panic!("{}: no collection {c}", check.meta.id));
            assert!(
                info.cloudformation_type.is_some(),
                "{}: collection {c} is declared `cfn none` in its service! (src/aws/)",
                check.meta.id
            );
        }
    }

    /// One Compliance Finding per result, every status, with class, ids, compliance and time.
    #[test]
    fn one_compliance_finding_per_result() {
        let report = sample_report();
        let v: Value = serde_json::from_slice(&OcsfRenderer.render(&report).unwrap()).unwrap();
        let events = v.as_array().unwrap();
        assert_eq!(events.len(), report.results.len());
        let e = events
            .iter()
            .find(|e| e["compliance"]["control"] == "FF-S3-001" && e["compliance"]["status_code"] == "FAIL")
            .unwrap();
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["metadata"]["version"], "1.6.0");
        assert_eq!(e["severity_id"], 5);
        assert_eq!(e["compliance"]["status_id"], 3);
        assert_eq!(e["status_id"], 1);
        assert_eq!(e["time"], 1_741_944_413_000_i64);
        assert_eq!(e["resources"][0]["uid"], "arn:aws:s3:::flowforge-prod-landing");
        assert_eq!(e["resources"][0]["type"], "AWS::S3::Bucket");
        assert_eq!(
            e["finding_info"]["uid"],
            crate::model::finding_id("FF-S3-001", "arn:aws:s3:::flowforge-prod-landing")
        );
        assert!(e["compliance"]["standards"].as_array().is_some_and(|s| !s.is_empty()), "{e}");
        for status in ["PASS", "FAIL", "WAIVED", "UNKNOWN"] {
            let n = events.iter().filter(|e| e["compliance"]["status_code"] == status).count();
            let want = report.results.iter().filter(|r| r.status.to_string() == status).count();
            assert_eq!(n, want, "{status}");
        }
    }

    /// A report whose timestamp is not RFC 3339 is a clear error, not a made-up time.
    #[test]
    fn bad_timestamp_is_an_error() {
        let mut report = sample_report();
        report.collected_at = "yesterday".to_string();
        let err = OcsfRenderer.render(&report).unwrap_err().to_string();
        assert!(err.contains("yesterday"), "{err}");
    }
}
