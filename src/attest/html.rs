//! The printable HTML period report (`flowforge-attest.html`): the one HTML shell of the tool
//! (`report::page`: head, stylesheet, Content-Security-Policy, the escaping pass) with the
//! period's sections and the few styles they add. No script at all (`script-src 'none'`): the page is static, so it prints as seen.
//!
//! Every string comes from bundles, so from accounts: `maud` escapes every interpolated value.
//! Timelines are inline SVG, one rectangle per run of equal slots.

use maud::{html, Markup, PreEscaped};

use super::report::{CheckPeriod, Exception, PeriodReport, Use, Verdict};
use crate::report::html::short;
use crate::report::page::{render as page, Page};

/// What the period report adds to the audit report's stylesheet.
const CSS: &str = "
.v-EXCEPTIONS.badge { background: var(--fail); } .v-OPERATING.badge { background: var(--pass); }
.v-NOT_EVIDENCED.badge { background: #475569; } .v-NOT_APPLICABLE.badge { background: var(--na); }
.v-NOT_ASSESSED.badge { background: var(--na); } .v-MANUAL.badge { background: var(--low); }
.card.v-OPERATING { border-top-color: var(--pass); } .card.v-EXCEPTIONS { border-top-color: var(--fail); }
.card.v-EXCEPTIONS .num { color: var(--fail); } .card.v-NOT_EVIDENCED { border-top-color: #475569; }
.card.v-NOT_APPLICABLE { border-top-color: var(--na); }
svg.tl { width: 100%; max-width: 460px; height: 14px; display: block; }
td.tl { min-width: 220px; }
.tl-legend i.O { background: var(--pass); } .tl-legend i.X { background: var(--fail); }
.tl-legend i.G { background: #cbd5e1; } .tl-legend i.n { background: #e2e8f0; }
@media print { td.tl { min-width: 0; } svg.tl { height: 8px; } }
";

fn slot_color(c: char) -> &'static str {
    match c {
        'O' => "#16a34a",
        'X' => "#dc2626",
        '-' => "#cbd5e1",
        _ => "#e2e8f0",
    }
}

/// A timeline: one rectangle per run of equal slots (`O` operating, `X` exception, `-` not
/// evidenced, `n` not applicable), first slot left.
fn timeline_svg(timeline: &str, label: &str) -> Markup {
    let slots: Vec<char> = timeline.chars().collect();
    let n = slots.len().max(1);
    let mut runs: Vec<(usize, usize, char)> = Vec::new();
    for (i, c) in slots.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if r.2 == *c => r.1 = i + 1,
            _ => runs.push((i, i + 1, *c)),
        }
    }
    html! {
        svg.tl xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {n} 1")) preserveAspectRatio="none" role="img" aria-label=(label) {
            @for (a, b, c) in &runs {
                rect x=(a) y="0" width=(b - a) height="1" fill=(slot_color(*c)) {}
            }
        }
    }
}

fn verdict_badge(v: Verdict) -> Markup {
    html! { span class=(format!("badge v-{}", v.as_str())) { (v.as_str()) } }
}

fn exception_notes(e: &Exception) -> Vec<String> {
    let mut notes = Vec::new();
    if e.open {
        notes.push("open at the end of the period".to_owned());
    }
    match &e.previous_scan {
        Some(p) => notes.push(format!("began after the scan of {p}")),
        None => notes.push("already seen at the account's first scan of the period".to_owned()),
    }
    if e.resources.iter().any(|r| r.definition_changed) {
        notes.push("closed when the check's definition changed: maybe a rule change, not a fix".to_owned());
    }
    if e.resources.iter().any(|r| r.baseline_changed) {
        notes.push("closed when the baseline changed".to_owned());
    }
    for by in ["waiver", "check_removed"] {
        if e.resources.iter().any(|r| r.closed_by.as_str() == by) {
            notes.push(match by {
                "waiver" => "closed by a waiver (accepted, not fixed)".to_owned(),
                _ => "closed because the check was no longer run".to_owned(),
            });
        }
    }
    notes
}

fn exceptions_table(rows: &[(&str, &Exception)]) -> Markup {
    html! {
        table {
            thead { tr { th { "Check" } th { "Account" } th { "First seen" } th { "Fixed at" } th { "Duration" } th { "Statuses" } th { "Resources" } th { "Notes" } } }
            tbody {
                @for (sev, e) in rows {
                    tr {
                        td { span.mono { (e.checks.join(", ")) } @if !sev.is_empty() { br; span class=(format!("sev sev-{sev}")) { (sev) } } }
                        td.mono { (e.account_id) }
                        td.mono { (e.first_seen) }
                        td.mono { @match &e.fixed_at { Some(f) => (f), None => strong { "open" } } }
                        td { (e.duration) }
                        td { @for s in &e.statuses { span class=(format!("badge st-{s}")) { (s) } " " } }
                        td.res { @for r in &e.resources { span.arn.mono { (r.resource_arn) } br; } }
                        td.msg { (exception_notes(e).join("; ")) }
                    }
                }
            }
        }
    }
}

fn check_row(c: &CheckPeriod) -> Markup {
    html! {
        tr data-verdict=(c.verdict.as_str()) {
            td { span.mono { (c.check_id) } br; span.note { (c.title) } }
            td { span class=(format!("sev sev-{}", c.severity)) { (c.severity) } }
            td { (verdict_badge(c.verdict)) @if c.waived_scans > 0 { br; span.note { "waived in " (c.waived_scans) " scans" } } }
            td.tl { (timeline_svg(&c.timeline, &c.check_id)) }
            td.mono { (c.slots.operating) " / " (c.slots.exception) " / " (c.slots.not_evidenced) " / " (c.slots.not_applicable) }
            td.mono { (c.scans) }
        }
    }
}

/// Renders the period report as one self-contained HTML page.
pub fn render(report: &PeriodReport) -> Vec<u8> {
    let s = &report.summary;
    let count = |v: Verdict| s.checks.get(v.as_str()).copied().unwrap_or(0);
    let passed = report.operated_throughout();
    let total_checks: usize = s.checks.values().sum();
    let accounts: Vec<&str> = report.accounts.iter().map(|a| a.account_id.as_str()).collect();
    let severity_of = |id: &str| report.checks.iter().find(|c| c.check_id == id).map_or("", |c| c.severity.as_str());
    let mut exceptions: Vec<(&str, &Exception)> =
        report.checks.iter().flat_map(|c| c.exceptions.iter().map(move |e| (c.severity.as_str(), e))).collect();
    exceptions.sort_by(|a, b| {
        (&a.1.first_seen, &a.1.checks, &a.1.account_id).cmp(&(&b.1.first_seen, &b.1.checks, &b.1.account_id))
    });
    let gaps: Vec<_> = report.accounts.iter().flat_map(|a| &a.gaps).collect();
    let not_relied: Vec<_> = report.bundles.iter().filter(|b| b.use_ != Use::Evidence).collect();
    let noted: Vec<_> = report.bundles.iter().filter(|b| !b.notes.is_empty()).collect();
    let relied: Vec<_> = report.bundles.iter().filter(|b| b.use_ == Use::Evidence).collect();
    let title = format!(
        "flowforge-audit attestation · {} · {} to {}",
        report.environment, report.period.from, report.period.to
    );
    let p = &report.period;
    let body = html! {
                style { (PreEscaped(CSS)) }
                header.top {
                    div.wrap {
                        div.brand {
                            h1 { "flowforge-audit" }
                            span.sub { "Operating effectiveness over a period · FlowForge on AWS" }
                        }
                        dl.meta {
                            div { dt { "Environment" } dd #environment { (report.environment) } }
                            div { dt { "Period (UTC)" } dd #period { (p.from) " to " (p.to) } }
                            div { dt { "Cadence" } dd #cadence title=(p.cadence_source) { "every " (p.every) " · " (p.slots) " slots" } }
                            div { dt { "Accounts" } dd { (accounts.join(", ")) } }
                            div { dt { "Bundles relied on" } dd #relied { (s.bundles_relied_on) " of " (s.bundles_found) " found" } }
                            div { dt { "Signatures" } dd {
                                @if report.require_signature { "required" } @else if report.verify_keys.is_empty() { "not checked" } @else { "checked" }
                                @if !report.verify_keys.is_empty() { " · " span.mono { (report.verify_keys.join(", ")) } }
                            } }
                            div { dt { "Tool version" } dd { (report.tool_version) } }
                        }
                    }
                }
                main.wrap {
                    section.verdict.failed[!passed] #verdict data-passed=(passed) {
                        div.icon { @if passed { "✓" } @else { "✕" } }
                        div {
                            h2 { (count(Verdict::Operating)) " of " (total_checks) " checks operated throughout the period" }
                            p.why {
                                (s.scans) " valid scans from " (s.bundles_relied_on) " bundles; "
                                (s.exceptions) " exception intervals (" (s.open_exceptions) " open at the end); "
                                (s.slots_not_evidenced) " account-slots not evidenced in " (s.gaps) " gaps; "
                                (s.bundles_rejected) " bundles rejected."
                            }
                            p.note { "Cadence: " (p.cadence_source) ". A slot without a valid scan is not evidenced, never assumed compliant; a waiver valid at the scan's date counts as operating." }
                        }
                    }
                    section.cards #counts {
                        @for v in [Verdict::Operating, Verdict::Exceptions, Verdict::NotEvidenced, Verdict::NotApplicable] {
                            div class=(format!("card v-{}", v.as_str())) { span.num id=(format!("count-{}", v.as_str())) { (count(v)) } span.lbl { (v.as_str().replace('_', " ")) } }
                        }
                        div.card.st-FAIL { span.num #count-exceptions { (s.exceptions) } span.lbl { "Exception intervals" } }
                        div.card.st-UNKNOWN { span.num #count-gaps { (s.slots_not_evidenced) } span.lbl { "Slots not evidenced" } }
                        div.card.st-ERROR { span.num #count-rejected { (s.bundles_rejected) } span.lbl { "Bundles rejected" } }
                        div.card.total { span.num #count-scans { (s.scans) } span.lbl { "Scans" } }
                    }
                    div.two {
                    section #gaps {
                        h2 { "Not evidenced " span.n { "(" (gaps.len()) " gaps)" } }
                        @if gaps.is_empty() {
                            p.empty { "Every slot of every account has a valid scan." }
                        } @else {
                            table {
                                thead { tr { th { "Account" } th { "From" } th { "To" } th { "Slots" } } }
                                tbody { @for g in &gaps { tr { td.mono { (g.account_id) } td.mono { (g.from) } td.mono { (g.to) } td { (g.slots) } } } }
                            }
                        }
                    }
                    section #time-to-fix {
                        h2 { "Time to fix" }
                        p.note { "Per severity, over the resources whose interval closed with a fix (PASS, not applicable, resource removed) while the check's definition and the baseline stayed the same. Waivers, rule changes and removed checks are not fixes." }
                        table {
                            thead { tr { th { "Severity" } th { "Fixed" } th { "Median" } th { "Worst" } th { "Not counted" } th { "Open" } th { "Oldest open since" } } }
                            tbody {
                                @for t in &report.time_to_fix {
                                    tr {
                                        td { span class=(format!("sev sev-{}", t.severity)) { (t.severity) } }
                                        td { (t.fixed) } td { (t.median.as_deref().unwrap_or("—")) } td { (t.worst.as_deref().unwrap_or("—")) }
                                        td { (t.not_counted) } td { (t.open) } td.mono { (t.oldest_open_since.as_deref().unwrap_or("—")) }
                                    }
                                }
                            }
                        }
                    }
                    }
                    section #checks {
                        h2 { "Checks " span.n { "(" (report.checks.len()) ")" } }
                        div.legend.tl-legend { span { i.O {} "operating" } span { i.X {} "exception" } span { i.G {} "not evidenced" } span { i.n {} "not applicable" } }
                        table {
                            thead { tr { th { "Check" } th { "Severity" } th { "Verdict" } th { "Timeline (" (p.from) " → " (p.to) ")" } th { "Slots ok / exc / none / n.a." } th { "Scans" } } }
                            tbody { @for c in &report.checks { (check_row(c)) } }
                        }
                    }
                    section #exceptions {
                        h2 { "Exceptions " span.n { "(" (exceptions.len()) ")" } }
                        p.note { "An interval in which a check had a FAIL, UNKNOWN or ERROR result: from the first scan that showed it to the first that did not. It began after the previous scan." }
                        @if exceptions.is_empty() { p.empty { "None: no scan relied on had a FAIL, UNKNOWN or ERROR." } } @else { (exceptions_table(&exceptions)) }
                    }
                    @for f in &report.frameworks {
                        @let covered: Vec<_> = f.controls.iter().filter(|c| !c.checks.is_empty()).collect();
                        section.framework data-fw=(f.framework) {
                            h2 { (f.title) " " span.mono { (f.version) } }
                            div.fw-totals {
                                span { strong { (f.controls.len()) } " controls" }
                                @for (v, n) in &f.totals { @if *n > 0 { span { span class=(format!("badge v-{v}")) { (v) } " " (n) } } }
                            }
                            p.note { (f.controls.len() - covered.len()) " controls no check covers (NOT_ASSESSED, or MANUAL: a person assesses them) are in the JSON and the controls CSV." }
                            @if !covered.is_empty() {
                                table.controls {
                                    thead { tr { th { "Control" } th { "Verdict" } th { "Title" } th { "Timeline" } th { "Checks" } th { "Exceptions" } } }
                                    tbody {
                                        @for c in &covered {
                                            tr data-control-verdict=(c.verdict.as_str()) {
                                                td.mono { (c.id) } td { (verdict_badge(c.verdict)) } td { (c.title) }
                                                td.tl { (timeline_svg(&c.timeline, &c.id)) }
                                                td.mono { (c.checks.join(", ")) }
                                                td { (c.exceptions.len()) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.definition_changes.is_empty() {
                        section #definition-changes {
                            h2 { "Check definitions that changed " span.n { "(" (report.definition_changes.len()) ")" } }
                            p.note { "A check's Rego or a library it reaches changed between two scans: a result that changed at the same scan may be a rule change, not a fix." }
                            table {
                                thead { tr { th { "Check" } th { "Severity" } th { "First scan with it" } th { "Accounts" } th { "From" } th { "To" } } }
                                tbody { @for d in &report.definition_changes { tr {
                                    td.mono { (d.check_id) } td { (severity_of(&d.check_id)) } td.mono { (d.at) } td.mono { (d.accounts.join(", ")) }
                                    td.mono title=(d.from) { (short(&d.from)) } td.mono title=(d.to) { (short(&d.to)) }
                                } } }
                            }
                        }
                    }
                    @if !not_relied.is_empty() || !report.store_events.is_empty() || !noted.is_empty() || !report.refused.is_empty() {
                        section #bundle-exceptions {
                            h2 { "Bundles not relied on, store history and clocks" }
                            @if !not_relied.is_empty() {
                                h3 { "Not relied on " span.n { "(" (not_relied.len()) ")" } }
                                table {
                                    thead { tr { th { "Location" } th { "Use" } th { "Code" } th { "Collected at (claimed)" } th { "Account" } th { "Why" } } }
                                    tbody { @for b in &not_relied { tr {
                                        td.res.mono { (b.location) } td { (b.use_.as_str()) } td.mono { (b.code.as_deref().unwrap_or("")) }
                                        td.mono { (b.collected_at.as_deref().unwrap_or("—")) } td.mono { (b.account_id.as_deref().unwrap_or("—")) }
                                        td.msg { @for r in &b.reasons { (r) br; } @for nn in &b.notes { (nn) br; } }
                                    } } }
                                }
                            }
                            @if !report.store_events.is_empty() {
                                h3 { "Store history " span.n { "(" (report.store_events.len()) ")" } }
                                table {
                                    thead { tr { th { "Bundle" } th { "Object" } th { "Event" } th { "At" } th { "Versions" } } }
                                    tbody { @for e in &report.store_events { tr {
                                        td.res.mono { (e.location) } td.res.mono { (e.object) } td { (e.event) } td.mono { (e.at.as_deref().unwrap_or("—")) } td { (e.versions) }
                                    } } }
                                }
                            }
                            @if !noted.is_empty() {
                                h3 { "Notes " span.n { "(" (noted.len()) ")" } }
                                table {
                                    thead { tr { th { "Location" } th { "Collected at" } th { "File time" } th { "Note" } } }
                                    tbody { @for b in &noted { tr {
                                        td.res.mono { (b.location) } td.mono { (b.collected_at.as_deref().unwrap_or("—")) } td.mono { (b.file_time.as_deref().unwrap_or("—")) }
                                        td.msg { (b.notes.join("; ")) }
                                    } } }
                                }
                            }
                            @if !report.refused.is_empty() {
                                h3 { "Refused while listing" }
                                ul { @for r in &report.refused { li.mono { (r) } } }
                            }
                        }
                    }
                    section #bundles {
                        h2 { "Bundles relied on " span.n { "(" (relied.len()) ")" } }
                        table {
                            thead { tr { th { "Collected at" } th { "Account" } th { "Manifest SHA-256" } th { "Signature" } th { "Location" } } }
                            tbody { @for b in &relied { tr {
                                td.mono { (b.collected_at.as_deref().unwrap_or("")) } td.mono { (b.account_id.as_deref().unwrap_or("")) }
                                td.mono title=(b.manifest_sha256) { (short(&b.manifest_sha256)) }
                                td { (b.signature) @if let Some(k) = &b.signer_key_id { " · " span.mono { (k) } } }
                                td.res.mono { (b.location) }
                            } } }
                        }
                    }
                    footer {
                        "Generated by flowforge-audit " (report.tool_version) " from the evidence bundles listed. Reproducible: the same bundles give this exact file (verify-evidence DIR --bundles SOURCE)."
                    }
                }
    };
    let generator = format!("flowforge-audit {}", report.tool_version);
    page(&Page { title, generator: &generator, data: None, script: None }, body, false).into_bytes()
}
