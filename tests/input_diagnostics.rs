//! Bad input files through the binary: every problem listed at once with
//! `file:line:col: error[CODE]`, exit 2, and nothing written before the inputs are known good.
//! Each test is named after the defect it pins (issues 9 and 10).

use std::path::Path;
use std::process::Output;

mod common;
use common::{repo, run};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn example() -> String {
    std::fs::read_to_string(repo("examples/snapshots/prod-compliant.json")).expect("shipped example")
}

fn evaluate_all_formats(snapshot: &Path, out: &Path) -> Output {
    common::evaluate(snapshot, out, &["--format", "all"])
}

/// Issue 10: an invalid `collected_at` stamped the reports, and with `--format all` some were
/// written before an error naming the wrong file. Now: exit 2 at load, the snapshot file and
/// the value's position named, and no report written.
#[test]
fn invalid_collected_at_is_refused_before_any_report_is_written() {
    let text = example();
    let line = text.lines().position(|l| l.contains("\"collected_at\"")).expect("example has collected_at") + 1;
    for bad in ["yesterday", "2026-13-45T99:00:00Z", ""] {
        let dir = tempfile::tempdir().unwrap();
        let snap = dir.path().join("stamped.json");
        std::fs::write(&snap, text.replacen("\"2026-11-20T06:00:00Z\"", &format!("{bad:?}"), 1)).unwrap();
        let out = dir.path().join("out");
        let o = evaluate_all_formats(&snap, &out);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        let located = format!("{}:{line}:19: error[S004]: collected_at {bad:?}", snap.display());
        assert!(err.contains(&located), "{bad:?}: expected {located:?} in:\n{err}");
        assert_eq!(err.matches("error[").count(), 1, "{bad:?}: one problem, one line:\n{err}");
        let written: Vec<_> =
            std::fs::read_dir(&out).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        assert!(written.is_empty(), "{bad:?}: reports written before the error: {written:?}");
    }
}

/// Issue 10: a snapshot saved by a Windows editor (UTF-8 byte order mark) was refused as
/// invalid JSON, while the YAML inputs accepted one. It now evaluates like the original.
#[test]
fn snapshot_with_byte_order_mark_is_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.json");
    let bom = dir.path().join("bom.json");
    std::fs::write(&plain, example()).unwrap();
    std::fs::write(&bom, format!("\u{feff}{}", example())).unwrap();
    let a = evaluate_all_formats(&plain, &dir.path().join("a"));
    let b = evaluate_all_formats(&bom, &dir.path().join("b"));
    assert_ne!(b.status.code(), Some(2), "{}", stderr(&b));
    assert_eq!(a.status.code(), b.status.code(), "{}", stderr(&b));
    let csv = |d: &str| std::fs::read_to_string(dir.path().join(d).join("flowforge-audit.csv")).unwrap();
    assert_eq!(csv("a"), csv("b"), "same findings");
}

/// Issue 9: a policy directory with a bad severity, a wrong package and a missing test file
/// reported two problems, and the third only after they were fixed. All three, one run.
#[test]
fn bad_severity_wrong_package_and_missing_test_file_are_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let check = dir.path().join("policies/aws/s3/bad.rego");
    std::fs::create_dir_all(check.parent().unwrap()).unwrap();
    std::fs::write(
        &check,
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: FF-S3-950\n#   severity: urgent\n\
         #   collection: s3.buckets\n#   remediation: R\n#   frameworks: {}\n#   guide_section: G\n#   area: tls\n\
         package flowforge.aws.s3.wrong\n\nimport rego.v1\n\ndeny contains x if { false; x := 1 }\n",
    )
    .unwrap();
    let o = run(&["policy", "list", "--policies", dir.path().join("policies").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let file = check.display().to_string();
    for needle in [
        format!("{file}:6:15: error[M005]: severity \"urgent\""),
        format!("{file}:12:1: error[P002]: package `flowforge.aws.s3.wrong`"),
        format!("{file}: error[P004]: check has no test file aws/s3/bad_test.rego"),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    }
    assert!(err.contains("the policy catalog is invalid (3 errors):"), "{err}");
}

/// Issue 10: `baseline validate` accepted the unclosed placeholder `{env-vpc` and unknown YAML
/// tags; both are now listed, with their codes, in one run.
#[test]
fn baseline_validate_refuses_unclosed_placeholder_and_unknown_tag() {
    let text = std::fs::read_to_string(repo("baselines/flowforge.yaml")).unwrap();
    let broken = text.replacen("name: \"flowforge-{env}-vpc\"", "name: \"flowforge-{env-vpc\"", 1).replacen(
        "environment_tag: \"flowforge:env\"",
        "environment_tag: !env \"flowforge:env\"",
        1,
    );
    assert_ne!(broken, text, "the shipped baseline changed: update this test's replacements");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.yaml");
    std::fs::write(&file, broken).unwrap();
    let o = run(&["baseline", "validate", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error[B005]: architecture.vpc.name: unclosed placeholder"), "{err}");
    assert!(
        err.contains(
            "error[Y003]: recognise.environment_tag: expected a string, found a value with the unknown YAML tag `!env`"
        ),
        "{err}"
    );
}

/// Issue 10: a multi-document waiver file was called "a baseline file".
#[test]
fn multi_document_waiver_file_is_named_as_itself() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.yaml");
    std::fs::write(&waivers, "waivers: []\n---\nwaivers: []\n").unwrap();
    let o = run(&[
        "evaluate",
        "--snapshot",
        repo("examples/snapshots/prod-compliant.json").to_str().unwrap(),
        "--env",
        "prod",
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--waivers",
        waivers.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:3:1: error[Y002]", waivers.display())), "{err}");
    assert!(!err.contains("baseline"), "{err}");
}

/// Issue 10: a Terraform state without `resources` was read as an empty state (every live
/// resource "unmanaged"); one with a byte order mark was refused. Now the first is an error
/// naming the file and the second is read.
#[test]
fn tfstate_without_resources_is_refused_and_byte_order_mark_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = repo("examples/snapshots/prod-compliant.json");
    let evaluate = |state: &Path| {
        common::evaluate(&snapshot, &dir.path().join("out"), &["--expected-from", state.to_str().unwrap()])
    };
    let empty = dir.path().join("empty.tfstate");
    std::fs::write(&empty, "{\"version\": 4, \"terraform_version\": \"1.9.0\"}").unwrap();
    let o = evaluate(&empty);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{}:1:1: error[T003]: no `resources` array", empty.display())),
        "{}",
        stderr(&o)
    );

    let fixture = std::fs::read_to_string(repo("tests/data/tfstate/unit.tfstate")).unwrap();
    let bom = dir.path().join("bom.tfstate");
    std::fs::write(&bom, format!("\u{feff}{fixture}")).unwrap();
    let o = evaluate(&bom);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Ten kilobytes of nested block sequences: 5,000 levels of `- `, which overflowed the stack.
fn deeply_nested_yaml() -> String {
    format!("{}x\n", "- ".repeat(5000))
}

/// The problem the YAML reader gives for it, at the first level too deep (the 65th `-` at the
/// top level of a file, the 64th under a key).
fn too_deep_at(file: &Path, line: usize, col: usize) -> String {
    format!("{}:{line}:{col}: error[Y004]: ", file.display())
}

/// Asserts a refused run: exit 2 (not the abort's 134), the Y004 problem, nothing written.
fn assert_refused_too_deep(o: &Output, expected: &str, out: Option<&Path>) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    assert!(err.contains("lists and mappings nest more than 64 levels deep here"), "{err}");
    assert!(!err.contains("overflow"), "{err}");
    if let Some(out) = out {
        assert!(!out.exists(), "reports were written before the inputs were known good");
    }
}

/// Issue 22, item 3: a 10 KB waiver file of nested block sequences aborted `--waivers` with a
/// stack overflow (rc 134). Now it is refused like any bad input: exit 2, Y004 at its line
/// and column, no report written.
#[test]
fn issue_22_item_3_deeply_nested_waiver_file_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.yaml");
    std::fs::write(&waivers, deeply_nested_yaml()).unwrap();
    let out = dir.path().join("out");
    let snapshot = repo("examples/snapshots/prod-compliant.json");
    let o = common::evaluate(&snapshot, &out, &["--waivers", waivers.to_str().unwrap()]);
    assert_refused_too_deep(&o, &too_deep_at(&waivers, 1, 129), Some(&out));
}

/// Issue 22, item 3: the same file as `--baseline` (and to `baseline validate`) aborted.
#[test]
fn issue_22_item_3_deeply_nested_baseline_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.yaml");
    // Nested inside a real key, where a validator would go looking.
    std::fs::write(&baseline, format!("version: 1\nrecognise:\n  {}", deeply_nested_yaml())).unwrap();
    let out = dir.path().join("out");
    let snapshot = repo("examples/snapshots/prod-compliant.json");
    let o = common::evaluate(&snapshot, &out, &["--baseline", baseline.to_str().unwrap()]);
    assert_refused_too_deep(&o, &too_deep_at(&baseline, 3, 129), Some(&out));
    let o = run(&["baseline", "validate", baseline.to_str().unwrap()]);
    assert_refused_too_deep(&o, &too_deep_at(&baseline, 3, 129), None);
}

/// Issue 22, item 3: `flowforge-audit.yaml`, read from the working directory before any
/// command runs, aborted every command, `--help` aside.
#[test]
fn issue_22_item_3_deeply_nested_configuration_file_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("flowforge-audit.yaml");
    std::fs::write(&config, deeply_nested_yaml()).unwrap();
    let o = common::bin().current_dir(dir.path()).args(["policy", "list"]).output().unwrap();
    assert_refused_too_deep(&o, "flowforge-audit.yaml:1:129: error[Y004]", None);
}

/// Issue 22, item 3: the METADATA block of an overlay policy (`--policies DIR`) is YAML too:
/// nested sequences in its comment aborted `evaluate` and `policy list`. The problem is placed
/// in the Rego file (the comment's `# ` added back to the column).
#[test]
fn issue_22_item_3_deeply_nested_overlay_metadata_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    let check = policies.join("aws/s3/default_encryption.rego");
    std::fs::create_dir_all(check.parent().unwrap()).unwrap();
    let builtin = std::fs::read_to_string(repo("policies/aws/s3/default_encryption.rego")).unwrap();
    let at = builtin.find("# custom:").expect("the check has a custom block");
    let nested = format!("# nested:\n#   {}", deeply_nested_yaml());
    std::fs::write(&check, format!("{}{nested}{}", &builtin[..at], &builtin[at..])).unwrap();
    std::fs::copy(
        repo("policies/aws/s3/default_encryption_test.rego"),
        check.with_file_name("default_encryption_test.rego"),
    )
    .unwrap();
    let line = builtin[..at].lines().count() + 2;
    let expected = format!("{}METADATA: lists and mappings", too_deep_at(&check, line, 131));
    let out = dir.path().join("out");
    let snapshot = repo("examples/snapshots/prod-compliant.json");
    let o = common::evaluate(&snapshot, &out, &["--policies", policies.to_str().unwrap()]);
    assert_refused_too_deep(&o, &expected, Some(&out));
    let o = run(&["policy", "list", "--policies", policies.to_str().unwrap()]);
    assert_refused_too_deep(&o, &expected, None);
}
