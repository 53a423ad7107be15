//! The command line's conventions (README, "Configuration"), through the real binary:
//! configuration file, `FLOWFORGE_AUDIT_*` variables and their precedence, `--out -`,
//! completions, the man page, `--version`, and one-line errors.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The binary in `cwd` with no `FLOWFORGE_AUDIT_*` variable from the caller's environment.
fn bin_in(cwd: &Path) -> Command {
    let mut c = common::bin();
    c.current_dir(cwd);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("FLOWFORGE_AUDIT_") || k == "NO_COLOR" {
            c.env_remove(k);
        }
    }
    c
}

fn snapshot(name: &str) -> String {
    common::repo("examples/snapshots").join(name).to_str().unwrap().to_owned()
}

fn gate_fail_on(dir: &Path) -> String {
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("flowforge-audit.json")).expect("JSON report")).unwrap();
    report["gate"]["fail_on"].as_str().expect("gate.fail_on").to_owned()
}

/// Precedence: flag > FLOWFORGE_AUDIT_* > flowforge-audit.yaml in the working directory >
/// built-in default, and the file may supply a required option (--env).
#[test]
fn flags_beat_environment_beat_config_file_beat_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    std::fs::write(
        dir.path().join("flowforge-audit.yaml"),
        format!("env: prod\nformat: [json]\nfail_on: low\nout: {}\nquiet: true\ncheck-timeout: 300\n", out.display()),
    )
    .unwrap();
    let eval = |c: &mut Command, extra: &[&str]| -> Output {
        c.args(["evaluate", "--snapshot", &snapshot("prod-compliant.json")]).args(extra).output().unwrap()
    };

    let o = eval(&mut bin_in(dir.path()), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    assert_eq!(gate_fail_on(&out), "low", "the configuration file's value");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        out.join("flowforge-audit.json").display().to_string(),
        "quiet: true"
    );

    let o = eval(bin_in(dir.path()).env("FLOWFORGE_AUDIT_FAIL_ON", "critical"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    assert_eq!(gate_fail_on(&out), "critical", "the environment beats the file");

    let o = eval(bin_in(dir.path()).env("FLOWFORGE_AUDIT_FAIL_ON", "critical"), &["--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    assert_eq!(gate_fail_on(&out), "high", "the flag beats the environment");

    // Without the file: the built-in default (prod's fail-on from the baseline) and --env required.
    let empty = tempfile::tempdir().unwrap();
    let o = eval(&mut bin_in(empty.path()), &[]);
    assert_eq!(o.status.code(), Some(2), "--env is required without a configuration");
    let o = eval(
        &mut bin_in(empty.path()),
        &["--env", "prod", "--format", "json", "--check-timeout", "300", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    assert_eq!(gate_fail_on(&out), "medium", "prod's default from the baseline");
}

/// `--config FILE` names the file; a key that is no option is exit 2 with its position.
#[test]
fn config_option_and_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("audit.yaml");
    std::fs::write(&cfg, "env: prod\nfail-onn: high\n").unwrap();
    let o = bin_in(dir.path())
        .args(["evaluate", "--snapshot", &snapshot("prod-compliant.json"), "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let t = common::text(&o);
    assert!(t.contains("audit.yaml:2:1") && t.contains("\"fail-onn\""), "{t}");
    let missing = bin_in(dir.path()).args(["--config", "nope.yaml", "policy", "list"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2), "{}", common::text(&missing));
    assert!(common::text(&missing).contains("nope.yaml"));
}

/// `--out -` with one format writes exactly that report on stdout and creates no directory
/// named `-`; with two formats it is a usage error.
#[test]
fn out_dash_writes_the_one_report_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin_in(dir.path())
        .args([
            "evaluate",
            "--snapshot",
            &snapshot("prod-drifted.json"),
            "--env",
            "prod",
            "--format",
            "sarif",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "the drifted example fails the gate: {}", common::text(&o));
    let sarif: Value = serde_json::from_slice(&o.stdout).expect("stdout is exactly the SARIF report");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!dir.path().join("-").exists(), "a directory named - was created");
    let two = bin_in(dir.path())
        .args([
            "evaluate",
            "--snapshot",
            &snapshot("prod-drifted.json"),
            "--env",
            "prod",
            "--format",
            "sarif,json",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(two.status.code(), Some(2));
    assert!(common::text(&two).contains("exactly one"), "{}", common::text(&two));
}

/// Completion scripts for the four shells and the man page name the subcommands and options.
#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = bin_in(dir.path()).args(["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", common::text(&o));
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(t.contains("evaluate") && t.contains("fail-on") && t.contains("verify-evidence"), "{shell}:\n{t}");
    }
    let o = bin_in(dir.path()).arg("man").output().unwrap();
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && t.starts_with(".ie") && t.contains(".TH flowforge-audit 1"), "{t}");
    assert!(t.contains("FLOWFORGE_AUDIT_CONFIG") && t.contains("evaluate"), "{t}");
    let bad = bin_in(dir.path()).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// `--version` prints the tool version, the built-in catalog's hash (the one reports carry)
/// and the commit; `-V` stays one line.
#[test]
fn version_names_catalog_hash_and_commit() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin_in(dir.path()).arg("--version").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8_lossy(&o.stdout);
    let hash = flowforge_audit::policy::Catalog::builtin().unwrap().sha256();
    assert!(t.starts_with(&format!("flowforge-audit {}\n", env!("CARGO_PKG_VERSION"))), "{t}");
    assert!(t.contains(&format!("policy catalog sha256: {hash}")) && t.contains("commit: "), "{t}");
    let short = bin_in(dir.path()).arg("-V").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&short.stdout).lines().count(), 1);
}

/// No credentials: one `error:` line with the hint, no SDK Debug structure; `-v` logs the
/// credential chain's details.
#[cfg(feature = "aws")]
#[test]
fn no_credentials_is_one_line_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let run = |verbose: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"));
        c.current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .args(["collect", "--out", "s.json", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"]);
        if verbose {
            c.arg("-v");
        }
        c.output().unwrap()
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains("AWS_PROFILE") && lines[0].contains("-v"), "{err}");
    assert!(!err.contains("ProviderError") && !err.contains("CredentialsNotLoaded"), "{err}");
    let v = run(true);
    let err = String::from_utf8_lossy(&v.stderr);
    assert!(err.contains("credential chain:"), "{err}");
    assert!(!err.contains('\u{1b}'), "NO_COLOR: no escape sequences in -v logs:\n{err}");
}
