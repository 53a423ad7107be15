//! `--history DIR`: each run's summary appended to `DIR/history.jsonl` (JSON Lines), and read
//! back as the trend in the HTML and Markdown reports.
//!
//! The file is only ever appended to, so a scheduled scan builds its own posture history
//! without a database (the CI examples keep `DIR` between runs). The trend is about the account
//! over time, not about the runs: its points are **snapshots**, ordered by their collection
//! time (never the clock, never the order of the runs), one point per snapshot (its SHA-256).
//! Re-evaluating a saved snapshot therefore adds no point: an identical summary is not appended
//! again, and a different one (a newer catalog, another baseline) is appended and replaces the
//! snapshot's point when read, so each point shows the latest judgement of its snapshot. An
//! older snapshot evaluated today shows the trend as it was up to its own collection time.
//!
//! A line that is not a valid entry (or whose `collected_at` is not an RFC 3339 time) is an
//! input error naming the file and line: a silently skipped line would bend the trend.
//!
//! The file is read and appended without following a symbolic link (a `history.jsonl` planted
//! as a link would otherwise be appended to wherever it points).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::model::{AuditReport, HistoryEntry};

/// The file inside `--history DIR`.
pub const HISTORY_FILE: &str = "history.jsonl";

/// Points shown in the trend (this snapshot's included).
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
        snapshot_sha256: Some(report.provenance.snapshot_sha256.clone()),
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

fn collection_time(e: &HistoryEntry) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(&e.collected_at)
}

/// Every entry of `dir`'s history file, in file order (none when it does not exist yet).
pub fn load(dir: &Path) -> Result<Vec<HistoryEntry>, HistoryError> {
    let path = dir.join(HISTORY_FILE);
    let shown = path.display().to_string();
    let bytes = match crate::fsio::read_no_follow(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(HistoryError::Io { path: shown, error }),
    };
    let text = String::from_utf8(bytes).map_err(|e| HistoryError::Io {
        path: shown.clone(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text: {}", e.utf8_error())),
    })?;
    let mut out = Vec::new();
    for (i, line) in crate::diag::strip_bom(&text).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let invalid = |message: String| HistoryError::Invalid { path: shown.clone(), line: i + 1, message };
        let e: HistoryEntry = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
        collection_time(&e)
            .map_err(|err| invalid(format!("collected_at {:?} is not an RFC 3339 time: {err}", e.collected_at)))?;
        out.push(e);
    }
    Ok(out)
}

/// What makes two entries the same point: the snapshot's hash; for lines written before the
/// hash was recorded, the collection time.
fn same_point(a: &HistoryEntry, b: &HistoryEntry) -> bool {
    match (&a.snapshot_sha256, &b.snapshot_sha256) {
        (Some(x), Some(y)) => x == y,
        _ => a.collected_at == b.collected_at,
    }
}

/// The trend of one environment and account: one point per snapshot (the entry appended last
/// for it), ordered by collection time (entries at the same time keep their file order).
pub fn points(entries: &[HistoryEntry], environment: &str, account_id: &str) -> Vec<HistoryEntry> {
    let mut points: Vec<HistoryEntry> = Vec::new();
    for e in entries.iter().filter(|e| e.environment == environment && e.account_id == account_id) {
        match points.iter_mut().find(|p| same_point(p, e)) {
            Some(p) => *p = e.clone(),
            None => points.push(e.clone()),
        }
    }
    // Entries are validated on load; a time that does not parse sorts first rather than panic.
    let mut keyed: Vec<(Option<DateTime<FixedOffset>>, HistoryEntry)> =
        points.into_iter().map(|p| (collection_time(&p).ok(), p)).collect();
    keyed.sort_by_key(|a| a.0);
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// Appends `report`'s entry to `dir`'s history (creating both) unless the file already holds
/// exactly that entry (the same snapshot judged the same way), and puts the trend into the
/// report: the last [`MAX_TREND`] points of its environment and account collected up to its
/// snapshot, its own last. Returns the history file's path.
pub fn record(report: &mut AuditReport, dir: &Path) -> Result<PathBuf, HistoryError> {
    let path = dir.join(HISTORY_FILE);
    let io = |error| HistoryError::Io { path: path.display().to_string(), error };
    let mut entries = load(dir)?;
    let current = entry(report);
    if !entries.contains(&current) {
        let mut line = serde_json::to_string(&current).map_err(|e| io(std::io::Error::other(e)))?;
        line.push('\n');
        std::fs::create_dir_all(dir).map_err(io)?;
        crate::fsio::append_no_follow(&path, line.as_bytes()).map_err(io)?;
    }
    // The current entry last, so it is this snapshot's point whatever the file said before.
    entries.retain(|e| e != &current);
    entries.push(current.clone());
    let upto = collection_time(&current).ok();
    let mut trend: Vec<HistoryEntry> = points(&entries, &report.environment, &report.account_id)
        .into_iter()
        .filter(|p| !same_point(p, &current) && collection_time(p).ok() <= upto)
        .collect();
    trend.push(current);
    let skip = trend.len().saturating_sub(MAX_TREND);
    report.history = trend.split_off(skip);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    fn at(report: &AuditReport, collected_at: &str, sha: &str) -> AuditReport {
        let mut r = report.clone();
        r.collected_at = collected_at.into();
        r.provenance.snapshot_sha256 = sha.into();
        r
    }

    fn lines(dir: &Path) -> usize {
        load(dir).unwrap().len()
    }

    /// Each snapshot appends one line; the trend holds this environment's points, this one
    /// last; a broken line is an error naming its line.
    #[test]
    fn history_appends_and_reads_back_the_trend() {
        let dir = tempfile::tempdir().unwrap();
        let base = sample_report();
        let mut first = at(&base, "2025-03-14T09:00:00Z", "aa");
        record(&mut first, dir.path()).unwrap();
        assert_eq!(first.history.len(), 1);
        let mut other_env = at(&base, "2025-03-14T10:00:00Z", "bb");
        other_env.environment = "qa".into();
        record(&mut other_env, dir.path()).unwrap();
        let mut second = at(&base, "2025-03-15T09:00:00Z", "cc");
        record(&mut second, dir.path()).unwrap();
        assert_eq!(second.history.len(), 2, "only prod points");
        assert_eq!(second.history[1].collected_at, "2025-03-15T09:00:00Z");
        assert_eq!(second.history[0], entry(&first));
        assert_eq!(lines(dir.path()), 3);

        std::fs::write(dir.path().join(HISTORY_FILE), "{\"collected_at\":1}\n").unwrap();
        let err = record(&mut sample_report(), dir.path()).unwrap_err().to_string();
        assert!(err.contains("history.jsonl:1:"), "{err}");
    }

    /// Issue 22 item 8: `--history DIR` appended through a `history.jsonl` symbolic link to a
    /// file outside DIR. The link is refused (an error naming it), the target is untouched.
    #[cfg(unix)]
    #[test]
    fn history_never_appends_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, b"").unwrap();
        let hist = dir.path().join("hist");
        std::fs::create_dir(&hist).unwrap();
        std::os::unix::fs::symlink(&outside, hist.join(HISTORY_FILE)).unwrap();
        let err = record(&mut sample_report(), &hist).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read(&outside).unwrap(), b"", "nothing written through the link");
        // A dangling link (the target does not exist yet) is not created through either.
        let gone = dir.path().join("gone.txt");
        std::fs::remove_file(hist.join(HISTORY_FILE)).unwrap();
        std::os::unix::fs::symlink(&gone, hist.join(HISTORY_FILE)).unwrap();
        assert!(record(&mut sample_report(), &hist).is_err());
        assert!(!gone.exists(), "no file created through a dangling link");
    }

    /// Issue 25 friction 8: the trend followed the order of the runs, so a snapshot evaluated
    /// late (a backfill, a re-run of last week's) was drawn as the newest point. Points are
    /// ordered by collection time, whatever the order they were recorded in and whatever the
    /// time zone their time is written in; an older snapshot sees the trend up to itself.
    #[test]
    fn trend_is_ordered_by_collection_time_not_run_order() {
        let dir = tempfile::tempdir().unwrap();
        let base = sample_report();
        for (time, sha) in [("2025-03-03T00:00:00Z", "c"), ("2025-03-01T00:00:00Z", "a")] {
            record(&mut at(&base, time, sha), dir.path()).unwrap();
        }
        // 2025-03-02T01:00:00+02:00 is 2025-03-01T23:00Z: between the two.
        let mut middle = at(&base, "2025-03-02T01:00:00+02:00", "b");
        record(&mut middle, dir.path()).unwrap();
        let times: Vec<&str> = middle.history.iter().map(|e| e.collected_at.as_str()).collect();
        assert_eq!(times, ["2025-03-01T00:00:00Z", "2025-03-02T01:00:00+02:00"], "up to itself, in time order");
        let mut latest = at(&base, "2025-03-04T00:00:00Z", "d");
        record(&mut latest, dir.path()).unwrap();
        let shas: Vec<&str> = latest.history.iter().filter_map(|e| e.snapshot_sha256.as_deref()).collect();
        assert_eq!(shas, ["a", "b", "c", "d"]);
    }

    /// Issue 25 friction 8: re-running a saved snapshot added a second point for the same
    /// moment. The same snapshot judged the same way appends nothing; judged anew (another
    /// catalog) its line is appended and replaces its point, never adds one.
    #[test]
    fn one_point_per_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let base = sample_report();
        record(&mut at(&base, "2025-03-01T00:00:00Z", "a"), dir.path()).unwrap();
        let mut again = at(&base, "2025-03-02T00:00:00Z", "b");
        record(&mut again, dir.path()).unwrap();
        record(&mut again.clone(), dir.path()).unwrap();
        assert_eq!(lines(dir.path()), 2, "the same snapshot and summary is not appended twice");
        let mut rejudged = at(&base, "2025-03-02T00:00:00Z", "b");
        rejudged.provenance.catalog_sha256 = "new-catalog".into();
        record(&mut rejudged, dir.path()).unwrap();
        assert_eq!(lines(dir.path()), 3, "a new judgement is recorded");
        assert_eq!(rejudged.history.len(), 2, "but the snapshot is still one point");
        assert_eq!(rejudged.history[1].catalog_sha256, "new-catalog", "its latest judgement");
        let entries = load(dir.path()).unwrap();
        assert_eq!(points(&entries, &base.environment, &base.account_id).len(), 2, "2 points from 3 lines");
        // A line from before the hash was recorded is the same point as its snapshot's time.
        let mut legacy = entry(&at(&base, "2025-03-05T00:00:00Z", "e"));
        legacy.snapshot_sha256 = None;
        let mut text = std::fs::read_to_string(dir.path().join(HISTORY_FILE)).unwrap();
        text.push_str(&serde_json::to_string(&legacy).unwrap());
        text.push('\n');
        std::fs::write(dir.path().join(HISTORY_FILE), text).unwrap();
        let mut same = at(&base, "2025-03-05T00:00:00Z", "e");
        record(&mut same, dir.path()).unwrap();
        assert_eq!(same.history.len(), 3, "the legacy line and this run are one point");
    }

    /// A hand-edited time that is not RFC 3339 is an error naming the line, not a point
    /// placed anywhere.
    #[test]
    fn an_entry_without_a_time_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = entry(&sample_report());
        bad.collected_at = "yesterday".into();
        std::fs::write(dir.path().join(HISTORY_FILE), format!("{}\n", serde_json::to_string(&bad).unwrap())).unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("history.jsonl:1:") && err.contains("RFC 3339"), "{err}");
    }
}
