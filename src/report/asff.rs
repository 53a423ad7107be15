//! The AWS Security Finding Format (ASFF), the format Security Hub's `BatchImportFindings`
//! takes: a JSON array with one finding per result, ready to import as a custom integration.
//! The file is written one finding at a time, borrowed from the report (never the whole array
//! as JSON values in memory).
//!
//! - `ProductArn` is the account's own custom-integration product
//!   (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`), `GeneratorId` the
//!   check id, `Id` stable across scans (`flowforge-audit/ENV/FINDING_ID`), so a new import
//!   updates the finding instead of adding one.
//! - `Compliance.Status`: PASSED, FAILED (FAIL and WAIVED), NOT_AVAILABLE (UNKNOWN, ERROR,
//!   NOT_APPLICABLE: no result); `Compliance.RelatedRequirements` the check's framework
//!   controls (`CIS AWS Foundations Benchmark 2.1.4`).
//! - `Workflow.Status`: NEW, SUPPRESSED for a WAIVED result, RESOLVED for a PASS. A PASS is
//!   also `RecordState` ARCHIVED, so a finding an earlier run left open is closed by the next
//!   import (Security Hub ignores a Workflow sent with an update: `src/securityhub` says what
//!   closes it). NOT_APPLICABLE is ARCHIVED.
//! - `Resources[].Type` is ASFF's resource type name (`AwsS3Bucket`, declared per collection in the service registry).
//! - Times are the snapshot's `collected_at`: the same report gives the same file.
//!
//! Limits from the ASFF syntax: Title ≤ 256 characters, Description ≤ 1024,
//! RelatedRequirements ≤ 32 entries, a ProductFields value ≤ 2048; longer values are cut (never
//! rejected by the import). A privilege-escalation finding's chain (its evidence) is also in
//! `ProductFields["flowforge-audit/Chain"]`, one step per line, where the Description may cut it.

use serde::Serialize;
use serde_json::Value;

use crate::model::{AuditReport, CheckResult, Severity, Status};

use super::common::checks_by_id;
use super::{Format, Renderer, ReportError};

/// The ASFF version Security Hub accepts.
pub const SCHEMA_VERSION: &str = "2018-10-08";

/// Renders ASFF findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsffRenderer;

impl Renderer for AsffRenderer {
    fn format(&self) -> Format {
        Format::Asff
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.asff.json"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let cx = Context::new(report)?;
        let findings = report.results.iter().map(|r| finding(&cx, r));
        super::json::write_pretty_json("ASFF", &super::json::StreamedArray::new(findings), out)
    }
}

/// ASFF's severity label.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// `Compliance.Status`, `Workflow.Status` and `RecordState` of a result.
pub fn statuses(status: Status) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Pass => ("PASSED", "RESOLVED", "ARCHIVED"),
        Status::Fail => ("FAILED", "NEW", "ACTIVE"),
        Status::Waived => ("FAILED", "SUPPRESSED", "ACTIVE"),
        Status::Unknown | Status::Error => ("NOT_AVAILABLE", "NEW", "ACTIVE"),
        Status::NotApplicable => ("NOT_AVAILABLE", "RESOLVED", "ARCHIVED"),
    }
}

/// The name a framework key of the catalog has in Security Hub's related requirements.
pub fn framework_name(key: &str) -> &str {
    match key {
        "cis-aws-foundations" => "CIS AWS Foundations Benchmark",
        "aws-fsbp" => "AWS Foundational Security Best Practices",
        "nist-800-53-r5" => "NIST.800-53.r5",
        other => other,
    }
}

/// The region the findings are imported into: the first region scanned.
pub fn home_region(report: &AuditReport) -> &str {
    report.regions.first().map(String::as_str).unwrap_or("us-east-1")
}

/// The account's custom-integration product ARN.
pub fn product_arn(report: &AuditReport) -> String {
    let (p, region, account) = (&report.partition, home_region(report), &report.account_id);
    format!("arn:{p}:securityhub:{region}:{account}:product/{account}/default")
}

/// The stable ASFF `Id` of one result.
pub fn finding_id(report: &AuditReport, finding_id: &str) -> String {
    format!("{}{finding_id}", id_prefix(report))
}

/// What every `Id` of this report's environment starts with: the findings of one environment
/// are told from another's in the same account (`--security-hub` resolves only its own).
pub fn id_prefix(report: &AuditReport) -> String {
    format!("flowforge-audit/{}/", report.environment)
}

/// `CreatedAt`/`UpdatedAt` of this report's findings: `collected_at` in UTC with milliseconds.
pub fn finding_time(report: &AuditReport) -> Result<String, ReportError> {
    Ok(chrono::DateTime::parse_from_rfc3339(&report.collected_at)
        .map_err(|source| ReportError::Timestamp { value: report.collected_at.clone(), source })?
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => {
            let end = s[..i].char_indices().nth_back(0).map(|(j, _)| j).unwrap_or(0);
            format!("{}…", &s[..end])
        }
    }
}

/// The ASFF findings of a report, one per result (as JSON values: the Security Hub upload
/// sends them in batches; the renderer streams [`finding`] instead).
pub fn findings(report: &AuditReport) -> Result<Vec<Value>, ReportError> {
    let cx = Context::new(report)?;
    report
        .results
        .iter()
        .map(|r| serde_json::to_value(finding(&cx, r)).map_err(|source| ReportError::Json { format: "ASFF", source }))
        .collect()
}

/// What every finding of a report shares.
struct Context<'a> {
    report: &'a AuditReport,
    /// [`finding_time`].
    at: String,
    product: String,
    id_prefix: String,
    checks: std::collections::BTreeMap<&'a str, &'a crate::model::CheckRun>,
}

impl<'a> Context<'a> {
    fn new(report: &'a AuditReport) -> Result<Context<'a>, ReportError> {
        Ok(Context {
            report,
            at: finding_time(report)?,
            product: product_arn(report),
            id_prefix: id_prefix(report),
            checks: checks_by_id(report),
        })
    }
}

// One finding, borrowed from the report, its fields in the order of the mapping above,
// serialised straight to the output.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Finding<'a> {
    schema_version: &'static str,
    id: String,
    product_arn: &'a str,
    product_name: &'static str,
    company_name: &'static str,
    generator_id: &'a str,
    aws_account_id: &'a str,
    region: &'a str,
    types: [&'static str; 1],
    created_at: &'a str,
    updated_at: &'a str,
    severity: FindingSeverity<'a>,
    title: String,
    description: String,
    remediation: Remediation,
    resources: [Resource<'a>; 1],
    compliance: Compliance<'a>,
    workflow: Workflow,
    record_state: &'static str,
    product_fields: ProductFields<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Note<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FindingSeverity<'a> {
    label: &'static str,
    original: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Remediation {
    recommendation: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Resource<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: &'a str,
    partition: &'a str,
    region: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Compliance<'a> {
    status: &'static str,
    related_requirements: Vec<String>,
    security_control_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Workflow {
    status: &'static str,
}

#[derive(Serialize)]
struct ProductFields<'a> {
    #[serde(rename = "flowforge-audit/Status")]
    status: &'static str,
    #[serde(rename = "flowforge-audit/Environment")]
    environment: &'a str,
    #[serde(rename = "flowforge-audit/FindingId")]
    finding_id: &'a str,
    /// A privilege-escalation chain (FF-IAM-001/005/006): the whole witness, one step per
    /// line, where the Description (1,024 characters) may cut it.
    #[serde(rename = "flowforge-audit/Chain", skip_serializing_if = "Option::is_none")]
    chain: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Note<'a> {
    text: String,
    updated_by: String,
    updated_at: &'a str,
}

/// The ASFF finding of one result.
fn finding<'a>(cx: &'a Context<'a>, r: &'a CheckResult) -> Finding<'a> {
    let report = cx.report;
    let check = cx.checks.get(r.check_id.as_str()).map(|c| &c.meta);
    let title = check.map(|m| m.title.as_str()).unwrap_or(r.check_id.as_str());
    let (compliance, workflow, record) = statuses(r.status);
    let description = match (r.message.is_empty(), check) {
        (false, _) => r.message.as_str(),
        (true, Some(m)) => m.description.as_str(),
        (true, None) => title,
    };
    let related: Vec<String> = check
        .map(|m| {
            m.frameworks
                .iter()
                .flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{} {id}", framework_name(fw))))
                .take(32)
                .collect()
        })
        .unwrap_or_default();
    let home = home_region(report);
    let region = if r.region.is_empty() || r.region == "global" { home } else { r.region.as_str() };
    Finding {
        schema_version: SCHEMA_VERSION,
        id: format!("{}{}", cx.id_prefix, r.finding_id),
        product_arn: &cx.product,
        product_name: "flowforge-audit",
        company_name: "FlowForge",
        generator_id: &r.check_id,
        aws_account_id: &report.account_id,
        region: home,
        types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
        created_at: &cx.at,
        updated_at: &cx.at,
        severity: FindingSeverity { label: severity_label(r.severity), original: r.severity.as_str() },
        title: cut(title, 256),
        description: cut(description, 1024),
        remediation: Remediation {
            recommendation: Text { text: cut(check.map(|m| m.remediation.as_str()).unwrap_or(""), 512) },
        },
        resources: [Resource {
            kind: crate::model::asff_type(check.map(|m| m.collection.as_str()).unwrap_or("")),
            id: &r.resource_arn,
            partition: &report.partition,
            region,
        }],
        compliance: Compliance { status: compliance, related_requirements: related, security_control_id: &r.check_id },
        workflow: Workflow { status: workflow },
        record_state: record,
        product_fields: ProductFields {
            status: r.status.as_str(),
            environment: &report.environment,
            finding_id: &r.finding_id,
            chain: chain_text(&r.evidence).map(|text| cut(&text, 2048)),
        },
        note: r.waiver.as_ref().map(|w| Note {
            text: cut(&format!("Waived: {}", w.reason), 512),
            updated_by: cut(&w.owner, 512),
            updated_at: &cx.at,
        }),
    }
}

/// The chain of an escalation finding's evidence (`chain`: steps with `actor`, `action`,
/// `resource`, `gains`), one step per line; `None` for any other evidence.
fn chain_text(evidence: &[Value]) -> Option<String> {
    let steps = evidence.iter().find_map(|e| e.get("chain")?.as_array())?;
    let field = |s: &Value, k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let lines: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{}. {} --[{} on {}]--> {} (granted by {})",
                i + 1,
                field(s, "actor"),
                field(s, "action"),
                field(s, "resource"),
                field(s, "gains"),
                s.get("granted_by")
                    .and_then(Value::as_array)
                    .map(|g| g.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            )
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// One finding per result with the fields BatchImportFindings requires, AWS's resource
    /// types, the compliance and workflow statuses of the result, and framework requirements.
    #[test]
    fn one_asff_finding_per_result_with_required_fields() {
        let report = sample_report();
        let v: Value = serde_json::from_slice(&AsffRenderer.render(&report).unwrap()).unwrap();
        let findings = v.as_array().unwrap();
        assert_eq!(findings.len(), report.results.len());
        for f in findings {
            for key in [
                "SchemaVersion",
                "Id",
                "ProductArn",
                "GeneratorId",
                "AwsAccountId",
                "Types",
                "CreatedAt",
                "UpdatedAt",
                "Severity",
                "Title",
                "Description",
                "Resources",
            ] {
                assert!(!f[key].is_null(), "{key} missing: {f}");
            }
            assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
            assert!(f["Description"].as_str().unwrap().chars().count() <= 1024);
        }
        let fail = findings
            .iter()
            .find(|f| f["GeneratorId"] == "FF-S3-001" && f["ProductFields"]["flowforge-audit/Status"] == "FAIL")
            .unwrap();
        assert_eq!(
            fail["ProductArn"],
            format!("arn:aws:securityhub:{}:{}:product/{1}/default", home_region(&report), report.account_id)
        );
        assert_eq!(fail["Compliance"]["Status"], "FAILED");
        assert_eq!(fail["Workflow"]["Status"], "NEW");
        assert_eq!(fail["Resources"][0]["Type"], "AwsS3Bucket");
        assert!(
            fail["Compliance"]["RelatedRequirements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_str().unwrap().starts_with("CIS AWS Foundations Benchmark ")),
            "{fail}"
        );
        let by_status =
            |s: &str| findings.iter().filter(|f| f["ProductFields"]["flowforge-audit/Status"] == s).collect::<Vec<_>>();
        assert!(by_status("PASS").iter().all(|f| f["Compliance"]["Status"] == "PASSED"
            && f["Workflow"]["Status"] == "RESOLVED"
            && f["RecordState"] == "ARCHIVED"));
        assert!(by_status("FAIL").iter().all(|f| f["RecordState"] == "ACTIVE"), "a FAIL stays open");
        assert!(by_status("WAIVED").iter().all(|f| f["Workflow"]["Status"] == "SUPPRESSED" && !f["Note"].is_null()));
        assert!(
            by_status("UNKNOWN").iter().all(|f| f["Compliance"]["Status"] == "NOT_AVAILABLE"),
            "UNKNOWN is never PASSED"
        );
        assert!(!by_status("PASS").is_empty() && !by_status("UNKNOWN").is_empty());
    }

    /// Over-long titles and descriptions are cut to ASFF's limits on a character boundary.
    #[test]
    fn cut_respects_limits_and_characters() {
        let long = "é".repeat(2000);
        let c = cut(&long, 1024);
        assert!(c.chars().count() <= 1024 && c.ends_with('…'));
        assert_eq!(cut("short", 10), "short");
    }
}
