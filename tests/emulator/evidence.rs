//! What CI users run: `scan --evidence` bundles that verify, and progress output off a terminal.

use std::collections::BTreeSet;

use crate::harness::{cli, scan, seeded};
use crate::support::moto::Moto;
use crate::support::seed::{Drift, REGION};

/// `scan --evidence DIR` writes a bundle in the same run (the snapshot it saved, byte for byte)
/// that `verify-evidence` accepts, so CI needs no second evaluation to build it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cicli_scan_evidence_bundle_verifies() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, Drift::Tls).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snapshot.json");
    let evidence = dir.path().join("evidence");
    let (out, _) = scan(
        &moto,
        "testing",
        "testing",
        &dir.path().join("reports"),
        &[
            "--format",
            "json,sarif",
            "--save-snapshot",
            snapshot.to_str().unwrap(),
            "--evidence",
            evidence.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the TLS drift fails the prod gate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read(&snapshot).expect("saved snapshot");
    let bundled = std::fs::read(evidence.join(flowforge_audit::evidence::SNAPSHOT)).expect("bundled snapshot");
    assert!(saved == bundled, "the bundle's snapshot differs from the one --save-snapshot wrote");
    let verify = cli(&moto, "testing", "testing").arg("verify-evidence").arg(&evidence).output().expect("verify");
    assert_eq!(
        verify.status.code(),
        Some(0),
        "verify-evidence:\n{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// Off a terminal (CI) progress is one summary line per service and region, aligned, with
/// its elapsed time, and nothing that redraws.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cicli_progress_off_terminal_is_one_line_per_service() {
    let moto = Moto::start();
    let _ = seeded(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(&moto, "testing", "testing")
        .args(["collect", "--endpoint-url", &moto.endpoint, "--region", REGION, "--out"])
        .arg(dir.path().join("s.json"))
        .output()
        .expect("collect");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" resource(s) in ")).collect();
    let services: BTreeSet<&str> = lines.iter().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(lines.len(), services.len(), "one line per service (one region):\n{err}");
    assert!(services.contains("elasticloadbalancing") && services.contains("iam"), "{err}");
    let columns: BTreeSet<usize> = lines.iter().filter_map(|l| l.find(REGION).or_else(|| l.find("global"))).collect();
    assert_eq!(columns.len(), 1, "the region column shifts:\n{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "no redrawing off a terminal:\n{err}");
}
