//! What the emulator tests share: the binary in an environment that reaches only the emulator, a
//! `scan` into a directory with its JSON report, a seeded account, and report filters.

use std::path::Path;
use std::process::{Command, Output};

use flowforge_audit::aws::{ConnectOptions, StaticCredentials};
use flowforge_audit::collect::CollectOptions;
use serde_json::Value;

use crate::support::moto::Moto;
use crate::support::seed::{self, Clients, Drift, Seeded, REGION};

/// The binary with an environment that can only reach the emulator: dummy keys, no profile
/// files, no instance metadata.
pub(crate) fn cli(moto: &Moto, key: &str, secret: &str) -> Command {
    let mut c = crate::common::bin();
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// Runs `scan --env prod` into `dir`; returns the process output and the JSON report. Every
/// result must name a resource of the scanned snapshot or a documented subject
/// (`evaluate::subject`): the snapshot is saved beside the reports (unless `extra` saves it
/// elsewhere) and checked against the report.
pub(crate) fn scan(moto: &Moto, key: &str, secret: &str, dir: &Path, extra: &[&str]) -> (Output, Value) {
    let given = extra.iter().position(|a| *a == "--save-snapshot").and_then(|i| extra.get(i + 1));
    let snapshot_path = given.map_or_else(|| dir.join("scan-snapshot.json"), |p| Path::new(p).to_path_buf());
    let mut cmd = cli(moto, key, secret);
    cmd.args(["scan", "--env", "prod", "--endpoint-url", &moto.endpoint, "--region", REGION, "--no-progress"])
        .arg("--out")
        .arg(dir)
        .args(extra);
    if given.is_none() {
        cmd.arg("--save-snapshot").arg(&snapshot_path);
    }
    let out = cmd.output().expect("run flowforge-audit");
    let report_path = dir.join("flowforge-audit.json");
    let text = std::fs::read_to_string(&report_path).unwrap_or_else(|e| {
        panic!(
            "no JSON report at {} ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
            report_path.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report: Value = serde_json::from_str(&text).expect("report JSON");
    assert_real_subjects(&report, &snapshot_path);
    (out, report)
}

/// Every result of `report` names a resource of the snapshot at `snapshot_path` or one of the
/// documented subjects (issue 21: findings are about real resources).
pub(crate) fn assert_real_subjects(report: &Value, snapshot_path: &Path) {
    let text = std::fs::read_to_string(snapshot_path)
        .unwrap_or_else(|e| panic!("the scan saved no snapshot at {}: {e}", snapshot_path.display()));
    let snapshot = flowforge_audit::model::Snapshot::from_json(&text).expect("saved snapshot");
    let results = report["results"].as_array().expect("results");
    let pairs = results.iter().filter_map(|r| Some((r["resource_arn"].as_str()?, r["status"].as_str()?)));
    let problems = flowforge_audit::evaluate::subject::unreal_subjects(pairs, &snapshot);
    assert!(problems.is_empty(), "results about no real subject:\n{}", problems.join("\n"));
}

pub(crate) fn results_with<'a>(report: &'a Value, status: &str) -> Vec<&'a Value> {
    report["results"].as_array().expect("results").iter().filter(|r| r["status"] == status).collect()
}

pub(crate) fn describe(results: &[&Value]) -> String {
    results
        .iter()
        .map(|r| format!("{} {} {}: {}", r["check_id"], r["status"], r["resource_arn"], r["message"]))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) async fn seeded(moto: &Moto) -> (Clients, Seeded) {
    let clients = Clients::new(&moto.endpoint, "testing", "testing").await;
    let seeded = seed::seed(&clients, "prod").await;
    (clients, seeded)
}

pub(crate) fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// In-process collection options that reach only the emulator at `endpoint`, with these keys.
pub(crate) fn collect_options(endpoint: &str, key: &str, secret: &str) -> CollectOptions {
    CollectOptions {
        connect: ConnectOptions {
            regions: vec![REGION.to_owned()],
            endpoint_url: Some(endpoint.to_owned()),
            static_credentials: Some(StaticCredentials {
                access_key_id: key.to_owned(),
                secret_access_key: secret.to_owned(),
                session_token: None,
            }),
            max_attempts: 2,
            ..ConnectOptions::default()
        },
        ..CollectOptions::default()
    }
}

/// One drift: the FAILs are exactly the expected checks, on the drifted resource only, and
/// those checks belong to the drift's policy area.
pub(crate) async fn drift_fails_exactly(drift: Drift, areas: &[&str], checks: &[&str]) {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, drift).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let fails = results_with(&report, "FAIL");
    let arn = s.drifted_arn(drift);
    assert!(!fails.is_empty(), "{drift:?} must FAIL on {arn}");
    let wrong: Vec<&Value> = fails.iter().copied().filter(|r| r["resource_arn"] != arn.as_str()).collect();
    assert!(wrong.is_empty(), "{drift:?} must fail only {arn}, also failed:\n{}", describe(&wrong));
    let check_area: std::collections::BTreeMap<&str, &str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| Some((c["id"].as_str()?, c["area"].as_str()?)))
        .collect();
    for f in &fails {
        let id = f["check_id"].as_str().unwrap_or_default();
        let area = check_area.get(id).copied().unwrap_or_default();
        assert!(areas.contains(&area), "{drift:?}: {id} (area {area}) is not a check of {areas:?}");
    }
    let mut failed: Vec<&str> = fails.iter().filter_map(|f| f["check_id"].as_str()).collect();
    failed.sort_unstable();
    assert_eq!(failed, checks, "{drift:?}: the FAILing checks");
    assert!(results_with(&report, "UNKNOWN").is_empty());
    assert_eq!(out.status.code(), Some(1), "a prod FAIL fails the gate");
}
