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
