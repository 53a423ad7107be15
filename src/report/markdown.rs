//! The Markdown summary: what a CI job summary or a pull-request comment shows.
//!
//! It answers, top to bottom: may this be promoted (the gate verdict and every reason), how bad
//! is it (counts by status and severity), what to fix (failed checks with their resources),
//! what could not be audited (UNKNOWN and the collection errors behind it), which framework
//! controls are affected, and how the account drifted. Long lists are capped ("… and N more")
//! to stay readable and under GitHub's 1 MiB step-summary limit; the full data is in the JSON
//! and CSV reports.
//!
//! Account data is escaped for GitHub-flavoured Markdown: `|` cannot break a table, `<`/`>`
//! cannot open HTML, backticks/`*`/`_`/`[` cannot start code, emphasis or links, and newlines
//! cannot end a table row.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{AuditReport, CheckResult, Status};

use super::common::{checks_by_id, fail_counts_by_severity, is_drift_finding, status_counts, waiver_owner};
use super::{Format, Renderer, ReportError};

/// Resources listed per failed check before "… and N more".
pub const MAX_RESOURCES_PER_CHECK: usize = 10;
/// Rows listed in the UNKNOWN, waiver, collection-error and drift tables before "… and N more".
pub const MAX_ROWS: usize = 25;

/// Renders the Markdown summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownRenderer;

impl Renderer for MarkdownRenderer {
    fn format(&self) -> Format {
        Format::Markdown
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.md"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        Ok(out.write_all(render_markdown(report).as_bytes())?)
    }
}

/// Escapes account data for a GitHub-flavoured Markdown paragraph or table cell. The one
/// Markdown escaper: the report and `diff --format md` both use it. Characters that must not
/// reach a terminal raw ([`super::text::is_unsafe`]: ESC, C1 controls, bidi overrides) are
/// written as visible `\u{..}` escapes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if super::text::is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Splits `s` at backtick pairs: `(text, is_code)` segments. An unpaired backtick stays text.
/// Shared with the HTML report, so both render the same spans as code.
pub fn code_spans(s: &str) -> Vec<(&str, bool)> {
    let parts: Vec<&str> = s.split('`').collect();
    let paired = if parts.len() % 2 == 1 { parts.len() } else { parts.len() - 1 };
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i >= paired {
            // The text after an unpaired backtick, with the backtick put back.
            out.push(("`", false));
            out.push((p, false));
        } else if !p.is_empty() {
            out.push((p, i % 2 == 1));
        }
    }
    out
}

/// [`escape`], but the `code spans` of catalog or drift text (remediation, messages) stay code
/// spans: their content is kept literal, with only what would break a table row or the span
/// replaced (`|` → `\|`, a newline → a space, unsafe characters → `\u{..}`).
pub fn escape_with_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (part, code) in code_spans(s) {
        if code {
            out.push('`');
            for c in part.chars() {
                match c {
                    '|' => out.push_str("\\|"),
                    '\n' | '\r' | '\t' => out.push(' '),
                    c if super::text::is_unsafe(c) => {
                        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                    }
                    c => out.push(c),
                }
            }
            out.push('`');
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

fn more(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = writeln!(out, "\n_… and {} more_", total - shown);
    }
}

fn render_markdown(report: &AuditReport) -> String {
    let mut out = String::new();
    let checks = checks_by_id(report);

    // Verdict.
    let _ = writeln!(out, "# flowforge-audit: {} ({})\n", escape(&report.environment), escape(&report.account_id));
    let gate = &report.gate;
    let verdict = if gate.passed { "✅ **Gate passed**" } else { "❌ **Gate failed**" };
    let complete = if gate.require_complete_audit { ", complete audit required" } else { "" };
    let _ = writeln!(out, "{verdict} (fail on {}{complete})\n", escape(&gate.fail_on));
    for reason in &gate.reasons {
        let _ = writeln!(out, "- {}", escape(reason));
    }
    if !gate.reasons.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Collected {} in {} · {} checks · {} resources · {} results · tool {} · catalog `{}`\n",
        escape(&report.collected_at),
        escape(&report.regions.join(", ")),
        report.summary.checks,
        report.summary.resources,
        report.summary.results,
        escape(&report.provenance.tool_version),
        short_hash(&report.provenance.catalog_sha256),
    );
    if let Some(overlay) = &report.provenance.overlay {
        let _ = writeln!(out, "> ⚠️ **{}**\n", escape(&overlay.describe()));
    }

    if let Some(sel) = &report.provenance.selection {
        let mut selectors = Vec::new();
        for (option, values) in [
            ("--checks", &sel.checks),
            ("--excluded-checks", &sel.excluded_checks),
            ("--services", &sel.services),
            ("--severity", &sel.severity),
        ] {
            if !values.is_empty() {
                selectors.push(format!("`{option} {}`", escape(&values.join(","))));
            }
        }
        let _ = writeln!(
            out,
            "**Partial run** ({}): {} of the catalog's {} checks not run: {}\n",
            selectors.join(" "),
            sel.not_run.len(),
            report.provenance.catalog_checks,
            escape(&sel.not_run.join(", "))
        );
    }

    // Counts.
    out.push_str("## Results\n\n| Status | Results |\n| --- | ---: |\n");
    for (status, n) in status_counts(report) {
        let _ = writeln!(out, "| {} | {n} |", status.as_str());
    }
    out.push_str("\n| Severity | FAIL |\n| --- | ---: |\n");
    for (sev, n) in fail_counts_by_severity(report) {
        let _ = writeln!(out, "| {} | {n} |", sev.as_str());
    }
    out.push('\n');

    // Change since the previous snapshot of the trend (`--history`).
    if let [.., prev, cur] = report.history.as_slice() {
        let _ = writeln!(out, "## Change since the previous snapshot ({})\n", escape(&prev.collected_at));
        out.push_str("| | Previous | Now | Change |\n| --- | ---: | ---: | ---: |\n");
        let n = |m: &BTreeMap<String, usize>, k: &str| m.get(k).copied().unwrap_or(0);
        for s in ["FAIL", "UNKNOWN", "ERROR", "WAIVED", "PASS"] {
            let (a, b) = (n(&prev.by_status, s), n(&cur.by_status, s));
            let _ = writeln!(out, "| {s} | {a} | {b} | {:+} |", b as i64 - a as i64);
        }
        if let (Some(a), Some(b)) = (prev.architecture_coverage_percent, cur.architecture_coverage_percent) {
            let _ = writeln!(out, "| Architecture coverage | {a:.2}% | {b:.2}% | {:+.2} |", b - a);
        }
        let gate = |p: bool| if p { "passed" } else { "failed" };
        let _ = writeln!(out, "| Gate | {} | {} | |\n", gate(prev.gate_passed), gate(cur.gate_passed));
    }

    // Waivers that need attention: expired (no longer applied), expiring soon, stale.
    let attention: Vec<_> = report.waivers.iter().filter(|w| w.state.needs_attention()).collect();
    if !attention.is_empty() {
        let _ = writeln!(
            out,
            "## Waivers needing attention ({})

| State | Check | Selector | Owner | Expires | Note |
| --- | --- | --- | --- | --- | --- |",
            attention.len()
        );
        for w in attention.iter().take(MAX_ROWS) {
            let state = w.state.as_str();
            let _ = writeln!(
                out,
                "| {state} | {} | {} | {} | {} | {} |",
                escape(&w.check_id),
                escape(&w.selector),
                escape(&w.owner),
                escape(&w.expires),
                escape(&w.message)
            );
        }
        more(&mut out, attention.len().min(MAX_ROWS), attention.len());
        out.push('\n');
    }

    // Failed checks, most severe first, then by id.
    let mut failed: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
    for r in report.results.iter().filter(|r| r.status == Status::Fail) {
        failed.entry(r.check_id.as_str()).or_default().push(r);
    }
    let mut failed: Vec<_> = failed.into_iter().collect();
    failed.sort_by(|(a_id, a), (b_id, b)| {
        let sa = a.first().map(|r| r.severity);
        let sb = b.first().map(|r| r.severity);
        sb.cmp(&sa).then(a_id.cmp(b_id))
    });
    if !failed.is_empty() {
        let _ = writeln!(out, "## Failed checks ({})\n", failed.len());
        for (check_id, results) in &failed {
            let title = checks.get(check_id).map(|c| c.meta.title.as_str()).unwrap_or("");
            let severity = results.first().map(|r| r.severity.as_str()).unwrap_or("");
            let _ = writeln!(
                out,
                "### {} · {severity} · {}{}\n\n{} resource(s)\n\n| Resource | Name | Region | Message |\n| --- | --- | --- | --- |",
                escape(check_id),
                escape(title),
                checks.get(check_id).map(|c| overlay_note(&c.meta)).unwrap_or_default(),
                results.len()
            );
            for r in results.iter().take(MAX_RESOURCES_PER_CHECK) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    escape(&r.resource_arn),
                    escape(&r.resource_name),
                    escape(&r.region),
                    escape(&r.message)
                );
            }
            more(&mut out, MAX_RESOURCES_PER_CHECK, results.len());
            if let Some(c) = checks.get(check_id) {
                let _ = writeln!(out, "\n**Remediation:** {}\n", escape_with_code(&c.meta.remediation));
            } else {
                out.push('\n');
            }
        }
    }

    // Waivers.
    let waived: Vec<&CheckResult> = report.results.iter().filter(|r| r.status == Status::Waived).collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "## Waived ({})\n\n| Check | Resource | Reason | Owner | Expires |\n| --- | --- | --- | --- | --- |",
            waived.len()
        );
        for r in waived.iter().take(MAX_ROWS) {
            let (reason, owner, expires) = match &r.waiver {
                Some(w) => (w.reason.clone(), waiver_owner(w), w.expires.clone()),
                None => Default::default(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&r.check_id),
                escape(&r.resource_arn),
                escape(&reason),
                escape(&owner),
                escape(&expires)
            );
        }
        more(&mut out, MAX_ROWS, waived.len());
        out.push('\n');
    }

    // UNKNOWN and what caused it.
    let unknown: Vec<&CheckResult> = report.results.iter().filter(|r| r.status == Status::Unknown).collect();
    if !unknown.is_empty() || !report.collection_errors.is_empty() {
        let _ = writeln!(out, "## Not audited: UNKNOWN ({})\n", unknown.len());
        out.push_str("The data these checks need could not be collected; they are neither passed nor failed.\n\n");
        if !unknown.is_empty() {
            out.push_str("| Check | Resource | Message |\n| --- | --- | --- |\n");
            for r in unknown.iter().take(MAX_ROWS) {
                let _ =
                    writeln!(out, "| {} | {} | {} |", escape(&r.check_id), escape(&r.resource_arn), escape(&r.message));
            }
            more(&mut out, MAX_ROWS, unknown.len());
            out.push('\n');
        }
        if !report.collection_errors.is_empty() {
            let _ = writeln!(
                out,
                "**Collection errors ({})**\n\n| Service | Operation | Region | Resource | Error | Message |\n| --- | --- | --- | --- | --- | --- |",
                report.collection_errors.len()
            );
            for e in report.collection_errors.iter().take(MAX_ROWS) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    escape(&e.service),
                    escape(&e.operation),
                    escape(&e.region),
                    escape(e.resource.as_deref().unwrap_or("")),
                    escape(&e.error_code),
                    escape(&e.message)
                );
            }
            more(&mut out, MAX_ROWS, report.collection_errors.len());
            out.push('\n');
        }
    }

    // Broken checks.
    let broken: Vec<_> = report.checks.iter().filter(|c| c.error.is_some()).collect();
    if !broken.is_empty() {
        let _ = writeln!(out, "## Checks that could not run: ERROR ({})\n", broken.len());
        for c in broken {
            let _ = writeln!(out, "- **{}**: {}", escape(&c.meta.id), escape(c.error.as_deref().unwrap_or("")));
        }
        out.push('\n');
    }

    // Compliance per framework: totals over each framework's full control list, then the
    // controls a check covers (the full list is in the JSON report and `--compliance` CSV).
    if !report.compliance.is_empty() {
        out.push_str("## Compliance by framework\n\n| Framework | Version | Controls | PASS | FAIL | NOT_ASSESSED | MANUAL |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for f in &report.compliance {
            let t = &f.totals;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(&f.title),
                escape(&f.version),
                t.controls,
                t.pass,
                t.fail,
                t.not_assessed,
                t.manual
            );
        }
        out.push('\n');
        for f in &report.compliance {
            let covered: Vec<_> = f.controls.iter().filter(|c| !c.checks.is_empty()).collect();
            let _ = writeln!(
                out,
                "### {} {}\n\n{} of {} controls covered by a check; the others are NOT_ASSESSED or MANUAL.\n",
                escape(&f.title),
                escape(&f.version),
                covered.len(),
                f.totals.controls
            );
            if covered.is_empty() {
                continue;
            }
            out.push_str("| Control | Status | Title | Checks |\n| --- | --- | --- | --- |\n");
            let mut sorted = covered.clone();
            sorted.sort_by_key(|c| c.status);
            for c in sorted.iter().take(MAX_ROWS * 2) {
                let checks: Vec<String> = c.checks.iter().map(|id| escape(id)).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    escape(&c.id),
                    c.status.as_str(),
                    escape(&c.title),
                    checks.join(", ")
                );
            }
            more(&mut out, MAX_ROWS * 2, sorted.len());
            out.push('\n');
        }
    }

    // Drift.
    if let Some(drift) = &report.drift {
        let findings: Vec<_> = drift.items.iter().filter(|i| is_drift_finding(i.state)).collect();
        let _ = writeln!(
            out,
            "## Drift ({})\n\nArchitecture coverage **{:.2}%** ({} of {} declared elements in sync).\n",
            findings.len(),
            drift.architecture_coverage_percent,
            drift.in_sync_elements,
            drift.declared_elements
        );
        if !findings.is_empty() {
            out.push_str(
                "| State | Severity | Kind | Element | Attribute | Message |\n| --- | --- | --- | --- | --- | --- |\n",
            );
            for i in findings.iter().take(MAX_ROWS) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    if i.waiver.is_some() {
                        format!("{} (waived)", i.state.as_str())
                    } else {
                        i.state.as_str().to_owned()
                    },
                    i.severity.as_str(),
                    escape(&i.kind),
                    escape(&i.element),
                    escape(i.attribute.as_deref().unwrap_or("")),
                    escape_with_code(&i.message)
                );
            }
            more(&mut out, MAX_ROWS, findings.len());
            out.push('\n');
        }
        if let Some(iac) = &drift.iac {
            let _ = writeln!(
                out,
                "Terraform state {}: {} managed in sync, {} changed, {} missing, {} unmanaged; {:.2}% of audited resources managed.\n",
                escape(&iac.state_file),
                iac.managed_in_sync,
                iac.changed,
                iac.missing,
                iac.unmanaged,
                iac.coverage_percent
            );
        }
    }

    let _ = writeln!(
        out,
        "<sub>Snapshot sha256 `{}` · baseline sha256 `{}` · catalog sha256 `{}` ({} checks)</sub>",
        short_hash(&report.provenance.snapshot_sha256),
        short_hash(&report.provenance.baseline_sha256),
        short_hash(&report.provenance.catalog_sha256),
        report.provenance.catalog_checks
    );
    out
}

/// ` · overlay: …` after a check judged by a `--policies` overlay (its own file, or a library
/// it reaches), else nothing.
fn overlay_note(meta: &crate::model::CheckMeta) -> String {
    let mut from: Vec<&str> = Vec::new();
    if meta.source.starts_with("overlay:") {
        from.push(&meta.source);
    }
    from.extend(meta.overlay_libraries.iter().map(String::as_str));
    if from.is_empty() {
        String::new()
    } else {
        format!(" · overlay: {}", escape(&from.join(", ")))
    }
}

/// The first 12 hex digits of a hash (enough to compare two reports by eye); only hex survives,
/// so the value is safe inside a code span.
fn short_hash(h: &str) -> String {
    h.chars().filter(char::is_ascii_hexdigit).take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{empty_report, sample_report, HOSTILE_SCRIPT};

    /// Account data must not break tables, open HTML or start code spans.
    #[test]
    fn escape_neutralises_markdown_and_html() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("`x`"), "\\`x\\`");
        assert_eq!(escape("[a](http://e)"), "\\[a\\](http://e)");
        assert_eq!(escape("l1\nl2"), "l1 l2");
        assert_eq!(escape("a\u{1b}]0;t\u{7}\u{202e}b"), "a\\u{1b}\\]0;t\\u{7}\\u{202e}b");
        assert_eq!(escape("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
    }

    /// The summary shows the verdict, counts, capped failures, UNKNOWN causes, coverage and drift.
    #[test]
    fn summary_has_every_section_and_escapes_hostile_names() {
        let md = render_markdown(&sample_report());
        assert!(md.contains("❌ **Gate failed**"));
        assert!(md.contains("- 2 UNKNOWN results and prod requires a complete audit"));
        assert!(md.contains("| FAIL | 19 |"), "{md}");
        assert!(md.contains("| critical | 2 |"));
        assert!(md.contains("### FF-EC2-001 · medium · EC2 instances require IMDSv2"));
        assert!(md.contains("_… and 4 more_"));
        assert!(md.contains("AccessDenied"));
        // Issue 15: totals over each framework's full control list, with its version.
        assert!(md.contains("| CIS Amazon Web Services Foundations Benchmark | 3.0.0 | 62 | 0 | 2 | 52 | 8 |"), "{md}");
        assert!(
            md.contains("| 2.1.1 | FAIL | Ensure S3 Bucket Policy is set to deny HTTP requests | FF-S3-001 |"),
            "{md}"
        );
        assert!(md.contains("vpc\\_endpoint:secretsmanager"));
        assert!(md.contains("## Checks that could not run: ERROR (1)"));
        assert!(!md.contains(HOSTILE_SCRIPT));
        assert!(md.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
        // Failed checks are ordered most severe first.
        let iam = md.find("### FF-IAM-001").unwrap();
        let ec2 = md.find("### FF-EC2-001").unwrap();
        assert!(iam < ec2);
        // Every table row has the same number of unescaped pipes as its header.
        for line in md.lines().filter(|l| l.starts_with("| ")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells >= 3, "{line}");
        }
    }

    /// Issue 25: a partial run says so, with its selectors and the checks left out.
    #[test]
    fn partial_run_is_visible() {
        let mut report = sample_report();
        assert!(!render_markdown(&report).contains("Partial run"));
        report.provenance.selection = Some(crate::model::CheckSelection {
            services: vec!["s3".into()],
            not_run: vec!["FF-IAM-001".into(), "FF-RDS-001".into()],
            ..Default::default()
        });
        let md = render_markdown(&report);
        assert!(md.contains("**Partial run** (`--services s3`): 2 of the catalog's"), "{md}");
        assert!(md.contains("not run: FF-IAM-001, FF-RDS-001"), "{md}");
    }

    /// An empty report (nothing collected) still renders a passing verdict and zero counts.
    #[test]
    fn empty_report_renders() {
        let md = render_markdown(&empty_report());
        assert!(md.contains("✅ **Gate passed**"));
        assert!(md.contains("| FAIL | 0 |"));
        assert!(!md.contains("## Drift"));
    }

    /// Issue 15: with a history, the summary shows the change since the previous snapshot.
    #[test]
    fn change_since_previous_run() {
        let mut report = sample_report();
        assert!(!render_markdown(&report).contains("Change since the previous snapshot"));
        let mut prev = crate::history::entry(&report);
        prev.collected_at = "2025-03-13T09:00:00Z".into();
        prev.by_status.insert("FAIL".into(), 25);
        report.history = vec![prev, crate::history::entry(&report)];
        let md = render_markdown(&report);
        assert!(md.contains("## Change since the previous snapshot (2025-03-13T09:00:00Z)"), "{md}");
        assert!(md.contains("| FAIL | 25 | 19 | -6 |"), "{md}");
    }

    /// Issue 15: code spans in remediation and drift messages render as code, their content
    /// literal; an unpaired backtick is escaped text; a `|` inside cannot break the table.
    #[test]
    fn code_spans_stay_code() {
        assert_eq!(escape_with_code("set `multi_az: true` now"), "set `multi_az: true` now");
        assert_eq!(escape_with_code("a `x|y` b_c"), "a `x\\|y` b\\_c");
        assert_eq!(escape_with_code("odd ` tick"), "odd \\` tick");
        assert_eq!(escape_with_code("`<b>`"), "`<b>`");
        assert_eq!(code_spans("a `b` c"), [("a ", false), ("b", true), (" c", false)]);
    }
}
