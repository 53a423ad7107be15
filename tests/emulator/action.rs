//! The GitHub Action's logic (`scripts/github-action.sh`, called by `action.yml`) against the
//! emulator: it installs the pinned release binary from a release location (a `file://`
//! mirror of one here) after checking its SHA-256, scans an emulated account, writes the
//! outputs and the job summary GitHub reads, leaves reports, SARIF and a verifiable evidence
//! bundle, and fails on the gate.

use std::path::Path;
use std::process::{Command, Output};

use crate::harness::seeded;
use crate::support::moto::Moto;
use crate::support::seed::REGION;

/// The action's script with a GitHub-like environment under `dir` and only the emulator in reach.
fn action(moto: &Moto, dir: &Path, step: &str) -> Command {
    let mut c = Command::new("bash");
    c.arg(crate::common::repo("scripts/github-action.sh"))
        .arg(step)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUNNER_TEMP", dir.join("runner-temp"))
        .env("GITHUB_OUTPUT", dir.join("github-output"))
        .env("GITHUB_PATH", dir.join("github-path"))
        .env("GITHUB_STEP_SUMMARY", dir.join("step-summary.md"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(dir);
    std::fs::create_dir_all(dir.join("runner-temp")).unwrap();
    c
}

fn text(o: &Output) -> String {
    crate::common::text(o)
}

/// `key=value` lines GitHub reads from $GITHUB_OUTPUT.
fn outputs(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("github-output"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// A release location holding this build as the runner's asset, with its SHA-256 file.
fn release(dir: &Path, target: &str) -> String {
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let at = dir.join("releases").join(&version);
    std::fs::create_dir_all(&at).unwrap();
    let asset = format!("flowforge-audit-{target}");
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_flowforge-audit")).unwrap();
    std::fs::write(at.join(&asset), &bytes).unwrap();
    let sum: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
    };
    std::fs::write(at.join(format!("{asset}.sha256")), format!("{sum}  {asset}\n")).unwrap();
    format!("file://{}", dir.join("releases").display())
}

/// Install (checksum checked, a tampered one refused), scan a prod account with a partial
/// check selection (prod requires a complete audit: the gate fails), outputs and summary,
/// SARIF and evidence that verifies, the trend growing by one point per scheduled run, and the
/// gate step failing the job (or not, when told).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_installs_scans_uploads_and_fails_on_the_gate() {
    let moto = Moto::start();
    let _ = seeded(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let o = action(&moto, dir, "target").output().unwrap();
    let target = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    assert!(target.ends_with("-unknown-linux-musl") || target.ends_with("-apple-darwin"), "{target}");
    let base = release(dir, &target);

    // A tampered checksum stops the install before anything runs.
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let sum_file = dir.join("releases").join(&version).join(format!("flowforge-audit-{target}.sha256"));
    let good = std::fs::read_to_string(&sum_file).unwrap();
    std::fs::write(&sum_file, format!("{}{}", "0".repeat(64), &good[64..])).unwrap();
    let o = action(&moto, dir, "install").env("FLOWFORGE_AUDIT_RELEASES", &base).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not match its SHA-256 file"), "{}", text(&o));
    std::fs::write(&sum_file, good).unwrap();

    let o = action(&moto, dir, "install").env("FLOWFORGE_AUDIT_RELEASES", &base).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let installed = outputs(dir)["path"].clone();
    assert!(Path::new(&installed).is_file(), "{installed}");
    let bin_dir = std::fs::read_to_string(dir.join("github-path")).unwrap().trim().to_owned();
    assert_eq!(Path::new(&bin_dir).join("flowforge-audit"), Path::new(&installed));
    assert_eq!(outputs(dir)["version"], version, "the action's own version by default");

    // The scan, with the installed binary on the PATH as the next steps see it.
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let o = action(&moto, dir, "scan")
        .env("PATH", path)
        .env("INPUT_ENVIRONMENT", "prod")
        .env("INPUT_REGION", REGION)
        .env("INPUT_FORMAT", "json,md,sarif")
        .env("INPUT_WAIVERS", "audit/waivers.yaml")
        .env("INPUT_ARGS", format!("--endpoint-url {} --no-progress --excluded-checks FF-S3-001", moto.endpoint))
        .env("INPUT_OUT", "out")
        .env("INPUT_HISTORY", "history")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "exit 1 (gate) is recorded, not raised: {}", text(&o));
    let out = outputs(dir);
    assert_eq!(out["exit-code"], "1", "{out:?}\n{}", text(&o));
    assert_eq!(out["sarif"], "out/reports/flowforge-audit.sarif");
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(&out["sarif"])).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let summary = std::fs::read_to_string(dir.join("step-summary.md")).unwrap();
    assert!(summary.contains("Gate failed") && summary.contains("Partial run"), "{summary}");
    let v = Command::new(&installed).args(["verify-evidence", &out["evidence"]]).current_dir(dir).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(dir.join("out/snapshot.json").is_file());
    // Issue 25 friction 8: the run is a point of the trend the cache keeps (action.yml).
    assert_eq!(out["history"], "history");
    let history = || std::fs::read_to_string(dir.join("history/history.jsonl")).unwrap_or_default();
    assert_eq!(history().lines().count(), 1, "{}", history());

    // A second scan into the same directory is refused rather than mixing two runs.
    let o = action(&moto, dir, "scan").env("INPUT_ENVIRONMENT", "prod").env("INPUT_OUT", "out").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // The next scheduled run (its own out directory, the history restored): a second point,
    // and the job summary shows the change since the first.
    std::fs::remove_file(dir.join("step-summary.md")).unwrap();
    let o = action(&moto, dir, "scan")
        .env("PATH", format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default()))
        .env("INPUT_ENVIRONMENT", "prod")
        .env("INPUT_REGION", REGION)
        .env("INPUT_FORMAT", "md")
        .env("INPUT_ARGS", format!("--endpoint-url {} --no-progress --excluded-checks FF-S3-001", moto.endpoint))
        .env("INPUT_OUT", "out-next")
        .env("INPUT_HISTORY", "history")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(history().lines().count(), 2, "{}", history());
    let summary = std::fs::read_to_string(dir.join("step-summary.md")).unwrap();
    assert!(summary.contains("## Change since the previous snapshot"), "{summary}");

    let gate = |fail: &str| {
        action(&moto, dir, "gate")
            .env("INPUT_EXIT_CODE", &out["exit-code"])
            .env("INPUT_FAIL_ON_GATE", fail)
            .env("INPUT_ENVIRONMENT", "prod")
            .output()
            .unwrap()
    };
    let o = gate("true");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("gate failed for prod"), "{}", text(&o));
    assert_eq!(gate("false").status.code(), Some(0));
}
