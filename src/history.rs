//! `--history DIR`: each run's summary appended to `DIR/history.jsonl` (JSON Lines), and the
//! last runs read back for the trend in the HTML and Markdown reports.
//!
//! One line per run, in run order; the file is only ever appended to, so a scheduled scan
//! builds its own posture history without a database. Entries carry the snapshot's collection
//! time, never the clock, so re-running a saved snapshot appends an identical line. A line
//! that is not a valid entry is an input error naming the file and line: a silently skipped
//! line would bend the trend.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{AuditReport, HistoryEntry};

/// The file inside `--history DIR`.
pub const HISTORY_FILE: &str = "history.jsonl";

/// Runs shown in the trend (this one included).
pub const MAX_TREND: usize = 20;

/// Why the history could not be read or appended to.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("--history {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
    #[error("--history {path}:{line}: not a history entry ({message}); fix or remove the line")]
    Invalid { path: String, line: usize, message: String },
}

/// The summary of `report` as one history entry.
pub fn entry(report: &AuditReport) -> HistoryEntry {
    HistoryEntry {
        collected_at: report.collected_at.clone(),
        environment: report.environment.clone(),
        account_id: report.account_id.clone(),
        catalog_sha256: report.provenance.catalog_sha256.clone(),
        results: report.summary.results,
        resources: report.summary.resources,
        by_status: report.summary.by_status.clone(),
        failed_by_severity: report.summary.failed_by_severity.clone(),
        architecture_coverage_percent: report.drift.as_ref().map(|d| d.architecture_coverage_percent),
        gate_passed: report.gate.passed,
    }
}

/// Every entry of `dir`'s history file (none when it does not exist yet).
pub fn load(dir: &Path) -> Result<Vec<HistoryEntry>, HistoryError> {
    let path = dir.join(HISTORY_FILE);
    let shown = path.display().to_string();
    let text = match crate::fsio::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(HistoryError::Io { path: shown, error: source }),
    };
    let mut out = Vec::new();
    for (i, line) in crate::diag::strip_bom(&text).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let e = serde_json::from_str(line).map_err(|e| HistoryError::Invalid {
            path: shown.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(e);
    }
    Ok(out)
}

/// Appends `report`'s entry to `dir`'s history (creating both), and puts the trend (the last
/// [`MAX_TREND`] runs of the same environment and account, this one last) into the report.
/// Returns the history file's path.
pub fn record(report: &mut AuditReport, dir: &Path) -> Result<PathBuf, HistoryError> {
    let path = dir.join(HISTORY_FILE);
    let io = |source| HistoryError::Io { path: path.display().to_string(), error: source };
    let mut earlier = load(dir)?;
    earlier.retain(|e| e.environment == report.environment && e.account_id == report.account_id);
    let current = entry(report);
    let mut line = serde_json::to_string(&current).map_err(|e| io(std::io::Error::other(e)))?;
    line.push('\n');
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
    f.write_all(line.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    earlier.push(current);
    let skip = earlier.len().saturating_sub(MAX_TREND);
    report.history = earlier.split_off(skip);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// Each run appends one line; the trend holds this environment's runs, this one last; a
    /// broken line is an error naming its line.
    #[test]
    fn history_appends_and_reads_back_the_trend() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = sample_report();
        record(&mut first, dir.path()).unwrap();
        assert_eq!(first.history.len(), 1);
        let mut other_env = sample_report();
        other_env.environment = "qa".into();
        record(&mut other_env, dir.path()).unwrap();
        let mut second = sample_report();
        second.collected_at = "2025-03-15T09:00:00Z".into();
        record(&mut second, dir.path()).unwrap();
        assert_eq!(second.history.len(), 2, "only prod runs");
        assert_eq!(second.history[1].collected_at, "2025-03-15T09:00:00Z");
        assert_eq!(second.history[0], entry(&first));
        assert_eq!(load(dir.path()).unwrap().len(), 3);

        std::fs::write(dir.path().join(HISTORY_FILE), "{\"collected_at\":1}\n").unwrap();
        let err = record(&mut sample_report(), dir.path()).unwrap_err().to_string();
        assert!(err.contains("history.jsonl:1:"), "{err}");
    }
}
