//! Regression tests for issue 10 ("fail closed"), items 1, 2 and 4, through the binary: what
//! the scanner could not see is UNKNOWN and blocks the prod gate, and a runaway custom policy is
//! an ERROR for that check alone, never a crash or a hang.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;
use common::{repo, text};

fn compliant() -> Value {
    serde_json::from_slice(&std::fs::read(repo("examples/snapshots/prod-compliant.json")).unwrap()).unwrap()
}

/// Runs `evaluate --env prod` on `snapshot`; returns the output and the JSON report.
fn evaluate(snapshot: &Value, extra: &[&str]) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    std::fs::write(&snap, serde_json::to_vec(snapshot).unwrap()).unwrap();
    let out = dir.path().join("out");
    let o = common::evaluate(&snap, &out, &[&["--format", "json"], extra].concat());
    let report = std::fs::read(out.join("flowforge-audit.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    (o, report)
}

/// (status, message) of every result of `check`.
fn statuses(report: &Value, check: &str) -> Vec<(String, String)> {
    report["results"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["check_id"] == check)
                .map(|r| {
                    (r["status"].as_str().unwrap_or("").to_owned(), r["message"].as_str().unwrap_or("").to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn only_status(report: &Value, check: &str) -> String {
    let s = statuses(report, check);
    assert_eq!(s.len(), 1, "{check}: {s:?}");
    s[0].0.clone()
}

/// Issue 10 item 1: private subnets in one AZ FAIL FF-VPC-003; when DescribeRouteTables was
/// denied (route tables read only through `lib/vpc.rego`), FF-VPC-003 and FF-VPC-004 are UNKNOWN,
/// not PASS, and the prod gate fails.
#[test]
fn route_tables_read_through_a_library_make_vpc_checks_unknown() {
    let mut snap = compliant();
    for s in snap["ec2"]["subnets"].as_array_mut().unwrap() {
        if s["id"] != "subnet-0pb0000000000001" {
            s["availability_zone"] = json!("eu-west-1a");
        }
    }
    let (o, report) = evaluate(&snap, &[]);
    assert_eq!(only_status(&report, "FF-VPC-003"), "FAIL", "{}", text(&o));

    snap["ec2"]["route_tables"] = json!([]);
    snap["collection_errors"] = json!([{
        "service": "ec2", "operation": "DescribeRouteTables", "region": "eu-west-1",
        "error_code": "UnauthorizedOperation", "message": "You are not authorized to perform this operation."
    }]);
    let (o, report) = evaluate(&snap, &[]);
    for check in ["FF-VPC-003", "FF-VPC-004"] {
        let s = statuses(&report, check);
        assert!(
            !s.is_empty() && s.iter().all(|(st, m)| st == "UNKNOWN" && m.contains("DescribeRouteTables")),
            "{check}: {s:?}"
        );
    }
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// Issue 10 item 2: an RDS instance without `publicly_accessible` (or `storage_encrypted`) and an
/// EKS cluster without `endpoint_public_access` are UNKNOWN, not PASS, and block the prod gate.
#[test]
fn absent_security_fields_are_unknown() {
    let (o, report) = evaluate(&compliant(), &[]);
    assert_eq!(o.status.code(), Some(0), "the compliant example passes: {}", text(&o));
    assert_eq!(only_status(&report, "FF-RDS-004"), "PASS");

    let mut snap = compliant();
    let db = snap["rds"]["db_instances"][0].as_object_mut().unwrap();
    db.remove("publicly_accessible");
    db.insert("storage_encrypted".to_owned(), Value::Null);
    snap["eks"]["clusters"][0].as_object_mut().unwrap().remove("endpoint_public_access");
    let (o, report) = evaluate(&snap, &[]);
    for (check, field) in [
        ("FF-RDS-004", "publicly_accessible"),
        ("FF-RDS-002", "storage_encrypted"),
        ("FF-EKS-002", "endpoint_public_access"),
    ] {
        let s = statuses(&report, check);
        assert!(s.len() == 1 && s[0].0 == "UNKNOWN" && s[0].1.contains(field), "{check}: {s:?}");
    }
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// Issue 10 item 2: an empty `account_public_access_block` or `ebs_encryption_by_default` list
/// gives an UNKNOWN result (it gave no result at all); the bucket checks that also read the
/// account block are UNKNOWN too.
#[test]
fn empty_account_settings_are_unknown() {
    let mut snap = compliant();
    snap["s3"]["account_public_access_block"] = json!([]);
    snap["ec2"]["ebs_encryption_by_default"] = json!([]);
    let (o, report) = evaluate(&snap, &[]);
    for collection in ["s3.account_public_access_block", "ec2.ebs_encryption_by_default"] {
        let hits: Vec<&Value> = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "UNKNOWN" && r["message"].as_str().unwrap_or("").contains(collection))
            .filter(|r| r["resource_arn"].as_str().unwrap_or("").ends_with(&format!("collection/{collection}")))
            .collect();
        assert_eq!(hits.len(), 1, "{collection}: {}", text(&o));
    }
    // One per bucket of the compliant example (the four lake buckets and the log archive).
    assert_eq!(statuses(&report, "FF-S3-003").iter().filter(|(st, _)| st == "UNKNOWN").count(), 5);
    assert_eq!(o.status.code(), Some(1));
}

/// Issue 10 items 1 and 2 together: route tables that are simply absent (no error recorded)
/// are "nothing collected" for the checks that read them, not an all-private network.
#[test]
fn empty_required_collection_read_through_a_library_is_unknown() {
    let mut snap = compliant();
    snap["ec2"]["route_tables"] = json!([]);
    let (o, report) = evaluate(&snap, &[]);
    for check in ["FF-VPC-003", "FF-VPC-004"] {
        let s = statuses(&report, check);
        assert!(
            !s.is_empty()
                && s.iter().all(|(st, m)| st == "UNKNOWN" && m.contains("nothing was collected for ec2.route_tables")),
            "{check}: {s:?}"
        );
    }
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// Issue 10 item 2: a snapshot with only its header does not pass the prod gate, even with
/// `--fail-on-drift none`: every check whose collection prod requires says "nothing collected".
#[test]
fn header_only_snapshot_fails_the_prod_gate() {
    let c = compliant();
    let snap = json!({
        "schema_version": c["schema_version"], "tool_version": c["tool_version"], "account_id": c["account_id"],
        "partition": c["partition"], "regions": c["regions"], "collected_at": c["collected_at"],
    });
    let (o, report) = evaluate(&snap, &["--fail-on-drift", "none"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let unknown = report["summary"]["by_status"]["UNKNOWN"].as_u64().unwrap_or(0);
    let checks = report["summary"]["checks"].as_u64().unwrap_or(0);
    // Checks over collections an account may legitimately leave empty (IAM users, groups,
    // customer managed policies, App Runner services when the control plane is on ECS) judge
    // nothing here: no result at all, never a PASS.
    let judged: std::collections::BTreeSet<&str> =
        report["results"].as_array().unwrap().iter().filter_map(|r| r["check_id"].as_str()).collect();
    let silent = checks - judged.len() as u64;
    assert!(silent <= 9, "{silent} checks gave no result");
    assert!(unknown + silent >= checks - 4, "{unknown} UNKNOWN ({silent} checks without results) for {checks} checks");
    assert_eq!(report["summary"]["by_status"]["PASS"], 0);
    assert!(statuses(&report, "FF-RDS-004")[0].1.contains("nothing was collected for rds.db_instances"));
}

fn overlay_check(dir: &Path, id: &str, name: &str, body: &str) {
    let d = dir.join("aws/s3");
    std::fs::create_dir_all(&d).unwrap();
    let text = format!(
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: {id}\n#   severity: high\n#   collection: s3.buckets\n\
         #   remediation: R\n#   frameworks: {{}}\n#   guide_section: G\n#   area: tls\npackage flowforge.aws.s3.{name}\n\nimport rego.v1\n\n{body}\n"
    );
    std::fs::write(d.join(format!("{name}.rego")), text).unwrap();
    std::fs::write(
        d.join(format!("{name}_test.rego")),
        format!("package flowforge.aws.s3.{name}_test\n\nimport data.flowforge.aws.s3.{name} as check\nimport rego.v1\n\ntest_pass_runs if {{\n\tcount(check.deny) >= 0 with input as {{\"s3\": {{\"buckets\": [{{\"arn\": \"a\"}}]}}}}\n}}\n"),
    )
    .unwrap();
}

/// The three runaway policies of issue 10 item 4: `f(x) := f(x)` (stack overflow, exit 134), a
/// 3000³ comprehension (no end) and `count(numbers.range(1, 300000000))` (15 s, 6.9 GB).
fn runaway_overlay() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let deny = |expr: &str| {
        format!(
            "deny contains {{\"arn\": b.arn, \"message\": sprintf(\"%v\", [{expr}])}} if some b in input.s3.buckets"
        )
    };
    overlay_check(dir.path(), "FF-S3-901", "recursive", &format!("f(x) := f(x)\n\n{}", deny("f(1)")));
    overlay_check(
        dir.path(),
        "FF-S3-902",
        "cube",
        &format!("n := numbers.range(1, 3000)\n\n{}", deny("count([1 | some a in n; some c in n; some d in n])")),
    );
    overlay_check(dir.path(), "FF-S3-903", "huge_range", &deny("count(numbers.range(1, 300000000))"));
    dir
}

/// Issue 10 item 4, `evaluate`: each runaway check is ERROR with its reason, the other checks
/// run, the gate fails (exit 1, not 134), and the run takes about the time limit, not forever.
#[test]
fn runaway_custom_checks_are_errors_not_crashes() {
    let overlay = runaway_overlay();
    let started = Instant::now();
    let (o, report) =
        evaluate(&compliant(), &["--policies", overlay.path().to_str().unwrap(), "--check-timeout", "0.5"]);
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    for (check, reason) in [
        ("FF-S3-901", "recursion"),
        ("FF-S3-902", "exceeded its time limit of 0.5 s"),
        ("FF-S3-903", "elements exceed the bound"),
    ] {
        let s = statuses(&report, check);
        assert!(!s.is_empty() && s.iter().all(|(st, m)| st == "ERROR" && m.contains(reason)), "{check}: {s:?}");
    }
    assert_eq!(only_status(&report, "FF-RDS-004"), "PASS");
}

/// Issue 10 item 4, `policy test`: the same policies make their tests fail with the reason
/// (exit 1), without aborting or hanging the runner.
#[test]
fn runaway_custom_checks_fail_their_tests() {
    let overlay = runaway_overlay();
    let o = Command::new(env!("CARGO_BIN_EXE_flowforge-audit"))
        .args(["policy", "test", overlay.path().to_str().unwrap(), "--run", "s3.", "--check-timeout", "0.5"])
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    for reason in ["recursion", "exceeded its time limit of 0.5 s", "elements exceed the bound"] {
        assert!(t.contains(reason), "{reason}: {t}");
    }
}

/// Issue 22 item 5: an overlay was invisible where people look. Replacing `lib/flowforge.rego`
/// changed verdicts (30 FAILs → 23 on the drifted example) while every check still said
/// `builtin:`, and the terminal, Markdown, HTML and CSV said nothing of an overlay. Each now
/// names it: what was replaced, and which built-in checks reach the replaced library.
#[test]
fn overlay_is_named_in_every_output() {
    let overlay = tempfile::tempdir().unwrap();
    let lib = std::fs::read_to_string(repo("policies/lib/flowforge.rego")).unwrap();
    let changed = lib.replacen(
        "is_flowforge(resource) if input.derived.flowforge[resource.arn]\n",
        "is_flowforge(resource) if {\n\tinput.derived.flowforge[resource.arn]\n\tnot startswith(resource.name, \"flowforge-prod-d\")\n}\n",
        1,
    );
    assert_ne!(lib, changed, "the library's shape changed");
    std::fs::create_dir_all(overlay.path().join("lib")).unwrap();
    std::fs::write(overlay.path().join("lib/flowforge.rego"), changed).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = common::evaluate(
        &repo("examples/snapshots/prod-drifted.json"),
        out.path(),
        &["--format", "json,csv,md,html", "--policies", overlay.path().to_str().unwrap()],
    );
    let t = text(&o);
    assert!(o.status.code() == Some(1), "{t}");
    let line = "policy overlay in use: built-in librar(y/ies) replaced: lib/flowforge.rego";
    assert!(t.contains(line), "terminal: {t}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("flowforge-audit.json")).unwrap()).unwrap();
    let overlay_json = &report["provenance"]["overlay"];
    assert_eq!(overlay_json["libraries_replaced"], json!(["lib/flowforge.rego"]), "{overlay_json}");
    let through = overlay_json["checks_through_libraries"].as_array().map_or(0, Vec::len);
    assert!(through > 10, "built-in checks reach lib/flowforge.rego: {overlay_json}");
    let marked = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["overlay_libraries"] == json!(["overlay:lib/flowforge.rego"]))
        .count();
    assert_eq!(marked, through);
    let md = std::fs::read_to_string(out.path().join("flowforge-audit.md")).unwrap();
    assert!(
        md.contains(&format!("> ⚠️ **{}", line.replace('_', "\\_")))
            && md.contains("· overlay: overlay:lib/flowforge.rego"),
        "{md}"
    );
    let html = std::fs::read_to_string(out.path().join("flowforge-audit.html")).unwrap();
    assert!(html.contains("id=\"overlay\"") && html.contains(line), "html");
    let csv = std::fs::read_to_string(out.path().join("flowforge-audit.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",check_source"), "{csv}");
    assert!(csv.contains(" + overlay:lib/flowforge.rego"), "csv rows name the overlay");

    // Without an overlay, none of it.
    let plain = tempfile::tempdir().unwrap();
    let o = common::evaluate(&repo("examples/snapshots/prod-drifted.json"), plain.path(), &["--format", "json,md"]);
    assert!(!text(&o).contains("overlay"), "{}", text(&o));
    let md = std::fs::read_to_string(plain.path().join("flowforge-audit.md")).unwrap();
    assert!(!md.contains("overlay"));
}

/// Issue 22 item 5: an overlay's `print()` wrote raw escape sequences to the terminal, and an
/// overlay that builds a huge string (`replace(big, "x", big)`) aborted the run with no report.
/// Prints are gathered and logged escaped (`-v`); the huge string is refused by the bounded
/// builtin, the check is ERROR with the reason and the run writes its report.
#[test]
fn overlay_print_is_escaped_and_huge_strings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    overlay_check(
        dir.path(),
        "FF-S3-904",
        "printer",
        "deny contains {\"arn\": b.arn, \"message\": \"m\"} if {\n\tsome b in input.s3.buckets\n\tprint(\"\\u001b]0;pwned\\u0007\\u001b[2J\\u202eGATE PASSED\", b.name)\n\tfalse\n}",
    );
    overlay_check(
        dir.path(),
        "FF-S3-905",
        "huge_string",
        "big := concat(\"\", [s | some i in numbers.range(1, 100000); s := \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"])\n\n\
         deny contains {\"arn\": b.arn, \"message\": sprintf(\"%d\", [count(replace(big, \"x\", big))])} if some b in input.s3.buckets",
    );
    let (o, report) = evaluate(&compliant(), &["--policies", dir.path().to_str().unwrap(), "-v"]);
    let t = text(&o);
    for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!t.contains(raw), "{raw:?} reached the terminal: {t}");
    }
    assert!(
        t.contains("print: overlay:aws/s3/printer.rego:")
            && t.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}GATE PASSED"),
        "the print is logged, escaped: {t}"
    );
    assert_eq!(o.status.code(), Some(1), "{t}");
    let s = statuses(&report, "FF-S3-905");
    assert!(!s.is_empty() && s.iter().all(|(st, m)| st == "ERROR" && m.contains("over the bound")), "{s:?}");
    assert_eq!(only_status(&report, "FF-RDS-004"), "PASS");
}
