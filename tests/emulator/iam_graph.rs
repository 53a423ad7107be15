//! The privilege-escalation graph end to end against the moto emulator: the graph corpus
//! (`tests/data/corpus/iam-graph/`, cases marked `seed`) created in one FlowForge account
//! through the SDK, then `scan`: every case gets its labelled verdict on its principal (the
//! escalations caught, the decoys PASS with the reason each path breaks, the steps the
//! snapshot cannot show UNKNOWN), each FAIL carries its chain in every report format with room
//! for evidence, and `explain` prints that chain from the saved snapshot.
//!
//! Part of the emulator test binary (`cargo test --test emulator iam_graph::`).

use std::path::Path;
use std::process::Output;

use crate::harness::cli;
use crate::support::moto::Moto;
use crate::support::seed::{self, Clients, REGION};
use crate::support::seed_corpus_iam_graph::{seed_graph_corpus, SeededGraphCase};
use serde_json::Value;

fn scan(moto: &Moto, dir: &Path) -> Output {
    cli(moto, "testing", "testing")
        .args(["scan", "--env", "prod", "--endpoint-url", &moto.endpoint, "--region", REGION, "--no-progress"])
        .arg("--out")
        .arg(dir)
        .args(["--format", "all", "--save-snapshot"])
        .arg(dir.join("snapshot.json"))
        .output()
        .expect("run flowforge-audit")
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn result<'a>(report: &'a Value, case: &SeededGraphCase) -> Option<&'a Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["check_id"] == case.check && r["resource_arn"] == case.arn.as_str())
}

/// Every seeded graph case through `scan`: FAILs carry the chain with each labelled edge in
/// order, decoys PASS saying why, UNKNOWNs name what is not collected; the chain is in the
/// SARIF, HTML and ASFF reports; `explain` prints it from the saved snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_corpus_through_scan() {
    let moto = Moto::start();
    let clients = Clients::new(&moto.endpoint, "testing", "testing").await;
    seed::seed(&clients, "prod").await;
    let cases = seed_graph_corpus(&clients).await;
    assert!(cases.len() >= 40, "at least 40 graph cases are seeded, found {}", cases.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scan(&moto, dir.path());
    let report = read_json(&dir.path().join("flowforge-audit.json"));
    let mut wrong = Vec::new();
    let (mut caught, mut decoys, mut unknown) = (0, 0, 0);
    for case in &cases {
        let Some(r) = result(&report, case) else {
            wrong.push(format!("{}: no {} result for {}", case.file, case.check, case.arn));
            continue;
        };
        let status = r["status"].as_str().unwrap_or_default();
        let message = r["message"].as_str().unwrap_or_default();
        if status != case.verdict {
            wrong.push(format!(
                "{}: {} on {} expected {}, scan says {status}: {message}",
                case.file, case.check, case.arn, case.verdict
            ));
            continue;
        }
        match status {
            "FAIL" => {
                let chain: Vec<&str> = r["evidence"][0]["chain"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["edge"].as_str())
                    .collect();
                if chain != case.chain.iter().map(String::as_str).collect::<Vec<_>>() {
                    wrong.push(format!("{}: chain {chain:?}, labelled {:?}: {message}", case.file, case.chain));
                }
                if !message.contains("can become administrator") || !message.contains("-->") {
                    wrong.push(format!("{}: the FAIL message does not carry the chain: {message}", case.file));
                }
                caught += 1;
            }
            "PASS" => {
                if !message.starts_with("no chain reaches the administrator") {
                    wrong.push(format!("{}: the PASS does not say why its paths break: {message:?}", case.file));
                }
                decoys += 1;
            }
            "UNKNOWN" => {
                if !["not collected", "not in the snapshot", "not followed"].iter().any(|why| message.contains(why)) {
                    wrong.push(format!("{}: the UNKNOWN does not name what is missing: {message}", case.file));
                }
                unknown += 1;
            }
            _ => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "seeded graph corpus verdicts differ (scan exit {:?}):\n{}",
        out.status.code(),
        wrong.join("\n")
    );
    assert!(caught >= 30 && decoys >= 15 && unknown >= 3, "caught {caught}, decoys {decoys}, unknown {unknown}");

    // The chain of the transitive case in every report format with room for evidence.
    let transitive = cases.iter().find(|c| c.file.starts_with("03-")).expect("case 03");
    let sarif = read_json(&dir.path().join("flowforge-audit.sarif"));
    let sarif_result = sarif["runs"][0]["results"]
        .as_array()
        .expect("sarif results")
        .iter()
        .find(|r| r["ruleId"] == "FF-IAM-005" && r.to_string().contains(&transitive.arn))
        .expect("SARIF result of case 03");
    assert!(sarif_result["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("role/g03-a --[sts:AssumeRole]--> role/g03-b"));
    assert_eq!(
        sarif_result["properties"]["evidence"][0]["chain"].as_array().map(Vec::len),
        Some(3),
        "{sarif_result:#}"
    );
    let html = std::fs::read_to_string(dir.path().join("flowforge-audit.html")).expect("html");
    assert!(
        html.contains("trust:g03-b#0") && html.contains("g03-a --[sts:AssumeRole]--&gt; role/g03-b"),
        "chain in the HTML"
    );
    let asff = read_json(&dir.path().join("flowforge-audit.asff.json"));
    let finding = asff
        .as_array()
        .expect("asff")
        .iter()
        .find(|f| f["GeneratorId"] == "FF-IAM-005" && f["Resources"][0]["Id"] == transitive.arn.as_str())
        .expect("ASFF finding of case 03");
    let chain = finding["ProductFields"]["flowforge-audit/Chain"].as_str().unwrap_or_default();
    assert!(
        chain.lines().count() == 3 && chain.contains("sts:AssumeRole on arn:aws:iam::123456789012:role/g03-b"),
        "{chain}"
    );
    assert!(finding["Description"].as_str().unwrap_or_default().contains("role/g03-a"));

    // `explain` prints each FAIL's chain, step by step, from the snapshot the scan saved.
    let snapshot = dir.path().join("snapshot.json");
    for case in cases.iter().filter(|c| c.verdict == "FAIL") {
        let o = cli(&moto, "testing", "testing")
            .args(["explain", &case.arn, "--snapshot"])
            .arg(&snapshot)
            .output()
            .expect("explain");
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{}: {}", case.file, String::from_utf8_lossy(&o.stderr));
        assert!(text.contains("can become administrator"), "{}: {text}", case.file);
        for (i, edge) in case.chain.iter().enumerate() {
            assert!(
                text.contains(&format!("edge: {edge} (")),
                "{}: step {} ({edge}) missing:\n{text}",
                case.file,
                i + 1
            );
        }
    }
}

/// Seeds the FlowForge `prod` account and the graph corpus into the moto that
/// `scripts/prowler-compare/run-graph.sh` started (`FLOWFORGE_SEED_ENDPOINT`), as
/// `graph_corpus_through_scan` does, and writes each seeded case's principal, check, labels and
/// held policies as JSON to `FLOWFORGE_GRAPH_CASES_OUT`; fails on any seeding error. Not part of
/// the suite: the script runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by scripts/prowler-compare/run-graph.sh against the moto it starts"]
async fn seed_graph_account() {
    let endpoint = std::env::var("FLOWFORGE_SEED_ENDPOINT")
        .expect("FLOWFORGE_SEED_ENDPOINT (set by scripts/prowler-compare/run-graph.sh)");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "the comparison seeds a loopback emulator only, not {endpoint}");
    let out = std::env::var("FLOWFORGE_GRAPH_CASES_OUT")
        .expect("FLOWFORGE_GRAPH_CASES_OUT (set by scripts/prowler-compare/run-graph.sh)");
    let clients = Clients::new(&endpoint, "testing", "testing").await;
    seed::seed(&clients, "prod").await;
    let cases: Vec<Value> = seed_graph_corpus(&clients)
        .await
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "case": c.file.trim_end_matches(".json"),
                "arn": c.arn,
                "check": c.check,
                "verdict": c.verdict,
                "chain": c.chain,
                "holds": c.holds,
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&cases).expect("cases as JSON");
    std::fs::write(&out, text + "\n").unwrap_or_else(|e| panic!("{out}: {e}"));
    println!("seeded {} graph cases; written to {out}", cases.len());
}
