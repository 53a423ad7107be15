//! A compliant FlowForge prod snapshot built in code, for the drift unit tests: each test
//! breaks one thing and asserts the one drift item it causes.

use std::collections::BTreeMap;

use crate::aws::config::ConfigRecorder;
use crate::aws::ec2::{NatGateway, Route, RouteTable, SecurityGroup, SgRule, Subnet, Vpc, VpcEndpoint};
use crate::aws::eks::EksCluster;
use crate::aws::elbv2::{Listener, LoadBalancer};
use crate::aws::iam::{InlinePolicy, Role};
use crate::aws::rds::{DbInstance, DbParameterGroup};
use crate::aws::s3::{Bucket, BucketEncryption, BucketEncryptionRule, BucketVersioning};
use crate::aws::secretsmanager::Secret;
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
    compute(&mut s);
    add_perimeter(&mut s);
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

/// The baseline's `architecture.compute`: ECS control plane, ECR repositories, the cluster's
/// OIDC provider, the execution and node roles, the node group.
fn compute(s: &mut Snapshot) {
    use crate::aws::{ecr, ecs, eks, iam};
    let url = "oidc.eks.us-east-1.amazonaws.com/id/0F10F0F0";
    for c in &mut s.eks.clusters {
        c.oidc_issuer = Some(format!("https://{url}"));
    }
    s.iam.oidc_providers.push(iam::OidcProvider {
        meta: meta("iam", "oidc-provider", url, url, &[]),
        url: Some(url.into()),
        client_ids: vec!["sts.amazonaws.com".into()],
        ..Default::default()
    });
    for name in ["flowforge-prod-ecs-execution", "flowforge-prod-eks-node"] {
        s.iam.roles.push(Role { meta: meta("iam", "role", name, name, &[]), path: "/".into(), ..Default::default() });
    }
    for name in ["flowforge-prod-ui", "flowforge-prod-flows"] {
        s.ecr
            .repositories
            .push(ecr::EcrRepository { meta: meta("ecr", "repository", name, name, &[]), ..Default::default() });
    }
    let cluster = meta("ecs", "cluster", "flowforge-prod-control-plane", "flowforge-prod-control-plane", &[]);
    let td = meta("ecs", "task-definition", "flowforge-prod-ui:1", "flowforge-prod-ui", &[]);
    s.ecs.services.push(ecs::EcsService {
        meta: meta("ecs", "service", "flowforge-prod-control-plane/flowforge-prod-ui", "flowforge-prod-ui", &[]),
        cluster_arn: cluster.arn.clone(),
        task_definition: Some(td.arn.clone()),
        ..Default::default()
    });
    s.ecs.task_definitions.push(ecs::EcsTaskDefinition {
        meta: td,
        family: "flowforge-prod-ui".into(),
        task_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-control-plane")),
        ..Default::default()
    });
    s.ecs.clusters.push(ecs::EcsCluster { meta: cluster, status: "ACTIVE".into() });
    s.eks.node_groups.push(eks::EksNodeGroup {
        meta: meta("eks", "nodegroup", "flowforge-prod-workers", "flowforge-prod-workers", &[]),
        cluster_name: "flowforge-prod-data-plane".into(),
        node_role: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-eks-node")),
        ..Default::default()
    });
}

/// The declared perimeter (`architecture.perimeter` of the built-in baseline, prod): the ALB's
/// web ACL with its logging, an issued certificate on the HTTPS listener, the alarms, their
/// encrypted topic, and the log groups.
fn add_perimeter(s: &mut Snapshot) {
    use crate::aws::{acm, cloudwatch, logs, sns, wafv2};
    let Some(lb) = s.elbv2.load_balancers.first().map(|l| l.meta.arn.clone()) else { return };
    let kms = Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k"));
    let acl = meta("wafv2", "regional/webacl", "flowforge-prod-waf/1", "flowforge-prod-waf", &[]);
    s.wafv2.web_acls.push(wafv2::WebAcl {
        meta: acl.clone(),
        default_action: Some("ALLOW".into()),
        managed_rule_groups: vec!["AWSManagedRulesCommonRuleSet".into(), "AWSManagedRulesKnownBadInputsRuleSet".into()],
        rule_group_arns: vec![],
    });
    s.wafv2.associations.push(wafv2::WebAclAssociation {
        meta: ResourceMeta { arn: lb.clone(), ..acl.clone() },
        resource_arn: lb,
        web_acl_arn: Some(acl.arn.clone()),
    });
    s.wafv2.logging_configurations.push(wafv2::WafLoggingConfiguration { meta: acl, destinations: vec!["d".into()] });
    let cert = meta("acm", "certificate", "c1", "app.prod.flowforge.example.com", &[]);
    for l in s.elbv2.listeners.iter_mut().filter(|l| l.protocol == "HTTPS") {
        l.certificate_arns = vec![cert.arn.clone()];
    }
    s.acm.certificates.push(acm::Certificate {
        meta: cert,
        domain_name: "app.prod.flowforge.example.com".into(),
        subject_alternative_names: vec![],
        status: Some("ISSUED".into()),
        certificate_type: Some("AMAZON_ISSUED".into()),
        key_algorithm: Some("RSA_2048".into()),
        not_after: Some("2027-01-01T00:00:00Z".into()),
    });
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:flowforge-prod-alerts");
    s.sns.topics.push(sns::Topic {
        meta: ResourceMeta {
            arn: topic.clone(),
            ..meta("sns", "", "flowforge-prod-alerts", "flowforge-prod-alerts", &[])
        },
        kms_key_id: kms.clone(),
        subscriptions: Some(vec![sns::Subscription { protocol: "email".into(), confirmed: true }]),
    });
    for (name, namespace, metric) in [
        ("flowforge-prod-prefect-run-failures", "FlowForge/Prefect", "FlowRunsFailed"),
        ("flowforge-prod-api-latency", "AWS/ApplicationELB", "TargetResponseTime"),
        ("flowforge-prod-database-cpu", "AWS/RDS", "CPUUtilization"),
        ("flowforge-prod-database-storage", "AWS/RDS", "FreeStorageSpace"),
    ] {
        s.cloudwatch.alarms.push(cloudwatch::Alarm {
            meta: meta("cloudwatch", "alarm", name, name, &[]),
            actions_enabled: Some(true),
            alarm_actions: vec![topic.clone()],
            namespace: Some(namespace.into()),
            metric_name: Some(metric.into()),
            dimensions: BTreeMap::new(),
            state: "OK".into(),
        });
    }
    for name in [
        "/aws/eks/flowforge-prod-data-plane/cluster",
        "/ecs/flowforge-prod-control-plane",
        "/flowforge/prod/prefect",
        "/flowforge/prod/vpc-flow-logs",
    ] {
        s.logs.log_groups.push(logs::LogGroup {
            meta: meta("logs", "log-group", name, name, &[]),
            retention_in_days: Some(400),
            kms_key_id: kms.clone(),
        });
    }
}
