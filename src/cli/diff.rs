//! `flowforge-audit diff OLD NEW`: what changed between two scans.
//!
//! Both inputs are account data: the Markdown and the HTML are rendered by `report::diff`
//! (the report's escapers, the one HTML shell) and the JSON goes through `report::text::json`,
//! so none carries a raw terminal control to the screen.

use anyhow::bail;

use super::args::DiffArgs;
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::report::text;

pub fn diff(args: DiffArgs) -> anyhow::Result<u8> {
    let outcome = crate::drift::diff_files(&args.old, &args.new).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut text = match args.format.as_str() {
        "md" | "markdown" => crate::report::diff::markdown(&outcome),
        "html" => crate::report::diff::html(&outcome),
        "json" => text::json(&serde_json::to_string_pretty(&outcome.to_json())?).into_owned(),
        other => bail!("--format {:?}: expected md, html or json", text::terminal(other)),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match &args.out {
        Some(path) => {
            crate::report::write_atomically(path, text.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
            outln!("diff: {}", text::terminal(&path.display().to_string()));
        }
        None => out!("{text}"),
    }
    Ok(if args.exit_on_change && outcome.has_new_or_regressed() { EXIT_GATE_FAILED } else { EXIT_OK })
}
