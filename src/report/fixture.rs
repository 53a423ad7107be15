//! A fully populated sample [`AuditReport`] for the report tests and documentation.
//!
//! It holds every status, every severity, a waiver, collection errors, a broken check, drift
//! items of every state, framework mappings, a check with many failing resources (to exercise
//! list caps) and hostile strings from "the account" (HTML/script tags, spreadsheet formulas,
//! Markdown table syntax), so a test that renders it exercises the escaping of each format.
//! Built in code rather than read from a file so it follows the model types as they evolve.
//!
//! Compiled for the unit tests only (it is not part of the shipped library). The integration
//! tests, which see only the public library, read the same reports from
//! `tests/data/reports/{sample,empty,hostile}.json`; `fixture_files_match_the_fixture` below fails when
//! those files fall behind this code and says how to regenerate them.

use std::collections::BTreeMap;

use serde_json::json;

use crate::model::{
    finding_id, AppliedWaiver, AuditReport, CheckMeta, CheckResult, CheckRun, CollectionError, DriftItem, DriftReport,
    DriftState, GateDecision, IacSummary, Provenance, Severity, SourceLocations, Status, Summary, TerraformBlock,
    WaiverNote, WaiverState, REPORT_SCHEMA_VERSION,
};

/// A resource name that would run script if an HTML report did not escape it.
pub const HOSTILE_IMG: &str = r#"<img src=x onerror="document.title='pwned'">"#;
/// A resource name that would run script if an HTML report did not escape it.
pub const HOSTILE_SCRIPT: &str = "<script>document.title='pwned'</script>";
/// A tag value that a spreadsheet would run as a formula.
pub const HOSTILE_FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

const ACCOUNT: &str = "123456789012";

fn check(id: &str, svc: &str, file: &str, title: &str, severity: Severity, collection: &str, area: &str) -> CheckRun {
    let mut frameworks = BTreeMap::new();
    match id {
        "FF-S3-001" => {
            frameworks.insert("cis-aws-foundations".to_string(), vec!["2.1.1".to_string()]);
            frameworks.insert("aws-fsbp".to_string(), vec!["S3.5".to_string()]);
            frameworks.insert("nist-800-53-r5".to_string(), vec!["SC-8".to_string(), "SC-8(1)".to_string()]);
        }
        "FF-S3-002" => {
            frameworks.insert("aws-fsbp".to_string(), vec!["S3.4".to_string()]);
            frameworks.insert("nist-800-53-r5".to_string(), vec!["SC-28".to_string()]);
        }
        "FF-RDS-001" => {
            frameworks.insert("nist-800-53-r5".to_string(), vec!["SC-8".to_string()]);
        }
        "FF-IAM-001" => {
            frameworks.insert("cis-aws-foundations".to_string(), vec!["1.16".to_string()]);
            frameworks.insert("aws-fsbp".to_string(), vec!["IAM.1".to_string()]);
            frameworks.insert("nist-800-53-r5".to_string(), vec!["AC-6".to_string()]);
        }
        "FF-EC2-001" => {
            frameworks.insert("aws-fsbp".to_string(), vec!["EC2.8".to_string()]);
        }
        "FF-SECRETS-001" => {
            frameworks.insert("aws-fsbp".to_string(), vec!["SecretsManager.1".to_string()]);
        }
        _ => {}
    }
    CheckRun {
        meta: CheckMeta {
            id: id.to_string(),
            package: format!("flowforge.aws.{svc}.{file}"),
            title: title.to_string(),
            description: format!("{title}. Enforced for every FlowForge resource in the collection `{collection}`."),
            severity,
            collection: collection.to_string(),
            remediation: format!("Fix `{collection}`: {title}. See the FlowForge deployment guide."),
            frameworks,
            guide_section: "4.2 Security baseline".to_string(),
            area: area.to_string(),
            source: format!("builtin:policies/aws/{svc}/{file}.rego"),
            overlay_libraries: Vec::new(),
        },
        error: None,
    }
}

fn result(check: &CheckRun, status: Status, arn: &str, name: &str, region: &str, message: &str) -> CheckResult {
    let evidence = match status {
        Status::Fail | Status::Waived => vec![json!({"arn": arn, "observed": message})],
        _ => Vec::new(),
    };
    CheckResult {
        finding_id: finding_id(&check.meta.id, arn),
        check_id: check.meta.id.clone(),
        severity: check.meta.severity,
        status,
        resource_arn: arn.to_string(),
        resource_name: name.to_string(),
        region: region.to_string(),
        message: message.to_string(),
        evidence,
        waiver: None,
    }
}

/// Counts results the way the engine does, so the fixture's summary matches its results.
pub fn summarise(checks: &[CheckRun], results: &[CheckResult]) -> Summary {
    let mut by_status: BTreeMap<String, usize> = Status::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
    let mut failed_by_severity: BTreeMap<String, usize> =
        Severity::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
    let mut resources: Vec<&str> = Vec::new();
    for r in results {
        *by_status.entry(r.status.as_str().to_string()).or_default() += 1;
        if r.status == Status::Fail {
            *failed_by_severity.entry(r.severity.as_str().to_string()).or_default() += 1;
        }
        resources.push(&r.resource_arn);
    }
    resources.sort_unstable();
    resources.dedup();
    Summary {
        checks: checks.len(),
        resources: resources.len(),
        results: results.len(),
        by_status,
        failed_by_severity,
        ..Default::default()
    }
}

/// The sample report (see the module comment).
pub fn sample_report() -> AuditReport {
    let s3_tls = check(
        "FF-S3-001",
        "s3",
        "tls_only",
        "S3 buckets deny requests without TLS",
        Severity::Critical,
        "s3.buckets",
        "tls",
    );
    let s3_enc = check(
        "FF-S3-002",
        "s3",
        "kms_encryption",
        "S3 buckets are encrypted with KMS",
        Severity::High,
        "s3.buckets",
        "encryption",
    );
    let rds_ssl =
        check("FF-RDS-001", "rds", "force_ssl", "RDS instances force SSL", Severity::High, "rds.instances", "tls");
    let iam_star = check(
        "FF-IAM-001",
        "iam",
        "no_admin_star",
        "No IAM policy allows * on *",
        Severity::Critical,
        "iam.roles",
        "iam",
    );
    let ec2_imds = check(
        "FF-EC2-001",
        "ec2",
        "imdsv2_required",
        "EC2 instances require IMDSv2",
        Severity::Medium,
        "ec2.instances",
        "hygiene",
    );
    let sm_rot = check(
        "FF-SECRETS-001",
        "secretsmanager",
        "rotation_enabled",
        "Secrets rotate automatically",
        Severity::Low,
        "secretsmanager.secrets",
        "hygiene",
    );
    let cfg_rec = check(
        "FF-CONFIG-001",
        "config",
        "recorder_on",
        "AWS Config records all resources",
        Severity::Info,
        "config.recorders",
        "hygiene",
    );
    let mut eks_pub = check(
        "FF-EKS-001",
        "eks",
        "endpoint_private",
        "EKS API endpoint is not public",
        Severity::Medium,
        "eks.clusters",
        "network",
    );
    eks_pub.error = Some("policies/aws/eks/endpoint_private.rego:12: undefined var `input.eks.cluster`".to_string());

    let bucket = |n: &str| format!("arn:aws:s3:::{n}");
    let mut results = Vec::new();

    // FF-CONFIG-001: one PASS.
    results.push(result(
        &cfg_rec,
        Status::Pass,
        "arn:aws:config:eu-west-1:123456789012:config-recorder/default",
        "default",
        "eu-west-1",
        "",
    ));

    // FF-EC2-001: many FAILs (list caps), one PASS.
    for i in 0..14 {
        let arn = format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0{i:015x}");
        let name = if i == 0 { HOSTILE_FORMULA.to_string() } else { format!("flowforge-prod-worker-{i:02}") };
        let mut r =
            result(&ec2_imds, Status::Fail, &arn, &name, "eu-west-1", "IMDSv1 is allowed (http_tokens = optional)");
        r.evidence = vec![json!({"http_tokens": "optional", "tags": {"Name": name}})];
        results.push(r);
    }
    results.push(result(
        &ec2_imds,
        Status::Pass,
        &format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0ffffffffffffff0"),
        "flowforge-prod-bastion",
        "eu-west-1",
        "",
    ));

    // FF-EKS-001: broken check → ERROR.
    results.push(result(&eks_pub, Status::Error, &format!("arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/flowforge-prod"), "flowforge-prod", "eu-west-1", "the check could not be evaluated: policies/aws/eks/endpoint_private.rego:12: undefined var `input.eks.cluster`"));

    // FF-IAM-001: UNKNOWN (collection error) and FAIL with a hostile name.
    let mut unknown = result(
        &iam_star,
        Status::Unknown,
        &format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-devops"),
        "flowforge-prod-devops",
        "global",
        "iam.roles could not be collected: AccessDenied on ListRolePolicies",
    );
    unknown.evidence = vec![
        json!({"service": "iam", "operation": "ListRolePolicies", "region": "global", "error_code": "AccessDenied"}),
    ];
    results.push(unknown);
    let mut iam_fail = result(
        &iam_star,
        Status::Fail,
        &format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-worker"),
        HOSTILE_SCRIPT,
        "global",
        "inline policy `worker|admin` allows Action * on Resource *",
    );
    iam_fail.evidence = vec![
        json!({"policy": "worker|admin", "statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}, "tags": {"owner": "<script>alert(1)</script>"}}),
    ];
    results.push(iam_fail);

    // FF-RDS-001: FAIL, NOT_APPLICABLE.
    results.push(result(
        &rds_ssl,
        Status::Fail,
        &format!("arn:aws:rds:eu-west-1:{ACCOUNT}:db:flowforge-prod-metadata"),
        "flowforge-prod-metadata",
        "eu-west-1",
        "rds.force_ssl is 0",
    ));
    results.push(result(
        &rds_ssl,
        Status::NotApplicable,
        &format!("arn:aws:rds:eu-west-1:{ACCOUNT}:db:reporting-legacy"),
        "reporting-legacy",
        "eu-west-1",
        "not a FlowForge database (out of scope)",
    ));

    // FF-S3-001: FAIL with a hostile name, WAIVED, PASS.
    results.push(result(
        &s3_tls,
        Status::Fail,
        &bucket("flowforge-prod-landing"),
        HOSTILE_IMG,
        "eu-west-1",
        "bucket policy has no Deny on aws:SecureTransport = false",
    ));
    let mut waived = result(
        &s3_tls,
        Status::Waived,
        &bucket("flowforge-prod-logs"),
        "flowforge-prod-logs",
        "eu-west-1",
        "bucket policy has no Deny on aws:SecureTransport = false",
    );
    waived.waiver = Some(Box::new(AppliedWaiver {
        reason: "Log delivery service cannot use TLS-only policy until migration".to_string(),
        owner: "platform-team@example.com".to_string(),
        ticket: Some("SEC-1234".to_string()),
        expires: "2099-12-31".to_string(),
    }));
    results.push(waived);
    results.push(result(
        &s3_tls,
        Status::Pass,
        &bucket("flowforge-prod-silver"),
        "flowforge-prod-silver",
        "eu-west-1",
        "",
    ));

    // FF-S3-002: FAIL with a Markdown-hostile message, PASS.
    let mut enc = result(
        &s3_enc,
        Status::Fail,
        &bucket("flowforge-prod-gold"),
        "flowforge-prod-gold",
        "eu-west-1",
        "default encryption is `AES256` | expected aws:kms",
    );
    enc.evidence = vec![json!({"sse_algorithm": "AES256", "expected": "aws:kms", "note": "+cmd|' /C calc'!A0"})];
    results.push(enc);
    results.push(result(
        &s3_enc,
        Status::Pass,
        &bucket("flowforge-prod-silver"),
        "flowforge-prod-silver",
        "eu-west-1",
        "",
    ));

    // FF-SECRETS-001: FAIL, UNKNOWN.
    results.push(result(
        &sm_rot,
        Status::Fail,
        &format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:flowforge-prod/db-AbCdEf"),
        "@SUM(1+1)",
        "eu-west-1",
        "rotation is disabled",
    ));
    let mut sm_unknown = result(
        &sm_rot,
        Status::Unknown,
        &format!("arn:aws:secretsmanager:eu-central-1:{ACCOUNT}:secret:flowforge-prod/api-XyZ123"),
        "flowforge-prod/api",
        "eu-central-1",
        "secretsmanager.secrets could not be collected in eu-central-1: Throttling",
    );
    sm_unknown.evidence = vec![
        json!({"service": "secretsmanager", "operation": "ListSecrets", "region": "eu-central-1", "error_code": "Throttling"}),
    ];
    results.push(sm_unknown);

    let mut checks = vec![s3_tls, s3_enc, rds_ssl, iam_star, ec2_imds, sm_rot, cfg_rec, eks_pub];
    checks.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    results.sort_by(|a, b| (&a.check_id, &a.resource_arn).cmp(&(&b.check_id, &b.resource_arn)));
    let summary = summarise(&checks, &results);

    let collection_errors = vec![
        CollectionError {
            service: "iam".to_string(),
            operation: "ListRolePolicies".to_string(),
            region: "global".to_string(),
            resource: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-devops")),
            error_code: "AccessDenied".to_string(),
            message: "User: arn:aws:sts::123456789012:assumed-role/auditor/ci is not authorized to perform: iam:ListRolePolicies <denied>".to_string(),
        },
        CollectionError {
            service: "secretsmanager".to_string(),
            operation: "ListSecrets".to_string(),
            region: "eu-central-1".to_string(),
            resource: None,
            error_code: "Throttling".to_string(),
            message: "Rate exceeded".to_string(),
        },
    ];

    let drift = DriftReport {
        architecture_coverage_percent: 83.33,
        declared_elements: 6,
        in_sync_elements: 5,
        items: vec![
            DriftItem {
                drift_id: "0a1b2c3d4e5f6071".to_string(),
                kind: "architecture".to_string(),
                element: "bucket:gold".to_string(),
                state: DriftState::Changed,
                severity: Severity::High,
                resource_arn: Some(bucket("flowforge-prod-gold")),
                attribute: Some("encryption.rules[0].sse_algorithm".to_string()),
                expected: Some(json!("aws:kms")),
                actual: Some(json!("AES256")),
                message: "bucket gold is encrypted with AES256, the baseline expects aws:kms".to_string(),
                waiver: None,
            },
            DriftItem {
                drift_id: "1b2c3d4e5f607182".to_string(),
                kind: "architecture".to_string(),
                element: "bucket:landing".to_string(),
                state: DriftState::InSync,
                severity: Severity::Info,
                resource_arn: Some(bucket("flowforge-prod-landing")),
                attribute: None,
                expected: None,
                actual: None,
                message: "in sync".to_string(),
                waiver: None,
            },
            DriftItem {
                drift_id: "2c3d4e5f60718293".to_string(),
                kind: "architecture".to_string(),
                element: "vpc_endpoint:secretsmanager".to_string(),
                state: DriftState::Missing,
                severity: Severity::High,
                resource_arn: None,
                attribute: None,
                expected: Some(json!({"type": "Interface", "private_dns": true})),
                actual: None,
                message: "no Secrets Manager interface endpoint in vpc flowforge-prod".to_string(),
                waiver: None,
            },
            DriftItem {
                drift_id: "3d4e5f60718293a4".to_string(),
                kind: "least-privilege".to_string(),
                element: "role:devops".to_string(),
                state: DriftState::Changed,
                severity: Severity::Medium,
                resource_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-devops")),
                attribute: Some("excess_actions".to_string()),
                expected: Some(json!([])),
                actual: Some(json!(["iam:PassRole", "s3:DeleteBucket"])),
                message: "role devops has 2 actions beyond its baseline".to_string(),
                waiver: None,
            },
            DriftItem {
                drift_id: "4e5f60718293a4b5".to_string(),
                kind: "network".to_string(),
                element: "sg:sg-0badc0ffee".to_string(),
                state: DriftState::Unmanaged,
                severity: Severity::Low,
                resource_arn: Some(format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-0badc0ffee")),
                attribute: None,
                expected: None,
                actual: Some(json!({"name": "<b>temp</b> debug", "ingress": ["0.0.0.0/0:5432"]})),
                message: "security group `temp|debug` is not part of the FlowForge architecture".to_string(),
                waiver: None,
            },
        ],
        iac: Some(IacSummary {
            state_file: "terraform/prod.tfstate".to_string(),
            managed_in_sync: 40,
            changed: 1,
            missing: 1,
            unmanaged: 1,
            coverage_percent: 95.24,
            unknown_types: BTreeMap::from([("aws_cloudwatch_log_group".to_string(), 3)]),
        }),
    };

    let mut report = AuditReport {
        report_schema_version: REPORT_SCHEMA_VERSION,
        environment: "prod".to_string(),
        account_id: ACCOUNT.to_string(),
        partition: "aws".to_string(),
        regions: vec!["eu-central-1".to_string(), "eu-west-1".to_string()],
        collected_at: "2025-03-14T09:26:53Z".to_string(),
        provenance: Provenance {
            tool_version: "0.1.0".to_string(),
            snapshot_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_string(),
            baseline_sha256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752".to_string(),
            catalog_sha256: "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13".to_string(),
            catalog_checks: checks.len(),
            help_uri_base: None,
            selection: None,
            overlay: None,
        },
        summary,
        gate: GateDecision {
            passed: false,
            fail_on: "high".to_string(),
            require_complete_audit: true,
            reasons: vec![
                "3 FAIL results at or above high (FF-IAM-001, FF-RDS-001, FF-S3-001)".to_string(),
                "2 UNKNOWN results and prod requires a complete audit".to_string(),
                "check FF-EKS-001 could not be evaluated (ERROR)".to_string(),
            ],
        },
        checks,
        results,
        collection_errors,
        waivers: sample_waiver_notes(),
        drift: Some(drift),
        compliance: Vec::new(),
        history: Vec::new(),
        sources: SourceLocations {
            baseline: Some("audit/baseline.yaml".to_string()),
            terraform: vec![TerraformBlock {
                address: "aws_s3_bucket.landing".to_string(),
                arn: Some("arn:aws:s3:::flowforge-prod-landing".to_string()),
                file: "infra/storage.tf".to_string(),
                line: 12,
            }],
        },
    };
    with_compliance(&mut report);
    report
}

/// Fills the report's compliance view and the richer summary from its checks and results,
/// against the shipped framework definitions (as the audit does).
pub fn with_compliance(report: &mut AuditReport) {
    let defs = crate::compliance::builtin().unwrap_or_default();
    report.compliance = crate::compliance::assess(&defs, &report.checks, &report.results);
    crate::compliance::enrich_summary(&mut report.summary, &report.results, &report.compliance, report.drift.as_ref());
}

/// One waiver note of each state: the applied one behind the WAIVED result, an expiring one,
/// an expired one with a hostile owner, and a stale one.
fn sample_waiver_notes() -> Vec<WaiverNote> {
    let note = |line: u32,
                check: &str,
                selector: &str,
                owner: &str,
                expires: &str,
                state: WaiverState,
                matched: usize,
                message: &str| WaiverNote {
        location: format!("waivers.yaml:{line}"),
        check_id: check.to_string(),
        selector: selector.to_string(),
        owner: owner.to_string(),
        reason: "accepted risk".to_string(),
        expires: expires.to_string(),
        state,
        matched,
        message: message.to_string(),
    };
    vec![
        note(
            3,
            "FF-S3-001",
            "arn:aws:s3:::flowforge-prod-logs",
            "platform-team@example.com",
            "2099-12-31",
            WaiverState::Applied,
            1,
            "applied to 1 FAIL result",
        ),
        note(
            9,
            "FF-S3-002",
            "arn:aws:s3:::flowforge-prod-gold",
            "data-team@example.com",
            "2026-12-01",
            WaiverState::Expiring,
            1,
            "expires in 5 days",
        ),
        note(
            15,
            "FF-RDS-001",
            "tag:team=reporting",
            HOSTILE_SCRIPT,
            "2026-01-31",
            WaiverState::Expired,
            0,
            "expired on 2026-01-31: its findings count again",
        ),
        note(
            21,
            "FF-IAM-001",
            "arn:aws:iam::123456789012:role/gone",
            HOSTILE_FORMULA,
            "2099-12-31",
            WaiverState::Stale,
            0,
            "matches no FAIL result: remove it",
        ),
    ]
}

/// A report with no results, no checks and no drift: every format must still render it.
pub fn empty_report() -> AuditReport {
    let mut report = sample_report();
    report.checks.clear();
    report.results.clear();
    report.collection_errors.clear();
    report.drift = None;
    report.summary = summarise(&[], &[]);
    with_compliance(&mut report);
    report.gate =
        GateDecision { passed: true, fail_on: "high".to_string(), require_complete_audit: true, reasons: Vec::new() };
    report
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The JSON copies the integration tests read are this fixture, byte for byte (one source:
    /// regenerate with `FLOWFORGE_REGENERATE=1 cargo test --lib fixture_files_match_the_fixture`).
    #[test]
    fn fixture_files_match_the_fixture() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reports");
        let hostile = serde_json::json!({ "img": super::HOSTILE_IMG, "script": super::HOSTILE_SCRIPT });
        for (name, value) in [
            ("sample.json", serde_json::to_value(super::sample_report()).unwrap()),
            ("empty.json", serde_json::to_value(super::empty_report()).unwrap()),
            ("hostile.json", hostile),
        ] {
            let want = serde_json::to_string_pretty(&value).unwrap() + "\n";
            let path = dir.join(name);
            if std::env::var_os("FLOWFORGE_REGENERATE").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            }
            let have = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                have == want,
                "{} is not the fixture of src/report/fixture.rs: regenerate it with \
                 `FLOWFORGE_REGENERATE=1 cargo test --lib fixture_files_match_the_fixture`",
                path.display()
            );
        }
    }
}
