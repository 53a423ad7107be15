//! The documentation cannot drift from the tool: what it lists or counts is generated from
//! the one source of the fact, or checked against it.
//!
//! - Generated (a test fails when the committed text differs; `FLOWFORGE_REGENERATE=1 cargo test
//!   --test docs` rewrites it): the check catalog `docs/checks.md` (the checks' METADATA, also
//!   `flowforge-audit policy list --format md`), the collection table of `docs/snapshot.md` (the
//!   service registry), the exit codes of `docs/guide.md` (`EXIT_STATUS`, which the man pages
//!   render too) and the guide's table of contents (its headings). A generated part sits between
//!   `<!-- generated:NAME ... -->` and `<!-- end generated:NAME -->`.
//! - Checked: every count of checks, services or collections written in the README or `docs/`
//!   ("82 checks") equals the catalog's or the registry's (a measurement taken with an earlier
//!   catalog says so with "then": "then 30 checks"; the benchmark table, generated from the
//!   results file, is left out: each row is a measurement of its own commit), and every check id
//!   and every `service.collection` named there exists.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flowforge_audit::policy::Catalog;

fn regenerate() -> bool {
    std::env::var_os("FLOWFORGE_REGENERATE").is_some()
}

const HOW: &str = "regenerate with `FLOWFORGE_REGENERATE=1 cargo test --test docs`";

/// Compares (or, when regenerating, rewrites) the generated part `name` of `file`.
fn check_region(file: &str, name: &str, generated: &str) {
    let path = common::repo(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let start = text
        .find(&format!("<!-- generated:{name}"))
        .unwrap_or_else(|| panic!("{file}: no `<!-- generated:{name} ... -->` marker"));
    let body = start + text[start..].find("-->").expect("marker closed") + 3;
    let body = body + usize::from(text[body..].starts_with('\n'));
    let end = text.find(&format!("<!-- end generated:{name} -->")).unwrap_or_else(|| panic!("{file}: no end marker"));
    let current = &text[body..end];
    if current == generated {
        return;
    }
    if regenerate() {
        std::fs::write(&path, format!("{}{generated}{}", &text[..body], &text[end..])).unwrap();
        return;
    }
    panic!("{file}: the generated part `{name}` is stale; {HOW}\n--- committed\n{current}\n--- generated\n{generated}");
}

/// Issue 25: the check catalog is generated from METADATA and cannot go stale.
#[test]
fn check_catalog_is_generated_from_metadata() {
    let generated = flowforge_audit::report::catalog::render_markdown(&Catalog::builtin().unwrap());
    let path = common::repo(flowforge_audit::report::catalog::CATALOG_DOC);
    if regenerate() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is stale: {HOW}, or `cargo run --no-default-features -- policy list --format md > docs/checks.md`"
    );
    // The binary prints the same.
    let o = common::run(&["policy", "list", "--format", "md"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), generated);
}

/// The snapshot documentation's table of collections is the registry's.
#[test]
fn collection_table_is_generated_from_the_registry() {
    let mut out =
        String::from("| collection | IAM prefix | listed by | read per resource by |\n| --- | --- | --- | --- |\n");
    let ops = |o: &[&str]| if o.is_empty() { "-".to_owned() } else { o.join(", ") };
    for c in flowforge_audit::model::COLLECTIONS {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            c.name,
            c.service,
            ops(c.list_operations),
            ops(c.detail_operations)
        ));
    }
    check_region("docs/snapshot.md", "collections", &out);
}

/// The guide's exit codes per command are the man pages' (one table in the code).
#[test]
fn guide_exit_codes_are_generated() {
    let mut out = String::from("| command | 0 | 1 | 2 |\n| --- | --- | --- | --- |\n");
    for (path, codes) in flowforge_audit::cli::man::EXIT_STATUS {
        let cell =
            |n: u8| codes.iter().find(|(c, _)| *c == n).map(|(_, m)| m.replace('|', "\\|")).unwrap_or("-".into());
        let name = if path.is_empty() { "every command".to_owned() } else { format!("`{path}`") };
        out.push_str(&format!("| {name} | {} | {} | {} |\n", cell(0), cell(1), cell(2)));
    }
    check_region("docs/guide.md", "exit-codes", &out);
}

/// GitHub's anchor of a heading.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The guide has a table of contents, made from its headings.
#[test]
fn guide_table_of_contents_is_generated() {
    let text = std::fs::read_to_string(common::repo("docs/guide.md")).unwrap();
    let mut toc = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if fenced {
            continue;
        }
        if let Some(t) = line.strip_prefix("## ") {
            toc.push_str(&format!("- [{t}](#{})\n", anchor(t)));
        } else if let Some(t) = line.strip_prefix("### ") {
            toc.push_str(&format!("  - [{t}](#{})\n", anchor(t)));
        }
    }
    assert!(toc.lines().count() > 15, "{toc}");
    check_region("docs/guide.md", "toc", &toc);
}

/// The README and every Markdown file under docs/.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![common::repo("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(common::repo("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

fn shown(p: &Path) -> String {
    p.strip_prefix(common::repo("")).unwrap_or(p).display().to_string()
}

/// Each `N word` of `text` (N possibly with thousands separators), unless the word before N is
/// "then" (a figure measured with an earlier catalog) or "per" (a page size): the count, the
/// line number and the line.
fn counts<'a>(text: &'a str, word: &str) -> Vec<(usize, usize, &'a str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split(|c: char| c.is_whitespace() || "(*[".contains(c)).collect();
        for w in 1..words.len() {
            let next = words[w].trim_end_matches(|c: char| !c.is_alphanumeric());
            if next != word {
                continue;
            }
            let number = words[w - 1].replace(',', "");
            let Ok(n) = number.parse::<usize>() else { continue };
            // "then 30 checks": measured with an earlier catalog; "per 10 services": a page size.
            if w >= 2 && ["then", "per"].iter().any(|x| words[w - 2].eq_ignore_ascii_case(x)) {
                continue;
            }
            out.push((n, i + 1, line));
        }
    }
    out
}

/// `text` without the generated benchmark table (`<!-- bench-table -->` to `<!-- /bench-table -->`).
fn without_bench_table(text: &str) -> String {
    match (text.find("<!-- bench-table -->"), text.find("<!-- /bench-table -->")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &text[..a], &text[b..]),
        _ => text.to_owned(),
    }
}

/// Issue 21 point 5 and issue 25 friction 10: the README said "30 checks" where the binary has
/// 82. Every count of checks, services (the registry's AWS services) and collections in the
/// documentation is the real one.
#[test]
fn counts_in_the_docs_are_the_real_ones() {
    let catalog = Catalog::builtin().unwrap();
    let facts = [
        ("checks", catalog.checks().len()),
        ("services", flowforge_audit::aws::SERVICES.len()),
        ("collections", flowforge_audit::model::COLLECTIONS.len()),
    ];
    let mut wrong = Vec::new();
    let mut found = 0;
    for doc in documents() {
        let text = without_bench_table(&std::fs::read_to_string(&doc).unwrap());
        for (word, real) in facts {
            for (n, line, l) in counts(&text, word) {
                found += 1;
                if n != real {
                    wrong.push(format!("{}:{line}: {n} {word} (there are {real}): {}", shown(&doc), l.trim()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "counts that are not the tool's:\n{}", wrong.join("\n"));
    assert!(found >= 3, "only {found} counts found: the extraction is broken");
    // The extraction itself: a stale count is seen, a labelled measurement is not.
    assert_eq!(counts("with the whole catalog (30 checks, 216,621 results)", "checks")[0].0, 30);
    assert!(counts("measured with then 30 checks", "checks").is_empty());
    assert!(counts("DescribeServices per 10 services", "services").is_empty());
    assert_eq!(counts("**1,007 collections**", "collections")[0].0, 1007);
}

/// Every check id and every `service.collection` the documentation names exists: a renamed or
/// removed check or collection cannot linger in the docs.
#[test]
fn check_ids_and_collections_named_in_the_docs_exist() {
    let catalog = Catalog::builtin().unwrap();
    let ids: BTreeSet<&str> = catalog.checks().iter().map(|c| c.meta.id.as_str()).collect();
    let collections: BTreeSet<&str> = flowforge_audit::model::COLLECTIONS.iter().map(|c| c.name).collect();
    let parts: BTreeSet<&str> = flowforge_audit::aws::SERVICES.iter().map(|s| s.part).collect();
    // Dotted names that are not collections: an RDS for PostgreSQL parameter.
    let not_collections = ["rds.force_ssl"];
    let mut wrong = Vec::new();
    let mut seen = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for (i, line) in text.lines().enumerate() {
            for token in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')) {
                let token = token.trim_end_matches('.');
                if token.starts_with("FF-") && token.len() > 6 && token[3..].contains('-') {
                    seen += 1;
                    let id = token.trim_end_matches('-');
                    // "FF-IAM-001 / 005 / 006" and ranges are written from a full id.
                    if !ids.contains(id) {
                        wrong.push(format!("{}:{}: no check {id}", shown(&doc), i + 1));
                    }
                }
                if let Some((part, field)) = token.split_once('.') {
                    let field_ok = !field.is_empty() && field.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                    let named = line.contains(&format!("`{token}`")) && !not_collections.contains(&token);
                    if parts.contains(part) && field_ok && !collections.contains(token) && named {
                        wrong.push(format!("{}:{}: no collection {token}", shown(&doc), i + 1));
                    }
                }
            }
        }
    }
    assert!(seen > 82, "only {seen} check ids found: the extraction is broken");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
