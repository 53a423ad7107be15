//! `attest` offline, on a directory of evidence bundles written by `evaluate --evidence` from the
//! shipped examples on simulated days: the figures of the period report (gaps, exception
//! intervals, fix times, rejected and duplicate bundles), its outputs, the period bundle that
//! `verify-evidence` checks, and the options refused. The same against moto's S3 with `scan` is
//! `tests/emulator/attest.rs`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{bin, repo, text};
use serde_json::Value;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A copy of a shipped example snapshot collected at `at`.
fn snapshot_at(dir: &Path, example: &str, at: &str) -> PathBuf {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(repo(&format!("examples/snapshots/prod-{example}.json"))).unwrap(),
    )
    .unwrap();
    v["collected_at"] = Value::from(at);
    let path = dir.join(format!("{example}-{}.json", at.replace(':', "")));
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    path
}

/// `evaluate --evidence DIR/<name>` of `example` collected at `at` (signed with `key` if any).
fn bundle(work: &Path, store: &Path, name: &str, example: &str, at: &str, env: &str, key: Option<&Path>) -> PathBuf {
    let snap = snapshot_at(work, example, at);
    let out = store.join(name);
    let mut cmd = bin();
    cmd.args(["evaluate", "--env", env, "--format", "json,md", "--quiet", "--snapshot", s(&snap)]).args([
        "--out",
        s(&work.join("reports").join(name)),
        "--evidence",
        s(&out),
    ]);
    if let Some(k) = key {
        cmd.args(["--sign-key", s(k)]);
    }
    let o = cmd.output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    out
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let prefix = dir.join(name);
    let o = bin().args(["evidence", "keygen", "--out", s(&prefix)]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (dir.join(format!("{name}.key")), dir.join(format!("{name}.pub")))
}

/// `attest` of the prod bundles of `store` collected from the 1st to the 6th of November.
fn attest(store: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    attest_days(store, out, "2026-11-01", "2026-11-06", extra)
}

fn attest_days(store: &Path, out: &Path, from: &str, to: &str, extra: &[&str]) -> std::process::Output {
    bin()
        .args(["attest", "--bundles", s(store), "--env", "prod", "--from", from, "--to", to, "--out", s(out)])
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The checks with a FAIL, UNKNOWN or ERROR result in an evaluated JSON report.
fn failing_checks(report: &Value) -> BTreeSet<String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ["FAIL", "UNKNOWN", "ERROR"].contains(&r["status"].as_str().unwrap()))
        .map(|r| r["check_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Six days: compliant on the 1st, drifted on the 2nd and 3rd (the 3rd's bundle tampered), no
/// scan on the 4th, compliant again on the 5th (stored twice) and the 6th; plus a qa bundle.
/// Every figure of the period report follows, and the period bundle verifies and reproduces.
#[test]
fn a_period_with_an_exception_a_gap_a_tampered_and_a_duplicate_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let (work, store) = (dir.path().join("work"), dir.path().join("store"));
    std::fs::create_dir_all(&work).unwrap();
    let (key, public) = keygen(dir.path(), "ci");
    let key = Some(key.as_path());
    bundle(&work, &store, "prod/d1", "compliant", "2026-11-01T02:00:00Z", "prod", key);
    bundle(&work, &store, "prod/d2", "drifted", "2026-11-02T02:00:00Z", "prod", key);
    let d3 = bundle(&work, &store, "prod/d3", "drifted", "2026-11-03T02:00:00Z", "prod", key);
    let d5 = bundle(&work, &store, "prod/d5", "compliant", "2026-11-05T02:00:00Z", "prod", key);
    bundle(&work, &store, "prod/d6", "compliant", "2026-11-06T02:00:00Z", "prod", key);
    bundle(&work, &store, "qa/d2", "compliant", "2026-11-02T02:00:00Z", "qa", key);
    let copy = store.join("prod/zz-copy-of-d5");
    std::fs::create_dir_all(copy.join("reports")).unwrap();
    for entry in walk(&d5) {
        let rel = entry.strip_prefix(&d5).unwrap();
        std::fs::create_dir_all(copy.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&entry, copy.join(rel)).unwrap();
    }
    // Tampering: one line appended to the third day's Markdown report.
    let md = d3.join("reports/flowforge-audit.md");
    let mut text_md = std::fs::read_to_string(&md).unwrap();
    text_md.push_str("\nGate passed.\n");
    std::fs::write(&md, text_md).unwrap();

    let out = dir.path().join("period");
    let o = attest(&store, &out, &["--verify-key", s(&public), "--require-signature", "--compliance", "aws-fsbp"]);
    assert_eq!(o.status.code(), Some(1), "exceptions and a gap fail the attestation: {}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("rejected: prod/d3/ [A001] reports/flowforge-audit.md: SHA-256 differs"), "{stdout}");
    let r = json(&out.join("reports/flowforge-attest.json"));

    // Bundles: 7 found; 4 relied on, the copy a duplicate, the tampered one rejected, qa skipped.
    let summary = &r["summary"];
    assert_eq!(summary["bundles_found"], 7);
    assert_eq!((summary["bundles_relied_on"].as_u64(), summary["bundles_rejected"].as_u64()), (Some(4), Some(1)));
    assert_eq!(summary["bundles_duplicate"], 1);
    assert_eq!(r["skipped"]["other_environment"]["qa"], 1);
    assert_eq!(summary["scans"], 4);
    let uses: Vec<(String, String)> = r["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["location"].as_str().unwrap().to_owned(), b["use"].as_str().unwrap().to_owned()))
        .collect();
    assert!(uses.contains(&("prod/d3/".into(), "rejected".into())), "{uses:?}");
    assert!(uses.contains(&("prod/zz-copy-of-d5/".into(), "duplicate".into())), "{uses:?}");
    for b in r["bundles"].as_array().unwrap().iter().filter(|b| b["use"] == "evidence") {
        assert_eq!(b["signature"], "verified");
        assert_eq!(b["manifest_sha256"].as_str().unwrap().len(), 64);
        assert!(b["signer_key_id"].is_string() && b["collected_at"].is_string());
    }

    // The gap: the 3rd (tampered, so not evidence) and the 4th (no scan).
    let gaps = r["accounts"][0]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["from"], "2026-11-03T00:00:00Z");
    assert_eq!(gaps[0]["to"], "2026-11-05T00:00:00Z");
    assert_eq!(gaps[0]["slots"], 2);

    // Exceptions: exactly the checks the drifted example fails (or cannot judge), each from
    // the 2nd (the 1st passed) to the 5th, three days.
    let drifted = json(&work.join("reports/prod/d2/flowforge-audit.json"));
    let expected = failing_checks(&drifted);
    assert!(!expected.is_empty());
    let checks = r["checks"].as_array().unwrap();
    let with_exceptions: BTreeSet<String> = checks
        .iter()
        .filter(|c| c["verdict"] == "EXCEPTIONS")
        .map(|c| c["check_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(with_exceptions, expected);
    for c in checks.iter().filter(|c| c["verdict"] == "EXCEPTIONS") {
        let e = &c["exceptions"][0];
        assert_eq!(c["exceptions"].as_array().unwrap().len(), 1, "{c}");
        assert_eq!(
            (e["first_seen"].as_str(), e["fixed_at"].as_str()),
            (Some("2026-11-02T02:00:00Z"), Some("2026-11-05T02:00:00Z"))
        );
        assert_eq!(e["previous_scan"], "2026-11-01T02:00:00Z");
        assert_eq!((e["duration"].as_str(), e["duration_seconds"].as_i64()), (Some("3d"), Some(3 * 86_400)));
        // Exceptions on the 2nd to the 4th; before and after, operating (or not applicable: the
        // App Runner demo exists only in the drifted account).
        let timeline: Vec<char> = c["timeline"].as_str().unwrap().chars().collect();
        assert_eq!(timeline[1..4], ['X', 'X', 'X'], "{}", c["check_id"]);
        assert!([0, 4, 5].iter().all(|i| matches!(timeline[*i], 'O' | 'n')), "{}", c["check_id"]);
        assert_eq!(e["bundles"].as_array().unwrap().len(), 2, "the 2nd and the 5th show it: {e}");
    }
    // Every other check passed on every scan, but the gap leaves them not evidenced.
    assert!(checks.iter().filter(|c| c["verdict"] != "EXCEPTIONS").all(|c| c["verdict"] == "NOT_EVIDENCED"));
    let ttf: Vec<&Value> =
        r["time_to_fix"].as_array().unwrap().iter().filter(|t| t["fixed"].as_u64() > Some(0)).collect();
    assert!(!ttf.is_empty());
    for t in ttf {
        assert_eq!((t["median"].as_str(), t["worst"].as_str()), (Some("3d"), Some("3d")), "{t}");
    }
    // The control view of the framework asked for, with its CSV.
    assert_eq!(r["frameworks"].as_array().unwrap().len(), 1);
    let controls_csv = std::fs::read_to_string(out.join("reports/flowforge-attest.controls-aws-fsbp.csv")).unwrap();
    assert!(controls_csv.starts_with("framework,framework_version,control_id,"), "{controls_csv}");
    let exceptions_csv = std::fs::read_to_string(out.join("reports/flowforge-attest.exceptions.csv")).unwrap();
    assert_eq!(exceptions_csv.lines().count() - 1, drifted_bad_results(&drifted), "one row per resource");
    let html = std::fs::read_to_string(out.join("reports/flowforge-attest.html")).unwrap();
    assert!(
        html.contains("Content-Security-Policy") && html.contains("script-src 'none'") && !html.contains("<script")
    );

    // The period bundle verifies, re-renders and re-attests.
    let v = bin().args(["verify-evidence", s(&out)]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("VERIFIED period bundle"), "{}", text(&v));
    let v = bin().args(["verify-evidence", s(&out), "--bundles", s(&store)]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("attested again from"), "{}", text(&v));
    // A bundle the attestation relied on, changed since: the re-attestation differs.
    std::fs::remove_dir_all(store.join("prod/d6")).unwrap();
    let v = bin().args(["verify-evidence", s(&out), "--bundles", s(&store)]).output().unwrap();
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("NOT REPRODUCED") && text(&v).contains("attested again"), "{}", text(&v));
}

/// Results of a report that are FAIL, UNKNOWN or ERROR (one exceptions-CSV row each).
fn drifted_bad_results(report: &Value) -> usize {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ["FAIL", "UNKNOWN", "ERROR"].contains(&r["status"].as_str().unwrap()))
        .count()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every day operating: exit 0; an unsigned bundle is evidence without --require-signature and
/// an A002 exception with it; a bundle signed by another key is an exception either way.
#[test]
fn signatures_required_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let (work, store) = (dir.path().join("work"), dir.path().join("store"));
    std::fs::create_dir_all(&work).unwrap();
    let (key, public) = keygen(dir.path(), "ci");
    let (other, _) = keygen(dir.path(), "other");
    for day in 1..=6 {
        let signer = match day {
            3 => None,
            5 => Some(other.as_path()),
            _ => Some(key.as_path()),
        };
        bundle(&work, &store, &format!("d{day}"), "compliant", &format!("2026-11-0{day}T02:00:00Z"), "prod", signer);
    }
    // Without keys: every bundle is evidence (signatures unchecked, one absent): all operating.
    let o = attest(&store, &dir.path().join("a"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = json(&dir.path().join("a/reports/flowforge-attest.json"));
    assert_eq!(r["summary"]["checks"]["EXCEPTIONS"], 0);
    assert_eq!(r["summary"]["checks"]["NOT_EVIDENCED"], 0);
    assert!(r["summary"]["checks"]["OPERATING"].as_u64() > Some(50));
    let signatures: Vec<&str> =
        r["bundles"].as_array().unwrap().iter().map(|b| b["signature"].as_str().unwrap()).collect();
    assert_eq!(signatures, ["unchecked", "unchecked", "absent", "unchecked", "unchecked", "unchecked"]);
    // With the key: the other key's bundle is rejected (A002); the unsigned one is evidence.
    let o = attest(&store, &dir.path().join("b"), &["--verify-key", s(&public)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&dir.path().join("b/reports/flowforge-attest.json"));
    let rejected: Vec<(&str, &str)> = r["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["use"] == "rejected")
        .map(|b| (b["location"].as_str().unwrap(), b["code"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected, [("d5/", "A002")]);
    // Required: the unsigned one too.
    let o = attest(&store, &dir.path().join("c"), &["--verify-key", s(&public), "--require-signature"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&dir.path().join("c/reports/flowforge-attest.json"));
    let reasons: Vec<String> = r["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["use"] == "rejected")
        .map(|b| format!("{} {}", b["location"].as_str().unwrap(), b["reasons"][0].as_str().unwrap()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("d3/ manifest.json.sig: missing, and signatures are required"), "{reasons:?}");
    assert_eq!(r["accounts"][0]["gaps"].as_array().unwrap().len(), 2, "the 3rd and the 5th are gaps");
}

/// Names from the store are hostile: a bundle directory named with markup and a terminal
/// escape reaches neither the terminal nor the HTML raw.
#[test]
fn hostile_locations_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (work, store) = (dir.path().join("work"), dir.path().join("store"));
    std::fs::create_dir_all(&work).unwrap();
    let name = "d1<script>alert(1)</script>\u{1b}[31m";
    let b = bundle(&work, &store, name, "compliant", "2026-11-01T02:00:00Z", "prod", None);
    std::fs::write(b.join("reports/flowforge-audit.md"), "edited").unwrap();
    let out = dir.path().join("p");
    let o = attest_days(&store, &out, "2026-11-01", "2026-11-01", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!text(&o).contains('\u{1b}'), "a raw escape reached the terminal: {}", text(&o));
    assert!(text(&o).contains("rejected: d1<script>"), "{}", text(&o));
    let html = std::fs::read_to_string(out.join("reports/flowforge-attest.html")).unwrap();
    assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)"), "not escaped");
    let md = std::fs::read_to_string(out.join("reports/flowforge-attest.md")).unwrap();
    assert!(!md.contains("<script>") && !md.contains('\u{1b}'), "{md}");
}

/// Options that cannot give a period are refused with exit 2 and a message saying why.
#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--from", "2025-01-01", "--to", "2025-12-31", "--every", "1m"],
            "525600 slots in the period, more than 100000",
        ),
        (&["--from", "2026-11-05", "--to", "2026-11-01"], "is before --from"),
        (&["--from", "2026-11-01", "--to", "2026-11-31"], "--to: expected a day YYYY-MM-DD"),
        (&["--from", "2026-11-01", "--to", "2026-11-02", "--every", "1y"], "--every: expected a cadence"),
        (&["--from", "2026-11-01", "--to", "2026-11-02", "--require-signature"], "needs --verify-key"),
        (&["--from", "2026-11-01", "--to", "2999-01-01"], "the days to come would all be gaps"),
    ];
    for (args, message) in cases {
        let o = bin()
            .args(["attest", "--bundles", s(store), "--env", "prod", "--out", s(&dir.path().join("out"))])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(message), "{args:?}: {}", text(&o));
    }
    let o = attest_days(&store.join("missing"), &dir.path().join("out"), "2026-11-01", "2026-11-01", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // An empty store: nothing relied on is never a clean period (exit 1, the report written).
    let o = attest_days(store, &dir.path().join("empty"), "2026-11-01", "2026-11-01", &[]);
    assert_eq!(o.status.code(), Some(1), "nothing judged is never a pass: {}", text(&o));
    assert!(dir.path().join("empty/reports/flowforge-attest.html").is_file());
    let o = attest_days(store, &dir.path().join("named"), "2026-11-01", "2026-11-01", &["--account", "123456789012"]);
    assert_eq!(o.status.code(), Some(1), "a named account with no scan is a gap: {}", text(&o));
}

/// A period report edited, with its hash updated in the manifest, is caught: the other reports
/// no longer follow from it (an unsigned manifest proves consistency, not origin).
#[test]
fn an_edited_period_report_is_not_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    let (work, store) = (dir.path().join("work"), dir.path().join("store"));
    std::fs::create_dir_all(&work).unwrap();
    bundle(&work, &store, "d1", "drifted", "2026-11-01T02:00:00Z", "prod", None);
    let out = dir.path().join("p");
    let o = attest_days(&store, &out, "2026-11-01", "2026-11-01", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let path = out.join("reports/flowforge-attest.json");
    let edited = std::fs::read_to_string(&path).unwrap().replace("\"EXCEPTIONS\"", "\"OPERATING\"");
    std::fs::write(&path, &edited).unwrap();
    let v = bin().args(["verify-evidence", s(&out)]).output().unwrap();
    assert_eq!(v.status.code(), Some(1));
    assert!(
        text(&v).contains("TAMPERED") && text(&v).contains("flowforge-attest.json: SHA-256 differs"),
        "{}",
        text(&v)
    );
    let manifest_path = out.join("manifest.json");
    let mut manifest: Value = json(&manifest_path);
    manifest["files"]["reports/flowforge-attest.json"] = Value::from(sha256(edited.as_bytes()));
    let mut bytes = serde_json::to_string_pretty(&manifest).unwrap();
    bytes.push('\n');
    std::fs::write(&manifest_path, bytes).unwrap();
    let v = bin().args(["verify-evidence", s(&out)]).output().unwrap();
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("NOT REPRODUCED") && text(&v).contains("flowforge-attest.md"), "{}", text(&v));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `iam-policy --attest` prints the read-only policy of the identity that attests from S3.
#[test]
fn iam_policy_attest() {
    let o = bin().args(["iam-policy", "--attest"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
    let shipped: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("iam/attest-policy.json")).unwrap()).unwrap();
    assert_eq!(printed, shipped);
}
