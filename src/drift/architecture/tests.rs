//! Tests of architecture drift across sections: the compliant example in sync, drift of
//! several sections at once, requirements that change what is compared, collection errors
//! as unverified. Each section's own cases are in its file; the helpers are shared.

use super::super::testutil::*;
use super::*;

pub(super) fn run(s: &Snapshot) -> Outcome {
    check(s, &prod_view())
}

pub(super) fn summary(items: &[DriftItem]) -> Vec<(String, DriftState, Option<String>)> {
    items.iter().map(|i| (i.element.clone(), i.state, i.attribute.clone())).collect()
}

/// The compliant account is 100 % in sync, with every declared element counted.
#[test]
fn compliant_account_is_fully_in_sync() {
    let o = run(&compliant_snapshot());
    assert!(o.items.is_empty(), "{:#?}", o.items);
    // vpc, 2 endpoints, 4 buckets, database, 2 secrets, lb, listener, eks, private subnets,
    // 2 NATs, config recorder, 5 roles; ECS cluster and service, execution and node roles,
    // 2 ECR repositories, OIDC provider, node group; the perimeter's 11 (issue 13); the audit trail
    assert_eq!(o.declared, 42);
    assert_eq!(o.in_sync, 42);
    assert_eq!(o.vpc_id.as_deref(), Some("vpc-1"));
}

/// Deleted resources are MISSING, one item per declared element.
#[test]
fn deleted_endpoint_bucket_and_nat_are_missing() {
    let mut s = compliant_snapshot();
    s.ec2.vpc_endpoints.retain(|e| !e.service_name.ends_with(".secretsmanager"));
    s.s3.buckets.retain(|b| b.meta.name != "flowforge-prod-gold");
    s.ec2.nat_gateways.retain(|n| n.meta.id != "nat-b");
    let o = run(&s);
    assert_eq!(
        summary(&o.items),
        vec![
            ("vpc_endpoint:secretsmanager".into(), DriftState::Missing, None),
            ("nat_gateway:us-east-1b".into(), DriftState::Missing, None),
            ("bucket:gold".into(), DriftState::Missing, None),
        ]
    );
    assert_eq!(o.in_sync, 39);
}

/// Declared attributes that differ are CHANGED with path, expected and actual.
#[test]
fn changed_attributes_have_paths_and_values() {
    let mut s = compliant_snapshot();
    s.rds.db_instances[0].multi_az = Some(false);
    let silver = s.s3.buckets.iter_mut().find(|b| b.meta.name == "flowforge-prod-silver").unwrap();
    silver.encryption.as_mut().unwrap().rules[0].sse_algorithm = "AES256".into();
    s.ec2.vpc_endpoints.iter_mut().find(|e| e.endpoint_type == "Interface").unwrap().private_dns_enabled = false;
    let o = run(&s);
    assert_eq!(
        summary(&o.items),
        vec![
            ("vpc_endpoint:secretsmanager".into(), DriftState::Changed, Some("private_dns_enabled".into())),
            ("bucket:silver".into(), DriftState::Changed, Some("encryption.rules[0].sse_algorithm".into())),
            ("database".into(), DriftState::Changed, Some("multi_az".into())),
        ]
    );
    assert_eq!(o.items[1].expected, Some(json!("aws:kms")));
    assert_eq!(o.items[1].actual, Some(json!("AES256")));
    assert_eq!(o.items[2].expected, Some(json!(true)));
    assert_eq!(o.items[2].actual, Some(json!(false)));
    assert_eq!(
        o.items[2].resource_arn.as_deref(),
        Some("arn:aws:rds:us-east-1:123456789012:db/flowforge-prod-metadata")
    );
}

/// dev does not require Multi-AZ or a NAT per AZ: the same account has less declared.
#[test]
fn environment_requirements_change_what_is_compared() {
    let mut s = compliant_snapshot();
    s.rds.db_instances[0].multi_az = Some(false);
    let view = crate::baseline::Baseline::builtin().unwrap().env_view("prod", ACCOUNT, "aws").unwrap();
    let mut dev = view.clone();
    dev.requirements.rds_multi_az = false;
    dev.requirements.nat_gateway_per_az = false;
    let o = check(&s, &dev);
    assert!(o.items.is_empty(), "{:#?}", o.items);
    assert_eq!(o.declared, 40);
}

/// A failed call is not drift: a bucket list that could not be read makes nothing MISSING,
/// and a failed GetBucketVersioning makes nothing CHANGED; both are unverified instead.
#[test]
fn collection_errors_make_elements_unverified_not_drifted() {
    let mut s = compliant_snapshot();
    let silver = s.s3.buckets.iter_mut().find(|b| b.meta.name == "flowforge-prod-silver").unwrap();
    silver.versioning.status = None;
    let arn = silver.meta.arn.clone();
    s.collection_errors.push(crate::model::CollectionError {
        service: "s3".into(),
        operation: "GetBucketVersioning".into(),
        region: REGION.into(),
        resource: Some(arn),
        error_code: "AccessDenied".into(),
        message: "denied".into(),
    });
    s.secretsmanager.secrets.clear();
    s.collection_errors.push(crate::model::CollectionError {
        service: "secretsmanager".into(),
        operation: "ListSecrets".into(),
        region: REGION.into(),
        resource: None,
        error_code: "AccessDenied".into(),
        message: "denied".into(),
    });
    let o = run(&s);
    assert!(o.items.is_empty(), "{:#?}", o.items);
    assert_eq!(
        o.unverified,
        vec!["bucket:silver", "secret:flowforge/prod/database", "secret:flowforge/prod/prefect-api"]
    );
    assert_eq!((o.declared, o.in_sync), (42, 39));
}
