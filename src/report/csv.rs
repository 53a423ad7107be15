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

use crate::model::{AuditReport, DriftItem, DriftState, WaiverNote, WaiverState};

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
/// `docs/report.md`).
pub const COMPLIANCE_COLUMNS: [&str; 10] = [
    "framework",
    "framework_version",
    "control_id",
    "control_title",
    "section",
    "status",
    "checks",
    "results",
    "environment",
    "account_id",
];

/// The file name of the compliance CSV of `framework`.
pub fn compliance_file_name(framework: &str) -> String {
    format!("flowforge-audit.compliance-{framework}.csv")
}

/// Writes one framework's compliance view as CSV: one row per control of its full list (the
/// framework's own order), cells neutralised like the main CSV. `None` when the report has no
/// such framework.
pub fn write_compliance(
    report: &AuditReport,
    framework: &str,
    out: &mut dyn std::io::Write,
) -> Result<Option<()>, ReportError> {
    let Some(f) = report.compliance.iter().find(|f| f.framework == framework) else { return Ok(None) };
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    w.write_record(COMPLIANCE_COLUMNS)?;
    for c in &f.controls {
        let results: Vec<String> = c.results.iter().map(|(s, n)| format!("{s}:{n}")).collect();
        let row = [
            f.framework.clone(),
            f.version.clone(),
            c.id.clone(),
            c.title.clone(),
            c.section.clone(),
            c.status.as_str().to_owned(),
            c.checks.join("; "),
            results.join("; "),
            report.environment.clone(),
            report.account_id.clone(),
        ];
        w.write_record(row.iter().map(|c| cell(c)))?;
    }
    w.flush()?;
    Ok(Some(()))
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

    /// `--compliance`: one row per control of the framework's full list, statuses as judged,
    /// a framework the report lacks is `None`, and account strings cannot become formulas.
    #[test]
    fn compliance_csv_lists_every_control() {
        let mut report = crate::report::fixture::sample_report();
        let mut out = Vec::new();
        assert!(write_compliance(&report, "cis-aws-foundations", &mut out).unwrap().is_some());
        let text = String::from_utf8(out).unwrap();
        let mut rd = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), COMPLIANCE_COLUMNS);
        let rows: Vec<::csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
        let cis = report.compliance.iter().find(|f| f.framework == "cis-aws-foundations").unwrap();
        assert_eq!(rows.len(), cis.totals.controls);
        let tls = rows.iter().find(|r| &r[2] == "2.1.1").unwrap();
        assert_eq!((&tls[1], &tls[5], &tls[6]), ("3.0.0", "FAIL", "FF-S3-001"));
        assert!(rows.iter().any(|r| &r[5] == "MANUAL"));
        assert!(write_compliance(&report, "soc2", &mut Vec::new()).unwrap().is_none());
        report.account_id = "=HYPERLINK(1)".into();
        let mut out = Vec::new();
        write_compliance(&report, "aws-fsbp", &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("'=HYPERLINK(1)"));
    }
}
