//! A compliant FlowForge prod snapshot built in code, for the drift unit tests: each test
//! breaks one thing and asserts the one drift item it causes.

use std::collections::BTreeMap;

use crate::baseline::{Baseline, EnvView};
use crate::model::*;

pub(crate) const ACCOUNT: &str = "123456789012";
pub(crate) const REGION: &str = "us-east-1";

pub(crate) fn prod_view() -> EnvView {
    Baseline::builtin().unwrap().env_view("prod", ACCOUNT, "aws").unwrap()
}

pub(crate) fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut t: BTreeMap<String, String> = [("flowforge:app", "flowforge"), ("flowforge:env", "prod")]
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    t.extend(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    t
}

pub(crate) fn meta(service: &str, kind: &str, id: &str, name: &str, extra: &[(&str, &str)]) -> ResourceMeta {
    let arn = match service {
        "s3" => format!("arn:aws:s3:::{id}"),
        "iam" => format!("arn:aws:iam::{ACCOUNT}:{kind}/{id}"),
        _ => format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{kind}/{id}"),
    };
    ResourceMeta {
        arn,
        id: id.into(),
        name: name.into(),
        region: if service == "iam" { "global".into() } else { REGION.into() },
        account_id: ACCOUNT.into(),
        tags: tags(extra),
    }
}

pub(crate) fn sg_rule(port: i32, cidrs: &[&str], groups: &[&str]) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: cidrs.iter().filter(|c| !c.contains(':')).map(|c| (*c).into()).collect(),
        ipv6_ranges: cidrs.iter().filter(|c| c.contains(':')).map(|c| (*c).into()).collect(),
        referenced_group_ids: groups.iter().map(|g| (*g).into()).collect(),
        ..Default::default()
    }
}

fn sg(id: &str, tier: &str, ingress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        meta: meta("ec2", "security-group", id, &format!("flowforge-prod-{tier}"), &[("flowforge:tier", tier)]),
        group_name: format!("flowforge-prod-{tier}"),
        vpc_id: "vpc-1".into(),
        ingress,
        ..Default::default()
    }
}

pub(crate) fn policy(statements: serde_json::Value) -> PolicyDocument {
    PolicyDocument::from_value(&serde_json::json!({"Version": "2012-10-17", "Statement": statements})).unwrap()
}

/// A prod account exactly as the built-in baseline describes it.
pub(crate) fn compliant_snapshot() -> Snapshot {
    let view = prod_view();
    let mut s = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: "test".into(),
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        regions: vec![REGION.into()],
        collected_at: "2026-01-01T00:00:00Z".into(),
        ..Default::default()
    };
    s.ec2.vpcs.push(Vpc {
        meta: meta("ec2", "vpc", "vpc-1", "flowforge-prod-vpc", &[]),
        cidr_block: "10.0.0.0/16".into(),
        ..Default::default()
    });
    for (id, az, tier) in [
        ("subnet-pa", "us-east-1a", "public"),
        ("subnet-pb", "us-east-1b", "public"),
        ("subnet-xa", "us-east-1a", "data-plane"),
        ("subnet-xb", "us-east-1b", "data-plane"),
    ] {
        s.ec2.subnets.push(Subnet {
            meta: meta("ec2", "subnet", id, &format!("flowforge-prod-{id}"), &[("flowforge:tier", tier)]),
            vpc_id: "vpc-1".into(),
            availability_zone: az.into(),
            cidr_block: "10.0.1.0/24".into(),
            map_public_ip_on_launch: tier == "public",
        });
    }
    s.ec2.route_tables.push(RouteTable {
        meta: meta("ec2", "route-table", "rtb-public", "flowforge-prod-public", &[]),
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-pa".into(), "subnet-pb".into()],
        routes: vec![Route {
            destination_cidr_block: Some("0.0.0.0/0".into()),
            gateway_id: Some("igw-1".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    s.ec2.route_tables.push(RouteTable {
        meta: meta("ec2", "route-table", "rtb-main", "flowforge-prod-private", &[]),
        vpc_id: "vpc-1".into(),
        main: true,
        ..Default::default()
    });
    for (id, subnet, az) in [("nat-a", "subnet-pa", "us-east-1a"), ("nat-b", "subnet-pb", "us-east-1b")] {
        s.ec2.nat_gateways.push(NatGateway {
            meta: meta("ec2", "natgateway", id, &format!("flowforge-prod-{id}"), &[]),
            vpc_id: "vpc-1".into(),
            subnet_id: subnet.into(),
            availability_zone: Some(az.into()),
            state: "available".into(),
            connectivity_type: "public".into(),
        });
    }
    s.ec2.vpc_endpoints.push(VpcEndpoint {
        meta: meta("ec2", "vpc-endpoint", "vpce-s3", "", &[]),
        vpc_id: "vpc-1".into(),
        service_name: format!("com.amazonaws.{REGION}.s3"),
        endpoint_type: "Gateway".into(),
        state: "available".into(),
        ..Default::default()
    });
    s.ec2.vpc_endpoints.push(VpcEndpoint {
        meta: meta("ec2", "vpc-endpoint", "vpce-sm", "", &[]),
        vpc_id: "vpc-1".into(),
        service_name: format!("com.amazonaws.{REGION}.secretsmanager"),
        endpoint_type: "Interface".into(),
        private_dns_enabled: true,
        state: "available".into(),
        ..Default::default()
    });
    let world = ["0.0.0.0/0", "::/0"];
    s.ec2.security_groups = vec![
        sg("sg-alb", "public", vec![sg_rule(443, &world, &[]), sg_rule(80, &world, &[])]),
        sg("sg-cp", "control-plane", vec![sg_rule(3000, &[], &["sg-alb"])]),
        sg("sg-dp", "data-plane", vec![sg_rule(4200, &[], &["sg-alb", "sg-cp"])]),
        sg("sg-db", "database", vec![sg_rule(5432, &[], &["sg-dp"])]),
    ];
    for (layer, name) in view.buckets() {
        s.s3.buckets.push(Bucket {
            meta: meta("s3", "", name, name, &[("flowforge:layer", layer)]),
            encryption: Some(BucketEncryption {
                rules: vec![BucketEncryptionRule {
                    sse_algorithm: "aws:kms".into(),
                    kms_master_key_id: Some("k".into()),
                    bucket_key_enabled: true,
                }],
            }),
            versioning: BucketVersioning { status: Some("Enabled".into()), mfa_delete: None },
            ..Default::default()
        });
    }
    s.rds.db_instances.push(DbInstance {
        meta: meta("rds", "db", "flowforge-prod-metadata", "flowforge-prod-metadata", &[]),
        engine: "postgres".into(),
        multi_az: Some(true),
        storage_encrypted: Some(true),
        publicly_accessible: Some(false),
        port: Some(5432),
        parameter_groups: vec!["flowforge-prod-pg".into()],
        status: "available".into(),
        // As the unit state file has them (reported values, not "unreported").
        backup_retention_period: Some(0),
        deletion_protection: Some(false),
        ..Default::default()
    });
    s.rds.parameter_groups.push(DbParameterGroup {
        meta: meta("rds", "pg", "flowforge-prod-pg", "flowforge-prod-pg", &[]),
        kind: "instance".into(),
        family: "postgres16".into(),
        parameters: [("rds.force_ssl".to_owned(), "1".to_owned())].into(),
    });
    for name in ["flowforge/prod/database", "flowforge/prod/prefect-api"] {
        s.secretsmanager
            .secrets
            .push(Secret { meta: meta("secretsmanager", "secret", name, name, &[]), ..Default::default() });
    }
    let lb = LoadBalancer {
        meta: meta("elasticloadbalancing", "loadbalancer/app", "flowforge-prod-alb/1", "flowforge-prod-alb", &[]),
        scheme: "internet-facing".into(),
        lb_type: "application".into(),
        vpc_id: Some("vpc-1".into()),
        security_group_ids: vec!["sg-alb".into()],
        state: "active".into(),
        ..Default::default()
    };
    s.elbv2.listeners.push(Listener {
        meta: meta("elasticloadbalancing", "listener/app", "flowforge-prod-alb/1/443", "", &[]),
        load_balancer_arn: lb.meta.arn.clone(),
        port: 443,
        protocol: "HTTPS".into(),
        ssl_policy: Some("ELBSecurityPolicy-TLS13-1-2-2021-06".into()),
        ..Default::default()
    });
    s.elbv2.load_balancers.push(lb);
    s.eks.clusters.push(EksCluster {
        meta: meta("eks", "cluster", "flowforge-prod-data-plane", "flowforge-prod-data-plane", &[]),
        status: "ACTIVE".into(),
        vpc_id: Some("vpc-1".into()),
        endpoint_private_access: true,
        endpoint_public_access: Some(false),
        ..Default::default()
    });
    s.config.recorders.push(ConfigRecorder {
        meta: meta("config", "config-recorder", "default", "default", &[]),
        all_supported: true,
        recording: true,
        ..Default::default()
    });
    for (key, rb) in &view.roles {
        let mut principal = serde_json::Map::new();
        for (ty, pats) in &rb.trusted_principals {
            let vals: Vec<String> = pats
                .iter()
                .map(|p| p.replace("oidc.eks.*", "oidc.eks.us-east-1").replace("/id/*", "/id/ABC"))
                .collect();
            principal.insert(ty.clone(), serde_json::json!(vals));
        }
        let statements: Vec<serde_json::Value> = rb
            .allow
            .iter()
            .map(|a| serde_json::json!({"Effect": "Allow", "Action": a.actions, "Resource": a.resources}))
            .collect();
        s.iam.roles.push(Role {
            meta: meta("iam", "role", &rb.name, &rb.name, &[("flowforge:role", key)]),
            path: "/".into(),
            assume_role_policy: policy(
                serde_json::json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]),
            ),
            inline_policies: vec![InlinePolicy {
                name: "baseline".into(),
                document: policy(serde_json::json!(statements)),
            }],
            ..Default::default()
        });
    }
    s.cloudtrail.trails.push(crate::aws::cloudtrail::Trail {
        meta: meta("cloudtrail", "trail", "flowforge-prod-trail", "flowforge-prod-trail", &[]),
        is_multi_region: Some(true),
        is_logging: Some(true),
        log_file_validation_enabled: Some(true),
        ..Default::default()
    });
    s.sort();
    s
}
