//! What an audit prints: the one-screen summary on stdout, warnings on stderr, and the exit
//! code the gate decided. The library returns data; only this file turns it into lines.
//! Account strings (ARNs, names, reasons quoting them) are hostile: every one goes through
//! [`terminal`], which escapes control characters, CR/LF and bidi overrides.

use std::path::{Path, PathBuf};

use crate::audit::{Audit, AuditOptions};
use crate::model::AuditReport;
use crate::report::text::terminal;

fn path(p: &Path) -> String {
    terminal(&p.display().to_string()).into_owned()
}

/// Prints the warnings of an audit on stderr.
pub fn warnings(audit: &Audit) {
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

/// The one-screen summary printed on stdout after an audit.
pub fn summary(report: &AuditReport, paths: &[PathBuf]) {
    let s = &report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    outln!(
        "flowforge-audit: account {} env {} — {} checks, {} results on {} resources: {} FAIL, {} UNKNOWN, {} ERROR, {} WAIVED, {} PASS, {} NOT_APPLICABLE",
        terminal(&report.account_id),
        terminal(&report.environment),
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
    overlay(report);
    if report.gate.passed {
        outln!("gate: PASSED (fail-on {})", report.gate.fail_on);
    } else {
        outln!("gate: FAILED");
        reasons(report);
    }
    report_paths(paths);
}

/// One line when a `--policies` overlay changed the catalog (issue 22 item 5): which checks
/// and libraries, so that nobody takes these verdicts for the built-in catalog's.
pub fn overlay(report: &AuditReport) {
    if let Some(o) = &report.provenance.overlay {
        outln!("{}", terminal(&o.describe()));
    }
}

/// Every blocking reason, one per line.
pub fn reasons(report: &AuditReport) {
    for r in &report.gate.reasons {
        outln!("  - {}", terminal(r));
    }
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
