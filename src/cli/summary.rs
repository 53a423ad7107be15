//! What an audit prints: the one-screen summary on stdout, warnings on stderr, and the exit
//! code the gate decided. The library returns data; only this file turns it into lines.
//! Account strings (ARNs, names, reasons quoting them) are hostile: every one goes through
//! [`terminal`], which escapes control characters, CR/LF and bidi overrides.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::audit::{Audit, AuditOptions};
use crate::model::{AuditReport, CheckResult, DriftItem, DriftState, Severity, Status};
use crate::report::text::terminal;

fn path(p: &Path) -> String {
    terminal(&p.display().to_string()).into_owned()
}

/// Whether warnings are printed: not with `-q`, nor when `FLOWFORGE_AUDIT_LOG` (or `-q`)
/// keeps only errors. A warning is a log line at level WARN that reads well in a CI log.
pub fn warnings_shown(quiet: bool) -> bool {
    !quiet && tracing::enabled!(tracing::Level::WARN)
}

/// Prints the warnings of an audit on stderr (none with `quiet`, see [`warnings_shown`]).
pub fn warnings(audit: &Audit, quiet: bool) {
    if !warnings_shown(quiet) {
        return;
    }
    for w in &audit.warnings {
        errln!("warning: {}", terminal(w));
    }
}

/// Prints the outcome (the report paths only, with `quiet`), releases the audit's large
/// structures and returns the exit code the gate decided.
pub fn finish(audit: Audit, paths: &[PathBuf], quiet: bool) -> u8 {
    if quiet {
        for p in paths {
            outln!("{}", path(p));
        }
    } else {
        summary(&audit.report, paths);
    }
    let code = if audit.report.gate.passed { super::EXIT_OK } else { super::EXIT_GATE_FAILED };
    // The process exits right after: hand the large structures to the operating system
    // instead of freeing them one by one (about half a second on 100,000 resources).
    std::mem::forget(audit);
    code
}

/// Colours on stdout only on a terminal and when `NO_COLOR` is unset or empty (no-color.org).
pub fn color_on_stdout() -> bool {
    super::color_enabled(std::env::var_os("NO_COLOR").as_deref(), std::io::IsTerminal::is_terminal(&std::io::stdout()))
}

/// The summary printed on stdout after an audit: counts, the findings table, the drift
/// table, the gate's reasons one per line, the report paths.
pub fn summary(report: &AuditReport, paths: &[PathBuf]) {
    out!("{}", render(report, paths, color_on_stdout()));
}

/// Rows of the findings table shown per severity (and of the drift table) before "… N more":
/// the reports list every one.
const ROWS: usize = 20;
/// Widest resource cell and message cell, in characters, before an ellipsis.
const RESOURCE_WIDTH: usize = 48;
const MESSAGE_WIDTH: usize = 100;

/// ANSI SGR colours by name, applied only when `color` is on.
struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "34",
            Severity::Info => "2",
        };
        self.paint(code, text)
    }
    fn status(&self, s: &str, text: &str) -> String {
        let code = match s {
            "FAIL" | "ERROR" | "MISSING" => "31",
            "UNKNOWN" | "CHANGED" | "UNMANAGED" => "33",
            _ => "0",
        };
        self.paint(code, text)
    }
}

/// `text` escaped for a terminal ([`terminal`]) and cut to `width` characters with "…".
fn cell(text: &str, width: usize) -> String {
    let safe = terminal(text);
    if safe.chars().count() <= width {
        return safe.into_owned();
    }
    let mut out: String = safe.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Pads `text` (already safe) to `width` characters.
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

/// How one column of a table is coloured: its index and the painter of a padded cell.
type Painted<'a> = Option<(usize, &'a dyn Fn(&str) -> String)>;

/// A table with a header row; every cell already escaped and cut. The last column is not padded.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], paint_col: Painted<'_>) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<String>| {
        let last = cells.len() - 1;
        let mut l = String::from("  ");
        for (i, c) in cells.into_iter().enumerate() {
            if i == last {
                l.push_str(&c);
            } else {
                let padded = pad(&c, widths[i]);
                match paint_col {
                    Some((col, f)) if col == i => l.push_str(&f(&padded)),
                    _ => l.push_str(&padded),
                }
                l.push_str("  ");
            }
        }
        l.trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(header.iter().map(|h| (*h).to_owned()).collect()));
    for r in rows {
        let _ = writeln!(out, "{}", line(r.clone()));
    }
}

/// The findings that need a person: FAIL, ERROR and UNKNOWN results (not WAIVED, PASS,
/// NOT_APPLICABLE), in the table's order within a severity.
fn open_findings(report: &AuditReport, severity: Severity) -> Vec<&CheckResult> {
    let rank = |s: Status| match s {
        Status::Fail => 0,
        Status::Error => 1,
        _ => 2,
    };
    let mut rows: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.severity == severity && matches!(r.status, Status::Fail | Status::Error | Status::Unknown))
        .collect();
    rows.sort_by(|a, b| {
        (rank(a.status), &a.check_id, &a.resource_arn).cmp(&(rank(b.status), &b.check_id, &b.resource_arn))
    });
    rows
}

/// The findings table: one block per severity, most severe first (like Trivy's table), with
/// check, status, resource (its name, else its ARN) and message. Account strings are escaped.
pub fn findings_table(out: &mut String, report: &AuditReport, color: bool) {
    let p = Paint { color };
    for severity in Severity::ALL {
        let rows = open_findings(report, severity);
        if rows.is_empty() {
            continue;
        }
        let mut counts: Vec<(Status, usize)> = Vec::new();
        for s in [Status::Fail, Status::Error, Status::Unknown] {
            let n = rows.iter().filter(|r| r.status == s).count();
            if n > 0 {
                counts.push((s, n));
            }
        }
        let label = severity.as_str().to_ascii_uppercase();
        let counts = counts.iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "\n{} ({counts})", p.severity(severity, &label));
        let cells: Vec<Vec<String>> = rows
            .iter()
            .take(ROWS)
            .map(|r| {
                let who = if r.resource_name.is_empty() { &r.resource_arn } else { &r.resource_name };
                vec![
                    cell(&r.check_id, 24),
                    r.status.as_str().to_owned(),
                    cell(who, RESOURCE_WIDTH),
                    cell(&r.message, MESSAGE_WIDTH),
                ]
            })
            .collect();
        let paint_status = |s: &str| p.status(s.trim_end(), s);
        table(out, &["CHECK", "STATUS", "RESOURCE", "MESSAGE"], &cells, Some((1, &paint_status)));
        if rows.len() > ROWS {
            let _ = writeln!(out, "  … {} more {label} result(s) in the reports", rows.len() - ROWS);
        }
    }
}

/// The drift table: every item not in sync (waived ones marked), most severe first.
pub fn drift_table(out: &mut String, report: &AuditReport, color: bool) {
    let p = Paint { color };
    let Some(drift) = &report.drift else { return };
    let mut items: Vec<&DriftItem> = drift.items.iter().filter(|i| i.state != DriftState::InSync).collect();
    if items.is_empty() {
        return;
    }
    items.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), a.state, &a.kind, &a.element).cmp(&(
            std::cmp::Reverse(b.severity),
            b.state,
            &b.kind,
            &b.element,
        ))
    });
    let mut by_state: Vec<(DriftState, usize)> = Vec::new();
    for s in [DriftState::Missing, DriftState::Changed, DriftState::Unmanaged] {
        let n = items.iter().filter(|i| i.state == s).count();
        if n > 0 {
            by_state.push((s, n));
        }
    }
    let counts = by_state.iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "\nDRIFT ({counts})");
    let cells: Vec<Vec<String>> = items
        .iter()
        .take(ROWS)
        .map(|i| {
            let state =
                if i.waiver.is_some() { format!("{} (waived)", i.state.as_str()) } else { i.state.as_str().to_owned() };
            vec![
                state,
                i.severity.as_str().to_owned(),
                cell(&i.kind, 16),
                cell(&i.element, RESOURCE_WIDTH),
                cell(&i.message, MESSAGE_WIDTH),
            ]
        })
        .collect();
    let paint_state = |s: &str| p.status(s.split_whitespace().next().unwrap_or(""), s);
    table(out, &["STATE", "SEVERITY", "KIND", "ELEMENT", "MESSAGE"], &cells, Some((0, &paint_state)));
    if items.len() > ROWS {
        let _ = writeln!(out, "  … {} more drift item(s) in the reports", items.len() - ROWS);
    }
}

/// The whole summary as text (see [`summary`]); `color` adds ANSI colours.
pub fn render(report: &AuditReport, paths: &[PathBuf], color: bool) -> String {
    let p = Paint { color };
    let s = &report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "flowforge-audit: account {} env {}, collected {}",
        terminal(&report.account_id),
        terminal(&report.environment),
        terminal(&report.collected_at)
    );
    let _ = writeln!(
        out,
        "{} checks, {} results on {} resources: {} FAIL, {} UNKNOWN, {} ERROR, {} WAIVED, {} PASS, {} NOT_APPLICABLE",
        s.checks,
        s.results,
        s.resources,
        count("FAIL"),
        count("UNKNOWN"),
        count("ERROR"),
        count("WAIVED"),
        count("PASS"),
        count("NOT_APPLICABLE")
    );
    if let Some(sel) = &report.provenance.selection {
        let _ = writeln!(
            out,
            "partial run: {} of the catalog's {} checks not run (see provenance.selection in the JSON report)",
            sel.not_run.len(),
            report.provenance.catalog_checks
        );
    }
    // A `--policies` overlay changed the catalog: say which checks and libraries, so that
    // nobody takes these verdicts for the built-in catalog's.
    if let Some(o) = &report.provenance.overlay {
        let _ = writeln!(out, "{}", terminal(&o.describe()));
    }
    findings_table(&mut out, report, color);
    drift_table(&mut out, report, color);
    out.push('\n');
    if report.gate.passed {
        let _ = writeln!(out, "gate: {} (fail-on {})", p.paint("1;32", "PASSED"), terminal(&report.gate.fail_on));
    } else {
        let complete = if report.gate.require_complete_audit { ", complete audit required" } else { "" };
        let _ =
            writeln!(out, "gate: {} (fail-on {}{complete})", p.paint("1;31", "FAILED"), terminal(&report.gate.fail_on));
        for r in &report.gate.reasons {
            let _ = writeln!(out, "  - {}", terminal(r));
        }
    }
    for path_written in paths {
        let _ = writeln!(out, "report: {}", path(path_written));
    }
    out
}

pub fn report_paths(paths: &[PathBuf]) {
    for p in paths {
        outln!("report: {}", path(p));
    }
}

/// Whether `--out -` asks for the report on standard output.
pub fn to_stdout(opts: &AuditOptions) -> bool {
    opts.out.as_os_str() == "-"
}

/// Records the run in `--history DIR` (the report then carries the trend), and writes the
/// reports: into `--out DIR` with the `--compliance` CSVs, or with `--out -` the one requested
/// format on standard output (then nothing else is printed there: the summary is left out,
/// warnings and errors stay on stderr, the exit code is the gate's). Returns the paths written.
pub fn write_reports(report: &mut AuditReport, opts: &AuditOptions) -> anyhow::Result<Vec<PathBuf>> {
    if to_stdout(opts) && !opts.compliance.is_empty() {
        anyhow::bail!("--compliance writes one CSV file per framework and needs --out DIR, not --out -");
    }
    let history = crate::audit::record_history(report, opts)?;
    let report = &*report;
    if !to_stdout(opts) {
        let mut paths = crate::audit::write_reports(report, &opts.formats, &opts.out)?;
        paths.extend(crate::audit::write_compliance(report, opts)?);
        paths.extend(history);
        return Ok(paths);
    }
    let [format] = opts.formats[..] else {
        anyhow::bail!(
            "--out - writes one report to standard output, but {} formats were asked for (--format {}); give exactly one",
            opts.formats.len(),
            opts.formats.iter().map(|f| f.name()).collect::<Vec<_>>().join(",")
        );
    };
    let mut buf = Vec::new();
    format.renderer().write(report, &mut buf).map_err(|e| anyhow::anyhow!("{} report: {e}", format.name()))?;
    out!("{}", String::from_utf8_lossy(&buf));
    Ok(history.into_iter().collect())
}

/// Reports a `--security-hub` upload: one line on stdout (none with `quiet`), every problem
/// on stderr. Returns whether it succeeded.
#[cfg(feature = "aws")]
pub fn security_hub(outcome: &crate::securityhub::Outcome, quiet: bool) -> bool {
    if !quiet {
        let open = if outcome.kept_open.is_empty() {
            String::new()
        } else {
            format!(", {} left open (this run could not see them)", outcome.kept_open.len())
        };
        let stale = if outcome.stale.is_empty() {
            String::new()
        } else {
            format!(", {} not sent (Security Hub holds a later run's version)", outcome.stale.len())
        };
        let workflow = match (outcome.workflow_resolved, outcome.suppressed) {
            (0, 0) => String::new(),
            (n, 0) => format!(", workflow set RESOLVED on {n}"),
            (n, s) => format!(", workflow set RESOLVED on {n} ({s} left SUPPRESSED)"),
        };
        outln!(
            "security hub: {} findings imported into {} in {} call(s), {} earlier findings resolved{workflow}{open}{stale}",
            outcome.imported,
            terminal(&outcome.region),
            outcome.batches,
            outcome.resolved
        );
    }
    for (id, why) in &outcome.kept_open {
        tracing::info!(id = %terminal(id), ?why, "earlier Security Hub finding left open");
    }
    if outcome.failed() {
        let n = outcome.problems.len();
        let mut text = format!("the Security Hub upload failed ({n} problem{}):", if n == 1 { "" } else { "s" });
        for p in &outcome.problems {
            text.push_str("\n  ");
            text.push_str(&p.to_string());
        }
        errln!("error: {}", crate::report::text::terminal_lines(&text));
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    /// Issue 25: the summary shows a findings table grouped by severity (most severe first,
    /// check, status, resource, message), the drift table, and each gate reason on one line;
    /// no colour unless asked, and no line is longer than the widest cells allow.
    #[test]
    fn summary_has_tables_by_severity_and_one_line_per_reason() {
        let report = sample_report();
        let text = render(&report, &[PathBuf::from("out/flowforge-audit.json")], false);
        assert!(!text.contains('\u{1b}'), "no colour when off:\n{text}");
        let critical = text.find("\nCRITICAL (").expect("a CRITICAL block");
        let high = text.find("\nHIGH (").expect("a HIGH block");
        assert!(critical < high, "most severe first:\n{text}");
        assert!(
            text.contains("  CHECK ")
                && text.contains("STATUS")
                && text.contains("RESOURCE")
                && text.contains("MESSAGE")
        );
        let fails =
            report.results.iter().filter(|r| r.status == Status::Fail && r.severity == Severity::Critical).count();
        assert!(text.contains(&format!("CRITICAL ({fails} FAIL")), "{text}");
        assert!(text.contains("\nDRIFT ("), "{text}");
        for r in &report.gate.reasons {
            assert!(text.contains(&format!("\n  - {r}\n")), "{r}");
        }
        assert!(text.ends_with("report: out/flowforge-audit.json\n"), "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 2 + 24 + 2 + 7 + 2 + RESOURCE_WIDTH + 2 + MESSAGE_WIDTH + 60, "{line}");
        }
    }

    /// A severity with more rows than [`ROWS`] shows that many and says how many more.
    #[test]
    fn long_blocks_are_cut_with_a_count() {
        let mut report = sample_report();
        let template = report.results.iter().find(|r| r.status == Status::Fail).unwrap().clone();
        report.results.retain(|r| r.status != Status::Fail && r.severity != Severity::Low);
        for i in 0..ROWS + 7 {
            let mut r = template.clone();
            r.severity = Severity::Low;
            r.resource_name = format!("bucket-{i:02}");
            r.resource_arn = format!("arn:aws:s3:::bucket-{i:02}");
            report.results.push(r);
        }
        let text = render(&report, &[], false);
        assert!(text.contains(&format!("LOW ({} FAIL)", ROWS + 7)), "{text}");
        assert!(text.contains("  … 7 more LOW result(s) in the reports"), "{text}");
        assert_eq!(text.matches("bucket-").count(), ROWS);
    }

    /// Account strings reach the terminal escaped (ESC, CR, bidi), in the table and the
    /// reasons; colours are ANSI codes of our own only when asked.
    #[test]
    fn account_strings_are_escaped_and_colours_are_ours() {
        let mut report = sample_report();
        let evil = "x\u{1b}]0;pwned\u{7}\rgate: PASSED\u{202e}";
        let r = report.results.iter_mut().find(|r| r.status == Status::Fail).unwrap();
        r.resource_name = evil.to_owned();
        r.message = evil.to_owned();
        report.gate.reasons.push(evil.to_owned());
        let plain = render(&report, &[], false);
        assert!(!plain.chars().any(|c| crate::report::text::is_unsafe(c) && c != '\n'), "{plain:?}");
        assert!(plain.contains("x\\u{1b}]0;pwned"), "{plain}");
        let coloured = render(&report, &[], true);
        assert!(coloured.contains("\u{1b}[1;31mCRITICAL\u{1b}[0m"), "{coloured:?}");
        assert!(coloured.contains("\u{1b}[1;31mFAILED\u{1b}[0m"), "{coloured:?}");
        assert!(!coloured.contains("\u{1b}]0;"), "no account escape sequence survives");
    }

    /// Cells are cut on character boundaries with an ellipsis.
    #[test]
    fn cells_cut_on_characters() {
        assert_eq!(cell("ünïcödé-name", 5), "ünïc…");
        assert_eq!(cell("short", 10), "short");
    }
}
