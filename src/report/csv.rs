//! The CSV report for auditors: one row per result, then one row per drift item.
//!
//! Auditors open this file in a spreadsheet, so every cell that a spreadsheet would run as a
//! formula (a value starting with `=`, `+`, `-`, `@`, tab or carriage return, e.g. a tag set by
//! someone with write access to the account) is neutralised by prefixing a single quote (the
//! OWASP "CSV injection" advice). Control characters, NUL and bidi overrides are made visible
//! first, by the escaping policy every writer shares ([`super::text`]). Quoting and embedded
//! newlines are handled by the `csv` crate.
//!
//! Drift items share the result columns (one file is easier to filter than two): their
//! `check_id` is `DRIFT-<STATE>`, `status` is the drift state, `finding_id` the drift id and
//! `resource_name` the baseline element; `evidence` holds kind, attribute, expected and actual.

use crate::model::{AuditReport, ControlStatus, DriftItem, DriftState, WaiverNote, WaiverState};

use super::common::{checks_by_id, compact_json, waiver_owner};
use super::{Format, Renderer, ReportError};

/// The header row (a public contract: documented in `docs/report.md`).
pub const COLUMNS: [&str; 16] = [
    "finding_id",
    "check_id",
    "title",
    "severity",
    "status",
    "resource_arn",
    "resource_name",
    "region",
    "message",
    "evidence",
    "remediation",
    "frameworks",
    "waiver_reason",
    "waiver_owner",
    "waiver_expires",
    "check_source",
];

/// Renders the CSV report.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvRenderer;

impl Renderer for CsvRenderer {
    fn format(&self) -> Format {
        Format::Csv
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.csv"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
        w.write_record(COLUMNS)?;
        let checks = checks_by_id(report);
        for r in &report.results {
            let check = checks.get(r.check_id.as_str());
            let frameworks = check
                .map(|c| {
                    c.meta
                        .frameworks
                        .iter()
                        .flat_map(|(fw, controls)| controls.iter().map(move |ctl| format!("{fw}:{ctl}")))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let (waiver_reason, owner, expires) = match &r.waiver {
                Some(w) => (w.reason.clone(), waiver_owner(w), w.expires.clone()),
                None => Default::default(),
            };
            let row = [
                r.finding_id.clone(),
                r.check_id.clone(),
                check.map(|c| c.meta.title.clone()).unwrap_or_default(),
                r.severity.as_str().to_string(),
                r.status.as_str().to_string(),
                r.resource_arn.clone(),
                r.resource_name.clone(),
                r.region.clone(),
                r.message.clone(),
                if r.evidence.is_empty() { String::new() } else { compact_json(&r.evidence) },
                check.map(|c| c.meta.remediation.clone()).unwrap_or_default(),
                frameworks,
                waiver_reason,
                owner,
                expires,
                check.map(|c| check_source(&c.meta)).unwrap_or_default(),
            ];
            w.write_record(row.iter().map(|c| cell(c)))?;
        }
        if let Some(drift) = &report.drift {
            for item in &drift.items {
                w.write_record(drift_row(item).iter().map(|c| cell(c)))?;
            }
        }
        for note in report.waivers.iter().filter(|n| n.state.needs_attention()) {
            w.write_record(waiver_row(note).iter().map(|c| cell(c)))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Where a check's verdicts come from: its file's label, and the overlay libraries it reaches
/// (`builtin:policies/aws/vpc/x.rego + overlay:lib/flowforge.rego`), so that a row judged by
/// a `--policies` overlay says so.
fn check_source(meta: &crate::model::CheckMeta) -> String {
    std::iter::once(meta.source.as_str())
        .chain(meta.overlay_libraries.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The header of a per-framework compliance CSV (`--compliance FRAMEWORK`; documented in
/// `docs/report.md`, with how each column maps to Prowler's compliance CSV).
pub const COMPLIANCE_COLUMNS: [&str; 19] = [
    "framework",
    "framework_version",
    "control_id",
    "control_title",
    "section",
    "control_status",
    "assessment_date",
    "account_id",
    "environment",
    "region",
    "resource_arn",
    "resource_name",
    "check_id",
    "severity",
    "status",
    "status_detail",
    "waiver_reason",
    "waiver_owner",
    "waiver_expires",
];

/// The file name of the compliance CSV of `framework`.
pub fn compliance_file_name(framework: &str) -> String {
    format!("flowforge-audit.compliance-{framework}.csv")
}

/// The framework of a compliance CSV's file name (the inverse of [`compliance_file_name`]).
pub fn compliance_framework_of(file_name: &str) -> Option<&str> {
    file_name
        .strip_prefix("flowforge-audit.compliance-")
        .and_then(|rest| rest.strip_suffix(".csv"))
        .filter(|f| !f.is_empty() && !f.contains('/'))
}

/// Why a control has no result row: its status said in words.
fn no_result_detail(c: &crate::model::ControlCompliance) -> &'static str {
    match c.status {
        ControlStatus::Manual => "assessed by a person: no check covers this control",
        ControlStatus::NotAssessed if c.checks.is_empty() => "no check of the catalog covers this control",
        ControlStatus::NotAssessed => "the checks mapped to this control produced no result in this run",
        ControlStatus::Pass | ControlStatus::Fail => "",
    }
}

/// Writes one framework's compliance view as CSV, as auditors and Prowler's compliance CSV
/// have it: one row per control and resource (every result of every check mapped to the
/// control), with the assessment date (the snapshot's collection time), account, region,
/// resource, the result's status and detail, check, severity and waiver; a control without a
/// result (MANUAL, NOT_ASSESSED) is one row with its status and why. Controls in the natural
/// order of their ids (`1.2` before `1.10`); cells neutralised like the main CSV. `None` when
/// the report has no such framework.
pub fn write_compliance(
    report: &AuditReport,
    framework: &str,
    out: &mut dyn std::io::Write,
) -> Result<Option<()>, ReportError> {
    let Some(f) = report.compliance.iter().find(|f| f.framework == framework) else { return Ok(None) };
    let mut by_check: std::collections::BTreeMap<&str, Vec<&crate::model::CheckResult>> = Default::default();
    for r in &report.results {
        by_check.entry(r.check_id.as_str()).or_default().push(r);
    }
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    w.write_record(COMPLIANCE_COLUMNS)?;
    for c in &f.controls {
        let control = [
            f.framework.clone(),
            f.version.clone(),
            c.id.clone(),
            c.title.clone(),
            c.section.clone(),
            c.status.as_str().to_owned(),
            report.collected_at.clone(),
            report.account_id.clone(),
            report.environment.clone(),
        ];
        let results: Vec<&crate::model::CheckResult> =
            c.checks.iter().flat_map(|id| by_check.get(id.as_str()).into_iter().flatten().copied()).collect();
        if results.is_empty() {
            let mut row: Vec<String> = control.to_vec();
            row.extend([
                String::new(),
                String::new(),
                String::new(),
                c.checks.join("; "),
                String::new(),
                c.status.as_str().to_owned(),
                no_result_detail(c).to_owned(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            w.write_record(row.iter().map(|c| cell(c)))?;
            continue;
        }
        for r in results {
            let (reason, owner, expires) = match &r.waiver {
                Some(wv) => (wv.reason.clone(), waiver_owner(wv), wv.expires.clone()),
                None => Default::default(),
            };
            let mut row: Vec<String> = control.to_vec();
            row.extend([
                r.region.clone(),
                r.resource_arn.clone(),
                r.resource_name.clone(),
                r.check_id.clone(),
                r.severity.as_str().to_owned(),
                r.status.as_str().to_owned(),
                r.message.clone(),
                reason,
                owner,
                expires,
            ]);
            w.write_record(row.iter().map(|c| cell(c)))?;
        }
    }
    w.flush()?;
    Ok(Some(()))
}

/// The bytes of one framework's compliance CSV ([`write_compliance`]); `None` when the report
/// has no such framework.
pub fn compliance_bytes(report: &AuditReport, framework: &str) -> Result<Option<Vec<u8>>, ReportError> {
    let mut out = Vec::new();
    Ok(write_compliance(report, framework, &mut out)?.map(|()| out))
}

fn drift_row(item: &DriftItem) -> [String; 16] {
    let remediation = match item.state {
        DriftState::Missing => "Create the element the baseline declares, or remove it from the baseline.",
        DriftState::Changed => "Restore the attribute to the baseline value, or change the baseline.",
        DriftState::Unmanaged => "Declare the resource in the baseline, or remove it from the account.",
        DriftState::InSync => "",
    };
    let evidence = serde_json::json!({
        "kind": item.kind,
        "attribute": item.attribute,
        "expected": item.expected,
        "actual": item.actual,
    });
    [
        item.drift_id.clone(),
        format!("DRIFT-{}", item.state.as_str()),
        format!("{} drift: {}", item.kind, item.element),
        item.severity.as_str().to_string(),
        item.state.as_str().to_string(),
        item.resource_arn.clone().unwrap_or_default(),
        item.element.clone(),
        String::new(),
        item.message.clone(),
        compact_json(&evidence),
        remediation.to_string(),
        String::new(),
        item.waiver.as_ref().map(|w| w.reason.clone()).unwrap_or_default(),
        item.waiver.as_ref().map(waiver_owner).unwrap_or_default(),
        item.waiver.as_ref().map(|w| w.expires.clone()).unwrap_or_default(),
        String::new(),
    ]
}

/// A waiver that needs attention (expired, expiring, stale), as a row after the results and
/// the drift: `check_id` is `WAIVER-<STATE>`, the waived check is in `title`, the waiver's
/// location in `resource_name`, and its owner, reason and expiry in their columns.
fn waiver_row(note: &WaiverNote) -> [String; 16] {
    let remediation = match note.state {
        WaiverState::Expired => "Fix the finding, or renew the waiver with a new expiry date and a reason.",
        WaiverState::Expiring => "Fix the finding before the waiver expires, or renew it.",
        WaiverState::Stale => "Remove the waiver: it matches no FAIL.",
        WaiverState::Applied => "",
    };
    [
        format!("waiver:{}", note.location),
        format!("WAIVER-{}", note.state.as_str()),
        format!("waiver of {} for {}", note.check_id, note.selector),
        String::new(),
        note.state.as_str().to_string(),
        String::new(),
        note.location.clone(),
        String::new(),
        note.message.clone(),
        compact_json(
            &serde_json::json!({"check_id": note.check_id, "selector": note.selector, "matched": note.matched}),
        ),
        remediation.to_string(),
        String::new(),
        note.reason.clone(),
        note.owner.clone(),
        note.expires.clone(),
        String::new(),
    ]
}

/// A cell as written: the shared escaping policy first (control characters, NUL, bidi
/// overrides made visible: [`super::text::document`]), then [`neutralise`].
pub fn cell(value: &str) -> String {
    neutralise(&super::text::document(value)).into_owned()
}

/// Prefixes a single quote to a cell a spreadsheet would evaluate as a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_report, HOSTILE_FORMULA};

    /// Formula injection: every dangerous leading character is defused, others are untouched.
    #[test]
    fn neutralise_prefixes_formula_cells_only() {
        for bad in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for ok in ["arn:aws:s3:::b", "", "a=b", "FAIL"] {
            assert_eq!(neutralise(ok), ok);
        }
    }

    /// A hostile resource name reaches the file as text, never as a formula, in any column.
    #[test]
    fn csv_has_one_row_per_result_and_drift_item_and_no_formula_cells() {
        let report = sample_report();
        let bytes = CsvRenderer.render(&report).unwrap();
        let mut rdr = ::csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(rdr.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let rows: Vec<::csv::StringRecord> = rdr.records().collect::<Result<_, _>>().unwrap();
        let drift_items = report.drift.as_ref().map(|d| d.items.len()).unwrap_or(0);
        let attention = report.waivers.iter().filter(|w| w.state.needs_attention()).count();
        assert_eq!(attention, 3, "the fixture has an expiring, an expired and a stale waiver");
        assert_eq!(rows.len(), report.results.len() + drift_items + attention);
        for row in &rows {
            for cell in row.iter() {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "formula cell {cell:?}");
            }
        }
        let hostile = rows.iter().find(|r| r[6].contains("HYPERLINK")).unwrap();
        assert_eq!(&hostile[6], format!("'{HOSTILE_FORMULA}"));
        let waived = rows.iter().find(|r| &r[4] == "WAIVED").unwrap();
        assert_eq!(&waived[13], "platform-team@example.com (SEC-1234)");
        assert!(rows.iter().any(|r| &r[1] == "DRIFT-MISSING" && &r[6] == "vpc_endpoint:secretsmanager"));
        // Waivers needing attention: one row each, the applied one has none.
        let states: Vec<&str> = rows.iter().filter(|r| r[1].starts_with("WAIVER-")).map(|r| &r[4]).collect();
        assert_eq!(states, ["EXPIRING", "EXPIRED", "STALE"]);
        let stale = rows.iter().find(|r| &r[1] == "WAIVER-STALE").unwrap();
        assert_eq!((&stale[6], &stale[13]), ("waivers.yaml:21", format!("'{HOSTILE_FORMULA}").as_str()));
    }

    /// Issue 25: `--compliance` writes one row per control and resource (every result of
    /// every mapped check, with date, account, region, resource, status and detail, check,
    /// severity and waiver), one row for a control without a result, controls in natural
    /// order; a framework the report lacks is `None`; account strings cannot become formulas.
    #[test]
    fn compliance_csv_has_a_row_per_control_and_resource() {
        let mut report = crate::report::fixture::sample_report();
        let bytes = compliance_bytes(&report, "cis-aws-foundations").unwrap().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut rd = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), COMPLIANCE_COLUMNS);
        let col = |name: &str| COMPLIANCE_COLUMNS.iter().position(|c| *c == name).unwrap();
        let rows: Vec<::csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
        let cis = report.compliance.iter().find(|f| f.framework == "cis-aws-foundations").unwrap();
        let expected: usize = cis
            .controls
            .iter()
            .map(|c| {
                let n = report.results.iter().filter(|r| c.checks.contains(&r.check_id)).count();
                n.max(1)
            })
            .sum();
        assert_eq!(rows.len(), expected);
        let controls: Vec<&str> = rows.iter().map(|r| &r[col("control_id")]).collect();
        let mut distinct = controls.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), cis.totals.controls, "every control, its rows together");
        assert!(distinct.iter().position(|c| *c == "1.2") < distinct.iter().position(|c| *c == "1.10"));
        // Every FF-S3-001 result is a row of control 2.1.1 with its own status and resource.
        let s3: Vec<&::csv::StringRecord> = rows.iter().filter(|r| &r[col("control_id")] == "2.1.1").collect();
        let results: Vec<_> = report.results.iter().filter(|r| r.check_id == "FF-S3-001").collect();
        assert_eq!(s3.len(), results.len());
        for (row, r) in s3.iter().zip(&results) {
            assert_eq!(&row[col("resource_arn")], r.resource_arn.as_str());
            assert_eq!(&row[col("status")], r.status.as_str());
            assert_eq!(&row[col("control_status")], "FAIL");
            assert_eq!(&row[col("severity")], r.severity.as_str());
            assert_eq!(&row[col("assessment_date")], report.collected_at.as_str());
            assert_eq!(&row[col("region")], r.region.as_str());
        }
        let manual = rows.iter().find(|r| &r[col("control_status")] == "MANUAL").unwrap();
        assert_eq!((&manual[col("status")], &manual[col("resource_arn")]), ("MANUAL", ""));
        assert!(manual[col("status_detail")].contains("assessed by a person"));
        // A waived result carries its waiver.
        let fsbp = String::from_utf8(compliance_bytes(&report, "aws-fsbp").unwrap().unwrap()).unwrap();
        let waived = ::csv::Reader::from_reader(fsbp.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .find(|r| &r[col("status")] == "WAIVED")
            .expect("a waived result mapped to FSBP");
        assert!(!waived[col("waiver_reason")].is_empty() && !waived[col("waiver_expires")].is_empty());
        assert!(compliance_bytes(&report, "soc2").unwrap().is_none());
        report.account_id = "=HYPERLINK(1)".into();
        let text = String::from_utf8(compliance_bytes(&report, "aws-fsbp").unwrap().unwrap()).unwrap();
        assert!(text.contains("'=HYPERLINK(1)") && !text.contains(",=HYPERLINK"));
        assert_eq!(compliance_framework_of(&compliance_file_name("aws-fsbp")), Some("aws-fsbp"));
        assert_eq!(compliance_framework_of("flowforge-audit.csv"), None);
    }
}
