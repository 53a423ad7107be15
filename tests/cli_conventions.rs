//! The command line's conventions (docs/guide.md, "Configuration"), through the real binary:
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

/// A bad value in a `FLOWFORGE_AUDIT_*` variable is exit 2 with clap's message and a note
/// naming the variable (clap names only the flag); the same bad value as a flag gets no note.
#[test]
fn a_bad_environment_value_names_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["evaluate", "--snapshot", &snapshot("prod-compliant.json"), "--env", "prod"];
    let o = bin_in(dir.path()).args(args).env("FLOWFORGE_AUDIT_FAIL_ON", "urgent").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--fail-on") && err.contains("urgent"), "{err}");
    assert!(err.contains("note: the value comes from the environment variable FLOWFORGE_AUDIT_FAIL_ON"), "{err}");
    let o = bin_in(dir.path()).args(args).args(["--fail-on", "urgent"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("environment variable"), "{}", common::text(&o));
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

/// Issue 15: `--help-uri-base` sets every SARIF rule's helpUri, from the flag, from
/// FLOWFORGE_AUDIT_HELP_URI_BASE or from the configuration file; the default is the package's
/// repository at the version tag; an evidence bundle records the base and `verify-evidence`
/// reproduces the SARIF; a base that is not an http(s) URL is exit 2.
#[test]
fn help_uri_base_from_flag_environment_or_config() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = |c: &mut Command, extra: &[&str]| -> Value {
        let o = c
            .args(["evaluate", "--snapshot", &snapshot("prod-drifted.json"), "--env", "prod", "--format", "sarif"])
            .args(["--out", "-"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let uri = |v: &Value, id: &str| {
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        rules.iter().find(|r| r["id"] == id).unwrap()["helpUri"].as_str().unwrap().to_owned()
    };
    let default = sarif(&mut bin_in(dir.path()), &[]);
    assert_eq!(
        uri(&default, "FF-S3-001"),
        format!("{}/blob/v{}/policies/aws/s3/tls_only.rego", env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_VERSION"))
    );
    let flag = sarif(&mut bin_in(dir.path()), &["--help-uri-base", "https://flag.example/ff/"]);
    assert_eq!(uri(&flag, "FF-S3-001"), "https://flag.example/ff/policies/aws/s3/tls_only.rego");
    let env = sarif(bin_in(dir.path()).env("FLOWFORGE_AUDIT_HELP_URI_BASE", "https://env.example/ff"), &[]);
    assert_eq!(uri(&env, "FF-S3-001"), "https://env.example/ff/policies/aws/s3/tls_only.rego");
    std::fs::write(dir.path().join("flowforge-audit.yaml"), "help-uri-base: https://file.example/ff\n").unwrap();
    let file = sarif(&mut bin_in(dir.path()), &[]);
    assert_eq!(uri(&file, "FF-S3-001"), "https://file.example/ff/policies/aws/s3/tls_only.rego");
    let drift = file["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().starts_with("DRIFT-"))
        .unwrap()["helpUri"]
        .clone();
    assert_eq!(drift, "https://file.example/ff/docs/report.md#drift");

    // The evidence bundle reproduces the SARIF with the recorded base.
    let evidence = dir.path().join("evidence");
    let o = bin_in(dir.path())
        .args(["evaluate", "--snapshot", &snapshot("prod-drifted.json"), "--env", "prod", "--format", "sarif,json"])
        .args(["--quiet", "--out", "out", "--evidence"])
        .arg(&evidence)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
    let manifest = std::fs::read_to_string(evidence.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"help_uri_base\": \"https://file.example/ff\""), "{manifest}");
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/flowforge-audit.json")).unwrap()).unwrap();
    assert_eq!(json["provenance"]["help_uri_base"], "https://file.example/ff");
    std::fs::remove_file(dir.path().join("flowforge-audit.yaml")).unwrap();
    let v = bin_in(dir.path()).arg("verify-evidence").arg(&evidence).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", common::text(&v));

    let bad = bin_in(dir.path())
        .args(["evaluate", "--snapshot", &snapshot("prod-drifted.json"), "--env", "prod", "--help-uri-base", "docs/"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::text(&bad).contains("not an http(s) URL"), "{}", common::text(&bad));
}

/// Issue 15: a bad configuration file is exit 2 before anything runs, one `error:` line per
/// problem with its position and code (C001 unreadable, Y001 malformed YAML, C002 unknown key,
/// C003 wrong type, C004 a value the option refuses); `-v` adds what the parser or OS said.
#[test]
fn config_file_errors_are_one_coded_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str, verbose: bool| -> (Option<i32>, String) {
        let mut c = bin_in(dir.path());
        c.args(["--config", file, "evaluate", "--snapshot", &snapshot("prod-compliant.json"), "--env", "prod"]);
        c.args(["--out", "r"]);
        if verbose {
            c.arg("-v");
        }
        let o = c.output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    for (name, text, line) in [
        ("broken.yaml", "format: [json\n", "broken.yaml:2:1: error[Y001]: YAML syntax error"),
        ("typo.yaml", "fail-onn: high\n", "typo.yaml:1:1: error[C002]: unknown option \"fail-onn\""),
        ("type.yaml", "format: {json: 1}\n", "type.yaml:1:9: error[C003]: option \"format\": expected a string"),
        (
            "value.yaml",
            "fail-on: urgent\n",
            "value.yaml:1:10: error[C004]: option \"fail-on\": invalid value \"urgent\"",
        ),
        ("flag.yaml", "quiet: maybe\n", "flag.yaml:1:8: error[C004]: option \"quiet\": expected true or false"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (code, err) = run(name, false);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        assert!(err.starts_with(&format!("error: {line}")), "{name}: {err}");
    }
    for (name, line) in [
        ("missing.yaml", "error: missing.yaml: error[C001]: cannot read the configuration file: no such file"),
        ("adir", "error: adir: error[C001]: cannot read the configuration file: it is a directory"),
    ] {
        let (code, err) = run(name, false);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(err.lines().count() == 1 && err.starts_with(line), "{name}: {err}");
    }
    let (_, err) = run("missing.yaml", true);
    assert!(err.contains("detail: missing.yaml: No such file or directory"), "{err}");
    let (_, err) = run("value.yaml", true);
    assert!(err.contains("detail: value.yaml:1:10: invalid value 'urgent' for '--fail-on <SEVERITY>'"), "{err}");
}
