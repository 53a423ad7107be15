//! Drift against the moto emulator (issue 4's acceptance): a seeded compliant FlowForge prod
//! account is 100 % in sync; after deleting an endpoint and a bucket, changing RDS and a
//! security group, adding an unmanaged FlowForge-tagged bucket and widening a role's policy,
//! each drift item is exactly the expected one, and the diff of the two scans shows those
//! changes. The hand-written Terraform state `tests/data/tfstate/seeded-prod.tfstate.tmpl`
//! (format 4; `{{...}}` placeholders stand for the ids moto generates) gives the expected
//! managed / changed / missing / unmanaged sets.
//!
//! Needs moto: `scripts/setup-moto.sh` (the tests fail, never skip, without it).

use std::collections::BTreeSet;

use flowforge_audit::baseline::Baseline;
use flowforge_audit::collect;
use flowforge_audit::drift::{self, diff_snapshots, DiffOutcome, TfState};
use flowforge_audit::model::{DriftState, Severity, Snapshot};

use crate::harness::collect_options;
use crate::support::moto::Moto;
use crate::support::seed::{self, Clients, Drift, Seeded, ACCOUNT_ID, REGION};

async fn scan(moto: &Moto) -> Snapshot {
    let options = collect_options(&moto.endpoint, "testing", "testing");
    let out = collect::run(&options).await.expect("collect");
    assert_eq!(out.snapshot.collection_errors, vec![], "a permissive emulator must answer every call");
    out.snapshot
}

/// The injected changes of the acceptance criteria.
async fn break_account(c: &Clients, s: &Seeded) {
    s.inject(c, Drift::VpcEndpoint).await;
    s.inject(c, Drift::MultiAz).await;
    s.inject(c, Drift::NetworkTier).await;
    // The database subnets' ACL must admit the world too, or the path stays closed (a path is
    // open only when both layers allow it).
    crate::support::seed_corpus_network::drift_nacl_open_database_port(c, s).await;
    s.inject(c, Drift::IamScope).await;
    c.s3.delete_bucket().bucket(&s.buckets["gold"]).send().await.expect("delete gold bucket");
    use aws_sdk_s3::types as s3t;
    c.s3.create_bucket().bucket("flowforge-prod-scratch").send().await.expect("create scratch bucket");
    let tags = [("flowforge:app", "flowforge"), ("flowforge:env", "prod")]
        .iter()
        .map(|(k, v)| s3t::Tag::builder().key(*k).value(*v).build().expect("tag"))
        .collect();
    c.s3.put_bucket_tagging()
        .bucket("flowforge-prod-scratch")
        .tagging(s3t::Tagging::builder().set_tag_set(Some(tags)).build().expect("tagging"))
        .send()
        .await
        .expect("tag scratch bucket");
}

fn tfstate_for(s: &Seeded) -> TfState {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tfstate/seeded-prod.tfstate.tmpl");
    let mut text = std::fs::read_to_string(path).expect("state fixture");
    let mut vars: Vec<(String, String)> = vec![
        ("vpc_id".into(), s.vpc_id.clone()),
        ("kms_key_arn".into(), s.kms_key_arn.clone()),
        ("public_route_table".into(), s.public_route_table.clone()),
        ("s3_endpoint_id".into(), s.s3_endpoint_id.clone()),
        ("secrets_endpoint_id".into(), s.secrets_endpoint_id.clone()),
        ("alb_arn".into(), s.alb_arn.clone()),
        ("https_listener_arn".into(), s.https_listener_arn.clone()),
        // The IRSA trust the compute seed pins (a JSON string inside the state's JSON).
        ("worker_trust".into(), {
            let trust = crate::support::seed_compute::worker_trust(&s.compute.oidc_provider_arn, &s.compute.oidc_url);
            let quoted = serde_json::to_string(&trust.to_string()).expect("trust");
            quoted[1..quoted.len() - 1].to_owned()
        }),
    ];
    for (tier, id) in &s.security_groups {
        vars.push((format!("sg:{tier}"), id.clone()));
    }
    for (tier, ids) in &s.subnets {
        vars.extend(ids.iter().enumerate().map(|(i, id)| (format!("subnet:{tier}:{i}"), id.clone())));
    }
    for (name, arn) in &s.secrets {
        vars.push((format!("secret:{name}"), arn.clone()));
    }
    for (k, v) in vars {
        text = text.replace(&format!("{{{{{k}}}}}"), &v);
    }
    assert!(!text.contains("{{"), "unresolved placeholder in the state fixture");
    TfState::parse(&text, "seeded-prod.tfstate").expect("state parses")
}

fn rows(report: &flowforge_audit::model::DriftReport, kind: &str) -> Vec<(String, DriftState, Option<String>)> {
    report.items.iter().filter(|i| i.kind == kind).map(|i| (i.element.clone(), i.state, i.attribute.clone())).collect()
}

/// The whole acceptance scenario in one emulator: compliant scan, drift, second scan, diff,
/// Terraform state against both scans.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_from_compliant_to_broken_account() {
    let moto = Moto::start();
    let clients = Clients::new(&moto.endpoint, "testing", "testing").await;
    let seeded = seed::seed(&clients, "prod").await;
    let view = Baseline::builtin().expect("baseline").env_view("prod", ACCOUNT_ID, "aws").expect("prod view");
    let tf = tfstate_for(&seeded);

    // 1. Compliant: 100 % coverage, no drift at all.
    let before = scan(&moto).await;
    let clean = drift::compute(&before, &view, None);
    assert_eq!(clean.items, vec![], "a compliant account has no drift");
    assert_eq!(clean.architecture_coverage_percent, 100.0);
    assert_eq!((clean.declared_elements, clean.in_sync_elements), (42, 42));

    // The state fixture describes the seeded account: everything it declares is in sync.
    let iac = drift::compute(&before, &view, Some(&tf));
    let summary = iac.iac.clone().expect("iac summary");
    let not_unmanaged: Vec<_> =
        iac.items.iter().filter(|i| i.kind == "iac" && i.state != DriftState::Unmanaged).collect();
    assert!(not_unmanaged.is_empty(), "{not_unmanaged:#?}");
    assert_eq!((summary.managed_in_sync, summary.changed, summary.missing), (18, 0, 0));
    assert_eq!(
        summary.unknown_types.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
        vec![("aws_route_table", 1)]
    );
    let unmanaged: BTreeSet<&str> = iac.items.iter().filter(|i| i.kind == "iac").map(|i| i.element.as_str()).collect();
    assert!(unmanaged.contains(format!("s3.buckets:logs-{ACCOUNT_ID}").as_str()), "{unmanaged:?}");
    assert!(!unmanaged.iter().any(|e| e.contains("flowforge-prod-gold")), "declared resources are managed");

    // 2. Break it and scan again.
    break_account(&clients, &seeded).await;
    let after = scan(&moto).await;
    let report = drift::compute(&after, &view, Some(&tf));

    assert_eq!(
        rows(&report, "architecture"),
        vec![
            ("bucket:flowforge-prod-scratch".into(), DriftState::Unmanaged, None),
            ("bucket:gold".into(), DriftState::Missing, None),
            ("database".into(), DriftState::Changed, Some("multi_az".into())),
            ("vpc_endpoint:secretsmanager".into(), DriftState::Missing, None),
        ]
    );
    let db = report.items.iter().find(|i| i.element == "database").expect("database item");
    assert_eq!(
        (db.expected.clone(), db.actual.clone()),
        (Some(serde_json::json!(true)), Some(serde_json::json!(false)))
    );
    assert_eq!(db.resource_arn.as_deref(), Some(seeded.db_instance_arn.as_str()));
    assert_eq!(
        rows(&report, "network"),
        vec![("flow:internet->database".into(), DriftState::Unmanaged, Some("port:5432".into()))]
    );
    let net = report.items.iter().find(|i| i.kind == "network").expect("network item");
    assert_eq!(net.severity, Severity::Critical);
    assert_eq!(
        rows(&report, "least-privilege"),
        vec![("role:prefect-worker".into(), DriftState::Changed, Some("action:s3:*".into()))]
    );
    let lp = report.items.iter().find(|i| i.kind == "least-privilege").expect("lp item");
    assert_eq!(lp.actual, Some(serde_json::json!(["*"])));
    assert_eq!(rows(&report, "trust"), vec![]);
    assert_eq!(report.architecture_coverage_percent, 92.86, "39 of 42 declared elements in sync");

    let iac_rows: Vec<_> = rows(&report, "iac").into_iter().filter(|(_, st, _)| *st != DriftState::Unmanaged).collect();
    assert_eq!(
        iac_rows,
        vec![
            ("aws_db_instance.metadata".into(), DriftState::Changed, Some("multi_az".into())),
            ("aws_iam_role.prefect_worker".into(), DriftState::Changed, Some("inline_policies".into())),
            ("aws_security_group.database".into(), DriftState::Changed, Some("ingress".into())),
            ("aws_vpc_endpoint.secretsmanager".into(), DriftState::Missing, None),
            ("module.lake.aws_s3_bucket.layer[\"gold\"]".into(), DriftState::Missing, None),
        ]
    );
    let summary = report.iac.clone().expect("iac summary");
    assert_eq!((summary.managed_in_sync, summary.changed, summary.missing), (13, 3, 2));
    assert!(report.items.iter().any(|i| i.kind == "iac"
        && i.element == "s3.buckets:flowforge-prod-scratch"
        && i.state == DriftState::Unmanaged));

    // 3. The diff between the two scans shows the same changes, by ARN and attribute path.
    let diff = diff_snapshots(&before, &after);
    let added: Vec<&str> = diff.added.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(added, vec!["arn:aws:s3:::flowforge-prod-scratch"]);
    let removed: BTreeSet<&str> = diff.removed.iter().map(|r| r.arn.as_str()).collect();
    assert!(removed.contains("arn:aws:s3:::flowforge-prod-gold"), "{removed:?}");
    let endpoint_arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT_ID}:vpc-endpoint/{}", seeded.secrets_endpoint_id);
    let endpoint_gone = removed.contains(endpoint_arn.as_str())
        || diff.changed.iter().any(|c| c.arn == endpoint_arn && c.changes.iter().any(|x| x.path == "state"));
    assert!(endpoint_gone, "the deleted endpoint is removed (or marked deleted): {diff:#?}");
    let paths = |arn: &str| -> Vec<String> {
        diff.changed.iter().filter(|c| c.arn == arn).flat_map(|c| c.changes.iter().map(|x| x.path.clone())).collect()
    };
    let rds_paths = paths(&seeded.db_instance_arn);
    assert!(rds_paths.contains(&"multi_az".to_owned()), "{rds_paths:?}");
    let sg_arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT_ID}:security-group/{}", seeded.security_groups["database"]);
    assert!(paths(&sg_arn).iter().any(|p| p.starts_with("ingress")), "{:?}", paths(&sg_arn));
    assert!(paths(&seeded.roles["prefect-worker"]).iter().any(|p| p.starts_with("inline_policies")));
    let outcome = DiffOutcome::Snapshots(diff);
    assert!(outcome.has_new_or_regressed());
    assert!(flowforge_audit::report::diff::markdown(&outcome).contains("| multi\\_az | true | false |"));
}
