//! Issue 26's acceptance: `scan --evidence --sign-key` of a seeded moto account on simulated
//! days (a drift injected and fixed between runs, another left open, a day skipped, one bundle
//! tampered), the bundles stored in moto's S3 with Object Lock in compliance mode (one
//! overwritten and one deleted after upload), then `attest --bundles s3://...` by an identity
//! that holds nothing but `iam-policy --attest`; every figure of the period report is checked.
//!
//! Needs moto: `scripts/setup-moto.sh` (the test fails, never skips, without it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::harness::cli;
use crate::support::moto::Moto;
use crate::support::seed::{self, Clients, Drift, REGION};
use aws_sdk_s3::primitives::ByteStream;
use serde_json::Value;

const BUCKET: &str = "flowforge-evidence";
const PREFIX: &str = "evidence/prod";

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// `scan --evidence DIR --sign-key KEY` as if run at `at`; returns the bundle and the JSON report.
fn scan_on(moto: &Moto, work: &Path, key: &Path, day: &str, at: &str) -> (PathBuf, Value) {
    let (out, evidence) = (work.join(format!("reports-{day}")), work.join(format!("bundles/{day}")));
    let o = cli(moto, "testing", "testing")
        .env("FLOWFORGE_AUDIT_SIMULATED_NOW", at)
        .args(["scan", "--env", "prod", "--endpoint-url", &moto.endpoint, "--region", REGION, "--no-progress"])
        .args(["--format", "json,md", "--out"])
        .arg(&out)
        .arg("--evidence")
        .arg(&evidence)
        .arg("--sign-key")
        .arg(key)
        .output()
        .expect("run scan");
    assert!(matches!(o.status.code(), Some(0 | 1)), "scan on {day}: {}", text(&o));
    assert!(text(&o).contains("collection time simulated"), "the simulated clock says so: {}", text(&o));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("flowforge-audit.json")).expect("report"))
            .expect("json");
    assert_eq!(report["collected_at"], at, "the scan took the simulated time");
    (evidence, report)
}

/// (check, resource) of every FAIL, UNKNOWN or ERROR result of a report.
fn bad(report: &Value) -> BTreeSet<(String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| ["FAIL", "UNKNOWN", "ERROR"].contains(&r["status"].as_str().unwrap_or_default()))
        .map(|r| {
            (
                r["check_id"].as_str().unwrap_or_default().to_owned(),
                r["resource_arn"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).expect("read bundle") {
        let e = e.expect("entry");
        let rel = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type().expect("type").is_dir() {
            files(&e.path(), &format!("{rel}/"), out);
        } else {
            out.push((rel, e.path()));
        }
    }
}

/// Uploads a bundle as CI does (`aws s3 cp --recursive DIR s3://BUCKET/PREFIX/DAY/`).
async fn upload(c: &Clients, bundle: &Path, day: &str) {
    let mut all = Vec::new();
    files(bundle, "", &mut all);
    for (rel, path) in all {
        c.s3.put_object()
            .bucket(BUCKET)
            .key(format!("{PREFIX}/{day}/{rel}"))
            .body(ByteStream::from(std::fs::read(&path).expect("read")))
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload {rel}: {e:?}"));
    }
}

/// The bucket CI writes to: versioned, with Object Lock in compliance mode (one day).
async fn evidence_bucket(c: &Clients) {
    use aws_sdk_s3::types as s3t;
    c.s3.create_bucket().bucket(BUCKET).object_lock_enabled_for_bucket(true).send().await.expect("bucket");
    c.s3.put_object_lock_configuration()
        .bucket(BUCKET)
        .object_lock_configuration(
            s3t::ObjectLockConfiguration::builder()
                .object_lock_enabled(s3t::ObjectLockEnabled::Enabled)
                .rule(
                    s3t::ObjectLockRule::builder()
                        .default_retention(
                            s3t::DefaultRetention::builder()
                                .mode(s3t::ObjectLockRetentionMode::Compliance)
                                .days(1)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("object lock");
}

/// The IAM user that attests, with the shipped attest policy only; IAM enforced from now on.
async fn attester(c: &Clients, moto: &Moto) -> (String, String) {
    c.iam.create_user().user_name("attester").send().await.expect("user");
    c.iam
        .put_user_policy()
        .user_name("attester")
        .policy_name("attest")
        .policy_document(flowforge_audit::aws::bundle_store::ATTEST_POLICY)
        .send()
        .await
        .expect("policy");
    let key = c.iam.create_access_key().user_name("attester").send().await.expect("key");
    let key = key.access_key().expect("access key");
    moto.enforce_iam();
    (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> Vec<&'a Value> {
    list.as_array().expect("list").iter().filter(|v| v[key] == value).collect()
}

/// Seven simulated days in October 2026, one scan a day at 02:00 except the 4th:
/// 1 compliant; 2 TLS drift on the landing bucket; 3 still drifted, bundle tampered before
/// upload; 4 no scan; 5 TLS fixed, encryption drift on the bronze bucket (never fixed);
/// 6 bundle overwritten in S3 after upload; 7 manifest deleted in S3 after upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attest_a_week_of_signed_scans_from_object_locked_s3() {
    let moto = Moto::start();
    let clients = Box::pin(Clients::new(&moto.endpoint, "testing", "testing")).await;
    let s = Box::pin(seed::seed(&clients, "prod")).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path();
    let keygen = cli(&moto, "testing", "testing")
        .args(["evidence", "keygen", "--out"])
        .arg(work.join("ci"))
        .output()
        .expect("keygen");
    assert_eq!(keygen.status.code(), Some(0), "{}", text(&keygen));
    let (key, public) = (work.join("ci.key"), work.join("ci.pub"));
    let at = |d: u32| format!("2026-10-0{d}T02:00:00Z");
    let landing = s.drifted_arn(Drift::Tls);
    let bronze = s.drifted_arn(Drift::Encryption);

    let (b1, r1) = scan_on(&moto, work, &key, "d1", &at(1));
    assert!(bad(&r1).is_empty(), "the seeded account is compliant: {:?}", bad(&r1));
    s.inject(&clients, Drift::Tls).await;
    let (b2, r2) = scan_on(&moto, work, &key, "d2", &at(2));
    assert_eq!(bad(&r2), BTreeSet::from([("FF-S3-001".to_owned(), landing.clone())]));
    let (b3, _) = scan_on(&moto, work, &key, "d3", &at(3));
    // Fixed between the 3rd and the 5th; the bronze bucket drifts on the 5th.
    let landing_name = &s.buckets["landing"];
    clients
        .s3
        .put_bucket_policy()
        .bucket(landing_name)
        .policy(seed::tls_only_policy(landing_name))
        .send()
        .await
        .expect("fix tls");
    s.inject(&clients, Drift::Encryption).await;
    let (b5, r5) = scan_on(&moto, work, &key, "d5", &at(5));
    assert_eq!(bad(&r5), BTreeSet::from([("FF-S3-002".to_owned(), bronze.clone())]));
    let (b6, _) = scan_on(&moto, work, &key, "d6", &at(6));
    let (b7, _) = scan_on(&moto, work, &key, "d7", &at(7));

    // The third day's bundle is tampered with before it is stored: its report says PASS.
    let md = b3.join("reports/flowforge-audit.md");
    let edited = std::fs::read_to_string(&md).expect("md").replace("FAIL", "PASS");
    std::fs::write(&md, edited).expect("tamper");

    evidence_bucket(&clients).await;
    for (b, day) in [(&b1, "d1"), (&b2, "d2"), (&b3, "d3"), (&b5, "d5"), (&b6, "d6"), (&b7, "d7")] {
        upload(&clients, b, day).await;
    }
    // After upload: the 6th's JSON report overwritten (a new version), the 7th's manifest
    // deleted (a delete marker). Object Lock keeps the first versions.
    let report6 = format!("{PREFIX}/d6/reports/flowforge-audit.json");
    let forged =
        std::fs::read_to_string(b6.join("reports/flowforge-audit.json")).expect("json").replace("\"FAIL\"", "\"PASS\"");
    clients
        .s3
        .put_object()
        .bucket(BUCKET)
        .key(&report6)
        .body(ByteStream::from(forged.into_bytes()))
        .send()
        .await
        .expect("overwrite");
    let manifest7 = format!("{PREFIX}/d7/manifest.json");
    clients.s3.delete_object().bucket(BUCKET).key(&manifest7).send().await.expect("delete (a marker)");
    // Compliance mode: a locked version cannot be removed, even by the account.
    let versions = clients.s3.list_object_versions().bucket(BUCKET).prefix(&manifest7).send().await.expect("versions");
    let locked = versions.versions().iter().find_map(|v| v.version_id()).expect("the manifest's version").to_owned();
    let removed = clients.s3.delete_object().bucket(BUCKET).key(&manifest7).version_id(&locked).send().await;
    assert!(removed.is_err(), "Object Lock (compliance) let a locked version be deleted");

    let (id, secret) = attester(&clients, &moto).await;
    // IAM is enforced from here: the attester reads, and cannot write or delete.
    let as_attester = Box::pin(Clients::new(&moto.endpoint, &id, &secret)).await;
    let write = as_attester
        .s3
        .put_object()
        .bucket(BUCKET)
        .key(format!("{PREFIX}/d8/manifest.json"))
        .body(ByteStream::from_static(b"{}"))
        .send()
        .await;
    assert!(write.is_err(), "the attest policy allowed a write");
    let delete = as_attester.s3.delete_object().bucket(BUCKET).key(&report6).send().await;
    assert!(delete.is_err(), "the attest policy allowed a delete");
    let out = work.join("period");
    let o = cli(&moto, &id, &secret)
        .args(["attest", "--bundles", &format!("s3://{BUCKET}/{PREFIX}"), "--env", "prod"])
        .args(["--from", "2026-10-01", "--to", "2026-10-07", "--every", "1d", "--require-signature", "--verify-key"])
        .arg(&public)
        .args(["--region", REGION, "--compliance", "aws-fsbp", "--out"])
        .arg(&out)
        .output()
        .expect("attest");
    assert_eq!(o.status.code(), Some(1), "exceptions and a gap: {}", text(&o));
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("reports/flowforge-attest.json")).expect("report"))
            .expect("json");
    let manifest_hash = |b: &Path| {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(b.join("manifest.json")).expect("manifest");
        Sha256::digest(bytes).iter().map(|x| format!("{x:02x}")).collect::<String>()
    };

    // Bundles: d1, d2, d5 as stored; d6 and d7 from their original versions; d3 and d6's
    // current view rejected as not intact.
    let relied: BTreeSet<&str> =
        find(&r["bundles"], "use", "evidence").iter().map(|b| b["location"].as_str().unwrap_or_default()).collect();
    assert_eq!(relied, BTreeSet::from(["d1/", "d2/", "d5/", "d6/@original", "d7/@original"]));
    for b in find(&r["bundles"], "use", "evidence") {
        assert_eq!(b["signature"], "verified", "{b}");
        assert!(
            b["notes"]
                .as_array()
                .is_some_and(|n| n.iter().any(|n| n.as_str().unwrap_or_default().contains("after it was collected"))),
            "stored after the simulated day: {b}"
        );
    }
    let hashes: BTreeSet<String> = find(&r["bundles"], "use", "evidence")
        .iter()
        .map(|b| b["manifest_sha256"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(hashes, [&b1, &b2, &b5, &b6, &b7].iter().map(|b| manifest_hash(b)).collect::<BTreeSet<_>>());
    let rejected: BTreeSet<(String, String)> = find(&r["bundles"], "use", "rejected")
        .iter()
        .map(|b| {
            (b["location"].as_str().unwrap_or_default().to_owned(), b["code"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(
        rejected,
        BTreeSet::from([("d3/".to_owned(), "A001".to_owned()), ("d6/".to_owned(), "A001".to_owned())])
    );
    let d3 = find(&r["bundles"], "location", "d3/")[0];
    assert!(
        d3["reasons"][0].as_str().unwrap_or_default().contains("reports/flowforge-audit.md: SHA-256 differs"),
        "{d3}"
    );
    // The store's history: the overwrite and the deletion.
    let events: BTreeSet<(String, String)> = r["store_events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (e["object"].as_str().unwrap_or_default().to_owned(), e["event"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(
        events,
        BTreeSet::from([
            ("d6/reports/flowforge-audit.json".to_owned(), "overwritten".to_owned()),
            ("d7/manifest.json".to_owned(), "deleted".to_owned())
        ])
    );

    // The gap: the 3rd (its bundle is no evidence) and the 4th (no scan).
    let account = &r["accounts"][0];
    assert_eq!(account["scans"], 5);
    let gaps = account["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(
        (gaps[0]["from"].as_str(), gaps[0]["to"].as_str(), gaps[0]["slots"].as_u64()),
        (Some("2026-10-03T00:00:00Z"), Some("2026-10-05T00:00:00Z"), Some(2))
    );

    // Exceptions: TLS from the 2nd to the 5th; encryption from the 5th, open at the end.
    let check = |id: &str| find(&r["checks"], "check_id", id)[0].clone();
    let tls = check("FF-S3-001");
    assert_eq!(tls["verdict"], "EXCEPTIONS");
    assert_eq!(tls["timeline"], "OXXXOOO");
    let e = &tls["exceptions"][0];
    assert_eq!(tls["exceptions"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        (e["first_seen"].as_str(), e["previous_scan"].as_str(), e["fixed_at"].as_str()),
        (Some(at(2).as_str()), Some(at(1).as_str()), Some(at(5).as_str()))
    );
    assert_eq!((e["duration"].as_str(), e["open"].as_bool()), (Some("3d"), Some(false)));
    assert_eq!(e["resources"][0]["resource_arn"], landing.as_str());
    assert_eq!(e["resources"][0]["closed_by"], "pass");
    assert_eq!(e["bundles"], serde_json::json!([manifest_hash(&b2), manifest_hash(&b5)]));
    let enc = check("FF-S3-002");
    assert_eq!(enc["timeline"], "OO--XXX");
    let e = &enc["exceptions"][0];
    assert_eq!(
        (e["first_seen"].as_str(), e["open"].as_bool(), e["fixed_at"].is_null()),
        (Some(at(5).as_str()), Some(true), true)
    );
    assert_eq!(e["duration_seconds"], 2 * 86_400 + 22 * 3600, "to the end of the 7th");
    assert_eq!(e["resources"][0]["resource_arn"], bronze.as_str());
    // Every other check operated on every scan, but the gap leaves it not evidenced.
    for c in r["checks"].as_array().expect("checks") {
        if c["check_id"] != "FF-S3-001" && c["check_id"] != "FF-S3-002" {
            assert!(c["exceptions"].as_array().is_none_or(Vec::is_empty), "{c}");
            assert!(matches!(c["verdict"].as_str(), Some("NOT_EVIDENCED" | "NOT_APPLICABLE")), "{c}");
        }
    }
    assert_eq!(r["summary"]["exceptions"], 2);
    assert_eq!(r["summary"]["open_exceptions"], 1);
    // Time to fix: the TLS finding's severity has one fix of 3 days; the open one is counted apart.
    let sev = |id: &str| check(id)["severity"].as_str().unwrap_or_default().to_owned();
    let ttf = find(&r["time_to_fix"], "severity", &sev("FF-S3-001"))[0];
    assert_eq!(
        (ttf["fixed"].as_u64(), ttf["median"].as_str(), ttf["worst"].as_str()),
        (Some(1), Some("3d"), Some("3d"))
    );
    let ttf = find(&r["time_to_fix"], "severity", &sev("FF-S3-002"))[0];
    assert_eq!((ttf["open"].as_u64(), ttf["oldest_open_since"].as_str()), (Some(1), Some(at(5).as_str())));
    // The control view: the FSBP controls the two checks map to have the exceptions.
    let fsbp = &r["frameworks"][0];
    let mapped: BTreeSet<&str> = ["FF-S3-001", "FF-S3-002"]
        .iter()
        .flat_map(|id| {
            find(&r["checks"], "check_id", id)[0]["frameworks"]["aws-fsbp"].as_array().cloned().unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(|s| find(&fsbp["controls"], "id", s)[0]["id"].as_str().unwrap_or_default()))
        .collect();
    assert!(!mapped.is_empty(), "the S3 checks map to FSBP controls");
    for id in mapped {
        assert_eq!(find(&fsbp["controls"], "id", id)[0]["verdict"], "EXCEPTIONS", "{id}");
    }

    // The period bundle is evidence: it verifies, and attests the same again from S3.
    let v = cli(&moto, &id, &secret)
        .args(["verify-evidence"])
        .arg(&out)
        .args(["--bundles", &format!("s3://{BUCKET}/{PREFIX}")])
        .output()
        .expect("verify");
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("attested again from s3://"), "{}", text(&v));
}
