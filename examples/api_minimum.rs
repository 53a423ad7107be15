//! Prints the API calls of a scan by operation next to the fewest calls its snapshot needs
//! (the page sizes and per-resource calls each service declares in the registry), the calls
//! per resource, and every operation above its minimum. `scripts/bench-scan.sh` runs it.
//!
//! `cargo run --example api_minimum -- SNAPSHOT.json CALLS.json [SUMMARY.json]` (CALLS:
//! `--api-stats FILE`; SUMMARY: the totals as JSON, `{"resources", "calls", "minimum",
//! "collection_errors"}`, for `scripts/bench-scan.sh`'s result line)

use std::collections::BTreeMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (snapshot, calls, summary) = match args.as_slice() {
        [s, c] => (s, c, None),
        [s, c, out] => (s, c, Some(out)),
        _ => {
            eprintln!("usage: api_minimum SNAPSHOT.json CALLS.json [SUMMARY.json]");
            return ExitCode::from(2);
        }
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let result = (|| -> Result<String, String> {
        let snapshot =
            flowforge_audit::model::Snapshot::from_json_named(&read(snapshot)?, snapshot).map_err(|e| e.to_string())?;
        let calls: BTreeMap<String, u64> = serde_json::from_str(&read(calls)?).map_err(|e| format!("{calls}: {e}"))?;
        if let Some(out) = summary {
            let totals = serde_json::json!({
                "resources": snapshot.resource_metas().len(),
                "calls": calls.values().sum::<u64>(),
                "minimum": flowforge_audit::collect::minimum_calls(&snapshot).values().sum::<u64>(),
                "collection_errors": snapshot.collection_errors.len(),
            });
            std::fs::write(out, totals.to_string()).map_err(|e| format!("{out}: {e}"))?;
        }
        Ok(flowforge_audit::collect::stats_table(&calls, &snapshot))
    })();
    match result {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
