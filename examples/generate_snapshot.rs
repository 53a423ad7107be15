//! Generates the shipped example snapshots and the large benchmark snapshot.
//!
//! `cargo run --example generate_snapshot -- compliant > examples/snapshots/prod-compliant.json`
//! `cargo run --example generate_snapshot -- drifted   > examples/snapshots/prod-drifted.json`
//! `cargo run --example generate_snapshot -- env uat   > examples/snapshots/uat.json` (also `dev`, `qa`)
//! `cargo run --release --example generate_snapshot -- scale 100000 > /tmp/big.json`
//! `cargo run --release --example generate_snapshot -- scale 10000 10 > /tmp/ff.json` (10% of
//! the tenants' resources are FlowForge's, their buckets encrypted with a FlowForge key: the
//! checks that judge FlowForge resources only, and their libraries, then work at scale too;
//! scripts/bench-guard.sh counts instructions on it)
//!
//! The examples are written from the model types, so they always match the snapshot schema;
//! the shape of the account follows baselines/flowforge.yaml (a FlowForge prod deployment in
//! eu-west-1 across two AZs).

use std::collections::BTreeMap;

use flowforge_audit::aws::acm::Certificate;
use flowforge_audit::aws::cloudwatch::Alarm;
use flowforge_audit::aws::config::{ConfigRecorder, DeliveryChannel};
use flowforge_audit::aws::ec2::{
    EbsDefaultEncryption, FlowLog, Instance, InstanceMetadataOptions, InternetGateway, NaclEntry, NatGateway,
    NetworkAcl, Route, RouteTable, SecurityGroup, SgRule, Subnet, Vpc, VpcEndpoint,
};
use flowforge_audit::aws::eks::{EksCluster, EksEncryptionConfig};
use flowforge_audit::aws::elbv2::{Listener, ListenerAction, LoadBalancer, RedirectConfig};
use flowforge_audit::aws::iam::{
    AccountPasswordPolicy, AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PasswordPolicy, Role, User,
};
use flowforge_audit::aws::logs::LogGroup;
use flowforge_audit::aws::rds::{DbInstance, DbParameterGroup, DbSnapshot, DbSubnetGroup};
use flowforge_audit::aws::s3::{
    AccountPublicAccessBlock, Bucket, BucketEncryption, BucketEncryptionRule, BucketLogging, BucketVersioning,
    LifecycleRule, PublicAccessBlock,
};
use flowforge_audit::aws::secretsmanager::{RotationRules, Secret};
use flowforge_audit::aws::sns::{Subscription, Topic};
use flowforge_audit::aws::wafv2::{WafLoggingConfiguration, WebAcl, WebAclAssociation};
use flowforge_audit::model::*;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const ENV: &str = "prod";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn ff_tags(name: &str, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut t = tags(&[("Name", name), ("flowforge:app", "flowforge"), ("flowforge:env", ENV)]);
    t.extend(tags(extra));
    t
}

fn meta(arn: String, id: &str, name: &str, tags: BTreeMap<String, String>) -> ResourceMeta {
    ResourceMeta { arn, id: id.into(), name: name.into(), region: REGION.into(), account_id: ACCOUNT.into(), tags }
}

fn ec2_meta(kind: &str, id: &str, name: &str, extra: &[(&str, &str)]) -> ResourceMeta {
    meta(format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}"), id, name, ff_tags(name, extra))
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::parse_aws(json).unwrap_or_else(|e| panic!("example policy document: {e}\n{json}"))
}

fn rule(protocol: &str, port: Option<i32>, cidrs: &[&str], groups: &[&str]) -> SgRule {
    SgRule {
        protocol: protocol.into(),
        from_port: port,
        to_port: port,
        ipv4_ranges: cidrs.iter().map(|s| s.to_string()).collect(),
        ipv6_ranges: vec![],
        referenced_group_ids: groups.iter().map(|s| s.to_string()).collect(),
        prefix_list_ids: vec![],
        description: None,
    }
}

fn egress_all() -> Vec<SgRule> {
    vec![rule("-1", None, &["0.0.0.0/0"], &[])]
}

fn tls_policy(bucket: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    ))
}

fn role(name: &str, role_key: &str, trust: &str, inline: Vec<(&str, &str)>, attached: &[(&str, &str)]) -> Role {
    Role {
        meta: meta(
            format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            name,
            name,
            tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:role", role_key)]),
        )
        .global(),
        path: "/".into(),
        create_date: Some("2026-01-15T09:00:00Z".into()),
        assume_role_policy: doc(trust),
        inline_policies: inline.into_iter().map(|(n, d)| InlinePolicy { name: n.into(), document: doc(d) }).collect(),
        attached_policies: attached
            .iter()
            .map(|(n, a)| AttachedPolicy { policy_name: n.to_string(), policy_arn: a.to_string() })
            .collect(),
        permissions_boundary_arn: None,
        // The shipped examples predate the field; left out they stay as they were.
        instance_profiles: None,
    }
}

trait Global {
    fn global(self) -> Self;
}
impl Global for ResourceMeta {
    fn global(mut self) -> Self {
        self.region = "global".into();
        self
    }
}

/// The compliant FlowForge prod account.
/// An IAM group and a user in it (read-only CI), so the user and group checks have resources.
fn iam_principals(s: &mut Snapshot) {
    let read_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","eks:Describe*","eks:List*"],"Resource":"*"}]}"#;
    s.iam.groups.push(Group {
        meta: meta(
            format!("arn:aws:iam::{ACCOUNT}:group/ci-readers"),
            "AGPA0F10F0F000000001",
            "ci-readers",
            BTreeMap::new(),
        )
        .global(),
        path: "/".into(),
        inline_policies: vec![InlinePolicy { name: "read-only".into(), document: doc(read_only) }],
        attached_policies: Vec::new(),
    });
    s.iam.users.push(User {
        meta: meta(
            format!("arn:aws:iam::{ACCOUNT}:user/ci-reader"),
            "AIDA0F10F0F000000001",
            "ci-reader",
            BTreeMap::new(),
        )
        .global(),
        path: "/".into(),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
        groups: vec!["ci-readers".into()],
        permissions_boundary_arn: None,
    });
}

fn compliant() -> Snapshot {
    let vpc_id = "vpc-0f10f0f0000000001";
    let mut s = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        regions: vec![REGION.into()],
        collected_at: "2026-11-20T06:00:00Z".into(),
        ..Default::default()
    };
    s.ec2.vpcs.push(Vpc {
        meta: ec2_meta("vpc", vpc_id, "flowforge-prod-vpc", &[]),
        cidr_block: "10.40.0.0/16".into(),
        ipv6_cidr_blocks: vec![],
        is_default: false,
        state: "available".into(),
    });

    // Subnets: a public, control-plane, data-plane and database subnet in each of two AZs.
    let layout = [("public", 0), ("control-plane", 10), ("data-plane", 20), ("database", 30)];
    let mut subnet_ids: BTreeMap<(String, char), String> = BTreeMap::new();
    for (tier, base) in layout {
        for (i, az) in ['a', 'b'].into_iter().enumerate() {
            let id = format!("subnet-0{}{}{:013}", &tier[..1], az, base + i);
            let name = format!("flowforge-prod-{tier}-{az}");
            s.ec2.subnets.push(Subnet {
                meta: ec2_meta("subnet", &id, &name, &[("flowforge:tier", tier)]),
                vpc_id: vpc_id.into(),
                availability_zone: format!("{REGION}{az}"),
                cidr_block: format!("10.40.{}.0/24", base + i),
                map_public_ip_on_launch: false,
            });
            subnet_ids.insert((tier.to_string(), az), id);
        }
    }
    let igw = "igw-0f10f0f0000000001";
    s.ec2.internet_gateways.push(InternetGateway {
        meta: ec2_meta("internet-gateway", igw, "flowforge-prod-igw", &[]),
        attached_vpc_ids: vec![vpc_id.into()],
    });
    let route = |cidr: &str, gw: Option<&str>, nat: Option<&str>| Route {
        destination_cidr_block: Some(cidr.into()),
        gateway_id: gw.map(str::to_owned),
        nat_gateway_id: nat.map(str::to_owned),
        state: Some("active".into()),
        ..Default::default()
    };
    s.ec2.route_tables.push(RouteTable {
        meta: ec2_meta("route-table", "rtb-0f10f0f00000000m0", "flowforge-prod-main", &[]),
        vpc_id: vpc_id.into(),
        main: true,
        subnet_ids: vec![],
        routes: vec![route("10.40.0.0/16", Some("local"), None)],
    });
    s.ec2.route_tables.push(RouteTable {
        meta: ec2_meta("route-table", "rtb-0f10f0f00000000p0", "flowforge-prod-public", &[]),
        vpc_id: vpc_id.into(),
        main: false,
        subnet_ids: vec![subnet_ids[&("public".into(), 'a')].clone(), subnet_ids[&("public".into(), 'b')].clone()],
        routes: vec![route("10.40.0.0/16", Some("local"), None), route("0.0.0.0/0", Some(igw), None)],
    });
    for az in ['a', 'b'] {
        let nat = format!("nat-0f10f0f000000000{az}");
        s.ec2.nat_gateways.push(NatGateway {
            meta: ec2_meta("natgateway", &nat, &format!("flowforge-prod-nat-{az}"), &[]),
            vpc_id: vpc_id.into(),
            subnet_id: subnet_ids[&("public".into(), az)].clone(),
            availability_zone: Some(format!("{REGION}{az}")),
            state: "available".into(),
            connectivity_type: "public".into(),
        });
        let private: Vec<String> = ["control-plane", "data-plane", "database"]
            .iter()
            .map(|t| subnet_ids[&(t.to_string(), az)].clone())
            .collect();
        s.ec2.route_tables.push(RouteTable {
            meta: ec2_meta(
                "route-table",
                &format!("rtb-0f10f0f00000000{az}1"),
                &format!("flowforge-prod-private-{az}"),
                &[],
            ),
            vpc_id: vpc_id.into(),
            main: false,
            subnet_ids: private,
            routes: vec![
                route("10.40.0.0/16", Some("local"), None),
                route("0.0.0.0/0", None, Some(&nat)),
                Route {
                    destination_prefix_list_id: Some("pl-6da54004".into()),
                    gateway_id: Some("vpce-0f10f0f00000000s3".into()),
                    state: Some("active".into()),
                    ..Default::default()
                },
            ],
        });
    }

    // Security groups per tier (guide, "Networking").
    let sg = |id: &str, name: &str, tier: &str, ingress: Vec<SgRule>| SecurityGroup {
        meta: ec2_meta("security-group", id, name, &[("flowforge:tier", tier)]),
        group_name: name.into(),
        vpc_id: vpc_id.into(),
        description: format!("FlowForge {tier} tier"),
        ingress,
        egress: egress_all(),
    };
    let (alb, cp, dp, db) =
        ("sg-0f10f0f0000000a1b", "sg-0f10f0f0000000c9e", "sg-0f10f0f0000000d9e", "sg-0f10f0f0000000db5");
    let mut alb_ingress = vec![rule("tcp", Some(443), &["0.0.0.0/0"], &[]), rule("tcp", Some(80), &["0.0.0.0/0"], &[])];
    alb_ingress[0].ipv6_ranges = vec!["::/0".into()];
    s.ec2.security_groups.push(sg(alb, "flowforge-prod-alb", "public", alb_ingress));
    s.ec2.security_groups.push(sg(
        cp,
        "flowforge-prod-control-plane",
        "control-plane",
        vec![rule("tcp", Some(3000), &[], &[alb])],
    ));
    s.ec2.security_groups.push(sg(
        dp,
        "flowforge-prod-data-plane",
        "data-plane",
        vec![rule("tcp", Some(4200), &[], &[alb, cp])],
    ));
    s.ec2.security_groups.push(sg(
        db,
        "flowforge-prod-database",
        "database",
        vec![rule("tcp", Some(5432), &[], &[dp])],
    ));

    s.ec2.vpc_endpoints.push(VpcEndpoint {
        meta: ec2_meta("vpc-endpoint", "vpce-0f10f0f00000000s3", "flowforge-prod-s3", &[]),
        vpc_id: vpc_id.into(),
        service_name: format!("com.amazonaws.{REGION}.s3"),
        endpoint_type: "Gateway".into(),
        private_dns_enabled: false,
        state: "available".into(),
        route_table_ids: vec!["rtb-0f10f0f00000000a1".into(), "rtb-0f10f0f00000000b1".into()],
        policy: Some(doc(
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )),
        ..Default::default()
    });
    s.ec2.vpc_endpoints.push(VpcEndpoint {
        meta: ec2_meta("vpc-endpoint", "vpce-0f10f0f00000000sm", "flowforge-prod-secretsmanager", &[]),
        vpc_id: vpc_id.into(),
        service_name: format!("com.amazonaws.{REGION}.secretsmanager"),
        endpoint_type: "Interface".into(),
        private_dns_enabled: true,
        state: "available".into(),
        subnet_ids: vec![
            subnet_ids[&("data-plane".into(), 'a')].clone(),
            subnet_ids[&("data-plane".into(), 'b')].clone(),
        ],
        security_group_ids: vec![dp.into()],
        ..Default::default()
    });
    s.ec2.flow_logs.push(FlowLog {
        meta: ec2_meta("vpc-flow-log", "fl-0f10f0f0000000001", "flowforge-prod-vpc-flow-log", &[]),
        resource_id: vpc_id.into(),
        traffic_type: "ALL".into(),
        log_destination_type: "cloud-watch-logs".into(),
        log_destination: Some(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/flowforge/prod/vpc-flow-logs")),
        status: "ACTIVE".into(),
    });
    for (i, az) in ['a', 'b'].into_iter().enumerate() {
        let id = format!("i-0f10f0f000000000{i}");
        s.ec2.instances.push(Instance {
            meta: ec2_meta(
                "instance",
                &id,
                &format!("flowforge-prod-eks-node-{az}"),
                &[("flowforge:tier", "data-plane")],
            ),
            vpc_id: Some(vpc_id.into()),
            subnet_id: Some(subnet_ids[&("data-plane".into(), az)].clone()),
            state: "running".into(),
            instance_type: "m6i.xlarge".into(),
            iam_instance_profile_arn: Some(format!("arn:aws:iam::{ACCOUNT}:instance-profile/flowforge-prod-eks-node")),
            public_ip_address: None,
            security_group_ids: vec![dp.into()],
            metadata_options: InstanceMetadataOptions {
                http_tokens: "required".into(),
                http_endpoint: "enabled".into(),
                http_put_response_hop_limit: Some(2),
            },
        });
    }
    s.ec2.ebs_encryption_by_default.push(EbsDefaultEncryption {
        meta: meta(
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:ebs-encryption-by-default"),
            "ebs-encryption-by-default",
            "ebs-encryption-by-default",
            BTreeMap::new(),
        ),
        enabled: true,
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-ebs0-4000-8000-000000000001")),
    });

    // The data lake (guide, step 3).
    let kms = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-5330-4000-8000-000000000001");
    for layer in ["landing", "bronze", "silver", "gold"] {
        let name = format!("flowforge-prod-{layer}");
        s.s3.buckets.push(Bucket {
            meta: ResourceMeta {
                arn: format!("arn:aws:s3:::{name}"),
                id: name.clone(),
                name: name.clone(),
                region: REGION.into(),
                account_id: ACCOUNT.into(),
                tags: tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:layer", layer)]),
            },
            creation_date: Some("2026-01-15T09:00:00Z".into()),
            encryption: Some(BucketEncryption {
                rules: vec![BucketEncryptionRule {
                    sse_algorithm: "aws:kms".into(),
                    kms_master_key_id: Some(kms.clone()),
                    bucket_key_enabled: true,
                }],
            }),
            policy: Some(tls_policy(&name)),
            versioning: BucketVersioning { status: Some("Enabled".into()), mfa_delete: None },
            public_access_block: Some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            }),
            logging: Some(BucketLogging {
                target_bucket: "acme-log-archive-123456789012".into(),
                target_prefix: format!("s3/{name}/"),
            }),
            lifecycle_rules: Some(vec![noncurrent_lifecycle_rule()]),
        });
    }
    s.s3.account_public_access_block.push(AccountPublicAccessBlock {
        meta: meta(
            format!("arn:aws:s3:::account/{ACCOUNT}/public-access-block"),
            ACCOUNT,
            "account-public-access-block",
            BTreeMap::new(),
        )
        .global(),
        public_access_block: Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }),
    });

    // The metadata database (guide, step 3: Multi-AZ for production).
    s.rds.db_instances.push(DbInstance {
        meta: meta(
            format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:flowforge-prod-metadata"),
            "flowforge-prod-metadata",
            "flowforge-prod-metadata",
            tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:tier", "database")]),
        ),
        engine: "postgres".into(),
        engine_version: "16.4".into(),
        instance_class: "db.r6g.large".into(),
        multi_az: Some(true),
        storage_encrypted: Some(true),
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-4d50-4000-8000-000000000001")),
        publicly_accessible: Some(false),
        availability_zone: Some(format!("{REGION}a")),
        secondary_availability_zone: Some(format!("{REGION}b")),
        db_subnet_group: Some(DbSubnetGroup {
            name: "flowforge-prod-database".into(),
            vpc_id: vpc_id.into(),
            subnet_ids: vec![
                subnet_ids[&("database".into(), 'a')].clone(),
                subnet_ids[&("database".into(), 'b')].clone(),
            ],
        }),
        vpc_security_group_ids: vec![db.into()],
        parameter_groups: vec!["flowforge-prod-pg16".into()],
        db_cluster_identifier: None,
        port: Some(5432),
        backup_retention_period: Some(14),
        deletion_protection: Some(true),
        iam_database_authentication_enabled: true,
        status: "available".into(),
        copy_tags_to_snapshot: Some(true),
    });
    s.rds.parameter_groups.push(DbParameterGroup {
        meta: meta(
            format!("arn:aws:rds:{REGION}:{ACCOUNT}:pg:flowforge-prod-pg16"),
            "flowforge-prod-pg16",
            "flowforge-prod-pg16",
            tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV)]),
        ),
        kind: "instance".into(),
        family: "postgres16".into(),
        parameters: [("rds.force_ssl", "1"), ("ssl_min_protocol_version", "TLSv1.2"), ("log_connections", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    });

    // Secrets (guide, "Secrets Handling": rotation schedules).
    let sm_key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-5e30-4000-8000-000000000001");
    for (suffix, name) in [("AbCdEf", "flowforge/prod/database"), ("GhIjKl", "flowforge/prod/prefect-api")] {
        s.secretsmanager.secrets.push(Secret {
            meta: meta(
                format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}"),
                name,
                name,
                tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV)]),
            ),
            description: Some("FlowForge credentials".into()),
            kms_key_id: Some(sm_key.clone()),
            rotation_enabled: true,
            rotation_lambda_arn: Some(format!(
                "arn:aws:lambda:{REGION}:{ACCOUNT}:function:flowforge-prod-secret-rotation"
            )),
            rotation_rules: Some(RotationRules { automatically_after_days: Some(30), schedule_expression: None }),
            last_rotated_date: Some("2026-11-01T00:00:00Z".into()),
            last_changed_date: Some("2026-11-01T00:00:00Z".into()),
            policy: None,
        });
    }

    // IAM roles within their least-privilege baselines.
    let root_trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    );
    let worker_policy_arn = format!("arn:aws:iam::{ACCOUNT}:policy/flowforge-prod-prefect-worker-data-lake");
    s.iam.policies.push(ManagedPolicy {
        meta: meta(worker_policy_arn.clone(), "ANPA0F10F0F000000001", "flowforge-prod-prefect-worker-data-lake", tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV)])).global(),
        path: "/".into(),
        default_version_id: "v3".into(),
        attachment_count: 1,
        aws_managed: false,
        document: Some(doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::flowforge-prod-*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::flowforge-prod-*/*"}]}"#)),
        // Its earlier versions were deleted: none left to switch to.
        other_versions: Some(Vec::new()),
    });
    s.iam.roles.push(role("flowforge-prod-devops", "devops", &root_trust, vec![("operate", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","eks:Describe*","eks:List*","rds:Describe*","rds:CreateDBSnapshot","logs:Describe*","cloudwatch:PutMetricAlarm","ecs:UpdateService"],"Resource":"*"}]}"#)], &[]));
    s.iam.roles.push(role("flowforge-prod-data-engineer", "data-engineer", &root_trust, vec![("data-lake", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::flowforge-prod-*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::flowforge-prod-silver/*","arn:aws:s3:::flowforge-prod-gold/*"]}]}"#)], &[]));
    s.iam.roles.push(role("flowforge-prod-auditor", "auditor", &root_trust, vec![("read-only-audit", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","s3:GetBucket*","s3:ListAllMyBuckets","rds:Describe*","iam:Get*","iam:List*","config:Describe*","elasticloadbalancing:Describe*","eks:Describe*","eks:List*","secretsmanager:DescribeSecret","secretsmanager:ListSecrets"],"Resource":"*"}]}"#)], &[]));
    let irsa_trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0:aud":"sts.amazonaws.com","oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0:sub":"system:serviceaccount:prefect:prefect-worker"}}}}}}]}}"#
    );
    s.iam.roles.push(role(
        "flowforge-prod-prefect-worker",
        "prefect-worker",
        &irsa_trust,
        vec![("secrets", &format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:flowforge/prod/*"}}]}}"#))],
        &[("flowforge-prod-prefect-worker-data-lake", &worker_policy_arn)],
    ));
    s.iam.roles.push(role(
        "flowforge-prod-control-plane",
        "control-plane",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        vec![("control-plane", &format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:flowforge/prod/*"}},{{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::flowforge-prod-gold","arn:aws:s3:::flowforge-prod-gold/*"]}},{{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}}]}}"#))],
        &[],
    ));
    iam_principals(&mut s);
    s.iam.password_policy.push(AccountPasswordPolicy {
        meta: meta(
            format!("arn:aws:iam::{ACCOUNT}:account-password-policy"),
            "account-password-policy",
            "account-password-policy",
            BTreeMap::new(),
        )
        .global(),
        policy: Some(PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
        }),
    });

    // AWS Config.
    s.config.recorders.push(ConfigRecorder {
        meta: meta(
            format!("arn:aws:config:{REGION}:{ACCOUNT}:config-recorder/default"),
            "default",
            "default",
            BTreeMap::new(),
        ),
        role_arn: Some(format!(
            "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        )),
        all_supported: true,
        include_global_resource_types: true,
        resource_types: vec![],
        recording: true,
        last_status: Some("SUCCESS".into()),
    });
    s.config.delivery_channels.push(DeliveryChannel {
        meta: meta(
            format!("arn:aws:config:{REGION}:{ACCOUNT}:delivery-channel/default"),
            "default",
            "default",
            BTreeMap::new(),
        ),
        s3_bucket_name: Some("acme-config-archive-123456789012".into()),
        sns_topic_arn: None,
        delivery_frequency: Some("TwentyFour_Hours".into()),
    });

    // The ALB fronting the control plane (guide, "Perimeter").
    let lb_arn =
        format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/flowforge-prod-alb/0f10f0f000000001");
    s.elbv2.load_balancers.push(LoadBalancer {
        meta: meta(
            lb_arn.clone(),
            "flowforge-prod-alb",
            "flowforge-prod-alb",
            tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:tier", "public")]),
        ),
        dns_name: format!("flowforge-prod-alb-1.{REGION}.elb.amazonaws.com"),
        scheme: "internet-facing".into(),
        lb_type: "application".into(),
        vpc_id: Some(vpc_id.into()),
        security_group_ids: vec![alb.into()],
        availability_zones: vec![format!("{REGION}a"), format!("{REGION}b")],
        state: "active".into(),
        attributes: [("routing.http.drop_invalid_header_fields.enabled", "true")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    });
    let listener = |port: i32, protocol: &str, ssl: Option<&str>, action: ListenerAction| {
        Listener {
        meta: meta(
            format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/flowforge-prod-alb/0f10f0f000000001/00000000000{port}"),
            &format!("00000000000{port}"),
            &format!("flowforge-prod-alb:{port}"),
            BTreeMap::new(),
        ),
        load_balancer_arn: lb_arn.clone(),
        port,
        protocol: protocol.into(),
        ssl_policy: ssl.map(str::to_owned),
        certificate_arns: if ssl.is_some() { vec![format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0f10f0f0-ac30-4000-8000-000000000001")] } else { vec![] },
        default_actions: vec![action],
    }
    };
    s.elbv2.listeners.push(listener(
        443,
        "HTTPS",
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
        ListenerAction {
            action_type: "forward".into(),
            target_group_arn: Some(format!(
                "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/flowforge-prod-ui/0f10f0f000000001"
            )),
            redirect: None,
        },
    ));
    s.elbv2.listeners.push(listener(
        80,
        "HTTP",
        None,
        ListenerAction {
            action_type: "redirect".into(),
            target_group_arn: None,
            redirect: Some(RedirectConfig {
                protocol: Some("HTTPS".into()),
                port: Some("443".into()),
                status_code: "HTTP_301".into(),
            }),
        },
    ));

    // The data plane (guide, step 2).
    s.eks.clusters.push(EksCluster {
        meta: meta(
            format!("arn:aws:eks:{REGION}:{ACCOUNT}:cluster/flowforge-prod-data-plane"),
            "flowforge-prod-data-plane",
            "flowforge-prod-data-plane",
            tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:tier", "data-plane")]),
        ),
        version: "1.31".into(),
        status: "ACTIVE".into(),
        role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-eks-cluster")),
        vpc_id: Some(vpc_id.into()),
        subnet_ids: vec![
            subnet_ids[&("data-plane".into(), 'a')].clone(),
            subnet_ids[&("data-plane".into(), 'b')].clone(),
        ],
        security_group_ids: vec![dp.into()],
        endpoint_public_access: Some(false),
        endpoint_private_access: true,
        public_access_cidrs: vec![],
        encryption_config: vec![EksEncryptionConfig {
            resources: vec!["secrets".into()],
            provider_key_arn: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-e350-4000-8000-000000000001")),
        }],
        enabled_log_types: vec!["api".into(), "audit".into(), "authenticator".into()],
        oidc_issuer: Some(format!("https://oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0")),
    });
    compute(&mut s);
    network_acls(&mut s, vpc_id);
    perimeter_compliant(&mut s);
    backups_compliant(&mut s);
    s.sort();
    s
}

/// The control plane on ECS/Fargate with its images in ECR, and the data plane's IRSA and
/// node group (guide, steps 2 and 4; baselines/flowforge.yaml, architecture.compute).
fn compute(s: &mut Snapshot) {
    use flowforge_audit::aws::ecr::EcrRepository;
    use flowforge_audit::aws::ecs::{
        EcsCluster, EcsContainer, EcsNetwork, EcsService, EcsTaskDefinition, EnvVar, SecretRef,
    };
    use flowforge_audit::aws::eks::{EksLaunchTemplate, EksNodeGroup};
    use flowforge_audit::aws::iam::OidcProvider;
    let ff = |extra: &[(&str, &str)]| {
        let mut t = tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV)]);
        t.extend(tags(extra));
        t
    };
    let subnets = |tier: &str| -> Vec<String> {
        s.ec2
            .subnets
            .iter()
            .filter(|x| x.meta.tags.get("flowforge:tier").map(String::as_str) == Some(tier))
            .map(|x| x.meta.id.clone())
            .collect()
    };
    let (cp_subnets, dp_subnets) = (subnets("control-plane"), subnets("data-plane"));
    let kms = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-ec70-4000-8000-000000000001");
    for repo in ["ui", "flows"] {
        let name = format!("flowforge-prod-{repo}");
        s.ecr.repositories.push(EcrRepository {
            meta: meta(format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}"), &name, &name, BTreeMap::new()),
            uri: format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}"),
            image_tag_mutability: Some("IMMUTABLE".into()),
            scan_on_push: Some(true),
            registry_scan_type: Some("BASIC".into()),
            encryption_type: Some("KMS".into()),
            kms_key: Some(kms.clone()),
            has_lifecycle_policy: Some(true),
            policy: None,
        });
    }
    let trust = |service: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    let mut exec = role(
        "flowforge-prod-ecs-execution",
        "ecs-execution",
        &trust("ecs-tasks.amazonaws.com"),
        vec![(
            "pull-and-inject",
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}},{{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:flowforge/prod/*"}}]}}"#
            ),
        )],
        &[],
    );
    exec.meta.tags.remove("flowforge:role");
    s.iam.roles.push(exec);
    let mut node = role(
        "flowforge-prod-eks-node",
        "eks-node",
        &trust("ec2.amazonaws.com"),
        vec![(
            "node",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:DescribeSubnets","ec2:AssignPrivateIpAddresses","ec2:CreateNetworkInterface","eks:DescribeCluster","ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}"#,
        )],
        &[],
    );
    node.meta.tags.remove("flowforge:role");
    s.iam.roles.push(node);
    let url = format!("oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0");
    s.iam.oidc_providers.push(OidcProvider {
        meta: meta(format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{url}"), &url, &url, ff(&[])).global(),
        url: Some(url.clone()),
        client_ids: vec!["sts.amazonaws.com".into()],
        thumbprints: vec!["9e99a48a9960b14926bb7f3b02e22da2b0ab7280".into()],
    });
    let cluster_arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/flowforge-prod-control-plane");
    s.ecs.clusters.push(EcsCluster {
        meta: meta(cluster_arn.clone(), "flowforge-prod-control-plane", "flowforge-prod-control-plane", ff(&[])),
        status: "ACTIVE".into(),
    });
    let td_arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/flowforge-prod-ui:42");
    s.ecs.task_definitions.push(EcsTaskDefinition {
        meta: meta(td_arn.clone(), "flowforge-prod-ui:42", "flowforge-prod-ui", ff(&[])),
        family: "flowforge-prod-ui".into(),
        revision: 42,
        task_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-control-plane")),
        execution_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-ecs-execution")),
        network_mode: Some("awsvpc".into()),
        containers: vec![EcsContainer {
            name: "ui".into(),
            image: format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/flowforge-prod-ui@sha256:3f0a9e4c1b2d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"),
            environment: ["NODE_ENV", "PREFECT_API_URL", "FLOWFORGE_BUCKET_GOLD"].into_iter().map(|n| EnvVar { name: n.into(), value_kind: None }).collect(),
            secrets: vec![SecretRef { name: "DATABASE_URL".into(), value_from: format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:flowforge/prod/database-AbCdEf") }],
            readonly_root_filesystem: Some(true),
            privileged: Some(false),
            log_driver: Some("awslogs".into()),
        }],
    });
    s.ecs.services.push(EcsService {
        meta: meta(
            format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/flowforge-prod-control-plane/flowforge-prod-ui"),
            "flowforge-prod-ui",
            "flowforge-prod-ui",
            ff(&[("flowforge:tier", "control-plane")]),
        ),
        cluster_arn,
        status: "ACTIVE".into(),
        launch_type: Some("FARGATE".into()),
        task_definition: Some(td_arn),
        desired_count: 2,
        network: Some(EcsNetwork {
            subnets: cp_subnets,
            security_groups: vec!["sg-0f10f0f0000000c9e".into()],
            assign_public_ip: Some("DISABLED".into()),
        }),
    });
    s.eks.node_groups.push(EksNodeGroup {
        meta: meta(format!("arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/flowforge-prod-data-plane/flowforge-prod-workers/0f10f0f0-0000-4000-8000-000000000001"), "flowforge-prod-workers", "flowforge-prod-workers", ff(&[("flowforge:tier", "data-plane")])),
        cluster_name: "flowforge-prod-data-plane".into(),
        status: "ACTIVE".into(),
        subnets: dp_subnets,
        node_role: Some(format!("arn:aws:iam::{ACCOUNT}:role/flowforge-prod-eks-node")),
        ami_type: Some("AL2023_x86_64_STANDARD".into()),
        launch_template: Some(EksLaunchTemplate { id: Some("lt-0f10f0f0000000001".into()), name: Some("flowforge-prod-workers".into()), version: Some("7".into()), version_number: Some(7), metadata_options: Some(workers_imds("required", 1)) }),
    });
}

/// The IMDS settings of a version of the workers' launch template.
fn workers_imds(tokens: &str, hop_limit: i64) -> flowforge_audit::aws::eks::LaunchTemplateMetadataOptions {
    flowforge_audit::aws::eks::LaunchTemplateMetadataOptions {
        http_tokens: Some(tokens.into()),
        http_endpoint: Some("enabled".into()),
        http_put_response_hop_limit: Some(hop_limit),
    }
}

/// IMDS drift: the workers' node group was rolled to `$Latest` of its launch template, version
/// 8, made for a legacy monitoring agent that needs IMDSv1 and two hops.
fn imds_drifted(s: &mut Snapshot) {
    if let Some(lt) = s
        .eks
        .node_groups
        .iter_mut()
        .find(|g| g.meta.id == "flowforge-prod-workers")
        .and_then(|g| g.launch_template.as_mut())
    {
        lt.version = Some("$Latest".into());
        lt.version_number = Some(8);
        lt.metadata_options = Some(workers_imds("optional", 2));
    }
}

/// Compute drifts of a year of hand-made changes: a hotfix image and a password in the UI's
/// task definition, a loosened flows repository, a wildcard IRSA subject, a demo copy of the UI
/// on App Runner, audit logs off.
fn compute_drifts(s: &mut Snapshot) {
    // ECS: the UI was redeployed from a locally built Docker Hub image with DB_PASSWORD inline.
    if let Some(t) = s.ecs.task_definitions.iter_mut().find(|t| t.family == "flowforge-prod-ui") {
        for c in &mut t.containers {
            c.image = "docker.io/flowforgedev/ui:hotfix".into();
            c.environment.push(flowforge_audit::aws::ecs::EnvVar { name: "DB_PASSWORD".into(), value_kind: None });
        }
    }
    // ECR: the flows repository made mutable and its lifecycle policy dropped to re-push a tag.
    if let Some(r) = s.ecr.repositories.iter_mut().find(|r| r.meta.name == "flowforge-prod-flows") {
        r.image_tag_mutability = Some("MUTABLE".into());
        r.has_lifecycle_policy = Some(false);
    }
    // IRSA: the worker role trusts every service account of the prefect namespace.
    if let Some(r) = s.iam.roles.iter_mut().find(|r| r.meta.id == "flowforge-prod-prefect-worker") {
        r.assume_role_policy = doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0:aud":"sts.amazonaws.com"}},"StringLike":{{"oidc.eks.{REGION}.amazonaws.com/id/0F10F0F0:sub":"system:serviceaccount:prefect:*"}}}}}}]}}"#
        ));
    }
    // App Runner: a demo copy of the UI, public egress, an ECR Public image, the database URL
    // with its password in a plain variable (the collector keeps only the kind of value).
    s.apprunner.services.push(flowforge_audit::aws::apprunner::AppRunnerService {
        meta: meta(
            format!(
                "arn:aws:apprunner:{REGION}:{ACCOUNT}:service/flowforge-prod-ui-demo/4c2b1f0e9d8a4b6c8e7f6a5b4c3d2e1f"
            ),
            "4c2b1f0e9d8a4b6c8e7f6a5b4c3d2e1f",
            "flowforge-prod-ui-demo",
            BTreeMap::new(),
        ),
        status: "RUNNING".into(),
        instance_role_arn: None,
        egress_type: Some("DEFAULT".into()),
        vpc_connector_arn: None,
        image_identifier: Some("public.ecr.aws/flowforge/ui:latest".into()),
        image_repository_type: Some("ECR_PUBLIC".into()),
        environment: vec![
            flowforge_audit::aws::ecs::EnvVar {
                name: "DATABASE_URL".into(),
                value_kind: Some("connection-string-with-password".into()),
            },
            flowforge_audit::aws::ecs::EnvVar { name: "NODE_ENV".into(), value_kind: None },
        ],
        secrets: vec![],
    });
    // EKS: audit and authenticator logs switched off to save CloudWatch costs.
    if let Some(c) = s.eks.clusters.first_mut() {
        c.enabled_log_types = vec!["api".into()];
    }
}

const CERTIFICATE: &str = "0f10f0f0-ac30-4000-8000-000000000001";
const PERIMETER_KEY: &str = "0f10f0f0-e350-4000-8000-000000000002";

/// The perimeter and monitoring (guide, "Reference Architecture / 3. Perimeter", steps 4 and 6,
/// "Operations & Handover"): WAF on the ALB with logging, the listener's ACM certificate, the
/// declared alarms to an encrypted topic with a confirmed subscription, the log groups.
fn perimeter_compliant(s: &mut Snapshot) {
    let kms = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{PERIMETER_KEY}");
    let Some(alb) =
        s.elbv2.load_balancers.iter().find(|l| l.meta.name == "flowforge-prod-alb").map(|l| l.meta.arn.clone())
    else {
        return;
    };
    let acl_id = "0f10f0f0-3af0-4000-8000-000000000001";
    let acl_arn = format!("arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/flowforge-prod-waf/{acl_id}");
    s.wafv2.web_acls.push(WebAcl {
        meta: meta(acl_arn.clone(), acl_id, "flowforge-prod-waf", BTreeMap::new()),
        default_action: Some("ALLOW".into()),
        managed_rule_groups: vec!["AWSManagedRulesCommonRuleSet".into(), "AWSManagedRulesKnownBadInputsRuleSet".into()],
        rule_group_arns: vec![],
    });
    s.wafv2.associations.push(WebAclAssociation {
        meta: meta(alb.clone(), "flowforge-prod-alb", "flowforge-prod-alb", BTreeMap::new()),
        resource_arn: alb.clone(),
        web_acl_arn: Some(acl_arn.clone()),
    });
    s.wafv2.logging_configurations.push(WafLoggingConfiguration {
        meta: meta(acl_arn.clone(), acl_id, "flowforge-prod-waf", BTreeMap::new()),
        destinations: vec![format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-flowforge-prod")],
    });
    let domain = "app.prod.flowforge.example.com";
    s.acm.certificates.push(Certificate {
        meta: meta(
            format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{CERTIFICATE}"),
            CERTIFICATE,
            domain,
            BTreeMap::new(),
        ),
        domain_name: domain.into(),
        subject_alternative_names: vec![domain.into(), "api.prod.flowforge.example.com".into()],
        status: Some("ISSUED".into()),
        certificate_type: Some("AMAZON_ISSUED".into()),
        key_algorithm: Some("RSA_2048".into()),
        not_after: Some("2027-08-14T23:59:59Z".into()),
    });
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:flowforge-prod-alerts");
    s.sns.topics.push(Topic {
        meta: meta(topic.clone(), "flowforge-prod-alerts", "flowforge-prod-alerts", BTreeMap::new()),
        kms_key_id: Some(kms.clone()),
        subscriptions: Some(vec![
            Subscription { protocol: "email".into(), confirmed: true },
            Subscription { protocol: "https".into(), confirmed: true },
        ]),
    });
    let lb_dimension = alb.split_once(":loadbalancer/").map(|(_, d)| d.to_owned()).unwrap_or_default();
    for (name, namespace, metric, dim, value) in [
        ("flowforge-prod-prefect-run-failures", "FlowForge/Prefect", "FlowRunsFailed", "Environment", ENV.to_owned()),
        ("flowforge-prod-api-latency", "AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb_dimension),
        (
            "flowforge-prod-database-cpu",
            "AWS/RDS",
            "CPUUtilization",
            "DBInstanceIdentifier",
            "flowforge-prod-metadata".into(),
        ),
        (
            "flowforge-prod-database-storage",
            "AWS/RDS",
            "FreeStorageSpace",
            "DBInstanceIdentifier",
            "flowforge-prod-metadata".into(),
        ),
    ] {
        s.cloudwatch.alarms.push(Alarm {
            meta: meta(format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"), name, name, BTreeMap::new()),
            actions_enabled: Some(true),
            alarm_actions: vec![topic.clone()],
            namespace: Some(namespace.into()),
            metric_name: Some(metric.into()),
            dimensions: BTreeMap::from([(dim.to_owned(), value)]),
            state: "OK".into(),
        });
    }
    for name in [
        "/aws/eks/flowforge-prod-data-plane/cluster",
        "/ecs/flowforge-prod-control-plane",
        "/flowforge/prod/prefect",
        "/flowforge/prod/vpc-flow-logs",
        "aws-waf-logs-flowforge-prod",
    ] {
        s.logs.log_groups.push(LogGroup {
            meta: meta(format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"), name, name, BTreeMap::new()),
            retention_in_days: Some(400),
            kms_key_id: Some(kms.clone()),
        });
    }
}

/// Perimeter drift a year brings: the certificate is 12 days from expiry (its DNS validation
/// record was deleted, so ACM stopped renewing it), the storage alarm was deleted with an old
/// stack, and the Prefect log group was recreated by hand with "never expire".
fn perimeter_drifted(s: &mut Snapshot) {
    if let Some(c) = s.acm.certificates.iter_mut().find(|c| c.meta.id == CERTIFICATE) {
        c.not_after = Some("2026-12-03T12:00:00Z".into());
    }
    s.cloudwatch.alarms.retain(|a| a.meta.name != "flowforge-prod-database-storage");
    if let Some(g) = s.logs.log_groups.iter_mut().find(|g| g.meta.name == "/flowforge/prod/prefect") {
        g.retention_in_days = None;
    }
}

/// The same account after a year of hand-made changes: one realistic drift per policy area.
fn drifted() -> Snapshot {
    let mut s = compliant();
    s.collected_at = "2026-11-21T06:00:00Z".into();
    // TLS: the silver bucket's policy was replaced by an Allow that only *mentions* TLS.
    if let Some(b) = s.s3.buckets.iter_mut().find(|b| b.meta.id == "flowforge-prod-silver") {
        b.policy = Some(doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowTlsOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":["arn:aws:s3:::flowforge-prod-silver","arn:aws:s3:::flowforge-prod-silver/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
        ));
    }
    // Encryption: the landing bucket fell back to S3-managed keys.
    if let Some(b) = s.s3.buckets.iter_mut().find(|b| b.meta.id == "flowforge-prod-landing") {
        b.encryption = Some(BucketEncryption {
            rules: vec![BucketEncryptionRule {
                sse_algorithm: "AES256".into(),
                kms_master_key_id: None,
                bucket_key_enabled: false,
            }],
        });
    }
    // VPC endpoints: the Secrets Manager endpoint was deleted to save cost.
    s.ec2.vpc_endpoints.retain(|e| !e.service_name.ends_with(".secretsmanager"));
    // Multi-AZ: the database was restored single-AZ after an incident.
    if let Some(db) = s.rds.db_instances.first_mut() {
        db.multi_az = Some(false);
        db.secondary_availability_zone = None;
    }
    // IAM scope: the worker got s3:* on everything "temporarily".
    if let Some(r) = s.iam.roles.iter_mut().find(|r| r.meta.id == "flowforge-prod-prefect-worker") {
        r.inline_policies.push(InlinePolicy {
            name: "debug-temp".into(),
            document: doc(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            ),
        });
    }
    // Network: the database port opened to the world for a migration.
    if let Some(sg) = s.ec2.security_groups.iter_mut().find(|g| g.group_name == "flowforge-prod-database") {
        sg.ingress.push(SgRule {
            description: Some("temp migration".into()),
            ..rule("tcp", Some(5432), &["0.0.0.0/0"], &[])
        });
    }
    // Rotation: rotation was switched off on the Prefect API secret.
    if let Some(sec) = s.secretsmanager.secrets.iter_mut().find(|x| x.meta.id == "flowforge/prod/prefect-api") {
        sec.rotation_enabled = false;
        sec.rotation_rules = None;
    }
    // Hygiene: a node launched from an old template still allows IMDSv1.
    if let Some(i) = s.ec2.instances.iter_mut().find(|i| i.meta.id == "i-0f10f0f0000000001") {
        i.metadata_options.http_tokens = "optional".into();
    }
    // An incomplete audit: the scanner role was not allowed to read flow logs.
    s.collection_errors.push(CollectionError {
        service: "ec2".into(),
        operation: "DescribeFlowLogs".into(),
        region: REGION.into(),
        resource: None,
        error_code: "UnauthorizedOperation".into(),
        message: "You are not authorized to perform this operation.".into(),
    });
    s.ec2.flow_logs.clear();
    compute_drifts(&mut s);
    drift_network_acls(&mut s);
    perimeter_drifted(&mut s);
    backups_drifted(&mut s);
    imds_drifted(&mut s);
    s.sort();
    s
}

/// A large account for the benchmark: `n` resources spread over the collections, with a
/// share of them violating checks, plus the compliant FlowForge core.
fn scale(n: usize, flowforge_percent: usize) -> Snapshot {
    let mut s = compliant();
    let base = s.resource_metas().len();
    let per = n.saturating_sub(base) / 6;
    // A FlowForge data-lake bucket's encryption: a customer key of the account.
    let ff_encryption =
        s.s3.buckets.iter().find(|b| b.meta.name.starts_with("flowforge-")).and_then(|b| b.encryption.clone());
    for i in 0..per {
        let flowforge = i % 100 < flowforge_percent;
        let tagged = |meta: &mut ResourceMeta| {
            if flowforge {
                meta.tags.extend(ff_tags(&meta.name.clone(), &[]));
            }
        };
        let name = format!("tenant-data-{i:06}");
        let mut b = s.s3.buckets[0].clone();
        b.meta = ResourceMeta {
            arn: format!("arn:aws:s3:::{name}"),
            id: name.clone(),
            name: name.clone(),
            region: REGION.into(),
            account_id: ACCOUNT.into(),
            tags: tags(&[("team", "analytics")]),
        };
        b.policy = if i % 3 == 0 { None } else { Some(tls_policy(&name)) };
        if flowforge {
            b.encryption.clone_from(&ff_encryption);
        }
        if i % 5 == 0 {
            b.encryption = None;
        }
        tagged(&mut b.meta);
        s.s3.buckets.push(b);

        let id = format!("sg-{i:017x}");
        let mut g = s.ec2.security_groups[0].clone();
        g.meta = ec2_meta("security-group", &id, &format!("tenant-{i}"), &[]);
        g.meta.tags.clear();
        g.group_name = format!("tenant-{i}");
        if i % 7 == 0 {
            g.ingress.push(rule("tcp", Some(22), &["0.0.0.0/0"], &[]));
        }
        tagged(&mut g.meta);
        s.ec2.security_groups.push(g);

        let rname = format!("tenant-role-{i:06}");
        let mut r = s.iam.roles[0].clone();
        r.meta = meta(format!("arn:aws:iam::{ACCOUNT}:role/{rname}"), &rname, &rname, BTreeMap::new()).global();
        tagged(&mut r.meta);
        s.iam.roles.push(r);

        let sid = format!("subnet-{i:017x}");
        let mut sn = s.ec2.subnets[0].clone();
        sn.meta = ec2_meta("subnet", &sid, &sid, &[]);
        sn.meta.tags.clear();
        tagged(&mut sn.meta);
        s.ec2.subnets.push(sn);

        let iid = format!("i-{i:017x}");
        let mut inst = s.ec2.instances[0].clone();
        inst.meta = ec2_meta("instance", &iid, &iid, &[]);
        inst.meta.tags.clear();
        if i % 4 == 0 {
            inst.metadata_options.http_tokens = "optional".into();
        }
        tagged(&mut inst.meta);
        s.ec2.instances.push(inst);

        let sec = format!("tenant/{i:06}");
        let mut x = s.secretsmanager.secrets[0].clone();
        x.meta =
            meta(format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{sec}-AbCdEf"), &sec, &sec, BTreeMap::new());
        x.rotation_enabled = i % 2 == 0;
        tagged(&mut x.meta);
        s.secretsmanager.secrets.push(x);
    }
    s.sort();
    s
}

fn acl_entry(n: i32, protocol: &str, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
    NaclEntry {
        rule_number: n,
        egress: false,
        protocol: protocol.into(),
        rule_action: action.into(),
        cidr_block: Some(cidr.into()),
        ipv6_cidr_block: None,
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
    }
}

/// Network ACLs isolating the tiers: the application subnets admit HTTP(S) and return traffic
/// from the internet (RDP denied first), anything from the VPC; the database subnets admit
/// 5432 only from the data-plane subnets (then deny it), return traffic from the VPC. The
/// default ACL (allow all) is left with no subnet.
fn network_acls(s: &mut Snapshot, vpc_id: &str) {
    let ids = |tiers: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = s
            .ec2
            .subnets
            .iter()
            .filter(|x| x.meta.tags.get("flowforge:tier").is_some_and(|t| tiers.contains(&t.as_str())))
            .map(|x| x.meta.id.clone())
            .collect();
        v.sort();
        v
    };
    let dp: Vec<String> = s
        .ec2
        .subnets
        .iter()
        .filter(|x| x.meta.tags.get("flowforge:tier").is_some_and(|t| t == "data-plane"))
        .map(|x| x.cidr_block.clone())
        .collect();
    let default_deny = || acl_entry(32767, "-1", "deny", "0.0.0.0/0", None);
    let app = NetworkAcl {
        meta: ec2_meta("network-acl", "acl-0f10f0f0000000001", "flowforge-prod-app-nacl", &[]),
        vpc_id: vpc_id.into(),
        is_default: false,
        subnet_ids: ids(&["public", "control-plane", "data-plane"]),
        entries: vec![
            acl_entry(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
            acl_entry(101, "6", "allow", "0.0.0.0/0", Some((80, 80))),
            acl_entry(105, "6", "deny", "0.0.0.0/0", Some((3389, 3389))),
            acl_entry(110, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            acl_entry(120, "-1", "allow", "10.40.0.0/16", None),
            default_deny(),
        ],
    };
    let mut db_entries: Vec<NaclEntry> =
        dp.iter().enumerate().map(|(i, c)| acl_entry(100 + i as i32, "6", "allow", c, Some((5432, 5432)))).collect();
    db_entries.push(acl_entry(150, "6", "deny", "0.0.0.0/0", Some((5432, 5432))));
    db_entries.push(acl_entry(200, "6", "allow", "10.40.0.0/16", Some((1024, 65535))));
    db_entries.push(default_deny());
    let db = NetworkAcl {
        meta: ec2_meta("network-acl", "acl-0f10f0f0000000002", "flowforge-prod-database-nacl", &[]),
        vpc_id: vpc_id.into(),
        is_default: false,
        subnet_ids: ids(&["database"]),
        entries: db_entries,
    };
    let default = NetworkAcl {
        meta: meta(
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:network-acl/acl-0f10f0f0000000000"),
            "acl-0f10f0f0000000000",
            "acl-0f10f0f0000000000",
            BTreeMap::new(),
        ),
        vpc_id: vpc_id.into(),
        is_default: true,
        subnet_ids: vec![],
        entries: vec![acl_entry(100, "-1", "allow", "0.0.0.0/0", None), default_deny()],
    };
    s.ec2.network_acls.extend([app, db, default]);
}

/// NACL drift: SSH opened to the world on the application subnets "for debugging", and the
/// database ACL opened 5432 to the world for the same migration as the security group (rule 90,
/// before the data-plane allows), so the internet -> database path is open in both layers.
fn drift_network_acls(s: &mut Snapshot) {
    for acl in &mut s.ec2.network_acls {
        if acl.meta.name == "flowforge-prod-app-nacl" {
            acl.entries.insert(0, acl_entry(90, "6", "allow", "0.0.0.0/0", Some((22, 22))));
        }
        if acl.meta.name == "flowforge-prod-database-nacl" {
            acl.entries.insert(0, acl_entry(90, "6", "allow", "0.0.0.0/0", Some((5432, 5432))));
        }
    }
}

/// The lake buckets' lifecycle rule: noncurrent versions go to Glacier after 30 days and
/// expire after a year (guide, "backup/restore (... S3 versioning)").
fn noncurrent_lifecycle_rule() -> LifecycleRule {
    LifecycleRule {
        id: Some("noncurrent-versions".into()),
        status: "Enabled".into(),
        prefix: Some(String::new()),
        noncurrent_version_expiration_days: Some(365),
        noncurrent_version_transition_days: Some(30),
    }
}

/// A customer-managed KMS key with rotation on and the account-root key policy.
fn kms_key(id: &str, alias: &str) -> flowforge_audit::aws::kms::KmsKey {
    flowforge_audit::aws::kms::KmsKey {
        meta: meta(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"), id, alias, BTreeMap::new()),
        key_manager: Some("CUSTOMER".into()),
        key_state: Some("Enabled".into()),
        enabled: Some(true),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        origin: Some("AWS_KMS".into()),
        creation_date: Some("2026-01-15T09:00:00Z".into()),
        aliases: vec![alias.into()],
        rotation_enabled: Some(true),
        policy: Some(doc(&format!(
            r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
        ))),
    }
}

/// Backups, parameters, the trail and the keys of the compliant account: the database's
/// automated snapshot and a pre-upgrade manual one, the Prefect parameters, a multi-region
/// trail, and the customer-managed keys the FlowForge resources name.
fn backups_compliant(s: &mut Snapshot) {
    use flowforge_audit::aws::{cloudtrail::Trail, ssm::SsmParameter};
    let db_key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/0f10f0f0-4d50-4000-8000-000000000001");
    for (id, kind, accounts) in [
        ("rds:flowforge-prod-metadata-2026-11-20-03-10", "automated", None),
        ("flowforge-prod-metadata-pre-upgrade-16-4", "manual", Some(vec![])),
    ] {
        s.rds.db_snapshots.push(DbSnapshot {
            meta: meta(
                format!("arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:{id}"),
                id,
                id,
                tags(&[("flowforge:app", "flowforge"), ("flowforge:env", ENV), ("flowforge:tier", "database")]),
            ),
            db_instance_identifier: "flowforge-prod-metadata".into(),
            snapshot_type: kind.into(),
            status: "available".into(),
            encrypted: Some(true),
            kms_key_id: Some(db_key.clone()),
            snapshot_create_time: Some("2026-11-20T03:10:00Z".into()),
            restore_accounts: accounts,
        });
    }
    let ssm_key = "0f10f0f0-5550-4000-8000-000000000001";
    for (name, kind) in [
        ("/flowforge/prod/prefect-api-url", "String"),
        ("/flowforge/prod/prefect-api-token", "SecureString"),
        ("/flowforge/prod/oidc-client-secret", "SecureString"),
    ] {
        s.ssm.parameters.push(SsmParameter {
            meta: meta(format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}"), name, name, BTreeMap::new()),
            parameter_type: Some(kind.into()),
            key_id: (kind == "SecureString").then(|| format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{ssm_key}")),
            tier: Some("Standard".into()),
            last_modified_date: Some("2026-10-01T12:00:00Z".into()),
        });
    }
    // The trail delivers to the account's log archive bucket (hardened like the lake's).
    let archive = "acme-log-archive-123456789012";
    if let Some(mut b) = s.s3.buckets.first().cloned() {
        b.meta = meta(format!("arn:aws:s3:::{archive}"), archive, archive, BTreeMap::new());
        b.policy = Some(tls_policy(archive));
        b.logging = None;
        b.lifecycle_rules = None;
        // It also receives the lake's server access logs, which S3 delivers only to SSE-S3
        // buckets (FF-S3-002's scope).
        b.encryption = Some(BucketEncryption {
            rules: vec![BucketEncryptionRule {
                sse_algorithm: "AES256".into(),
                kms_master_key_id: None,
                bucket_key_enabled: false,
            }],
        });
        s.s3.buckets.push(b);
    }
    let trail_key = "0f10f0f0-c750-4000-8000-000000000001";
    s.cloudtrail.trails.push(Trail {
        meta: meta(
            format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/flowforge-prod-trail"),
            "flowforge-prod-trail",
            "flowforge-prod-trail",
            BTreeMap::new(),
        ),
        is_multi_region: Some(true),
        is_organization_trail: Some(false),
        log_file_validation_enabled: Some(true),
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{trail_key}")),
        s3_bucket_name: Some(archive.into()),
        is_logging: Some(true),
        management_read_events: Some(true),
        management_write_events: Some(true),
    });
    for (id, alias) in [
        ("0f10f0f0-5330-4000-8000-000000000001", "alias/flowforge-prod-data-lake"),
        ("0f10f0f0-4d50-4000-8000-000000000001", "alias/flowforge-prod-database"),
        ("0f10f0f0-5e30-4000-8000-000000000001", "alias/flowforge-prod-secrets"),
        (ssm_key, "alias/flowforge-prod-parameters"),
        (trail_key, "alias/flowforge-prod-trail"),
        (PERIMETER_KEY, "alias/flowforge-prod-monitoring"),
    ] {
        s.kms.keys.push(kms_key(id, alias));
    }
}

/// Backup and key drift: retention cut to 3 days, a manual snapshot made public for a
/// vendor, the Prefect API token stored as a plain String, rotation switched off on the
/// secrets key, and log-file validation off on the trail.
fn backups_drifted(s: &mut Snapshot) {
    if let Some(db) = s.rds.db_instances.first_mut() {
        db.backup_retention_period = Some(3);
    }
    if let Some(x) = s.rds.db_snapshots.iter_mut().find(|x| x.snapshot_type == "manual") {
        x.restore_accounts = Some(vec!["all".into()]);
    }
    if let Some(p) = s.ssm.parameters.iter_mut().find(|p| p.meta.id == "/flowforge/prod/prefect-api-token") {
        p.parameter_type = Some("String".into());
        p.key_id = None;
    }
    if let Some(k) = s.kms.keys.iter_mut().find(|k| k.aliases.iter().any(|a| a == "alias/flowforge-prod-secrets")) {
        k.rotation_enabled = Some(false);
    }
    if let Some(t) = s.cloudtrail.trails.first_mut() {
        t.log_file_validation_enabled = Some(false);
    }
}

/// The account of each example environment: FlowForge environments live in separate accounts
/// of one organisation (docs/org.md).
fn account_of(env: &str) -> Option<&'static str> {
    match env {
        "dev" => Some("111122223333"),
        "qa" => Some("222233334444"),
        "uat" => Some("333344445555"),
        "prod" => Some(ACCOUNT),
        _ => None,
    }
}

/// `text` with every word `prod` (not part of a longer word: `flowforge-prod-vpc`,
/// `flowforge/prod/database`, `app.prod.flowforge.example.com`, the `flowforge:env` tag) made
/// `env`, and the prod account made `account`.
fn retarget(text: &str, env: &str, account: &str) -> String {
    let text = text.replace(ACCOUNT, account);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("prod") {
        let before = rest[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
        let after = rest[i + 4..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if before || after { "prod" } else { env });
        rest = &rest[i + 4..];
    }
    out.push_str(rest);
    out
}

fn retarget_value(v: &mut serde_json::Value, env: &str, account: &str) {
    match v {
        serde_json::Value::String(s) => *s = retarget(s, env, account),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| retarget_value(i, env, account)),
        serde_json::Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut item) in old {
                retarget_value(&mut item, env, account);
                map.insert(retarget(&k, env, account), item);
            }
        }
        _ => {}
    }
}

/// The compliant account as another environment (`dev`, `qa`, `uat`) in its own account, the
/// way a promotion pipeline deploys it: the same architecture under that environment's names
/// and tags, with the single-AZ database every environment but prod accepts (the baseline's
/// `rds_multi_az` is a prod requirement), so a promotion to prod shows what the baseline lets
/// differ.
fn environment(env: &str) -> Snapshot {
    let account = account_of(env).unwrap_or_else(|| {
        eprintln!("unknown environment {env:?}: dev, qa, uat or prod");
        std::process::exit(2);
    });
    let mut s = compliant();
    if env != ENV {
        for db in &mut s.rds.db_instances {
            db.multi_az = Some(false);
        }
    }
    let mut value = serde_json::to_value(&s).expect("a snapshot serialises");
    retarget_value(&mut value, env, account);
    serde_json::from_value(value).unwrap_or_else(|e| panic!("the {env} snapshot no longer parses: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let snapshot = match args.first().map(String::as_str) {
        Some("compliant") => compliant(),
        Some("drifted") => drifted(),
        Some("env") => environment(args.get(1).map(String::as_str).unwrap_or_default()),
        Some("scale") => scale(
            args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000),
            args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0),
        ),
        _ => {
            eprintln!("usage: generate_snapshot compliant | drifted | env dev|qa|uat | scale N [FLOWFORGE_PERCENT]");
            std::process::exit(2);
        }
    };
    match serde_json::to_string_pretty(&snapshot) {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("cannot serialise: {e}");
            std::process::exit(2);
        }
    }
}
