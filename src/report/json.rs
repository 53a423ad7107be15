//! The JSON report: the whole [`AuditReport`], pretty-printed, plus its JSON Schema.
//!
//! This is the lossless format the others are views of; its field names are a public contract
//! (`docs/report.md`). The schema is generated from the model types with `schemars` and
//! committed as `schemas/report.schema.json`; a test keeps the committed file in step with the
//! types, so a change to the contract shows up in review as a schema diff.

use std::io::Write;

use crate::model::AuditReport;

use super::{Format, Renderer, ReportError};

/// Where the committed schema lives, relative to the crate root.
pub const REPORT_SCHEMA_PATH: &str = "schemas/report.schema.json";

/// Renders the JSON report.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonRenderer;

impl Renderer for JsonRenderer {
    fn format(&self) -> Format {
        Format::Json
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.json"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn Write) -> Result<(), ReportError> {
        write_pretty_json("JSON", report, out)
    }
}

/// The JSON Schema of the JSON report, as committed in [`REPORT_SCHEMA_PATH`].
pub fn report_schema() -> Result<Vec<u8>, ReportError> {
    let mut schema = schemars::schema_for!(AuditReport);
    schema.insert(
        "description".to_string(),
        "The flowforge-audit JSON report (flowforge-audit.json): every check, one result per (check, resource), the gate decision and the drift section. See docs/report.md.".into(),
    );
    to_pretty_json("JSON Schema", &schema)
}

/// Pretty JSON with a trailing newline (what every JSON output of the tool looks like).
pub(crate) fn to_pretty_json<T: serde::Serialize>(format: &'static str, value: &T) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_pretty_json(format, value, &mut out)?;
    Ok(out)
}

/// A JSON array written from an iterator, one element at a time, so that a report with
/// hundreds of thousands of results never holds them all as JSON values (OCSF, ASFF).
/// Written exactly as a `Vec` of the same elements would be.
pub(crate) struct StreamedArray<I>(std::cell::RefCell<Option<I>>);

impl<I> StreamedArray<I> {
    pub(crate) fn new(items: I) -> Self {
        StreamedArray(std::cell::RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for StreamedArray<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Serialised once: a second call (there is none) writes an empty array.
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

/// [`to_pretty_json`], streamed into `out`.
pub(crate) fn write_pretty_json<T: serde::Serialize>(
    format: &'static str,
    value: &T,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|source| match source.io_error_kind() {
        Some(_) => ReportError::Write(source.into()),
        None => ReportError::Json { format, source },
    })?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// The JSON report is lossless: it parses back into the same report.
    #[test]
    fn json_report_round_trips() {
        let report = sample_report();
        let bytes = JsonRenderer.render(&report).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'));
        let back: AuditReport = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, report);
    }
}
