//! `diff OLD NEW` as Markdown and HTML: what changed between two scans (two snapshots or two
//! JSON reports), rendered from the comparison of [`crate::drift::diff`].
//!
//! The content is laid out once ([`View`]: a heading, the counts, then one table per kind of
//! change) and written by two small writers, so the Markdown and the HTML page always show
//! the same rows. Account data (names, ARNs, attribute values, messages) is cut to 120
//! characters and escaped by the format's escaper (the Markdown report's [`escape`], `maud`
//! plus the HTML shell's page-wide pass, [`super::page`]); the words and counts of the tool are
//! not account data.

use std::fmt::Write as _;

use maud::html;
use serde_json::Value;

use super::markdown::escape;
use crate::drift::diff::{DiffOutcome, ReportDiff, SnapshotDiff, UnseenReason};
use crate::model::Status;

/// A table cell: account data, or the tool's own words (collection names, states, counts).
enum Cell {
    Data(String),
    Word(String),
}

fn data(s: &str) -> Cell {
    if s.chars().count() > 120 {
        Cell::Data(s.chars().take(117).collect::<String>() + "...")
    } else {
        Cell::Data(s.to_owned())
    }
}

fn json(v: &Value) -> Cell {
    match v {
        Value::String(s) => data(s),
        other => data(&other.to_string()),
    }
}

fn word(s: impl std::fmt::Display) -> Cell {
    Cell::Word(s.to_string())
}

struct Table {
    title: String,
    headers: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
}

/// One diff laid out: heading, the two snapshots' times, counts, tables (empty ones left out).
struct View {
    heading: &'static str,
    old: Cell,
    new: Cell,
    counts: Vec<(&'static str, usize)>,
    tables: Vec<Table>,
}

fn snapshot_view(d: &SnapshotDiff) -> View {
    let mut tables = Vec::new();
    for (title, list) in [
        ("Added", &d.added),
        ("Removed", &d.removed),
        ("Not seen in the new snapshot (its collection could not be listed)", &d.not_seen_in_new),
        ("Not seen in the old snapshot (its collection could not be listed)", &d.not_seen_in_old),
    ] {
        tables.push(Table {
            title: title.to_owned(),
            headers: &["Collection", "Name", "ARN"],
            rows: list.iter().map(|r| vec![word(&r.collection), data(&r.name), data(&r.arn)]).collect(),
        });
    }
    let why = |r: Option<UnseenReason>| match r {
        None => "seen",
        Some(UnseenReason::Absent) => "absent from the file",
        Some(UnseenReason::ListingFailed) => "listing failed",
    };
    tables.push(Table {
        title: "Collections not compared".to_owned(),
        headers: &["Collection", "Old", "New"],
        rows: d
            .unseen_collections
            .iter()
            .map(|u| vec![word(&u.collection), word(why(u.old)), word(why(u.new))])
            .collect(),
    });
    let mut errors = Vec::new();
    for (side, list) in [("old", &d.old_collection_errors), ("new", &d.new_collection_errors)] {
        for e in list {
            errors.push(vec![
                word(side),
                data(&e.service),
                data(&e.operation),
                data(&e.region),
                data(e.resource.as_deref().unwrap_or("")),
                data(&e.error_code),
                data(&e.message),
            ]);
        }
    }
    tables.push(Table {
        title: "Collection errors".to_owned(),
        headers: &["Snapshot", "Service", "Operation", "Region", "Resource", "Error", "Message"],
        rows: errors,
    });
    let mut changed = Vec::new();
    for r in &d.changed {
        for c in &r.changes {
            let name = if r.name.is_empty() { &r.arn } else { &r.name };
            changed.push(vec![word(&r.collection), data(name), data(&c.path), json(&c.old), json(&c.new)]);
        }
    }
    tables.push(Table {
        title: "Changed".to_owned(),
        headers: &["Collection", "Name", "Attribute", "Old", "New"],
        rows: changed,
    });
    View {
        heading: "Snapshot diff",
        old: data(&d.old_collected_at),
        new: data(&d.new_collected_at),
        counts: vec![
            ("Added", d.added.len()),
            ("Removed", d.removed.len()),
            ("Changed", d.changed.len()),
            ("Not seen", d.not_seen_in_new.len() + d.not_seen_in_old.len()),
        ],
        tables,
    }
}

fn report_view(d: &ReportDiff) -> View {
    let status = |s: Option<Status>| word(s.map_or("—", Status::as_str));
    let mut tables = Vec::new();
    for (title, list) in [
        ("New", &d.new),
        ("Regressed", &d.regressed),
        ("Resolved", &d.resolved),
        ("Now unknown", &d.now_unknown),
        ("Still failing", &d.still_failing),
    ] {
        tables.push(Table {
            title: title.to_owned(),
            headers: &["Severity", "Check", "Resource", "Was", "Now"],
            rows: list
                .iter()
                .map(|f| {
                    vec![
                        word(f.severity),
                        data(&f.check_id),
                        data(&f.resource_arn),
                        status(f.old_status),
                        status(f.new_status),
                    ]
                })
                .collect(),
        });
    }
    if d.drift_compared {
        for (title, list) in [("New drift", &d.drift_new), ("Resolved drift", &d.drift_resolved)] {
            tables.push(Table {
                title: title.to_owned(),
                headers: &["Severity", "Kind", "Element", "State", "Attribute"],
                rows: list
                    .iter()
                    .map(|i| {
                        vec![
                            word(i.severity),
                            word(&i.kind),
                            data(&i.element),
                            word(i.state.as_str()),
                            data(i.attribute.as_deref().unwrap_or("")),
                        ]
                    })
                    .collect(),
            });
        }
    }
    View {
        heading: "Findings diff",
        old: data(&d.old_collected_at),
        new: data(&d.new_collected_at),
        counts: vec![
            ("New", d.new.len()),
            ("Regressed", d.regressed.len()),
            ("Resolved", d.resolved.len()),
            ("Still failing", d.still_failing.len()),
            ("Now unknown", d.now_unknown.len()),
        ],
        tables,
    }
}

fn view(outcome: &DiffOutcome) -> View {
    match outcome {
        DiffOutcome::Snapshots(d) => snapshot_view(d),
        DiffOutcome::Reports(d) => report_view(d),
    }
}

fn md_cell(c: &Cell) -> String {
    match c {
        Cell::Data(s) => escape(s),
        Cell::Word(s) => s.clone(),
    }
}

/// `diff --format md`.
pub fn markdown(outcome: &DiffOutcome) -> String {
    let v = view(outcome);
    let mut md = String::new();
    let _ = writeln!(md, "## {}\n", v.heading);
    let _ = writeln!(md, "Old: {} · New: {}\n", md_cell(&v.old), md_cell(&v.new));
    let names: Vec<&str> = v.counts.iter().map(|(n, _)| *n).collect();
    let numbers: Vec<String> = v.counts.iter().map(|(_, n)| n.to_string()).collect();
    let _ =
        writeln!(md, "| {} |\n|{}\n| {} |\n", names.join(" | "), " ---: |".repeat(names.len()), numbers.join(" | "));
    for t in v.tables.iter().filter(|t| !t.rows.is_empty()) {
        let _ = writeln!(md, "### {}\n\n| {} |\n|{}", t.title, t.headers.join(" | "), " --- |".repeat(t.headers.len()));
        for row in &t.rows {
            let cells: Vec<String> = row.iter().map(md_cell).collect();
            let _ = writeln!(md, "| {} |", cells.join(" | "));
        }
        md.push('\n');
    }
    md
}

fn html_cell(c: &Cell) -> maud::Markup {
    match c {
        Cell::Data(s) => html! { (s) },
        Cell::Word(s) => html! { (s) },
    }
}

/// `diff --format html`: the same content in the tool's one HTML shell (no script).
pub fn html(outcome: &DiffOutcome) -> String {
    let v = view(outcome);
    let body = html! {
        main.wrap {
            h1 { "flowforge-audit: " (v.heading) }
            p { "Old: " (html_cell(&v.old)) " · New: " (html_cell(&v.new)) }
            section.cards {
                @for (name, n) in &v.counts {
                    div.card.total { span.num { (n) } span.lbl { (name) } }
                }
            }
            @for t in v.tables.iter().filter(|t| !t.rows.is_empty()) {
                section {
                    h2 { (t.title) " " span.n { "(" (t.rows.len()) ")" } }
                    table {
                        thead { tr { @for h in t.headers { th { (h) } } } }
                        tbody { @for row in &t.rows { tr { @for c in row { td { (html_cell(c)) } } } } }
                    }
                }
            }
        }
    };
    super::page::plain(format!("flowforge-audit · {}", v.heading), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::diff::diff_snapshots;

    fn compliant() -> crate::model::Snapshot {
        let text = include_str!("../../examples/snapshots/prod-compliant.json");
        crate::model::Snapshot::from_json(text).unwrap()
    }

    /// Hostile names and ARNs cannot open HTML, links or code spans, break a table row or
    /// carry terminal controls into `diff --format md` or `--format html`.
    #[test]
    fn diff_escapes_hostile_names_in_markdown_and_html() {
        let old = compliant();
        let mut new = old.clone();
        let hostile = [
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "x\u{1b}]0;pwned\u{7}\u{1b}[2J",
            "a|b\r\ngate: PASSED",
            "`code`\u{202e}LIAF",
            "\u{9b}31m\u{0}",
        ];
        for (i, h) in hostile.iter().enumerate() {
            let mut b = new.s3.buckets[0].clone();
            b.meta.arn = format!("arn:aws:s3:::{h}{i}");
            b.meta.name = (*h).to_owned();
            new.s3.buckets.push(b);
        }
        new.rds.db_instances[0].meta.name = "<script>alert(1)</script>".into();
        new.rds.db_instances[0].multi_az = Some(false);
        let outcome = DiffOutcome::Snapshots(diff_snapshots(&old, &new));
        let md = markdown(&outcome);
        for bad in
            ["<img", "<script", "[click](javascript", "\u{1b}", "\u{7}", "\r", "\u{202e}", "\u{9b}", "\u{0}", "`code`"]
        {
            assert!(!md.contains(bad), "{bad:?} in\n{md}");
        }
        for line in md.lines().filter(|l| l.starts_with("| s3.buckets")) {
            assert_eq!(line.replace("\\|", "").matches('|').count(), 4, "{line}");
        }
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
        assert!(md.contains("\\[click\\](javascript:alert(1))"), "{md}");
        let page = html(&outcome);
        for bad in ["<img", "<script", "\u{1b}", "\u{7}", "\r", "\u{202e}", "\u{9b}", "\u{0}"] {
            assert!(!page.contains(bad), "{bad:?} in\n{page}");
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("\\u{202e}LIAF"));
        assert!(page.contains("script-src 'none'"), "the diff page has no script");
    }

    /// The Markdown and the HTML page show the same tables (one layout, two writers).
    #[test]
    fn markdown_and_html_show_the_same_tables() {
        let old = compliant();
        let mut new = old.clone();
        new.rds.db_instances[0].multi_az = Some(false);
        new.s3.buckets.pop();
        let outcome = DiffOutcome::Snapshots(diff_snapshots(&old, &new));
        let md = markdown(&outcome);
        let page = html(&outcome);
        for title in ["Removed", "Changed"] {
            assert!(md.contains(&format!("### {title}\n")), "{md}");
            assert!(page.contains(&format!("<h2>{title} <span class=\"n\">(1)</span></h2>")), "{page}");
        }
        assert!(md.contains("| rds.db_instances |") && page.contains("<td>rds.db_instances</td>"));
    }
}
