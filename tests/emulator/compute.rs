//! ECS, ECR, App Runner and EKS through `scan`: each compute drift fails exactly its checks, IMDS
//! through launch templates, a denied service is UNKNOWN, and the API calls per resource are minimal.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{describe, results_with, scan, seeded};
use crate::support::moto::Moto;

/// Compute (ECS, ECR, IRSA, EKS data plane): every compute drift at once, each on its own
/// resource; each drifted resource FAILs exactly its checks, nothing else FAILs, and the prod
/// gate fails. With the compliant seed (`compliant_account_has_no_fail`) the same checks PASS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_drifts_fail_exactly_their_checks() {
    use crate::support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let mut expected: std::collections::BTreeMap<String, BTreeSet<&str>> = std::collections::BTreeMap::new();
    for drift in ComputeDrift::ALL {
        for (arn, checks) in s.compute.inject(&clients, &moto.apprunner, &s, drift).await {
            expected.entry(arn).or_default().extend(checks);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let mut failed: std::collections::BTreeMap<String, BTreeSet<&str>> = std::collections::BTreeMap::new();
    for f in results_with(&report, "FAIL") {
        let id = f["check_id"].as_str().unwrap_or_default();
        failed.entry(f["resource_arn"].as_str().unwrap_or_default().to_owned()).or_default().insert(id);
    }
    assert_eq!(failed, expected, "FAILs by resource:\n{}", describe(&results_with(&report, "FAIL")));
    let unknown = results_with(&report, "UNKNOWN");
    assert!(unknown.is_empty(), "nothing may be UNKNOWN:\n{}", describe(&unknown));
    assert_eq!(out.status.code(), Some(1), "a prod FAIL fails the gate");
}

/// Compute: a scanner denied ECR makes every ECR check and the ECS image check (which reads
/// the repositories) UNKNOWN, never PASS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_denied_ecr_is_unknown() {
    let moto = Moto::start();
    let (clients, _s) = seeded(&moto).await;
    let (key_id, secret) = crate::support::scanner_denied(&clients, &moto, "ecr").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, &key_id, &secret, dir.path(), &["--format", "json"]);
    let ids = |status: &str| -> BTreeSet<String> {
        results_with(&report, status).iter().filter_map(|r| r["check_id"].as_str().map(str::to_owned)).collect()
    };
    let unknown = ids("UNKNOWN");
    for id in ["FF-ECR-001", "FF-ECR-002", "FF-ECR-003", "FF-ECR-004", "FF-ECR-005", "FF-ECS-004"] {
        assert!(unknown.contains(id), "{id} must be UNKNOWN: {unknown:?}");
        assert!(!ids("PASS").contains(id), "{id} must not PASS with ECR denied");
    }
    assert_eq!(out.status.code(), Some(1), "prod requires a complete audit");
}

/// The status each result of `check` has, by resource ARN.
fn statuses<'a>(report: &'a Value, check: &str) -> std::collections::BTreeMap<&'a str, &'a str> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check_id"] == check)
        .map(|r| (r["resource_arn"].as_str().unwrap_or_default(), r["status"].as_str().unwrap_or_default()))
        .collect()
}

/// IMDS of node groups (FF-EKS-006) on moto: the compliant workers' template (tokens
/// required, hop limit 1, named by number) PASSes; a node group on `$Latest` of a template
/// whose latest version allows IMDSv1 FAILs, which only a correct `$Latest` resolution finds
/// (its default version is compliant).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imds_node_group_templates_fail_on_imdsv1_and_pass_compliant() {
    use crate::support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    let drifted = s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::LegacyImdsNodeGroup).await;
    let legacy = drifted[0].0.as_str();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let got = statuses(&report, "FF-EKS-006");
    let expected = std::collections::BTreeMap::from([(s.compute.node_group_arn.as_str(), "PASS"), (legacy, "FAIL")]);
    assert_eq!(got, expected, "{}", describe(&results_with(&report, "FAIL")));
    let fail = results_with(&report, "FAIL").into_iter().find(|r| r["check_id"] == "FF-EKS-006").expect("the FAIL");
    assert!(fail["message"].as_str().unwrap_or_default().contains("version 2"), "{fail}");
}

/// IMDS of node groups, fail closed: when the workers' launch template is deleted, FF-EKS-006
/// is UNKNOWN on the node group (never PASS) and the failed call is recorded under the
/// template's ARN, while the node group's other checks (FF-EKS-005) still judge it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imds_deleted_launch_template_is_unknown() {
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    clients
        .ec2
        .delete_launch_template()
        .launch_template_id(&s.compute.workers_template_id)
        .send()
        .await
        .expect("delete template");
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = scan(&moto, "testing", "testing", dir.path(), &["--format", "json"]);
    let group = s.compute.node_group_arn.as_str();
    assert_eq!(statuses(&report, "FF-EKS-006").get(group), Some(&"UNKNOWN"), "{report}");
    assert_eq!(statuses(&report, "FF-EKS-005").get(group), Some(&"PASS"));
    let errors = report["collection_errors"].as_array().expect("collection errors");
    assert!(
        errors.iter().any(|e| e["operation"] == "DescribeLaunchTemplateVersions"
            && e["resource"].as_str().is_some_and(|r| r.ends_with(&s.compute.workers_template_id))),
        "the failed read is recorded under the template: {errors:?}"
    );
    assert_eq!(out.status.code(), Some(1), "prod requires a complete audit");
}

/// Compute: the ECS, ECR, App Runner, node-group and OIDC-provider collection makes exactly
/// the calls the APIs require for the seeded account (batched descriptions, one call per
/// resource only where the API has no batch form), so its calls per resource stay at the
/// minimum, well within 1.3 times it (docs/development.md, "Performance").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compute_api_calls_per_resource_are_minimal() {
    use crate::support::seed_compute::ComputeDrift;
    let moto = Moto::start();
    let (clients, s) = seeded(&moto).await;
    // A second node group and an App Runner service, so every listing returns something.
    s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::PublicNodeGroup).await;
    s.compute.inject(&clients, &moto.apprunner, &s, ComputeDrift::AppRunnerDemo).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let stats = dir.path().join("calls.json");
    let snap = dir.path().join("snapshot.json");
    let (stats_arg, snap_arg) = (stats.to_str().expect("utf-8").to_owned(), snap.to_str().expect("utf-8").to_owned());
    let reports = dir.path().join("reports");
    scan(
        &moto,
        "testing",
        "testing",
        &reports,
        &["--format", "json", "--api-stats", &stats_arg, "--save-snapshot", &snap_arg],
    );
    let calls: std::collections::BTreeMap<String, u64> =
        serde_json::from_str(&std::fs::read_to_string(&stats).expect("api stats")).expect("api stats JSON");
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&snap).expect("snapshot")).expect("snapshot JSON");
    let n = |path: &[&str]| path.iter().fold(&snap, |v, k| &v[*k]).as_array().map_or(0, Vec::len) as u64;
    let (clusters, services, task_defs) =
        (n(&["ecs", "clusters"]), n(&["ecs", "services"]), n(&["ecs", "task_definitions"]));
    let (repos, runners) = (n(&["ecr", "repositories"]), n(&["apprunner", "services"]));
    let (groups, profiles, providers) =
        (n(&["eks", "node_groups"]), n(&["eks", "fargate_profiles"]), n(&["iam", "oidc_providers"]));
    // The launch templates the node groups name (both groups share the workers' template).
    let templates = snap["eks"]["node_groups"]
        .as_array()
        .map(|gs| gs.iter().filter_map(|g| g["launch_template"]["id"].as_str()).collect::<BTreeSet<_>>().len())
        .unwrap_or(0) as u64;
    assert_eq!((clusters, services, task_defs, repos, runners, groups, providers), (1, 1, 1, 2, 1, 2, 1));
    assert_eq!(templates, 1, "both node groups start from the workers' template");
    let ops = [
        "ecs:ListClusters",
        "ecs:DescribeClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecr:DescribeRepositories",
        "ecr:GetRegistryScanningConfiguration",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
        "apprunner:ListServices",
        "apprunner:DescribeService",
        "eks:ListNodegroups",
        "eks:DescribeNodegroup",
        "eks:ListFargateProfiles",
        "eks:DescribeFargateProfile",
        "iam:ListOpenIDConnectProviders",
        "iam:GetOpenIDConnectProvider",
        "ec2:DescribeLaunchTemplateVersions",
    ];
    let made: u64 = ops.iter().map(|op| calls.get(*op).copied().unwrap_or(0)).sum();
    // What the APIs require, as the services declare it in the registry (`service!`): one
    // listing per region (per cluster for services, node groups and profiles), DescribeClusters
    // per 100 clusters, DescribeServices per 10 services, one description per task definition,
    // App Runner service, node group, profile and provider, two policy reads per repository
    // plus the registry's scanning mode, one read of each launch template node groups name.
    let typed = flowforge_audit::model::Snapshot::from_json(&snap.to_string()).expect("snapshot");
    let least = flowforge_audit::collect::minimum_calls(&typed);
    let minimum: u64 = ops.iter().map(|op| least.get(*op).copied().unwrap_or(0)).sum();
    for op in ops {
        assert_eq!(calls.get(op), least.get(op), "{op}: calls made and the registry's minimum differ");
    }
    let resources = clusters + services + task_defs + repos + runners + groups + profiles + providers;
    eprintln!(
        "compute: {made} calls for {resources} resources ({:.2} per resource), minimum {minimum} ({:.2}); {calls:?}",
        made as f64 / resources as f64,
        minimum as f64 / resources as f64
    );
    assert!(made * 10 <= minimum * 13, "{made} calls, minimum {minimum}: {calls:?}");
    assert_eq!(made, minimum, "no call beyond what the APIs require: {calls:?}");
}
