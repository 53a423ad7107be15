//! The binary against hostile inputs and hostile surroundings: devices, FIFOs and oversized
//! files as inputs, a closed stdout, planted symlinks, terminal controls in account data, and
//! `diff` comparisons that must not hide lost coverage. Each test names the defect it pins
//! (issue 10, items 5, 6, 8, 9, 12, 13).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{bin, repo, text};

/// Runs the binary and fails the test (instead of hanging it) when it takes over 60 s.
fn run_bounded(cmd: &mut Command) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the binary runs");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the binary did not finish within 60 s: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    let _ = err.read_to_end(&mut stderr);
    Output { status, stdout: reader.join().unwrap(), stderr }
}

fn run(args: &[&str]) -> Output {
    run_bounded(bin().args(args))
}

fn evaluate_args<'a>(snapshot: &'a str, out: &'a str) -> Vec<&'a str> {
    vec!["evaluate", "--snapshot", snapshot, "--env", "prod", "--out", out, "--format", "json"]
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success());
}

/// No raw terminal control from account data in what the user sees.
fn assert_terminal_safe(o: &Output) {
    let all = text(o);
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!all.contains(bad), "raw {bad:?} on the terminal:\n{all}");
    }
}

/// Item 5: `evaluate … | true` used to panic with "failed printing to stdout" (exit 101). A
/// closed stdout now stops output quietly and the command keeps its own exit code (the
/// drifted example's gate fails: 1), with the reports still written.
#[test]
fn closed_stdout_is_a_quiet_exit_with_the_gate_code() {
    let out = tempfile::tempdir().unwrap();
    let snap = repo("examples/snapshots/prod-drifted.json");
    let mut child = bin()
        .args(evaluate_args(snap.to_str().unwrap(), out.path().to_str().unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(out.path().join("flowforge-audit.json").is_file());
}

/// Item 6: `--snapshot /dev/zero` grew without bound and a FIFO blocked forever. Devices and
/// FIFOs given as snapshot, waiver file, baseline, Terraform state or `diff` input are refused
/// at once with exit 2 and a message naming the file.
#[test]
fn devices_and_fifos_are_refused_as_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("input.json");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let snap = repo("examples/snapshots/prod-compliant.json");
    let snap = snap.to_str().unwrap();
    for (args, named) in [
        (evaluate_args("/dev/zero", out), "/dev/zero"),
        (evaluate_args(fifo, out), fifo),
        ([evaluate_args(snap, out), vec!["--waivers", fifo]].concat(), fifo),
        ([evaluate_args(snap, out), vec!["--baseline", "/dev/zero"]].concat(), "/dev/zero"),
        ([evaluate_args(snap, out), vec!["--expected-from", fifo]].concat(), fifo),
        (vec!["diff", fifo, snap], fifo),
        (vec!["diff", snap, "/dev/zero"], "/dev/zero"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let msg = text(&o);
        assert!(msg.contains(named) && msg.contains("not a regular file"), "{args:?}: {msg}");
    }
}

/// Item 6: what is read is bounded; an input over the limit is refused with exit 2, naming
/// the file and the variable that raises the limit.
#[test]
fn oversized_input_is_refused_with_the_limit_named() {
    let out = tempfile::tempdir().unwrap();
    let snap = repo("examples/snapshots/prod-compliant.json");
    let o = run_bounded(
        bin()
            .args(evaluate_args(snap.to_str().unwrap(), out.path().to_str().unwrap()))
            .env("FLOWFORGE_AUDIT_MAX_INPUT_BYTES", "1K"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = text(&o);
    assert!(msg.contains("prod-compliant.json") && msg.contains("FLOWFORGE_AUDIT_MAX_INPUT_BYTES"), "{msg}");
    let o = run_bounded(
        bin()
            .args(evaluate_args(snap.to_str().unwrap(), out.path().to_str().unwrap()))
            .env("FLOWFORGE_AUDIT_MAX_INPUT_BYTES", "lots"),
    );
    assert_eq!(o.status.code(), Some(2), "an unreadable limit is an error, not the default: {}", text(&o));
}

/// Item 8: a symlink planted at a report's name in `--out` never redirects the write (the
/// guessable temporary name is pinned in-process by `report::tests`, where the pid is known).
#[cfg(unix)]
#[test]
fn planted_symlinks_in_out_do_not_redirect_reports() {
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, out.path().join("flowforge-audit.json")).unwrap();
    let snap = repo("examples/snapshots/prod-compliant.json");
    let o = run(&evaluate_args(snap.to_str().unwrap(), out.path().to_str().unwrap()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let report = out.path().join("flowforge-audit.json");
    assert!(std::fs::symlink_metadata(&report).unwrap().file_type().is_file());
}

/// A copy of the compliant example with terminal controls, an OSC title sequence, CR/LF and a
/// bidi override in an account id, bucket names and ARNs.
fn hostile_snapshot(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo("examples/snapshots/prod-compliant.json")).unwrap();
    let mut snap: serde_json::Value = serde_json::from_str(&text).unwrap();
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rgate: PASSED\n\u{9b}31m\u{202e}LIAF";
    let bucket = snap["s3"]["buckets"][0].clone();
    for i in 0..2 {
        let mut b = bucket.clone();
        b["arn"] = format!("arn:aws:s3:::evil-{i}{evil}").into();
        b["name"] = format!("evil-{i}{evil}").into();
        b["id"] = b["name"].clone();
        snap["s3"]["buckets"].as_array_mut().unwrap().push(b);
    }
    snap["account_id"] = format!("123456789012{evil}").into();
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_string(&snap).unwrap()).unwrap();
    path
}

/// Item 9: ANSI escapes, OSC title sequences, CR/LF and bidi overrides from the account were
/// printed raw by `evaluate` and `diff`; they now reach the terminal only as visible escapes,
/// and `diff --format json` stays the same JSON value.
#[test]
fn hostile_account_strings_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = hostile_snapshot(dir.path());
    let hostile = hostile.to_str().unwrap();
    let out = dir.path().join("out");
    let o = run(&evaluate_args(hostile, out.to_str().unwrap()));
    assert!(o.status.code().is_some_and(|c| c <= 2), "no crash: {}", text(&o));
    assert_terminal_safe(&o);
    let clean = repo("examples/snapshots/prod-compliant.json");
    let clean = clean.to_str().unwrap();
    for format in ["md", "html", "json"] {
        let o = run(&["diff", clean, hostile, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_terminal_safe(&o);
        assert!(String::from_utf8_lossy(&o.stdout).contains("evil-1"), "{}", text(&o));
    }
    let o = run(&["diff", clean, hostile, "--format", "json"]);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let added: Vec<&str> = d["added"].as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(added.iter().any(|n| n.ends_with("\u{202e}LIAF")), "the JSON keeps the real value: {added:?}");
}

/// Item 13: between the shipped examples, the flow log was listed as "Removed" although
/// `ec2:DescribeFlowLogs` was denied in the newer snapshot. It is "not seen" now, and the
/// collection error is in the diff.
#[test]
fn diff_of_examples_calls_the_unlisted_flow_log_not_seen() {
    let old = repo("examples/snapshots/prod-compliant.json");
    let new = repo("examples/snapshots/prod-drifted.json");
    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let colls = |k: &str| -> Vec<String> {
        d[k].as_array().unwrap().iter().map(|r| r["collection"].as_str().unwrap().to_owned()).collect()
    };
    assert!(!colls("removed").contains(&"ec2.flow_logs".to_owned()), "{d}");
    assert_eq!(colls("not_seen_in_new"), vec!["ec2.flow_logs"], "{d}");
    assert_eq!(d["new_collection_errors"][0]["operation"], "DescribeFlowLogs", "{d}");
    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains("### Not seen in the new snapshot") && md.contains("| new | ec2 | DescribeFlowLogs |"), "{md}");
}

/// Item 12: a check that went from PASS to UNKNOWN read "Now unknown 0" and did not fire
/// `--exit-on-change`. Every transition into UNKNOWN or ERROR is counted and fires it.
#[test]
fn diff_of_reports_counts_pass_to_unknown_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let snap = repo("examples/snapshots/prod-compliant.json");
    let o = run(&evaluate_args(snap.to_str().unwrap(), dir.path().to_str().unwrap()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let old = dir.path().join("flowforge-audit.json");
    let mut report: serde_json::Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    let first_pass = report["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["status"] == "PASS")
        .expect("the compliant example has a PASS");
    first_pass["status"] = "UNKNOWN".into();
    let new = dir.path().join("new.json");
    std::fs::write(&new, serde_json::to_vec(&report).unwrap()).unwrap();
    let o = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--exit-on-change"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("| 0 | 0 | 0 | 0 | 1 |"), "{}", text(&o));
}

/// Item 5: a ~400k-character waiver `resource` glob panicked inside globset; it is now a
/// waiver problem with its line and exit 2.
#[test]
fn huge_waiver_glob_is_exit_2_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.yaml");
    let glob = "[^a]".repeat(100_000);
    std::fs::write(
        &waivers,
        format!(
            "waivers:\n  - check: FF-S3-005\n    resource: \"{glob}\"\n    reason: r\n    owner: o\n    expires: 2027-01-31\n"
        ),
    )
    .unwrap();
    let snap = repo("examples/snapshots/prod-compliant.json");
    let out = dir.path().join("out");
    let o = run(&[
        evaluate_args(snap.to_str().unwrap(), out.to_str().unwrap()),
        vec!["--waivers", waivers.to_str().unwrap()],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(2), "{:.2000}", text(&o));
    let msg = text(&o);
    assert!(
        !msg.contains("panicked") && msg.contains("waivers.yaml:3:") && msg.contains("more than 2048"),
        "{msg:.2000}"
    );
}
