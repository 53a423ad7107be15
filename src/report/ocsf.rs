//! OCSF Compliance Finding events (class 2003), for AWS Security Hub and SIEM ingestion.
//!
//! A JSON array with one event per result, whatever its status: a posture tool reports what
//! passed as well as what failed. The events are written one at a time, borrowed from the
//! report, so a run with hundreds of thousands of results never holds them as JSON values. The result's status is both the compliance status
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

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::model::{AuditReport, CheckResult, Severity, Status};

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
        let cx = Context::new(report)?;
        let events = report.results.iter().map(|r| event(&cx, r));
        super::json::write_pretty_json("OCSF", &super::json::StreamedArray::new(events), out)
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

/// The Compliance Finding events of a report, one per result (as JSON values: for callers
/// that inspect them; the renderer streams [`event`] instead).
pub fn events(report: &AuditReport) -> Result<Vec<Value>, ReportError> {
    let cx = Context::new(report)?;
    report
        .results
        .iter()
        .map(|r| serde_json::to_value(event(&cx, r)).map_err(|source| ReportError::Json { format: "OCSF", source }))
        .collect()
}

/// What every event of a report shares.
struct Context<'a> {
    report: &'a AuditReport,
    /// `collected_at` in milliseconds since the epoch.
    time: i64,
    checks: std::collections::BTreeMap<&'a str, &'a crate::model::CheckRun>,
}

impl<'a> Context<'a> {
    fn new(report: &'a AuditReport) -> Result<Context<'a>, ReportError> {
        let time = chrono::DateTime::parse_from_rfc3339(&report.collected_at)
            .map_err(|source| ReportError::Timestamp { value: report.collected_at.clone(), source })?
            .timestamp_millis();
        Ok(Context { report, time, checks: checks_by_id(report) })
    }
}

// One event, borrowed from the report: the fields in the order of the OCSF mapping
// (docs/report.md), serialised straight to the output.
#[derive(Serialize)]
struct Event<'a> {
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    time: i64,
    message: Cow<'a, str>,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    resources: [Resource<'a>; 1],
    cloud: Cloud<'a>,
    remediation: Desc<'a>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product<'a>,
    profiles: [&'static str; 1],
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: &'a str,
    title: &'a str,
    desc: &'a str,
    types: [&'a str; 1],
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'a str,
    standards: Vec<&'a str>,
    requirements: Vec<String>,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    status_detail: &'a str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    name: &'a str,
    region: &'a str,
    #[serde(rename = "type")]
    kind: String,
    cloud_partition: &'a str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    region: &'a str,
    account: Account<'a>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Desc<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    environment: &'a str,
    evidence: &'a [Value],
    guide_section: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a crate::model::AppliedWaiver>,
}

/// The Compliance Finding event of one result.
fn event<'a>(cx: &Context<'a>, r: &'a CheckResult) -> Event<'a> {
    let report = cx.report;
    let check = cx.checks.get(r.check_id.as_str()).map(|c| &c.meta);
    let (severity_id, severity) = severity_id(r.severity);
    let (status_id, status) = finding_status(r.status);
    let (compliance_id, compliance) = compliance_status(r.status);
    let title = check.map(|m| m.title.as_str()).unwrap_or(r.check_id.as_str());
    let collection = check.map(|m| m.collection.as_str()).unwrap_or("");
    let frameworks = check.map(|m| &m.frameworks);
    let standards: Vec<&str> = frameworks.map(|f| f.keys().map(String::as_str).collect()).unwrap_or_default();
    let requirements: Vec<String> = frameworks
        .map(|f| f.iter().flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{fw} {id}"))).collect())
        .unwrap_or_default();
    let message = if r.message.is_empty() {
        Cow::Owned(format!("{title}: {}", r.status))
    } else {
        Cow::Borrowed(r.message.as_str())
    };
    Event {
        activity_id: 1,
        activity_name: "Create",
        category_uid: 2,
        category_name: "Findings",
        class_uid: 2003,
        class_name: "Compliance Finding",
        type_uid: 200301,
        type_name: "Compliance Finding: Create",
        severity_id,
        severity,
        status_id,
        status,
        status_code: r.status.as_str(),
        time: cx.time,
        message,
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product {
                name: "flowforge-audit",
                vendor_name: "FlowForge",
                version: &report.provenance.tool_version,
            },
            profiles: ["cloud"],
        },
        finding_info: FindingInfo {
            uid: &r.finding_id,
            title,
            desc: check.map(|m| m.description.as_str()).unwrap_or(""),
            types: [check.map(|m| m.area.as_str()).unwrap_or("")],
        },
        compliance: Compliance {
            control: &r.check_id,
            standards,
            requirements,
            status_id: compliance_id,
            status: compliance,
            status_code: r.status.as_str(),
            status_detail: &r.message,
        },
        resources: [Resource {
            uid: &r.resource_arn,
            name: &r.resource_name,
            region: &r.region,
            kind: crate::model::cloudformation_type(collection),
            cloud_partition: &report.partition,
        }],
        cloud: Cloud {
            provider: "AWS",
            region: &r.region,
            account: Account { uid: &report.account_id, type_id: 10, kind: "AWS Account" },
        },
        remediation: Desc { desc: check.map(|m| m.remediation.as_str()).unwrap_or("") },
        unmapped: Unmapped {
            environment: &report.environment,
            evidence: &r.evidence,
            guide_section: check.map(|m| m.guide_section.as_str()).unwrap_or(""),
            waiver: r.waiver.as_deref(),
        },
    }
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
