//! Rebuilds the crate when a file under policies/ or baselines/ changes: both are compiled into
//! the binary (`include_dir!` / `include_str!`), and cargo does not see a newly added file.
//! Records the commit the binary is built from for `--version`: `FLOWFORGE_AUDIT_COMMIT` when
//! set (a release build from a source archive), else `git rev-parse HEAD`, else "unknown".
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-changed=policies");
    println!("cargo:rerun-if-changed=baselines");
    println!("cargo:rerun-if-changed=frameworks");
    println!("cargo:rerun-if-env-changed=FLOWFORGE_AUDIT_COMMIT");
    let commit = std::env::var("FLOWFORGE_AUDIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    // A new commit changes HEAD (detached) or the branch it points at.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--symbolic-full-name", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r])),
    ]
    .into_iter()
    .flatten()
    {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rustc-env=FLOWFORGE_AUDIT_BUILD_COMMIT={commit}");
}
