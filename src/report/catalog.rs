//! The check catalog as a user reads it, from the checks' METADATA and nothing else:
//! `policy list --format json` (every field, for scripts) and `--format md`, the check catalog
//! of the documentation (`docs/checks.md`, which a test keeps equal to this rendering).
//!
//! A check's service is the folder its file lives in ([`crate::policy::selection::service_of`]),
//! the same word `--services` selects by.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::CheckMeta;
use crate::policy::selection::service_of;
use crate::policy::Catalog;

/// The file the Markdown catalog is committed as.
pub const CATALOG_DOC: &str = "docs/checks.md";

/// `policy list --format json`.
#[derive(Serialize)]
struct Listing {
    tool_version: &'static str,
    /// The catalog's hash, as every report carries it.
    catalog_sha256: String,
    checks: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// A check's METADATA as the report's `checks[]` hold it, with its service after its id.
fn listed(meta: &CheckMeta) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(meta) {
        for (key, value) in fields {
            let is_id = key == "id";
            out.insert(key, value);
            if is_id {
                out.insert("service".to_owned(), service_of(meta).into());
            }
        }
    }
    out
}

/// Every check of `catalog`, sorted by id, with its service, as one JSON document.
pub fn render_json(catalog: &Catalog) -> String {
    let listing = Listing {
        tool_version: env!("CARGO_PKG_VERSION"),
        catalog_sha256: catalog.sha256(),
        checks: catalog.checks().iter().map(|c| listed(&c.meta)).collect(),
    };
    // A listing of strings and maps always serialises.
    let mut text = serde_json::to_string_pretty(&listing).unwrap_or_default();
    text.push('\n');
    text
}

/// A table cell: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    super::markdown::escape(&s.replace('\n', " "))
}

/// The framework controls a check maps to, one framework after the other.
fn frameworks(meta: &CheckMeta) -> String {
    meta.frameworks
        .iter()
        .filter(|(_, controls)| !controls.is_empty())
        .map(|(framework, controls)| format!("{framework} {}", controls.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The check catalog as Markdown: the counts, a table of services, and per service a table of
/// its checks (id, title, severity, collection, framework controls).
pub fn render_markdown(catalog: &Catalog) -> String {
    let mut by_service: BTreeMap<&str, Vec<&CheckMeta>> = BTreeMap::new();
    for c in catalog.checks() {
        by_service.entry(service_of(&c.meta)).or_default().push(&c.meta);
    }
    let mut out = String::new();
    out.push_str("# Check catalog\n\n");
    out.push_str(
        "<!-- Generated from the checks' METADATA: `flowforge-audit policy list --format md > docs/checks.md`.\n     tests/docs.rs fails when this file is stale. Do not edit by hand. -->\n\n",
    );
    let _ = writeln!(
        out,
        "**{} checks**, grouped by the service they judge (the folder of their file, \
         `policies/aws/<service>/<check>.rego`, beside its METADATA and its tests; how to write one: \
         [policies.md](policies.md)). `flowforge-audit policy list` prints this list for the binary you \
         run (`--format json` for every field, remediation included); `--services`, `--checks`, \
         `--excluded-checks` and `--severity` select from it ([check-selection.md](check-selection.md)).\n",
        catalog.checks().len()
    );
    out.push_str("| Service | Checks | Collections |\n| --- | ---: | --- |\n");
    for (service, checks) in &by_service {
        let mut collections: Vec<&str> = checks.iter().map(|m| m.collection.as_str()).collect();
        collections.sort_unstable();
        collections.dedup();
        let _ = writeln!(
            out,
            "| [{service}](#{service}) | {} | {} |",
            checks.len(),
            collections.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        );
    }
    for (service, checks) in &by_service {
        let _ = writeln!(out, "\n## {service}\n");
        out.push_str("| ID | Title | Severity | Collection | Frameworks |\n| --- | --- | --- | --- | --- |\n");
        for m in checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} |",
                cell(&m.id),
                cell(&m.title),
                m.severity.as_str(),
                m.collection,
                cell(&frameworks(m))
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check of the built-in catalog is listed once in each form, with its service.
    #[test]
    fn json_and_markdown_list_every_check() {
        let catalog = Catalog::builtin().unwrap();
        let json: serde_json::Value = serde_json::from_str(&render_json(&catalog)).unwrap();
        let checks = json["checks"].as_array().unwrap();
        assert_eq!(checks.len(), catalog.checks().len());
        let s3 = checks.iter().find(|c| c["id"] == "FF-S3-001").unwrap();
        assert_eq!(s3["service"], "s3");
        let keys: Vec<&String> = s3.as_object().unwrap().keys().collect();
        assert_eq!(keys[..2], ["id", "service"], "each key once, the service after the id");
        for key in ["title", "severity", "collection", "frameworks", "remediation", "guide_section"] {
            assert!(s3.get(key).is_some(), "{key} missing: {s3}");
        }
        assert_eq!(json["catalog_sha256"], catalog.sha256());
        let md = render_markdown(&catalog);
        for c in catalog.checks() {
            assert_eq!(md.matches(&format!("| {} |", c.meta.id)).count(), 1, "{}", c.meta.id);
        }
        assert!(md.contains(&format!("**{} checks**", catalog.checks().len())));
    }
}
