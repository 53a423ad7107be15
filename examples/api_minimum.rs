//! Prints the API calls of a scan by operation next to the fewest calls its snapshot needs
//! (the page sizes and per-resource calls each service declares in the registry), the calls
//! per resource, and every operation above its minimum. `scripts/bench-scan.sh` runs it.
//!
//! `cargo run --example api_minimum -- SNAPSHOT.json CALLS.json` (CALLS: `--api-stats FILE`)

use std::collections::BTreeMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [snapshot, calls] = args.as_slice() else {
        eprintln!("usage: api_minimum SNAPSHOT.json CALLS.json");
        return ExitCode::from(2);
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let result = (|| -> Result<String, String> {
        let snapshot =
            flowforge_audit::model::Snapshot::from_json_named(&read(snapshot)?, snapshot).map_err(|e| e.to_string())?;
        let calls: BTreeMap<String, u64> = serde_json::from_str(&read(calls)?).map_err(|e| format!("{calls}: {e}"))?;
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
