//! The HTML report for auditors: one self-contained, printable file.
//!
//! Self-contained means no network at all: the CSS and the script are inline, charts are inline
//! SVG, fonts are the system's, and a Content-Security-Policy (`default-src 'none'`, the script
//! allowed by its SHA-256 only) makes the browser refuse anything else, including any script
//! that would slip in through data.
//!
//! Every string from the account is hostile. Markup is produced by `maud`, which escapes every
//! interpolated value; the table's filter/sort script reads its data only from a
//! `<script type="application/json">` block (with `<`, `>` and `&` written as `\u003c`… so the
//! block cannot be closed early) and only moves or hides rows that already exist: it never
//! builds markup from data. With scripts disabled, the page still shows everything.
//!
//! Very large accounts: all non-passing results are always listed; PASS and NOT_APPLICABLE rows
//! are listed only while the table stays under [`MAX_ROWS`] rows (the counts always cover all).

use std::collections::BTreeMap;

use maud::{html, Markup};

use crate::model::{AuditReport, CheckResult, ControlStatus, DriftState, Severity, Status};

use super::common::{checks_by_id, compact_json, framework_coverage, service_of, waiver_owner};
use super::{Format, Renderer, ReportError};

const SCRIPT: &str = include_str!("html/report.js");

/// Table rows beyond which PASS and NOT_APPLICABLE results are left out of the table.
pub const MAX_ROWS: usize = 10_000;
/// Framework controls shown in the chart (those with the most FAILs).
const MAX_CONTROLS_IN_CHART: usize = 12;

/// Renders the HTML report.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlRenderer;

impl Renderer for HtmlRenderer {
    fn format(&self) -> Format {
        Format::Html
    }
    fn file_name(&self) -> &'static str {
        "flowforge-audit.html"
    }
    fn write(&self, report: &AuditReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        Ok(out.write_all(render_html(report)?.as_bytes())?)
    }
}

/// How bad a status is, worst highest (the table's order; `attest` keeps the worse of two).
pub(crate) fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 5,
        Status::Error => 4,
        Status::Unknown => 3,
        Status::Waived => 2,
        Status::Pass => 1,
        Status::NotApplicable => 0,
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 4,
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#991b1b",
        Severity::High => "#dc2626",
        Severity::Medium => "#d97706",
        Severity::Low => "#2563eb",
        Severity::Info => "#64748b",
    }
}

pub(crate) fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

/// One bar of a chart: label, segments (value, colour).
struct Bar {
    label: String,
    segments: Vec<(usize, &'static str)>,
}

/// A horizontal (optionally stacked) bar chart as inline SVG.
fn bar_chart(title: &str, bars: &[Bar], legend: &[(&str, &str)], empty: &str) -> Markup {
    const W: f64 = 440.0;
    const LABEL: f64 = 175.0;
    const ROW: usize = 26;
    let max = bars.iter().map(|b| b.segments.iter().map(|s| s.0).sum::<usize>()).max().unwrap_or(0).max(1) as f64;
    let bar_w = W - LABEL - 50.0;
    let height = (bars.len() * ROW).max(ROW) + 4;
    // Geometry first: (label, y, total, end of bar, [(x, width, colour)]).
    type Segments<'a> = Vec<(f64, f64, &'a str)>;
    let rows: Vec<(&str, usize, usize, f64, Segments)> = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let mut x = LABEL;
            let mut segs = Vec::new();
            for (value, color) in &bar.segments {
                let w = (*value as f64) * bar_w / max;
                if *value > 0 {
                    segs.push((x, w.max(2.0), *color));
                }
                x += w;
            }
            let total = bar.segments.iter().map(|s| s.0).sum();
            (bar.label.as_str(), i * ROW + 4, total, x, segs)
        })
        .collect();
    html! {
        div.chart {
            h3 { (title) }
            @if bars.is_empty() {
                p.empty { (empty) }
            } @else {
                svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {W} {height}")) role="img" aria-label=(title) {
                    @for (label, y, total, end, segs) in &rows {
                        text x=(LABEL - 8.0) y=(y + 14) text-anchor="end" { title { (label) } (truncate(label, 27)) }
                        rect x=(LABEL) y=(y + 2) width=(bar_w) height="16" rx="3" fill="#f1f5f9" {}
                        @for (x, w, color) in segs {
                            rect x=(format!("{x:.1}")) y=(y + 2) width=(format!("{w:.1}")) height="16" fill=(color) {}
                        }
                        text.val x=(format!("{:.1}", end + 6.0)) y=(y + 14) { (total) }
                    }
                }
                @if !legend.is_empty() {
                    div.legend {
                        @for (name, color) in legend {
                            span { i style=(format!("background:{color}")) {} (name) }
                        }
                    }
                }
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The data the script reads (one entry per table row, same index as `data-i`).
#[derive(serde::Serialize)]
struct RowData<'a> {
    status: &'static str,
    status_rank: u8,
    severity: &'static str,
    severity_rank: u8,
    check: &'a str,
    title: &'a str,
    resource: &'a str,
    name: &'a str,
    region: &'a str,
    message: &'a str,
}

#[derive(serde::Serialize)]
struct PageData<'a> {
    rows: Vec<RowData<'a>>,
}

/// Text whose backtick spans are shown as `<code>` (content escaped like all text).
fn with_code(s: &str) -> Markup {
    html! {
        @for (part, code) in super::markdown::code_spans(s) {
            @if code { code { (part) } } @else { (part) }
        }
    }
}

/// The trend of the last runs (`--history`) as an inline SVG line chart: FAIL and UNKNOWN
/// results per snapshot, oldest left. Nothing without at least two snapshots.
fn trend_chart(report: &AuditReport) -> Markup {
    let h = &report.history;
    if h.len() < 2 {
        return html! {};
    }
    let (w, ht, pad) = (640.0_f64, 160.0_f64, 28.0_f64);
    let val = |e: &crate::model::HistoryEntry, s: &str| e.by_status.get(s).copied().unwrap_or(0) as f64;
    let max = h.iter().map(|e| val(e, "FAIL").max(val(e, "UNKNOWN"))).fold(1.0_f64, f64::max);
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (h.len() - 1) as f64;
    let y = |v: f64| ht - pad - (ht - 2.0 * pad) * v / max;
    let line = |s: &str| {
        h.iter().enumerate().map(|(i, e)| format!("{:.1},{:.1}", x(i), y(val(e, s)))).collect::<Vec<_>>().join(" ")
    };
    html! {
        section #trend {
            h2 { "Trend " span.n { "(last " (h.len()) " snapshots)" } }
            svg viewBox=(format!("0 0 {w} {ht}")) role="img" aria-label="FAIL and UNKNOWN results per snapshot" {
                line x1=(pad) y1=(ht - pad) x2=(w - pad) y2=(ht - pad) stroke="#cbd5e1" {}
                polyline.trend-fail points=(line("FAIL")) fill="none" stroke="#dc2626" stroke-width="2" {}
                polyline.trend-unknown points=(line("UNKNOWN")) fill="none" stroke="#d97706" stroke-width="2" {}
                @for (i, e) in h.iter().enumerate() {
                    circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(val(e, "FAIL")))) r="3" fill="#dc2626" {
                        title { (e.collected_at) ": " (val(e, "FAIL")) " FAIL, " (val(e, "UNKNOWN")) " UNKNOWN, gate " @if e.gate_passed { "passed" } @else { "failed" } }
                    }
                }
                text x=(pad) y=(ht - 8.0) { (h[0].collected_at.get(..10).unwrap_or("")) }
                text x=(w - pad) y=(ht - 8.0) text-anchor="end" { (h[h.len() - 1].collected_at.get(..10).unwrap_or("")) }
                text x="4" y=(pad) { (max) }
            }
            div.legend { span { i style="background:#dc2626" {} "FAIL" } span { i style="background:#d97706" {} "UNKNOWN" } }
        }
    }
}

/// The framework tab: one panel per framework (totals over its full control list and every
/// control with its status and checks), a tab bar and a status/text filter that the script
/// enables (a link can preselect them: `#fw=<framework>&status=<STATUS|covered>`). Without
/// the script (and in print) every panel shows; print keeps only the controls
/// a check covers (the rest are NOT_ASSESSED or MANUAL by definition and listed in the JSON).
fn compliance_section(report: &AuditReport) -> Markup {
    html! {
        section #compliance {
            h2 { "Compliance by framework" }
            @if report.compliance.is_empty() {
                p.empty { "No framework definition or mapping." }
            } @else {
                div.tabs #fw-tabs role="tablist" hidden {
                    @for (i, f) in report.compliance.iter().enumerate() {
                        button type="button" role="tab" data-fw=(f.framework) aria-selected=(if i == 0 { "true" } else { "false" }) {
                            (f.title) " " (f.version)
                        }
                    }
                }
                div.filters #fw-filters hidden {
                    input #c-text type="search" placeholder="Filter by control, title or check" aria-label="Filter controls";
                    select #c-status aria-label="Control status" {
                        option value="" { "All statuses" }
                        option value="covered" { "Covered by a check" }
                        @for s in ControlStatus::ALL { option value=(s.as_str()) { (s.as_str()) } }
                    }
                    span.count { "Showing " span #c-shown { "" } " controls" }
                }
                @for f in &report.compliance {
                    div.fw-panel data-fw=(f.framework) {
                        h3 { (f.title) " " span.mono { (f.version) } }
                        p.note { "Source: " (f.source) }
                        div.fw-totals {
                            span { strong { (f.totals.controls) } " controls" }
                            @for s in ControlStatus::ALL {
                                @let n = match s { ControlStatus::Pass => f.totals.pass, ControlStatus::Fail => f.totals.fail, ControlStatus::NotAssessed => f.totals.not_assessed, ControlStatus::Manual => f.totals.manual };
                                span { span class=(format!("badge ctl-{}", s.as_str())) { (s.as_str()) } " " (n) }
                            }
                        }
                        table.controls {
                            thead { tr { th { "Control" } th { "Status" } th { "Title" } th { "Section" } th { "Checks" } th { "Results" } } }
                            tbody {
                                @for c in &f.controls {
                                    tr.uncovered[c.checks.is_empty()].ctl-pass[c.status == ControlStatus::Pass] data-control-status=(c.status.as_str()) data-covered=(if c.checks.is_empty() { "0" } else { "1" }) {
                                        td.mono { (c.id) }
                                        td { span class=(format!("badge ctl-{}", c.status.as_str())) { (c.status.as_str()) } }
                                        td { (c.title) @if c.unlisted { " " span.note { "(not in the framework definition)" } } }
                                        td { (c.section) }
                                        td.mono { @for (k, id) in c.checks.iter().enumerate() { @if k > 0 { ", " } span.id { (id) } } }
                                        td.mono { @for (k, (st, n)) in c.results.iter().enumerate() { @if k > 0 { ", " } (st) " " (n) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn render_html(report: &AuditReport) -> Result<String, ReportError> {
    let checks = checks_by_id(report);
    let count = |s: Status| report.summary.by_status.get(s.as_str()).copied().unwrap_or(0);

    // Table rows: every non-passing result; PASS / NOT_APPLICABLE while under the cap.
    let mut rows: Vec<&CheckResult> = report.results.iter().collect();
    let listed_quiet = |r: &&CheckResult| matches!(r.status, Status::Pass | Status::NotApplicable);
    let omitted = if rows.len() > MAX_ROWS {
        let before = rows.len();
        rows.retain(|r| !listed_quiet(r));
        before - rows.len()
    } else {
        0
    };
    // Most important first: status, then severity, then the engine's order.
    rows.sort_by(|a, b| {
        status_rank(b.status)
            .cmp(&status_rank(a.status))
            .then(severity_rank(b.severity).cmp(&severity_rank(a.severity)))
    });
    let data = PageData {
        rows: rows
            .iter()
            .map(|r| RowData {
                status: r.status.as_str(),
                status_rank: status_rank(r.status),
                severity: r.severity.as_str(),
                severity_rank: severity_rank(r.severity),
                check: &r.check_id,
                title: checks.get(r.check_id.as_str()).map(|c| c.meta.title.as_str()).unwrap_or(""),
                resource: &r.resource_arn,
                name: &r.resource_name,
                region: &r.region,
                message: &r.message,
            })
            .collect(),
    };
    let data_json = super::page::json_for_script(&data)?;

    // Charts.
    let sev_bars: Vec<Bar> = Severity::ALL
        .iter()
        .map(|s| Bar {
            label: s.as_str().to_string(),
            segments: vec![(
                report.results.iter().filter(|r| r.status == Status::Fail && r.severity == *s).count(),
                severity_color(*s),
            )],
        })
        .collect();
    let mut by_service: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for r in &report.results {
        let svc = service_of(&r.check_id, checks.get(r.check_id.as_str()).copied());
        let slot = by_service.entry(svc).or_default();
        match r.status {
            Status::Fail => slot[0] += 1,
            Status::Unknown | Status::Error => slot[1] += 1,
            _ => slot[2] += 1,
        }
    }
    let svc_bars: Vec<Bar> = by_service
        .into_iter()
        .map(|(label, [fail, unk, ok])| Bar {
            label,
            segments: vec![(fail, "#dc2626"), (unk, "#d97706"), (ok, "#16a34a")],
        })
        .collect();
    let coverage = framework_coverage(report);
    let mut controls: Vec<(String, usize)> = coverage
        .iter()
        .flat_map(|(fw, ctl)| ctl.iter().map(move |(id, c)| (format!("{fw} {id}"), c.failed_results)))
        .filter(|(_, n)| *n > 0)
        .collect();
    controls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let control_bars: Vec<Bar> = controls
        .iter()
        .take(MAX_CONTROLS_IN_CHART)
        .map(|(label, n)| Bar { label: label.clone(), segments: vec![(*n, "#0f766e")] })
        .collect();

    let p = &report.provenance;
    let gate = &report.gate;
    let broken: Vec<_> = report.checks.iter().filter(|c| c.error.is_some()).collect();

    let body = html! {
                header.top {
                    div.wrap {
                        div.brand {
                            h1 { "flowforge-audit" }
                            span.sub { "Compliance and drift report · FlowForge on AWS" }
                        }
                        dl.meta {
                            div { dt { "Account" } dd #account { (report.account_id) } }
                            div { dt { "Environment" } dd #environment { (report.environment) } }
                            div { dt { "Collected at" } dd #collected-at { (report.collected_at) } }
                            div { dt { "Regions" } dd { (report.regions.join(", ")) " (" (report.partition) ")" } }
                            div { dt { "Tool version" } dd #tool-version { (p.tool_version) } }
                            div { dt { "Policy catalog" } dd title=(p.catalog_sha256) { (p.catalog_checks) " checks · " span.mono { (short(&p.catalog_sha256)) } } }
                        }
                    }
                }
                main.wrap {
                    @if let Some(overlay) = &p.overlay {
                        section.note #overlay { strong { "⚠ " (overlay.describe()) } }
                    }
                    section.verdict.failed[!gate.passed] #verdict data-passed=(gate.passed) {
                        div.icon { @if gate.passed { "✓" } @else { "✕" } }
                        div {
                            h2 { @if gate.passed { "Gate passed" } @else { "Gate failed" } }
                            p.why {
                                "Fails on FAIL at or above " strong { (gate.fail_on) }
                                @if gate.require_complete_audit { "; a complete audit (no UNKNOWN) is required" }
                                "."
                            }
                            @if !gate.reasons.is_empty() {
                                ul #gate-reasons { @for reason in &gate.reasons { li { (reason) } } }
                            }
                        }
                    }
                    @let attention: Vec<_> = report.waivers.iter().filter(|w| w.state.needs_attention()).collect();
                    @if !attention.is_empty() {
                        section #waivers {
                            h2 { "Waivers needing attention " span.n { "(" (attention.len()) ")" } }
                            p.note { "An EXPIRED waiver no longer applies (its findings count again and it blocks the gate); an EXPIRING one ends soon; a STALE one matches no FAIL and can be removed." }
                            table {
                                thead { tr { th { "State" } th { "Check" } th { "Selector" } th { "Owner" } th { "Expires" } th { "Where" } th { "Note" } } }
                                tbody {
                                    @for w in &attention {
                                        tr {
                                            td { span class=(format!("badge waiver-{}", w.state.as_str())) { (w.state.as_str()) } }
                                            td.mono { (w.check_id) } td.mono { (w.selector) } td { (w.owner) } td { (w.expires) }
                                            td.mono { (w.location) } td.msg { (w.message) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section.cards #counts {
                        @for s in Status::ALL {
                            div class=(format!("card st-{}", s.as_str())) {
                                span.num id=(format!("count-{}", s.as_str())) data-status=(s.as_str()) { (count(s)) }
                                span.lbl { (s.as_str().replace('_', " ")) }
                            }
                        }
                        div.card.total { span.num #count-checks { (report.summary.checks) } span.lbl { "Checks" } }
                        div.card.total { span.num #count-resources { (report.summary.resources) } span.lbl { "Resources" } }
                    }
                    section.charts {
                        (bar_chart("FAIL by severity", &sev_bars, &[], "No results."))
                        (bar_chart("Results by service", &svc_bars, &[("FAIL", "#dc2626"), ("UNKNOWN / ERROR", "#d97706"), ("other", "#16a34a")], "No results."))
                        (bar_chart("FAIL by framework control", &control_bars, &[], "No framework control has a FAIL."))
                    }
                    section #findings {
                        h2 { "Findings " span.n { "(" (rows.len()) ")" } }
                        div.filters #filters hidden {
                            input #f-text type="search" placeholder="Filter by check, resource, region or message" aria-label="Filter text";
                            select #f-status aria-label="Status" {
                                option value="" { "All statuses" }
                                @for s in Status::ALL { option value=(s.as_str()) { (s.as_str()) } }
                            }
                            select #f-severity aria-label="Severity" {
                                option value="" { "All severities" }
                                @for s in Severity::ALL { option value=(s.as_str()) { (s.as_str()) } }
                            }
                            span.count { "Showing " span #f-shown { (rows.len()) } " of " (rows.len()) }
                        }
                        @let quiet = rows.iter().filter(|r| matches!(r.status, Status::Pass | Status::NotApplicable)).count();
                        @if quiet > 0 {
                            p.note.print-only { (quiet) " PASS and NOT_APPLICABLE rows are not printed; the cards count them and the JSON and CSV reports list them." }
                        }
                        @if omitted > 0 {
                            p.note { (omitted) " PASS and NOT_APPLICABLE results are not listed (the table is capped at " (MAX_ROWS) " rows); the JSON and CSV reports have every result." }
                        }
                        @if rows.is_empty() {
                            p.empty { "No results." }
                        } @else {
                            table {
                                thead { tr {
                                    th data-key="status" { button type="button" { "Status" } }
                                    th data-key="severity" { button type="button" { "Severity" } }
                                    th data-key="check" { button type="button" { "Check" } }
                                    th data-key="name" { button type="button" { "Resource" } }
                                    th data-key="region" { button type="button" { "Region" } }
                                    th data-key="message" { button type="button" { "Message" } }
                                    th { "Details" }
                                } }
                                tbody #findings-body {
                                    @for (i, r) in rows.iter().enumerate() {
                                        @let check = checks.get(r.check_id.as_str());
                                        tr.quiet[matches!(r.status, Status::Pass | Status::NotApplicable)] data-i=(i) data-status=(r.status.as_str()) {
                                            td { span class=(format!("badge st-{}", r.status.as_str())) { (r.status.as_str()) } }
                                            td { span class=(format!("sev sev-{}", r.severity.as_str())) { (r.severity.as_str()) } }
                                            td { span.mono { (r.check_id) } @if let Some(c) = check { br; span.note { (c.meta.title) }
                                                @if c.meta.source.starts_with("overlay:") || !c.meta.overlay_libraries.is_empty() {
                                                    br; span.badge.st-UNKNOWN title=(c.meta.overlay_libraries.join(", ")) { "overlay" }
                                                } } }
                                            td.res {
                                                @if !r.resource_name.is_empty() { span.name { (r.resource_name) } br; }
                                                span.arn.mono { (r.resource_arn) }
                                            }
                                            td.region { (r.region) }
                                            td.msg { (r.message) }
                                            td {
                                                details {
                                                    summary { "Evidence" }
                                                    div.box {
                                                        @if let Some(w) = &r.waiver {
                                                            div.k { "Waiver" }
                                                            div { (w.reason) " — " (waiver_owner(w)) ", expires " (w.expires) }
                                                        }
                                                        @if let Some(c) = check {
                                                            div.k { "Check" }
                                                            div { (with_code(&c.meta.description)) }
                                                            div.k { "Remediation" }
                                                            div { (with_code(&c.meta.remediation)) }
                                                            div.k { "Guide section" }
                                                            div { (c.meta.guide_section) }
                                                        }
                                                        div.k { "Evidence" }
                                                        @if r.evidence.is_empty() {
                                                            div.empty { "none" }
                                                        } @else {
                                                            pre { (serde_json::to_string_pretty(&r.evidence).unwrap_or_else(|_| compact_json(&r.evidence))) }
                                                        }
                                                        div.k { "Finding id" }
                                                        div.mono { (r.finding_id) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.collection_errors.is_empty() || !broken.is_empty() {
                        section #not-audited {
                            h2 { "Not audited " span.n { "(" (report.collection_errors.len() + broken.len()) ")" } }
                            p.note { "What could not be collected or evaluated. The affected results are UNKNOWN or ERROR: neither passed nor failed." }
                            @if !report.collection_errors.is_empty() {
                                h3 { "Collection errors" }
                                table {
                                    thead { tr { th { "Service" } th { "Operation" } th { "Region" } th { "Resource" } th { "Error" } th { "Message" } } }
                                    tbody {
                                        @for e in &report.collection_errors {
                                            tr {
                                                td { (e.service) } td.mono { (e.operation) } td.region { (e.region) }
                                                td.res.mono { (e.resource.as_deref().unwrap_or("—")) }
                                                td { span.badge.st-UNKNOWN { (e.error_code) } }
                                                td.msg { (e.message) }
                                            }
                                        }
                                    }
                                }
                            }
                            @if !broken.is_empty() {
                                h3 { "Checks that could not run" }
                                table {
                                    thead { tr { th { "Check" } th { "Error" } } }
                                    tbody { @for c in &broken { tr { td.mono { (c.meta.id) } td.msg.mono { (c.error.as_deref().unwrap_or("")) } } } }
                                }
                            }
                        }
                    }
                    @if let Some(drift) = &report.drift {
                        @let findings: Vec<_> = drift.items.iter().filter(|i| i.state != DriftState::InSync).collect();
                        section #drift {
                            h2 { "Drift " span.n { "(" (findings.len()) ")" } }
                            div.two {
                                div {
                                    div { "Architecture coverage " strong #drift-coverage { (format!("{:.2}", drift.architecture_coverage_percent)) "%" } " — " (drift.in_sync_elements) " of " (drift.declared_elements) " declared elements in sync" }
                                    div.progress { span style=(format!("width:{:.2}%", drift.architecture_coverage_percent.clamp(0.0, 100.0))) {} }
                                }
                                @if let Some(iac) = &drift.iac {
                                    div {
                                        div { "Terraform state " span.mono { (iac.state_file) } }
                                        div.note { (iac.managed_in_sync) " in sync · " (iac.changed) " changed · " (iac.missing) " missing · " (iac.unmanaged) " unmanaged · " (format!("{:.2}", iac.coverage_percent)) "% of audited resources managed" }
                                        @if !iac.unknown_types.is_empty() {
                                            div.note { "Types not audited: " @for (i, (t, n)) in iac.unknown_types.iter().enumerate() { @if i > 0 { ", " } span.mono { (t) } " (" (n) ")" } }
                                        }
                                    }
                                }
                            }
                            @if findings.is_empty() {
                                p.empty { "No drift: every declared element is in sync." }
                            } @else {
                                table {
                                    thead { tr { th { "State" } th { "Severity" } th { "Kind" } th { "Element" } th { "Message" } th { "Details" } } }
                                    tbody #drift-body {
                                        @for item in &findings {
                                            tr data-state=(item.state.as_str()) {
                                                td {
                                                    span class=(format!("badge st-{}", item.state.as_str())) { (item.state.as_str()) }
                                                    @if let Some(w) = &item.waiver { br; span class="badge st-WAIVED" title=(format!("{} — {}, expires {}", w.reason, waiver_owner(w), w.expires)) { "WAIVED" } }
                                                }
                                                td { span class=(format!("sev sev-{}", item.severity.as_str())) { (item.severity.as_str()) } }
                                                td { (item.kind) }
                                                td.res { span.mono { (item.element) } @if let Some(a) = &item.resource_arn { br; span.arn.mono { (a) } } }
                                                td.msg { (with_code(&item.message)) }
                                                td {
                                                    details {
                                                        summary { "Expected / actual" }
                                                        div.box {
                                                            @if let Some(a) = &item.attribute { div.k { "Attribute" } div.mono { (a) } }
                                                            div.k { "Expected" }
                                                            pre { (item.expected.as_ref().map(compact_json).unwrap_or_else(|| "—".to_string())) }
                                                            div.k { "Actual" }
                                                            pre { (item.actual.as_ref().map(compact_json).unwrap_or_else(|| "—".to_string())) }
                                                            div.k { "Drift id" }
                                                            div.mono { (item.drift_id) }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    (trend_chart(report))
                    (compliance_section(report))
                    div.two {
                        section #provenance {
                            h2 { "Provenance" }
                            table.kv {
                                tbody {
                                    tr { td { "Tool version" } td.mono { (p.tool_version) } }
                                    tr { td { "Report schema" } td.mono { "v" (report.report_schema_version) } }
                                    tr { td { "Snapshot SHA-256" } td.mono { (p.snapshot_sha256) } }
                                    tr { td { "Baseline SHA-256" } td.mono { (p.baseline_sha256) } }
                                    tr { td { "Catalog SHA-256" } td.mono { (p.catalog_sha256) } }
                                    tr { td { "Catalog checks" } td.mono { (p.catalog_checks) } }
                                    tr { td { "Results" } td.mono { (report.summary.results) } }
                                }
                            }
                        }
                    }
                    footer {
                        "Generated by flowforge-audit " (p.tool_version) " from the snapshot collected at " (report.collected_at) ". Reproducible: the same snapshot, baseline and catalog give this exact file."
                    }
                }
    };
    let generator = format!("flowforge-audit {}", p.tool_version);
    let page = super::page::Page {
        title: format!("flowforge-audit · {} · {}", report.environment, report.account_id),
        generator: &generator,
        data: Some(data_json),
        script: Some(SCRIPT),
    };
    Ok(super::page::render(&page, body, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{empty_report, sample_report, HOSTILE_IMG, HOSTILE_SCRIPT};

    /// Hostile names are escaped; the page references nothing outside itself; the CSP pins the script.
    #[test]
    fn html_escapes_account_data_and_is_self_contained() {
        let html = String::from_utf8(HtmlRenderer.render(&sample_report()).unwrap()).unwrap();
        assert!(!html.contains(HOSTILE_IMG) && !html.contains(HOSTILE_SCRIPT));
        assert!(html.contains("&lt;img src=x onerror=&quot;document.title='pwned'&quot;&gt;"));
        assert_eq!(html.matches("<script").count(), 2, "only the data block and our script");
        for external in ["src=\"", "href=\"", "url(", "@import", "<link", "<img", "<iframe"] {
            assert!(!html.contains(external), "external reference {external}");
        }
        assert!(html.contains(&super::super::page::script_hash(SCRIPT)));
        assert!(html.contains("@media print"));
    }

    /// Print collapses only PASS and NOT_APPLICABLE rows: the `quiet` class the print stylesheet
    /// hides is never on a FAIL, UNKNOWN, ERROR or WAIVED row, and the stylesheet hides findings
    /// rows by that class only.
    #[test]
    fn print_keeps_every_non_passing_row() {
        let report = sample_report();
        let html = String::from_utf8(HtmlRenderer.render(&report).unwrap()).unwrap();
        let body = &html[html.find("id=\"findings-body\"").unwrap()..];
        let body = &body[..body.find("</tbody>").unwrap()];
        let mut seen = 0;
        for (i, _) in body.match_indices("<tr") {
            let tag = &body[i..i + body[i..].find('>').unwrap()];
            let quiet = tag.contains("class=\"quiet\"");
            let passing = tag.contains("data-status=\"PASS\"") || tag.contains("data-status=\"NOT_APPLICABLE\"");
            assert_eq!(quiet, passing, "{tag}");
            seen += usize::from(!passing);
        }
        assert!(
            seen > 0
                && seen
                    == report
                        .results
                        .iter()
                        .filter(|r| !matches!(r.status, Status::Pass | Status::NotApplicable))
                        .count()
        );
        let css = super::super::page::CSS;
        let print = &css[css.find("@media print").unwrap()..];
        let hides_findings: Vec<&str> = print.lines().filter(|l| l.contains("#findings-body")).collect();
        assert_eq!(hides_findings.len(), 1, "{hides_findings:?}");
        assert!(hides_findings[0].contains("#findings-body tr.quiet,"), "{hides_findings:?}");
    }

    /// Issue 15: code spans of catalog text (descriptions and remediation) render as `<code>`,
    /// never as literal backticks, in the findings' details.
    #[test]
    fn catalog_code_spans_render_as_code() {
        let mut report = sample_report();
        let check = report.checks.iter_mut().find(|c| report.results.iter().any(|r| r.check_id == c.meta.id)).unwrap();
        check.meta.description = "Scope: the `database` tier <b>".into();
        check.meta.remediation = "Set `multi_az: true`.".into();
        let html = String::from_utf8(HtmlRenderer.render(&report).unwrap()).unwrap();
        assert!(html.contains("Scope: the <code>database</code> tier &lt;b&gt;"), "description");
        assert!(html.contains("Set <code>multi_az: true</code>."), "remediation");
        assert!(!html.contains("`database`") && !html.contains("`multi_az"));
    }

    /// Waivers needing attention are listed (the applied one is not), with hostile text escaped.
    #[test]
    fn html_lists_waivers_needing_attention() {
        let html = String::from_utf8(HtmlRenderer.render(&sample_report()).unwrap()).unwrap();
        let section = &html[html.find("<section id=\"waivers\">").expect("waiver section")..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(section.contains("(3)"), "{section}");
        for state in ["EXPIRING", "EXPIRED", "STALE"] {
            assert!(section.contains(&format!("waiver-{state}")), "{state}");
        }
        assert!(!section.contains("waivers.yaml:3<"), "the applied waiver is not listed");
        assert!(section.contains("waivers.yaml:15") && section.contains("&lt;script&gt;"));
        let empty = String::from_utf8(HtmlRenderer.render(&empty_report_without_waivers()).unwrap()).unwrap();
        assert!(!empty.contains("id=\"waivers\""));
    }

    fn empty_report_without_waivers() -> AuditReport {
        let mut r = empty_report();
        r.waivers.clear();
        r
    }

    /// An empty report still renders a complete page.
    #[test]
    fn empty_report_renders() {
        let html = String::from_utf8(HtmlRenderer.render(&empty_report()).unwrap()).unwrap();
        assert!(html.contains("Gate passed") && html.contains("No results."));
    }

    /// Issue 15: with two or more runs of history, the page has an inline SVG trend (no chart
    /// without a history).
    #[test]
    fn trend_chart_from_history() {
        let mut report = crate::report::fixture::sample_report();
        let html = String::from_utf8(HtmlRenderer.render(&report).unwrap()).unwrap();
        assert!(!html.contains("id=\"trend\""));
        let mut prev = crate::history::entry(&report);
        prev.collected_at = "2025-03-13T09:00:00Z".into();
        report.history = vec![prev, crate::history::entry(&report)];
        let html = String::from_utf8(HtmlRenderer.render(&report).unwrap()).unwrap();
        assert!(html.contains("id=\"trend\"") && html.contains("<polyline class=\"trend-fail\""), "{html}");
        assert!(html.contains("2025-03-13"));
    }
}
