//! The builtin policy catalog, end to end: every check is well-formed, documented and tested,
//! and its Rego unit tests pass through the same runner as `flowforge-audit policy test`.

use std::collections::BTreeSet;

use flowforge_audit::policy::{is_valid_check_id, render_text, run_tests, test_rule_names, Catalog, TestOutcome};

/// The checks the audit promises (docs/checks.md / docs/policies.md); removing one is a breaking change.
const REQUIRED_IDS: &[&str] = &[
    "FF-CFG-001",
    "FF-CFG-002",
    "FF-EC2-001",
    "FF-EC2-002",
    "FF-EKS-001",
    "FF-EKS-002",
    "FF-ELB-001",
    "FF-IAM-001",
    "FF-IAM-002",
    "FF-IAM-003",
    "FF-IAM-004",
    "FF-IAM-005",
    "FF-IAM-006",
    "FF-IAM-007",
    "FF-IAM-008",
    "FF-IAM-009",
    "FF-IAM-010",
    "FF-NET-001",
    "FF-NET-002",
    "FF-NET-003",
    "FF-NET-004",
    "FF-NET-005",
    "FF-RDS-001",
    "FF-RDS-002",
    "FF-RDS-003",
    "FF-RDS-004",
    "FF-S3-001",
    "FF-S3-002",
    "FF-S3-003",
    "FF-S3-004",
    "FF-S3-005",
    "FF-SM-001",
    "FF-SM-002",
    "FF-VPC-001",
    "FF-VPC-002",
    "FF-VPC-003",
    "FF-VPC-004",
    "FF-VPC-005",
];

/// Every Rego unit test of the builtin catalog passes, and there are enough of them.
#[test]
fn builtin_rego_tests_all_pass() {
    let catalog = Catalog::builtin().unwrap();
    let summary = run_tests(&catalog, None, true);
    let text = render_text(&summary, false);
    assert_eq!(summary.failed(), 0, "{text}");
    assert!(summary.total() >= 120, "only {} Rego tests:\n{text}", summary.total());
    assert!(text.contains(&format!("PASS: {n}/{n}", n = summary.total())), "{text}");
    // Coverage is reported for every check file, and every check is exercised.
    let coverage = summary.coverage.as_ref().unwrap();
    for check in catalog.checks() {
        let file = coverage
            .iter()
            .find(|f| f.file == check.file.source)
            .unwrap_or_else(|| panic!("no coverage for {}", check.file.source));
        assert!(file.percent > 50.0, "{} is barely covered ({:.1}%)", file.file, file.percent);
    }
}

/// Ids are unique, well-formed, and name the check's area (FF-S3-… lives under aws/s3/ etc.).
#[test]
fn ids_are_unique_and_well_formed() {
    let catalog = Catalog::builtin().unwrap();
    let ids: Vec<&str> = catalog.checks().iter().map(|c| c.meta.id.as_str()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids in {ids:?}");
    for id in &ids {
        assert!(is_valid_check_id(id), "{id}");
    }
    for required in REQUIRED_IDS {
        assert!(unique.contains(required), "missing check {required}");
    }
}

/// Every check has a test file with at least one passing-case and one failing-case test.
#[test]
fn every_check_has_pass_and_fail_tests() {
    let catalog = Catalog::builtin().unwrap();
    for check in catalog.checks() {
        let test = check.test.as_ref().unwrap_or_else(|| panic!("{} has no test file", check.meta.id));
        let names = test_rule_names(&test.text);
        assert!(
            names.iter().any(|n| n.starts_with("test_pass_")),
            "{}: no test_pass_* in {}",
            check.meta.id,
            test.source
        );
        assert!(
            names.iter().any(|n| n.starts_with("test_fail_")),
            "{}: no test_fail_* in {}",
            check.meta.id,
            test.source
        );
    }
}

/// A Rego test that fails is reported as a failure (the runner cannot silently pass).
#[test]
fn failing_rego_test_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("aws/s3");
    std::fs::create_dir_all(&svc).unwrap();
    std::fs::write(
        svc.join("always_fails.rego"),
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: FF-S3-990\n#   severity: low\n#   collection: s3.buckets\n\
         #   remediation: R\n#   frameworks: {}\n#   guide_section: G\n#   area: hygiene\npackage flowforge.aws.s3.always_fails\n\n\
         import rego.v1\n\ndeny contains {\"arn\": b.arn, \"message\": \"m\"} if some b in input.s3.buckets\n",
    )
    .unwrap();
    std::fs::write(
        svc.join("always_fails_test.rego"),
        "package flowforge.aws.s3.always_fails_test\n\nimport data.flowforge.aws.s3.always_fails\nimport rego.v1\n\n\
         test_pass_expects_no_findings if {\n\tcount(always_fails.deny) == 0 with input as {\"s3\": {\"buckets\": [{\"arn\": \"a\"}]}}\n}\n\n\
         test_fail_finds_one if {\n\tcount(always_fails.deny) == 1 with input as {\"s3\": {\"buckets\": [{\"arn\": \"a\"}]}}\n}\n",
    )
    .unwrap();
    let catalog = Catalog::with_overlay(dir.path()).unwrap();
    let summary = run_tests(&catalog, Some("always_fails_test"), false);
    assert_eq!(summary.total(), 2);
    assert_eq!(summary.failed(), 1);
    let failed = summary.results.iter().find(|r| r.outcome == TestOutcome::Fail).unwrap();
    assert_eq!(failed.name, "data.flowforge.aws.s3.always_fails_test.test_pass_expects_no_findings");
    let text = render_text(&summary, false);
    assert!(text.contains("FAIL: 1/2"), "{text}");
    assert!(!summary.is_success());
}
