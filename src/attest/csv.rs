//! The CSV period files: one row per check, per exception (one row per resource of it), per
//! framework control, per bundle. Cells are neutralised against spreadsheet formulas like the
//! audit's CSV (`report::csv::neutralise`); columns are a public contract (`docs/attest.md`).

use super::report::{Exception, PeriodReport};
use crate::report::csv::neutralise;

/// `flowforge-attest.checks.csv`.
pub const CHECK_COLUMNS: [&str; 15] = [
    "check_id",
    "title",
    "severity",
    "verdict",
    "slots_operating",
    "slots_exception",
    "slots_not_evidenced",
    "slots_not_applicable",
    "scans",
    "waived_scans",
    "exceptions",
    "open_exceptions",
    "environment",
    "period_from",
    "period_to",
];

/// `flowforge-attest.exceptions.csv`: one row per resource of each check's exception.
pub const EXCEPTION_COLUMNS: [&str; 16] = [
    "check_id",
    "account_id",
    "exception_first_seen",
    "exception_fixed_at",
    "resource_arn",
    "resource_name",
    "severity",
    "first_seen",
    "previous_scan",
    "fixed_at",
    "closed_by",
    "duration_seconds",
    "statuses",
    "definition_changed",
    "baseline_changed",
    "bundles",
];

/// `flowforge-attest.controls-<framework>.csv`: one row per control of the full list.
pub const CONTROL_COLUMNS: [&str; 15] = [
    "framework",
    "framework_version",
    "control_id",
    "control_title",
    "section",
    "verdict",
    "checks",
    "slots_operating",
    "slots_exception",
    "slots_not_evidenced",
    "slots_not_applicable",
    "exceptions",
    "open_exceptions",
    "period_from",
    "period_to",
];

/// `flowforge-attest.bundles.csv`: every bundle in scope.
pub const BUNDLE_COLUMNS: [&str; 12] = [
    "location",
    "use",
    "collected_at",
    "account_id",
    "manifest_sha256",
    "signature",
    "signer_key_id",
    "file_time",
    "tool_version",
    "code",
    "reasons",
    "notes",
];

fn write(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}

fn open_count(exceptions: &[Exception]) -> usize {
    exceptions.iter().filter(|e| e.open).count()
}

pub fn checks(report: &PeriodReport) -> Result<Vec<u8>, ::csv::Error> {
    let rows = report
        .checks
        .iter()
        .map(|c| {
            vec![
                c.check_id.clone(),
                c.title.clone(),
                c.severity.clone(),
                c.verdict.as_str().to_owned(),
                c.slots.operating.to_string(),
                c.slots.exception.to_string(),
                c.slots.not_evidenced.to_string(),
                c.slots.not_applicable.to_string(),
                c.scans.to_string(),
                c.waived_scans.to_string(),
                c.exceptions.len().to_string(),
                open_count(&c.exceptions).to_string(),
                report.environment.clone(),
                report.period.from.clone(),
                report.period.to.clone(),
            ]
        })
        .collect();
    write(&CHECK_COLUMNS, rows)
}

pub fn exceptions(report: &PeriodReport) -> Result<Vec<u8>, ::csv::Error> {
    let mut rows = Vec::new();
    for c in &report.checks {
        for e in &c.exceptions {
            for r in &e.resources {
                rows.push(vec![
                    c.check_id.clone(),
                    e.account_id.clone(),
                    e.first_seen.clone(),
                    e.fixed_at.clone().unwrap_or_default(),
                    r.resource_arn.clone(),
                    r.resource_name.clone(),
                    r.severity.clone(),
                    r.first_seen.clone(),
                    e.previous_scan.clone().unwrap_or_default(),
                    r.fixed_at.clone().unwrap_or_default(),
                    r.closed_by.as_str().to_owned(),
                    r.duration_seconds.to_string(),
                    r.statuses.join("; "),
                    r.definition_changed.to_string(),
                    r.baseline_changed.to_string(),
                    e.bundles.join("; "),
                ]);
            }
        }
    }
    write(&EXCEPTION_COLUMNS, rows)
}

/// The controls CSV of `framework`; `None` when the report has no such framework.
pub fn controls(report: &PeriodReport, framework: &str) -> Option<Result<Vec<u8>, ::csv::Error>> {
    let f = report.frameworks.iter().find(|f| f.framework == framework)?;
    let rows = f
        .controls
        .iter()
        .map(|c| {
            vec![
                f.framework.clone(),
                f.version.clone(),
                c.id.clone(),
                c.title.clone(),
                c.section.clone(),
                c.verdict.as_str().to_owned(),
                c.checks.join("; "),
                c.slots.operating.to_string(),
                c.slots.exception.to_string(),
                c.slots.not_evidenced.to_string(),
                c.slots.not_applicable.to_string(),
                c.exceptions.len().to_string(),
                open_count(&c.exceptions).to_string(),
                report.period.from.clone(),
                report.period.to.clone(),
            ]
        })
        .collect();
    Some(write(&CONTROL_COLUMNS, rows))
}

pub fn bundles(report: &PeriodReport) -> Result<Vec<u8>, ::csv::Error> {
    let rows = report
        .bundles
        .iter()
        .map(|b| {
            vec![
                b.location.clone(),
                b.use_.as_str().to_owned(),
                b.collected_at.clone().unwrap_or_default(),
                b.account_id.clone().unwrap_or_default(),
                b.manifest_sha256.clone(),
                b.signature.clone(),
                b.signer_key_id.clone().unwrap_or_default(),
                b.file_time.clone().unwrap_or_default(),
                b.tool_version.clone(),
                b.code.clone().unwrap_or_default(),
                b.reasons.join("; "),
                b.notes.join("; "),
            ]
        })
        .collect();
    write(&BUNDLE_COLUMNS, rows)
}
