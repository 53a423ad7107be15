//! What every test of the binary needs: the binary, paths in the repository, a run and its
//! whole output. Each test file uses the part it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test (the one cargo built for this test run).
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
}

/// A path in the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Runs the binary with `args` and waits for it.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

/// Standard output and standard error, one after the other.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// `evaluate --snapshot SNAPSHOT --env prod --out OUT` and `extra`.
pub fn evaluate(snapshot: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args =
        vec!["evaluate", "--snapshot", snapshot.to_str().unwrap(), "--env", "prod", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// The sample report of `src/report/fixture.rs` (every status, severity and drift state, a
/// waiver, hostile strings), as the unit tests build it; kept equal by a unit test there.
pub fn sample_report() -> flowforge_audit::model::AuditReport {
    report_file("sample.json")
}

/// A report with nothing in it (no check, no result), from the same fixture.
pub fn empty_report() -> flowforge_audit::model::AuditReport {
    report_file("empty.json")
}

fn report_file(name: &str) -> flowforge_audit::model::AuditReport {
    let path = repo("tests/data/reports").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The hostile resource names the sample report holds (`img`: an `<img onerror>`, `script`: a
/// `<script>` element), from the same fixture.
pub fn hostile(which: &str) -> String {
    let path = repo("tests/data/reports/hostile.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[which].as_str().unwrap_or_else(|| panic!("{}: no {which}", path.display())).to_owned()
}
