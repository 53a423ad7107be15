//! OCSF Detection Finding events (class 2004), for AWS Security Hub and SIEM ingestion.
//!
//! A JSON array with one event per FAIL result (WAIVED, UNKNOWN and the other statuses are not
//! detections). Each event carries the finding id as `finding_info.uid`, so a SIEM can
//! deduplicate across scans, the resource ARN as `resources[].uid`, and the snapshot's
//! `collected_at` as `time` (epoch milliseconds): no clock, so output is reproducible.
//! Evidence and framework mappings have no typed OCSF home in this class and go to `unmapped`.
//! The mapping is documented in `docs/report.md`.

use serde_json::{json, Value};

use crate::model::{AuditReport, Severity, Status};

use super::common::checks_by_id;
use super::{Format, Renderer, ReportError};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

/// Renders OCSF Detection Findings.
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

/// The Detection Finding events of a report.
pub fn events(report: &AuditReport) -> Result<Vec<Value>, ReportError> {
    let time = chrono::DateTime::parse_from_rfc3339(&report.collected_at)
        .map_err(|source| ReportError::Timestamp { value: report.collected_at.clone(), source })?
        .timestamp_millis();
    let checks = checks_by_id(report);
    let mut out = Vec::new();
    for r in report.results.iter().filter(|r| r.status == Status::Fail) {
        let check = checks.get(r.check_id.as_str()).map(|c| &c.meta);
        let (sev_id, sev) = severity_id(r.severity);
        let title = check.map(|m| m.title.as_str()).unwrap_or(r.check_id.as_str());
        out.push(json!({
            "activity_id": 1,
            "activity_name": "Create",
            "category_uid": 2,
            "category_name": "Findings",
            "class_uid": 2004,
            "class_name": "Detection Finding",
            "type_uid": 200401,
            "type_name": "Detection Finding: Create",
            "severity_id": sev_id,
            "severity": sev,
            "status_id": 1,
            "status": "New",
            "time": time,
            "time_dt": report.collected_at,
            "message": r.message,
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
                "analytic": {
                    "uid": r.check_id,
                    "name": title,
                    "type_id": 1,
                    "type": "Rule",
                },
            },
            "resources": [{
                "uid": r.resource_arn,
                "name": r.resource_name,
                "region": r.region,
                "type": check.map(|m| m.collection.as_str()).unwrap_or(""),
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
                "check_id": r.check_id,
                "evidence": r.evidence,
                "frameworks": check.map(|m| json!(m.frameworks)).unwrap_or(Value::Null),
                "guide_section": check.map(|m| m.guide_section.as_str()).unwrap_or(""),
            },
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// One Detection Finding per FAIL, with the required class, ids, severity and time.
    #[test]
    fn one_detection_finding_per_fail() {
        let report = sample_report();
        let v: Value = serde_json::from_slice(&OcsfRenderer.render(&report).unwrap()).unwrap();
        let events = v.as_array().unwrap();
        assert_eq!(events.len(), report.results.iter().filter(|r| r.status == Status::Fail).count());
        let e = events.iter().find(|e| e["finding_info"]["analytic"]["uid"] == "FF-S3-001").unwrap();
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["type_uid"], 200401);
        assert_eq!(e["severity_id"], 5);
        assert_eq!(e["time"], 1_741_944_413_000_i64);
        assert_eq!(e["resources"][0]["uid"], "arn:aws:s3:::flowforge-prod-landing");
        assert_eq!(
            e["finding_info"]["uid"],
            crate::model::finding_id("FF-S3-001", "arn:aws:s3:::flowforge-prod-landing")
        );
        assert_eq!(e["metadata"]["product"]["name"], "flowforge-audit");
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
