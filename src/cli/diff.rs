//! `flowforge-audit diff OLD NEW`: what changed between two scans.

use anyhow::bail;

use super::args::DiffArgs;
use super::{EXIT_GATE_FAILED, EXIT_OK};

pub fn diff(args: DiffArgs) -> anyhow::Result<u8> {
    let outcome = crate::drift::diff_files(&args.old, &args.new).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut text = match args.format.as_str() {
        "md" | "markdown" => outcome.to_markdown(),
        "json" => serde_json::to_string_pretty(&outcome.to_json())?,
        other => bail!("--format {other:?}: expected md or json"),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match &args.out {
        Some(path) => {
            crate::report::write_atomically(path, text.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("diff: {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(if args.exit_on_change && outcome.has_new_or_regressed() { EXIT_GATE_FAILED } else { EXIT_OK })
}
