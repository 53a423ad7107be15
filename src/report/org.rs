//! The organisation summary (`org-summary.json`, `.md`, `.html`) of `scan --org` and `merge`,
//! rendered from [`OrgSummary`] alone, so that a single run and a merge of its shards write
//! the same bytes.
//!
//! Every string from an account (names, environments, errors, SCP names) goes through the
//! format's escaper: [`super::markdown::escape`] in Markdown, `maud` and the one HTML shell
//! ([`super::page`]) in HTML, [`super::text::json`] in JSON (serde_json leaves C1 controls and
//! bidi overrides raw).

use std::fmt::Write as _;

use maud::html;

use super::markdown::escape;
use crate::org::summary::{gate_word, AccountRecord, OrgSummary, SCPS_EXPLAINED};

/// `org-summary.json`: pretty JSON with a final newline.
pub fn json(summary: &OrgSummary) -> String {
    let mut s = super::text::json(&serde_json::to_string_pretty(summary).unwrap_or_default()).into_owned();
    s.push('\n');
    s
}

fn verdict(summary: &OrgSummary) -> &'static str {
    if summary.passed {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The counts line both documents open with.
fn counts(s: &OrgSummary) -> String {
    let unknown = if s.environment_unknown > 0 {
        format!(", {} of unknown environment", s.environment_unknown)
    } else {
        String::new()
    };
    format!(
        "{} accounts: {} judged ({} audited, {} unreachable), {} without an environment{unknown}; {} failed.",
        s.accounts, s.judged, s.audited, s.unreachable, s.unmapped, s.failed
    )
}

fn coverage(r: &AccountRecord) -> String {
    r.architecture_coverage_percent.map(|c| format!("{c:.1}%")).unwrap_or_else(|| "—".to_owned())
}

/// `org-summary.md`.
pub fn markdown(s: &OrgSummary) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# FlowForge organisation audit: {}\n", verdict(s));
    let _ = writeln!(md, "{}\n", counts(s));
    for reason in &s.reasons {
        let _ = writeln!(md, "- {}", escape(reason));
    }
    if !s.reasons.is_empty() {
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "## Environments\n\n| environment | accounts | failed | worst account |\n| --- | --- | --- | --- |"
    );
    for (env, e) in &s.environments {
        let _ = writeln!(md, "| {} | {} | {} | {} |", escape(env), e.accounts, e.failed, escape(&e.worst_account));
    }
    let _ = writeln!(
        md,
        "\n## Accounts\n\n| account | name | environment | gate | critical | high | medium | low | unknown | coverage | drift | top failing checks |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for r in &s.account_records {
        let n = |sev: &str| r.fail_by_severity.get(sev).copied().unwrap_or(0);
        let top: Vec<String> = r
            .top_failing_checks
            .iter()
            .map(|c| format!("{} ({}×{})", escape(&c.check_id), c.severity, c.failures))
            .collect();
        let drift: Vec<String> =
            r.drift.iter().map(|(k, v)| format!("{} {v}", escape(&k.to_ascii_lowercase()))).collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&r.account_id),
            escape(&r.name),
            escape(r.environment.as_deref().unwrap_or("—")),
            gate_word(r),
            n("critical"),
            n("high"),
            n("medium"),
            n("low"),
            r.unknown,
            coverage(r),
            if drift.is_empty() { "—".to_owned() } else { drift.join(", ") },
            if top.is_empty() { "—".to_owned() } else { top.join(", ") },
        );
    }
    let problems: Vec<&AccountRecord> = s.account_records.iter().filter(|r| r.error.is_some()).collect();
    if !problems.is_empty() {
        let _ = writeln!(md, "\n## Not audited\n");
        for r in problems {
            let _ = writeln!(md, "- {}: {}", escape(&r.account_id), escape(r.error.as_deref().unwrap_or_default()));
        }
    }
    let _ = writeln!(md, "\n## Service control policies\n\n{}\n", escape(SCPS_EXPLAINED));
    for r in &s.account_records {
        let scps: Vec<String> =
            r.scps.policies.iter().map(|p| format!("{} ({})", escape(&p.name), escape(&p.id))).collect();
        let text = match &r.scps.error {
            Some(e) => format!("unknown: {}", escape(e)),
            None if scps.is_empty() => "none".to_owned(),
            None => scps.join(", "),
        };
        let applied = if r.scps.applied { "applied" } else { "not applied" };
        let _ = writeln!(md, "- {}: {text} ({applied})", escape(&r.account_id));
    }
    md
}

/// The CSS class of a verdict word (the report's status badges).
fn badge(word: &str) -> &'static str {
    match word {
        "PASS" => "badge st-PASS",
        "FAIL" => "badge st-FAIL",
        "UNKNOWN" => "badge st-UNKNOWN",
        _ => "badge st-NOT_APPLICABLE",
    }
}

/// `org-summary.html`, in the tool's one HTML shell (no script).
pub fn html(s: &OrgSummary) -> String {
    let verdict = verdict(s);
    let problems: Vec<&AccountRecord> = s.account_records.iter().filter(|r| r.error.is_some()).collect();
    let body = html! {
        main.wrap {
            section.verdict.failed[!s.passed] #verdict data-passed=(s.passed) {
                div.icon { @if s.passed { "✓" } @else { "✕" } }
                div {
                    h2 { "FlowForge organisation audit: " (verdict) }
                    p.why { (counts(s)) }
                    @if !s.reasons.is_empty() {
                        ul #gate-reasons { @for reason in &s.reasons { li { (reason) } } }
                    }
                }
            }
            section {
                h2 { "Environments" }
                table {
                    thead { tr { th { "environment" } th { "accounts" } th { "failed" } th { "worst account" } } }
                    tbody {
                        @for (env, e) in &s.environments {
                            tr { td { (env) } td { (e.accounts) } td { (e.failed) } td.mono { (e.worst_account) } }
                        }
                    }
                }
            }
            section {
                h2 { "Accounts" }
                table {
                    thead { tr { th { "account" } th { "name" } th { "environment" } th { "gate" } th { "critical" } th { "high" }
                         th { "medium" } th { "low" } th { "unknown" } th { "coverage" } th { "drift" } th { "top failing checks" } } }
                    tbody {
                        @for r in &s.account_records {
                            @let n = |sev: &str| r.fail_by_severity.get(sev).copied().unwrap_or(0);
                            tr {
                                td.mono { (r.account_id) } td { (r.name) } td { (r.environment.as_deref().unwrap_or("—")) }
                                td { span class=(badge(gate_word(r))) { (gate_word(r)) } }
                                td { (n("critical")) } td { (n("high")) } td { (n("medium")) } td { (n("low")) } td { (r.unknown) }
                                td { (coverage(r)) }
                                td { @for (k, v) in &r.drift { (k.to_ascii_lowercase()) " " (v) " " } }
                                td.mono { @for c in &r.top_failing_checks { (c.check_id) " (" (c.severity) "×" (c.failures) ") " } }
                            }
                        }
                    }
                }
            }
            @if !problems.is_empty() {
                section #not-audited {
                    h2 { "Not audited" }
                    ul { @for r in &problems { li { span.mono { (r.account_id) } ": " (r.error.as_deref().unwrap_or_default()) } } }
                }
            }
            section {
                h2 { "Service control policies" }
                p.note { (SCPS_EXPLAINED) }
                ul {
                    @for r in &s.account_records {
                        li { span.mono { (r.account_id) } ": "
                            @if let Some(e) = &r.scps.error { "unknown: " (e) }
                            @else if r.scps.policies.is_empty() { "none" }
                            @else { @for p in &r.scps.policies { (p.name) " (" (p.id) ") " } }
                            @if r.scps.applied { " (applied)" } @else { " (not applied)" }
                        }
                    }
                }
            }
        }
    };
    super::page::plain(format!("FlowForge organisation audit: {verdict}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::summary::{AccountState, ScpEvidence, SCPS_NOT_APPLIED};

    fn hostile() -> OrgSummary {
        let scps = ScpEvidence { applied: false, note: SCPS_NOT_APPLIED.into(), policies: vec![], error: None };
        let mut r = AccountRecord::new(
            "111111111111",
            "a|b<script>\u{1b}]0;x\u{7}\u{202e}LIAF\u{0}",
            AccountState::Audited,
            scps,
        );
        r.environment = Some("dev".into());
        r.gate_passed = Some(true);
        r.error = Some("role \u{9b}31m\u{1b}[2J".into());
        OrgSummary::from_records(vec![r])
    }

    /// Account data is escaped in every file of the summary: markup, table syntax, and (issue
    /// 22 item 10) raw control characters and bidi overrides, which reached the HTML and JSON
    /// summaries raw.
    #[test]
    fn org_summary_escapes_account_strings_in_every_format() {
        let s = hostile();
        let raw = ['\u{1b}', '\u{7}', '\u{202e}', '\u{0}', '\u{9b}'];
        let md = markdown(&s);
        assert!(!md.contains("a|b<script>") && !md.contains(raw));
        let page = html(&s);
        assert!(!page.contains("<script>") && !page.contains(raw), "{page}");
        assert!(page.contains("\\u{202e}LIAF") && page.contains("script-src 'none'"));
        let j = json(&s);
        assert!(!j.contains(raw));
        let back: OrgSummary = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s, "the JSON escapes are the same value");
    }

    /// The verdict and its reasons are in both documents (issue 22 item 1).
    #[test]
    fn reasons_are_shown() {
        let none = OrgSummary::from_records(Vec::new());
        assert!(markdown(&none).contains("- no account was judged"));
        assert!(html(&none).contains("no account was judged"));
    }
}
