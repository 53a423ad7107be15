//! The Markdown period report (`flowforge-attest.md`): what a CI job summary or a ticket shows.
//! Every value from a bundle goes through the one Markdown escaper (`report::markdown::escape`).

use std::fmt::Write as _;

use super::report::{PeriodReport, Use, Verdict};
use crate::report::markdown::escape;

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "—".to_owned(), escape)
}

/// Renders the period report as Markdown.
pub fn render(report: &PeriodReport) -> Vec<u8> {
    let mut o = String::new();
    let s = &report.summary;
    let p = &report.period;
    let count = |v: Verdict| s.checks.get(v.as_str()).copied().unwrap_or(0);
    let total: usize = s.checks.values().sum();
    let _ = writeln!(o, "# flowforge-audit attestation: {} from {} to {}\n", escape(&report.environment), p.from, p.to);
    let _ = writeln!(o, "| | |\n| --- | --- |");
    let _ = writeln!(o, "| Environment | {} |", escape(&report.environment));
    let _ = writeln!(o, "| Period (UTC) | {} to {} ({} to {}) |", p.from, p.to, p.start, p.end);
    let _ =
        writeln!(o, "| Cadence | every {} ({} slots per account); {} |", p.every, p.slots, escape(&p.cadence_source));
    let accounts: Vec<String> = report.accounts.iter().map(|a| escape(&a.account_id)).collect();
    let _ = writeln!(o, "| Accounts | {} |", accounts.join(", "));
    let k = &report.skipped;
    let skipped = k.other_environment.values().sum::<usize>() + k.other_account + k.outside_period + k.period_bundles;
    let _ = writeln!(
        o,
        "| Bundles | {} found: {} relied on, {} rejected, {} duplicate; {skipped} out of scope (another environment, account or period) |",
        s.bundles_found, s.bundles_relied_on, s.bundles_rejected, s.bundles_duplicate
    );
    let signatures = if report.require_signature {
        "required"
    } else if report.verify_keys.is_empty() {
        "not checked (no --verify-key)"
    } else {
        "checked when present"
    };
    let _ = writeln!(
        o,
        "| Signatures | {signatures}{} |",
        if report.verify_keys.is_empty() { String::new() } else { format!(": key {}", report.verify_keys.join(", ")) }
    );
    let _ = writeln!(o, "| Tool version | {} |\n", escape(&report.tool_version));

    let _ = writeln!(o, "## Verdict\n");
    let _ = writeln!(
        o,
        "**{} of {total} checks operated throughout the period.** {} with exceptions, {} not evidenced, {} not applicable. {} valid scans; {} exception intervals ({} open at the end); {} account-slots not evidenced in {} gaps; {} bundles rejected.\n",
        count(Verdict::Operating),
        count(Verdict::Exceptions),
        count(Verdict::NotEvidenced),
        count(Verdict::NotApplicable),
        s.scans,
        s.exceptions,
        s.open_exceptions,
        s.slots_not_evidenced,
        s.gaps,
        s.bundles_rejected,
    );
    let _ = writeln!(o, "A slot without a valid scan is not evidenced, never assumed compliant. A waiver valid at the scan's date counts as operating (the checks table says in how many scans).\n");

    let _ = writeln!(o, "## Not evidenced\n");
    let gaps: Vec<_> = report.accounts.iter().flat_map(|a| &a.gaps).collect();
    if gaps.is_empty() {
        let _ = writeln!(o, "Every slot of every account has a valid scan.\n");
    } else {
        let _ = writeln!(o, "| Account | From | To | Slots |\n| --- | --- | --- | ---: |");
        for g in gaps {
            let _ = writeln!(o, "| {} | {} | {} | {} |", escape(&g.account_id), g.from, g.to, g.slots);
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Exceptions\n");
    let mut rows: Vec<(&str, &super::report::Exception)> =
        report.checks.iter().flat_map(|c| c.exceptions.iter().map(move |e| (c.severity.as_str(), e))).collect();
    rows.sort_by(|a, b| {
        (&a.1.first_seen, &a.1.checks, &a.1.account_id).cmp(&(&b.1.first_seen, &b.1.checks, &b.1.account_id))
    });
    if rows.is_empty() {
        let _ = writeln!(o, "None: no scan relied on had a FAIL, UNKNOWN or ERROR result.\n");
    } else {
        let _ = writeln!(o, "| Check | Severity | Account | First seen | Previous scan | Fixed at | Duration | Statuses | Resources | Notes |");
        let _ = writeln!(o, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (sev, e) in rows {
            let resources: Vec<String> = e.resources.iter().map(|r| escape(&r.resource_arn)).collect();
            let mut notes = Vec::new();
            if e.resources.iter().any(|r| r.definition_changed) {
                notes.push("closed when the check's definition changed: maybe a rule change, not a fix");
            }
            if e.resources.iter().any(|r| r.baseline_changed) {
                notes.push("closed when the baseline changed");
            }
            if e.resources.iter().any(|r| r.closed_by.as_str() == "waiver") {
                notes.push("closed by a waiver (accepted, not fixed)");
            }
            if e.resources.iter().any(|r| r.closed_by.as_str() == "check_removed") {
                notes.push("closed because the check was no longer run");
            }
            let _ = writeln!(
                o,
                "| {} | {sev} | {} | {} | {} | {} | {} | {} | {} | {} |",
                escape(&e.checks.join(", ")),
                escape(&e.account_id),
                e.first_seen,
                opt(&e.previous_scan),
                e.fixed_at.clone().unwrap_or_else(|| "**open**".to_owned()),
                e.duration,
                e.statuses.join(", "),
                resources.join("<br>"),
                notes.join("; ")
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Time to fix\n");
    let _ = writeln!(o, "Over resources whose interval closed with a fix (PASS, not applicable, resource removed) while the check's definition and the baseline stayed the same.\n");
    let _ = writeln!(o, "| Severity | Fixed | Median | Worst | Not counted | Open | Oldest open since |\n| --- | ---: | --- | --- | ---: | ---: | --- |");
    for t in &report.time_to_fix {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            t.severity,
            t.fixed,
            opt(&t.median),
            opt(&t.worst),
            t.not_counted,
            t.open,
            opt(&t.oldest_open_since)
        );
    }
    o.push('\n');

    let _ = writeln!(o, "## Checks\n");
    let _ = writeln!(o, "Slots are account-slots: operating / exception / not evidenced / not applicable.\n");
    let _ = writeln!(o, "| Check | Title | Severity | Verdict | Operating | Exception | Not evidenced | Not applicable | Scans | Waived scans |");
    let _ = writeln!(o, "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for c in &report.checks {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&c.check_id),
            escape(&c.title),
            c.severity,
            c.verdict.as_str(),
            c.slots.operating,
            c.slots.exception,
            c.slots.not_evidenced,
            c.slots.not_applicable,
            c.scans,
            c.waived_scans
        );
    }
    o.push('\n');

    let waivers: Vec<_> = report.checks.iter().flat_map(|c| c.waivers.iter().map(move |w| (&c.check_id, w))).collect();
    if !waivers.is_empty() {
        let _ = writeln!(o, "## Waivers counted as operating\n");
        let _ = writeln!(o, "Each was valid (not expired) at the date of every scan it was counted in.\n");
        let _ = writeln!(o, "| Check | Owner | Reason | Expires | First used | Last used | Results |\n| --- | --- | --- | --- | --- | --- | ---: |");
        for (check, w) in waivers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(check),
                escape(&w.owner),
                escape(&w.reason),
                escape(&w.expires),
                w.first_used,
                w.last_used,
                w.results
            );
        }
        o.push('\n');
    }

    for f in &report.frameworks {
        let _ = writeln!(o, "## {} {}\n", escape(&f.title), escape(&f.version));
        let totals: Vec<String> = f.totals.iter().filter(|(_, n)| **n > 0).map(|(v, n)| format!("{v} {n}")).collect();
        let covered: Vec<_> = f.controls.iter().filter(|c| !c.checks.is_empty()).collect();
        let _ = writeln!(
            o,
            "{} controls: {}. The {} controls no check covers are in the JSON and the controls CSV.\n",
            f.controls.len(),
            totals.join(", "),
            f.controls.len() - covered.len()
        );
        if !covered.is_empty() {
            let _ = writeln!(o, "| Control | Title | Verdict | Checks | Operating | Exception | Not evidenced | Exceptions |\n| --- | --- | --- | --- | ---: | ---: | ---: | ---: |");
            for c in covered {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    escape(&c.id),
                    escape(&c.title),
                    c.verdict.as_str(),
                    escape(&c.checks.join(", ")),
                    c.slots.operating,
                    c.slots.exception,
                    c.slots.not_evidenced,
                    c.exceptions.len()
                );
            }
            o.push('\n');
        }
    }

    if !report.definition_changes.is_empty() {
        let _ = writeln!(o, "## Check definitions that changed\n");
        let _ = writeln!(o, "A result that changed at the same scan may be a rule change, not a fix.\n");
        let _ = writeln!(o, "| Check | First scan with it | Accounts | From | To |\n| --- | --- | --- | --- | --- |");
        for d in &report.definition_changes {
            let _ = writeln!(
                o,
                "| {} | {} | {} | `{}` | `{}` |",
                escape(&d.check_id),
                d.at,
                escape(&d.accounts.join(", ")),
                &d.from[..d.from.len().min(12)],
                &d.to[..d.to.len().min(12)]
            );
        }
        o.push('\n');
    }

    let not_relied: Vec<_> = report.bundles.iter().filter(|b| b.use_ != Use::Evidence).collect();
    if !not_relied.is_empty() {
        let _ = writeln!(o, "## Bundles not relied on\n");
        let _ = writeln!(
            o,
            "| Location | Use | Code | Collected at (claimed) | Account | Why |\n| --- | --- | --- | --- | --- | --- |"
        );
        for b in not_relied {
            let mut why = b.reasons.clone();
            why.extend(b.notes.iter().cloned());
            let why: Vec<String> = why.iter().map(|w| escape(w)).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&b.location),
                b.use_.as_str(),
                opt(&b.code),
                opt(&b.collected_at),
                opt(&b.account_id),
                why.join("<br>")
            );
        }
        o.push('\n');
    }
    if !report.store_events.is_empty() {
        let _ = writeln!(o, "## Store history\n");
        let _ = writeln!(o, "| Bundle | Object | Event | At | Versions |\n| --- | --- | --- | --- | ---: |");
        for e in &report.store_events {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                escape(&e.location),
                escape(&e.object),
                e.event,
                opt(&e.at),
                e.versions
            );
        }
        o.push('\n');
    }
    let noted: Vec<_> = report.bundles.iter().filter(|b| b.use_ == Use::Evidence && !b.notes.is_empty()).collect();
    if !noted.is_empty() {
        let _ = writeln!(o, "## Notes on bundles relied on\n");
        let _ = writeln!(o, "| Location | Collected at | File time | Note |\n| --- | --- | --- | --- |");
        for b in noted {
            let notes: Vec<String> = b.notes.iter().map(|n| escape(n)).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                escape(&b.location),
                opt(&b.collected_at),
                opt(&b.file_time),
                notes.join("<br>")
            );
        }
        o.push('\n');
    }
    if !report.refused.is_empty() {
        let _ = writeln!(o, "## Refused while listing\n");
        for r in &report.refused {
            let _ = writeln!(o, "- {}", escape(r));
        }
        o.push('\n');
    }
    let relied: Vec<_> = report.bundles.iter().filter(|b| b.use_ == Use::Evidence).collect();
    let _ = writeln!(o, "## Bundles relied on ({})\n", relied.len());
    let _ = writeln!(o, "| Collected at | Account | Manifest SHA-256 | Signature | Signer key | Location |\n| --- | --- | --- | --- | --- | --- |");
    for b in relied {
        let _ = writeln!(
            o,
            "| {} | {} | `{}` | {} | {} | {} |",
            opt(&b.collected_at),
            opt(&b.account_id),
            b.manifest_sha256,
            b.signature,
            opt(&b.signer_key_id),
            escape(&b.location)
        );
    }
    let _ = writeln!(
        o,
        "\nGenerated by flowforge-audit {} from the evidence bundles listed; the same bundles give this exact file.",
        escape(&report.tool_version)
    );
    o.into_bytes()
}
