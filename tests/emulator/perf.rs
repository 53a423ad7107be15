//! Scan costs against the moto emulator (issue 24): what a call that keeps failing costs a
//! scan. Timings are measured by the benchmark scripts (`scripts/bench.sh`); these tests pin
//! the behaviour behind them with call counts, which do not depend on the machine.
//!
//! Part of the emulator test binary (`cargo test --test emulator perf::`).

use crate::support::moto::Moto;
use crate::support::proxy::{Proxy, Rules};
use flowforge_audit::aws::{ConnectOptions, StaticCredentials, REMEMBER_AFTER};
use flowforge_audit::collect::{self, CollectOptions};
use flowforge_audit::model::Status;

/// Regions of the scan: every call of a regional operation is made once per region, at the
/// same time.
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"];

/// Issue 24: an operation answered with HTTP 500 on every attempt in every region (EKS
/// ListClusters, failed by the proxy in front of moto; moto's own GetEbsDefaultKmsKeyId) used to
/// cost each of the four regions' calls the back-off of all its attempts (5 each, 20 per
/// operation); now the operation is remembered after REMEMBER_AFTER failures in a row and its
/// calls make no more attempts, while every region keeps its collection error, so FF-EKS-001
/// is UNKNOWN in every region (never PASS). (The collector reads moto's HTML 500 for
/// GetEbsDefaultKmsKeyId as "no default key" on emulator endpoints: `aws/ec2/api.rs`.)
#[test]
fn a_call_failing_everywhere_is_not_retried_in_every_region() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port, Rules { fail_first: Some(("/clusters", vec![500; 1000])), ..Rules::default() });
    let opts = CollectOptions {
        connect: ConnectOptions {
            regions: REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            endpoint_url: Some(proxy.endpoint.clone()),
            static_credentials: Some(StaticCredentials {
                access_key_id: "testing".to_owned(),
                secret_access_key: "testing".to_owned(),
                session_token: None,
            }),
            // The CLI's default: five attempts per call.
            ..ConnectOptions::default()
        },
        ..CollectOptions::default()
    };
    assert_eq!(opts.connect.max_attempts, 5);
    let out = collect::run_blocking(&opts).expect("collect");
    let regions = REGIONS.len() as u64;
    for op in ["eks:ListClusters", "ec2:GetEbsDefaultKmsKeyId"] {
        let calls = out.calls.get(op).copied().unwrap_or(0);
        assert!(calls >= regions, "{op}: one call per region at least: {calls}");
        // Each call makes its first attempt; after the streak, a call waiting for its next
        // attempt makes at most that one. Without the memo: 5 per region.
        assert!(
            calls <= u64::from(REMEMBER_AFTER) + regions,
            "{calls} attempts of {op} for {regions} regions (5 each without the memo)"
        );
    }
    assert_eq!(proxy.failed.load(std::sync::atomic::Ordering::Relaxed), out.calls["eks:ListClusters"]);

    let mut failed: Vec<&str> = out
        .snapshot
        .collection_errors
        .iter()
        .filter(|e| e.operation == "ListClusters" && e.service == "eks")
        .map(|e| e.region.as_str())
        .collect();
    failed.sort_unstable();
    let mut want = REGIONS.to_vec();
    want.sort_unstable();
    assert_eq!(failed, want, "every region keeps its collection error: {:#?}", out.snapshot.collection_errors);

    let catalog = flowforge_audit::policy::Catalog::builtin().unwrap();
    let view = flowforge_audit::baseline::Baseline::builtin()
        .unwrap()
        .env_view("prod", &out.snapshot.account_id, &out.snapshot.partition)
        .unwrap();
    let eval = flowforge_audit::evaluate::evaluate(&out.snapshot, None, &catalog, view.to_json()).unwrap();
    let results: Vec<_> = eval.results.iter().filter(|r| r.check_id == "FF-EKS-001").collect();
    let mut unknown: Vec<&str> =
        results.iter().filter(|r| r.status == Status::Unknown).map(|r| r.region.as_str()).collect();
    unknown.sort_unstable();
    assert_eq!(unknown, want, "{results:#?}");
    assert!(results.iter().all(|r| r.status != Status::Pass), "{results:#?}");
}
