//! `--security-hub`: findings uploaded in batches, closed when they pass, failures reported (exit 2),
//! throttling retried, and nothing sent unless asked.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::harness::{cli, scan, seeded};
use crate::support::moto::Moto;
use crate::support::seed::{Drift, REGION};

// ------------------------------------------------------------------ Security Hub upload

/// The shipped example snapshots (account 123456789012, region eu-west-1, moto's default
/// account): `evaluate --security-hub` needs no seeding.
fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots").join(name)
}

/// A copy of an example snapshot with another `collected_at` (a later run).
fn example_at(dir: &Path, name: &str, collected_at: &str) -> std::path::PathBuf {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(example(name)).expect("example")).expect("json");
    v["collected_at"] = Value::from(collected_at);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&v).expect("json")).expect("write snapshot");
    path
}

/// `evaluate --security-hub` of `snapshot` against `endpoint`; returns the output and the JSON report.
fn shub_evaluate(moto: &Moto, endpoint: &str, snapshot: &Path, out: &Path) -> (Output, Value) {
    let output = cli(moto, "testing", "testing")
        .env("AWS_ENDPOINT_URL", endpoint)
        .args(["evaluate", "--env", "prod", "--format", "json", "--security-hub", "--snapshot"])
        .arg(snapshot)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run flowforge-audit");
    let text = std::fs::read_to_string(out.join("flowforge-audit.json")).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, serde_json::from_str(&text).expect("report JSON"))
}

fn shub_text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every finding moto's Security Hub holds in `region`, by Id, read back with GetFindings.
async fn shub_findings(
    moto: &Moto,
    region: &str,
) -> std::collections::BTreeMap<String, aws_sdk_securityhub::types::AwsSecurityFinding> {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let client = aws_sdk_securityhub::Client::new(&conf);
    let mut out = std::collections::BTreeMap::new();
    let mut token = None;
    loop {
        let page = client.get_findings().max_results(100).set_next_token(token).send().await.expect("GetFindings");
        for f in page.findings() {
            out.insert(f.id().expect("Id").to_owned(), f.clone());
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    out
}

/// (Compliance.Status, RecordState, Workflow.Status) of a finding.
fn shub_state(f: &aws_sdk_securityhub::types::AwsSecurityFinding) -> (String, String, String) {
    (
        f.compliance().and_then(|c| c.status()).map(|s| s.as_str().to_owned()).unwrap_or_default(),
        f.record_state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
        f.workflow().and_then(|w| w.status()).map(|s| s.as_str().to_owned()).unwrap_or_default(),
    )
}

/// `--security-hub` imports every result (more than 100: several BatchImportFindings calls)
/// and GetFindings reads them back; a later run where the failing checks pass closes every
/// formerly failing finding (PASSED, ARCHIVED, newer UpdatedAt, CreatedAt kept);
/// the older snapshot uploaded again afterwards reopens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_upload_in_batches_then_resolve_what_now_passes() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let drifted = example("prod-drifted.json");
    let (out, report) = shub_evaluate(&moto, &moto.endpoint, &drifted, &dir.path().join("r1"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate's code (the drifted example fails it), upload fine: {}",
        shub_text(&out)
    );
    let results = report["results"].as_array().expect("results");
    assert!(results.len() > 100, "needs more than one batch: {} results", results.len());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let calls = results.len().div_ceil(100);
    assert!(
        stdout.contains(&format!(
            "security hub: {} findings imported into eu-west-1 in {calls} call(s), 0 earlier findings resolved",
            results.len()
        )),
        "{}",
        shub_text(&out)
    );
    let first = shub_findings(&moto, "eu-west-1").await;
    assert_eq!(first.len(), results.len(), "every result is one finding in Security Hub");
    let env_prefix = "flowforge-audit/prod/";
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] == "FAIL")
        .map(|r| format!("{env_prefix}{}", r["finding_id"].as_str().expect("finding_id")))
        .collect();
    assert!(!failed.is_empty());
    for id in &failed {
        let f = first.get(id).unwrap_or_else(|| panic!("{id} not in Security Hub"));
        assert_eq!(shub_state(f), ("FAILED".into(), "ACTIVE".into(), "NEW".into()), "{id}");
        assert_eq!(f.product_arn(), Some("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"));
    }

    // A later run on the compliant account: what failed now passes or is gone.
    let compliant = example_at(dir.path(), "prod-compliant.json", "2026-11-22T06:00:00Z");
    // Through the front: moto lacks BatchUpdateFindings, which closing calls.
    let front = crate::support::securityhub::Front::start(moto.port, crate::support::securityhub::Answer::Process);
    let (out, report2) = shub_evaluate(&moto, &front.endpoint, &compliant, &dir.path().join("r2"));
    assert_eq!(out.status.code(), Some(0), "{}", shub_text(&out));
    let status2: std::collections::BTreeMap<String, String> = report2["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                format!("{env_prefix}{}", r["finding_id"].as_str().expect("id")),
                r["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    assert!(status2.values().all(|s| s != "UNKNOWN" && s != "FAIL"), "the compliant example is complete and passes");
    let second = shub_findings(&moto, "eu-west-1").await;
    let (mut now_pass, mut gone) = (0, 0);
    for id in &failed {
        let f = &second[id];
        match status2.get(id).map(String::as_str) {
            Some("PASS") => now_pass += 1,
            None => gone += 1,
            Some(other) => panic!("{id} is {other} in the compliant example"),
        }
        // Workflow RESOLVED comes from BatchUpdateFindings, which moto lacks: tested through
        // the front (`shub_closed_findings_get_workflow_resolved`).
        let (compliance, record, _) = shub_state(f);
        assert_eq!((compliance.as_str(), record.as_str()), ("PASSED", "ARCHIVED"), "{id} is closed");
        assert_eq!(f.updated_at(), Some("2026-11-22T06:00:00.000Z"), "{id}: a newer UpdatedAt");
        assert_eq!(f.created_at(), Some("2026-11-21T06:00:00.000Z"), "{id}: CreatedAt is when it was first seen");
    }
    assert!(now_pass > 0, "some formerly failing findings pass now");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let resolved =
        first.keys().filter(|id| !status2.contains_key(*id) && shub_state(&first[*id]).1 == "ACTIVE").count();
    assert!(stdout.contains(&format!(", {resolved} earlier findings resolved")), "{}", shub_text(&out));
    assert!(gone == 0 || resolved >= gone);

    // The older snapshot uploaded again: Security Hub holds later versions; nothing reopens.
    let (out, _) = shub_evaluate(&moto, &moto.endpoint, &drifted, &dir.path().join("r3"));
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not sent (Security Hub holds a later run's version)"),
        "{}",
        shub_text(&out)
    );
    let third = shub_findings(&moto, "eu-west-1").await;
    for id in &failed {
        assert_eq!(shub_state(&third[id]).0, "PASSED", "{id} was reopened by an older snapshot");
    }
}

/// Runs `evaluate --security-hub` of the compliant example at `time` through `front`.
fn shub_close_through(
    moto: &Moto,
    front: &crate::support::securityhub::Front,
    dir: &Path,
    time: &str,
) -> (Output, Value) {
    let at = dir.join(time.replace(':', ""));
    std::fs::create_dir_all(&at).expect("dir");
    let snapshot = example_at(&at, "prod-compliant.json", time);
    shub_evaluate(moto, &front.endpoint, &snapshot, &at.join("out"))
}

/// The finding ids of the BatchUpdateFindings requests `updates`.
fn shub_update_ids(updates: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = updates
        .iter()
        .flat_map(|u| u["FindingIdentifiers"].as_array().cloned().unwrap_or_default())
        .map(|i| i["Id"].as_str().expect("Id").to_owned())
        .collect();
    ids.sort();
    ids
}

/// The findings a run closes get Workflow RESOLVED with BatchUpdateFindings (Id + ProductArn,
/// a Note, at most 100 a call: 200+ in several calls), the SUPPRESSED one is left alone; an
/// UnprocessedFindings answer is H001 and a refused call H002, both exit 2 with the reports
/// written. moto lacks the call: the loopback front answers and records it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_closed_findings_get_workflow_resolved() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = shub_evaluate(&moto, &moto.endpoint, &example("prod-drifted.json"), &dir.path().join("r1"));
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    let failed: Vec<String> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["status"] == "FAIL")
        .map(|r| format!("flowforge-audit/prod/{}", r["finding_id"].as_str().expect("finding_id")))
        .collect();
    assert!(failed.len() >= 2, "the drifted example fails some checks");
    let held = shub_findings(&moto, "eu-west-1").await;

    // A person suppressed one finding; 150 more open findings of a check the compliant run
    // passes are gone from it (its resources were deleted): 200+ to close.
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url(&moto.endpoint)
        .credentials_provider(aws_credential_types::Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let client = aws_sdk_securityhub::Client::new(&conf);
    let mut suppressed = held[&failed[0]].clone();
    suppressed.workflow = Some(
        aws_sdk_securityhub::types::Workflow::builder()
            .status(aws_sdk_securityhub::types::WorkflowStatus::Suppressed)
            .build(),
    );
    suppressed.processed_at = None;
    let template = failed[1..]
        .iter()
        .map(|id| &held[id])
        .find(|f| f.resources().first().and_then(|r| r.region()) == Some("eu-west-1"))
        .expect("a failing finding of a regional resource")
        .clone();
    let mut imports = vec![suppressed];
    let mut gone = Vec::new();
    for n in 0..150 {
        let mut f = template.clone();
        let id = format!("{}/deleted-{n:03}", template.id().expect("Id"));
        f.id = Some(id.clone());
        f.processed_at = None;
        gone.push(id);
        imports.push(f);
    }
    for chunk in imports.chunks(100) {
        let answer = client.batch_import_findings().set_findings(Some(chunk.to_vec())).send().await.expect("import");
        assert_eq!(answer.failed_count(), Some(0), "{answer:?}");
    }

    let now = shub_findings(&moto, "eu-west-1").await;
    assert_eq!(shub_state(&now[&failed[0]]).2, "SUPPRESSED", "the test's setup");
    assert_eq!(now.len(), held.len() + gone.len(), "the test's setup");

    let front = crate::support::securityhub::Front::start(moto.port, crate::support::securityhub::Answer::Process);
    let (out, _) = shub_close_through(&moto, &front, dir.path(), "2026-11-22T06:00:00Z");
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Every finding run 1 left open (FAIL, and UNKNOWN or ERROR too) is closed by the compliant
    // run, and the deleted ones; all but the SUPPRESSED one.
    let open: Vec<String> =
        held.iter().filter(|(_, f)| shub_state(f).1 == "ACTIVE").map(|(id, _)| id.clone()).collect();
    assert!(failed.iter().all(|id| open.contains(id)));
    let mut expected: Vec<String> = open.into_iter().filter(|id| *id != failed[0]).chain(gone.clone()).collect();
    expected.sort();
    let updates = front.updates();
    assert_eq!(shub_update_ids(&updates), expected, "exactly the closed findings, not the SUPPRESSED one: {text}");
    assert_eq!(updates.len(), expected.len().div_ceil(100), "at most 100 a call");
    for u in &updates {
        assert_eq!(u["Workflow"], serde_json::json!({"Status": "RESOLVED"}));
        assert_eq!(
            u["Note"],
            serde_json::json!({
                "Text": "Resolved by flowforge-audit: the check now passes (run 2026-11-22T06:00:00.000Z)",
                "UpdatedBy": "flowforge-audit"
            })
        );
        let arns: BTreeSet<&str> = u["FindingIdentifiers"]
            .as_array()
            .expect("identifiers")
            .iter()
            .map(|i| i["ProductArn"].as_str().expect("ProductArn"))
            .collect();
        assert_eq!(arns, BTreeSet::from(["arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"]));
    }
    assert!(text.contains(&format!("workflow set RESOLVED on {} (1 left SUPPRESSED)", expected.len())), "{text}");

    // Reopened by a later failing run, closed again: Security Hub leaves one finding a call
    // unprocessed (H001), then refuses the call (H002).
    let cases = [
        (crate::support::securityhub::Answer::UnprocessFirst, "07", "error[H001]", "ConcurrentUpdateError"),
        (crate::support::securityhub::Answer::Deny, "09", "error[H002]", "AccessDeniedException"),
    ];
    for (answer, hour, code, reason) in cases {
        let at = dir.path().join(format!("reopen-{hour}"));
        std::fs::create_dir_all(&at).expect("dir");
        let drifted = example_at(&at, "prod-drifted.json", &format!("2026-11-22T{hour}:00:00Z"));
        let (out, _) = shub_evaluate(&moto, &moto.endpoint, &drifted, &at.join("out"));
        assert_eq!(out.status.code(), Some(1), "reopened: {}", shub_text(&out));
        let front = crate::support::securityhub::Front::start(moto.port, answer);
        let (out, _) = shub_close_through(&moto, &front, &at, &format!("2026-11-22T{hour}:30:00Z"));
        let text = shub_text(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("the Security Hub upload failed") && text.contains(reason), "{text}");
        assert!(text.contains(code), "{text}");
        assert!(text.contains("RESOLVED"), "says what was not done: {text}");
        assert!(!front.updates().is_empty(), "BatchUpdateFindings was called");
        assert!(at.join(format!("2026-11-22T{hour}3000Z/out/flowforge-audit.json")).is_file(), "reports written");
    }
}

/// The upload's failures are reported with their code and exit 2, after the reports are
/// written, without a panic: an endpoint that refuses connections (H002), a finding Security
/// Hub rejects in `FailedFindings` (H001, the others imported), and throttling or 5xx that
/// outlast the retries (H002).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_failures_are_reported_with_exit_2() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let drifted = example("prod-drifted.json");

    // Nothing listens on this port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (out, _) = shub_evaluate(&moto, &format!("http://127.0.0.1:{closed}"), &drifted, &dir.path().join("a"));
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("the Security Hub upload failed") && text.contains("error[H002]"), "{text}");
    assert!(
        text.contains("Connection refused") && !text.contains("DispatchFailure"),
        "the reason, no SDK Debug dump: {text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    assert!(dir.path().join("a/flowforge-audit.json").is_file(), "the reports are written first");

    // moto rejects a finding without resources: the first finding of the first call loses them.
    fn drop_resources(body: &[u8]) -> Vec<u8> {
        let mut v: Value = serde_json::from_slice(body).expect("BatchImportFindings JSON");
        v["Findings"][0]["Resources"] = Value::Array(Vec::new());
        serde_json::to_vec(&v).expect("json")
    }
    let proxy = crate::support::proxy::Proxy::start(
        moto.port,
        crate::support::proxy::Rules { rewrite: Some(("/findings/import", drop_resources)), ..Default::default() },
    );
    let (out, report) = shub_evaluate(&moto, &proxy.endpoint, &drifted, &dir.path().join("b"));
    let text = shub_text(&out);
    let n = report["results"].as_array().expect("results").len();
    let calls = n.div_ceil(100);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(
        text.matches("error[H001]: finding flowforge-audit/prod/").count(),
        calls,
        "one rejected finding a call:\n{text}"
    );
    assert!(text.contains("InvalidInput"), "the error code of FailedFindings: {text}");
    assert!(text.contains(&format!("security hub: {} findings imported", n - calls)), "{text}");
    assert_eq!(shub_findings(&moto, "eu-west-1").await.len(), n - calls);

    // Throttling and 5xx on every attempt: retried, then reported.
    let proxy = crate::support::proxy::Proxy::start(
        moto.port,
        crate::support::proxy::Rules { fail_first: Some(("/findings/import", vec![503; 50])), ..Default::default() },
    );
    let (out, _) = shub_evaluate(&moto, &proxy.endpoint, &drifted, &dir.path().join("c"));
    let text = shub_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("error[H002]") && text.contains("BatchImportFindings") && text.contains("after retries"),
        "{text}"
    );
    assert!(proxy.failed.load(std::sync::atomic::Ordering::Relaxed) > 1, "the failed call was retried");
}

/// Throttling (429) and a 5xx on the first BatchImportFindings attempts are retried with
/// backoff: the upload succeeds and every finding arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_throttling_and_5xx_are_retried() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = crate::support::proxy::Proxy::start(
        moto.port,
        crate::support::proxy::Rules { fail_first: Some(("/findings/import", vec![429, 503])), ..Default::default() },
    );
    let (out, report) = shub_evaluate(&moto, &proxy.endpoint, &example("prod-drifted.json"), dir.path());
    assert_eq!(out.status.code(), Some(1), "the gate's code, the upload succeeded: {}", shub_text(&out));
    assert_eq!(proxy.failed.load(std::sync::atomic::Ordering::Relaxed), 2, "both injected failures were answered");
    let n = report["results"].as_array().expect("results").len();
    assert_eq!(shub_findings(&moto, "eu-west-1").await.len(), n, "every finding arrived after the retries");
}

/// `scan --security-hub` uploads the scan's findings through the scan's connection (region
/// and account of the scanned snapshot); without the flag nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shub_scan_uploads_only_when_asked() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    s.inject(&clients, Drift::Tls).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, _) = scan(&moto, "testing", "testing", &dir.path().join("plain"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    assert!(shub_findings(&moto, REGION).await.is_empty(), "nothing is sent without --security-hub");
    let (out, report) =
        scan(&moto, "testing", "testing", &dir.path().join("hub"), &["--format", "json", "--security-hub"]);
    assert_eq!(out.status.code(), Some(1), "{}", shub_text(&out));
    let findings = shub_findings(&moto, REGION).await;
    let results = report["results"].as_array().expect("results");
    assert_eq!(findings.len(), results.len(), "{}", shub_text(&out));
    let fails: Vec<&Value> = results.iter().filter(|r| r["status"] == "FAIL").collect();
    assert!(!fails.is_empty(), "the TLS drift fails");
    for r in fails {
        let f = &findings[&format!("flowforge-audit/prod/{}", r["finding_id"].as_str().expect("id"))];
        assert_eq!(shub_state(f), ("FAILED".into(), "ACTIVE".into(), "NEW".into()));
        assert_eq!(f.region(), Some(REGION));
    }
}
