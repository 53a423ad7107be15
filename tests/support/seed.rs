//! Seeds a FlowForge-shaped account into moto through the Rust SDK, and injects one drift
//! per policy area. The drift tests, the scan tests and the demo reuse it: [`Seeded`] holds
//! every id and ARN a test asserts on, [`Drift`] names the areas.
//!
//! Emulator notes: the KMS key is a real moto key (`seed_backups::kms_key`); the HTTPS
//! listener is created with an IAM server-certificate ARN (moto validates ACM ARNs only), which
//! `seed_perimeter` then replaces with an imported ACM certificate; rotation is enabled with rotation rules and no Lambda (moto then needs no Docker).

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancingv2::types as elbt;

pub const ACCOUNT_ID: &str = "123456789012";
pub const REGION: &str = "us-east-1";
pub const AZS: [&str; 2] = ["us-east-1a", "us-east-1b"];
pub const TIERS: [&str; 4] = ["public", "control-plane", "data-plane", "database"];
pub const LAYERS: [&str; 4] = ["landing", "bronze", "silver", "gold"];
pub const ROLES: [&str; 5] = ["devops", "data-engineer", "auditor", "prefect-worker", "control-plane"];
pub const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// One policy area's injected drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// The landing bucket's policy loses its TLS-only Deny.
    Tls,
    /// The bronze bucket's default encryption becomes AES256 (no KMS).
    Encryption,
    /// The Secrets Manager interface endpoint is deleted.
    VpcEndpoint,
    /// The metadata database becomes single-AZ.
    MultiAz,
    /// prefect-worker gets `s3:*` on `*`.
    IamScope,
    /// The database security group admits 5432 from 0.0.0.0/0.
    NetworkTier,
    /// Rotation of the database secret is cancelled.
    Rotation,
    /// The ALB loses its web ACL (seed_perimeter).
    Waf,
    /// The web ACL stops logging.
    WafLogging,
    /// The HTTPS listener serves a certificate outside the FlowForge domain.
    Certificate,
    /// The database CPU alarm's actions are disabled.
    Alarm,
    /// The alarm topic loses its KMS key.
    AlarmTopic,
    /// The control-plane log group keeps events 7 days.
    LogRetention,
    /// The Prefect log group is recreated without a KMS key.
    LogKms,
}

impl Drift {
    pub const ALL: [Drift; 14] = [
        Drift::Tls,
        Drift::Encryption,
        Drift::VpcEndpoint,
        Drift::MultiAz,
        Drift::IamScope,
        Drift::NetworkTier,
        Drift::Rotation,
        Drift::Waf,
        Drift::WafLogging,
        Drift::Certificate,
        Drift::Alarm,
        Drift::AlarmTopic,
        Drift::LogRetention,
        Drift::LogKms,
    ];

    /// The drift's name in `FLOWFORGE_SEED_DRIFTS` (`tls`, `encryption`, `vpc-endpoint`,
    /// `multi-az`, `iam`, `network`, `rotation`, `waf`, `waf-logging`, `certificate`, `alarm`,
    /// `alarm-topic`, `log-retention`, `log-kms`).
    pub fn name(self) -> &'static str {
        match self {
            Drift::Tls => "tls",
            Drift::Encryption => "encryption",
            Drift::VpcEndpoint => "vpc-endpoint",
            Drift::MultiAz => "multi-az",
            Drift::IamScope => "iam",
            Drift::NetworkTier => "network",
            Drift::Rotation => "rotation",
            Drift::Waf => "waf",
            Drift::WafLogging => "waf-logging",
            Drift::Certificate => "certificate",
            Drift::Alarm => "alarm",
            Drift::AlarmTopic => "alarm-topic",
            Drift::LogRetention => "log-retention",
            Drift::LogKms => "log-kms",
        }
    }

    pub fn from_name(name: &str) -> Option<Drift> {
        Drift::ALL.into_iter().find(|d| d.name() == name.trim())
    }

    /// The policy-area tag of the checks this drift must fail.
    pub fn area(self) -> &'static str {
        match self {
            Drift::Tls => "tls",
            Drift::Encryption => "encryption",
            Drift::VpcEndpoint => "vpc-endpoints",
            Drift::MultiAz => "multi-az",
            Drift::IamScope => "iam",
            Drift::NetworkTier => "network",
            Drift::Rotation => "encryption",
            Drift::Waf => "network",
            Drift::WafLogging | Drift::Alarm | Drift::LogRetention => "hygiene",
            Drift::Certificate => "tls",
            Drift::AlarmTopic | Drift::LogKms => "encryption",
        }
    }
}

/// SDK clients pointed at the emulator.
#[derive(Clone)]
pub struct Clients {
    pub conf: SdkConfig,
    pub endpoint: String,
    pub ec2: aws_sdk_ec2::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub rds: aws_sdk_rds::Client,
    pub iam: aws_sdk_iam::Client,
    pub sm: aws_sdk_secretsmanager::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub eks: aws_sdk_eks::Client,
    pub config: aws_sdk_config::Client,
    /// The account the keys belong to (moto picks the account from the access key):
    /// [`ACCOUNT_ID`], or a member account of an organisation (`seed_org`).
    pub account_id: String,
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub waf: aws_sdk_wafv2::Client,
    pub acm: aws_sdk_acm::Client,
    pub cw: aws_sdk_cloudwatch::Client,
    pub sns: aws_sdk_sns::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub codebuild: aws_sdk_codebuild::Client,
}

/// s3control with an emulator: the account-id host prefix cannot resolve on 127.0.0.1.
#[derive(Debug)]
struct Fixed(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Fixed {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder().url(self.0.clone()).build(),
        ))
    }
}

impl Clients {
    /// Clients for `endpoint` with the given keys (moto accepts any keys until IAM is enforced).
    pub async fn new(endpoint: &str, access_key: &str, secret_key: &str) -> Clients {
        let conf = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new(access_key, secret_key, None, None, "seed"))
            .load()
            .await;
        let s3 = aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build();
        let s3control =
            aws_sdk_s3control::config::Builder::from(&conf).endpoint_resolver(Fixed(endpoint.to_owned())).build();
        Clients {
            ec2: aws_sdk_ec2::Client::new(&conf),
            s3: aws_sdk_s3::Client::from_conf(s3),
            s3control: aws_sdk_s3control::Client::from_conf(s3control),
            rds: aws_sdk_rds::Client::new(&conf),
            iam: aws_sdk_iam::Client::new(&conf),
            sm: aws_sdk_secretsmanager::Client::new(&conf),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
            eks: aws_sdk_eks::Client::new(&conf),
            config: aws_sdk_config::Client::new(&conf),
            ecs: aws_sdk_ecs::Client::new(&conf),
            ecr: aws_sdk_ecr::Client::new(&conf),
            waf: aws_sdk_wafv2::Client::new(&conf),
            acm: aws_sdk_acm::Client::new(&conf),
            cw: aws_sdk_cloudwatch::Client::new(&conf),
            sns: aws_sdk_sns::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            ssm: aws_sdk_ssm::Client::new(&conf),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&conf),
            kms: aws_sdk_kms::Client::new(&conf),
            lambda: aws_sdk_lambda::Client::new(&conf),
            cloudformation: aws_sdk_cloudformation::Client::new(&conf),
            codebuild: aws_sdk_codebuild::Client::new(&conf),
            endpoint: endpoint.to_owned(),
            conf,
            account_id: ACCOUNT_ID.to_owned(),
        }
    }
}

/// Everything the seed created.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub env: String,
    pub account_id: String,
    pub vpc_id: String,
    /// tier → subnet ids (one per AZ, in [`AZS`] order).
    pub subnets: BTreeMap<String, Vec<String>>,
    pub igw_id: String,
    pub nat_ids: Vec<String>,
    pub public_route_table: String,
    pub private_route_tables: Vec<String>,
    /// tier → security group id.
    pub security_groups: BTreeMap<String, String>,
    pub s3_endpoint_id: String,
    pub secrets_endpoint_id: String,
    pub flow_log_id: String,
    pub instance_id: String,
    /// layer → bucket name.
    pub buckets: BTreeMap<String, String>,
    /// The bucket receiving flow logs and Config history.
    pub logs_bucket: String,
    pub kms_key_arn: String,
    pub db_instance_id: String,
    pub db_instance_arn: String,
    pub db_parameter_group: String,
    pub rotation_lambda_arn: String,
    /// secret name → ARN.
    pub secrets: BTreeMap<String, String>,
    /// role key (`devops`, ...) → ARN.
    pub roles: BTreeMap<String, String>,
    pub auditor_policy_arn: String,
    pub alb_arn: String,
    pub https_listener_arn: String,
    pub http_listener_arn: String,
    pub eks_cluster: String,
    pub eks_cluster_arn: String,
    pub config_recorder: String,
    /// ECR, the ECS control plane, IRSA and the node group ([`super::seed_compute`]).
    pub compute: super::seed_compute::SeededCompute,
    /// The application and database network ACLs (`seed_corpus_network`).
    pub network_acls: Vec<String>,
    pub perimeter: super::seed_perimeter::SeededPerimeter,
}

fn tag(k: &str, v: &str) -> ec2t::Tag {
    ec2t::Tag::builder().key(k).value(v).build()
}

fn ec2_tags(kind: ec2t::ResourceType, name: &str, env: &str, tier: Option<&str>) -> ec2t::TagSpecification {
    let mut tags = vec![tag("Name", name), tag("flowforge:app", "flowforge"), tag("flowforge:env", env)];
    if let Some(t) = tier {
        tags.push(tag("flowforge:tier", t));
    }
    ec2t::TagSpecification::builder().resource_type(kind).set_tags(Some(tags)).build()
}

fn arn(account: &str, service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{account}:{resource}")
}

/// The TLS-only bucket policy (guide: "enable bucket policies").
pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// Seeds a compliant FlowForge account for `env`.
pub async fn seed(c: &Clients, env: &str) -> Seeded {
    let mut s = Seeded { env: env.to_owned(), account_id: c.account_id.clone(), ..Default::default() };
    let account = c.account_id.as_str();
    let p = format!("flowforge-{env}");
    s.kms_key_arn = super::seed_backups::kms_key(c, env).await;

    // ------------------------------------------------------------ network
    let vpc = c
        .ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .tag_specifications(ec2_tags(ec2t::ResourceType::Vpc, &format!("{p}-vpc"), env, None))
        .send()
        .await
        .expect("create vpc");
    s.vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id").to_owned();
    let mut n = 0;
    for tier in TIERS {
        for az in AZS {
            let suffix = az.chars().last().unwrap_or('x');
            let sub = c
                .ec2
                .create_subnet()
                .vpc_id(&s.vpc_id)
                .cidr_block(format!("10.0.{n}.0/24"))
                .availability_zone(az)
                .tag_specifications(ec2_tags(
                    ec2t::ResourceType::Subnet,
                    &format!("{p}-{tier}-{suffix}"),
                    env,
                    Some(tier),
                ))
                .send()
                .await
                .expect("create subnet");
            n += 1;
            let id = sub.subnet().and_then(|x| x.subnet_id()).expect("subnet id").to_owned();
            if tier == "public" {
                c.ec2
                    .modify_subnet_attribute()
                    .subnet_id(&id)
                    .map_public_ip_on_launch(ec2t::AttributeBooleanValue::builder().value(true).build())
                    .send()
                    .await
                    .expect("map public ip");
            }
            s.subnets.entry(tier.to_owned()).or_default().push(id);
        }
    }
    let igw = c
        .ec2
        .create_internet_gateway()
        .tag_specifications(ec2_tags(ec2t::ResourceType::InternetGateway, &format!("{p}-igw"), env, None))
        .send()
        .await
        .expect("igw");
    s.igw_id = igw.internet_gateway().and_then(|g| g.internet_gateway_id()).expect("igw id").to_owned();
    c.ec2.attach_internet_gateway().internet_gateway_id(&s.igw_id).vpc_id(&s.vpc_id).send().await.expect("attach igw");

    let public_rt = c
        .ec2
        .create_route_table()
        .vpc_id(&s.vpc_id)
        .tag_specifications(ec2_tags(ec2t::ResourceType::RouteTable, &format!("{p}-public-rt"), env, Some("public")))
        .send()
        .await
        .expect("public rt");
    s.public_route_table = public_rt.route_table().and_then(|r| r.route_table_id()).expect("rt id").to_owned();
    c.ec2
        .create_route()
        .route_table_id(&s.public_route_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&s.igw_id)
        .send()
        .await
        .expect("igw route");
    for sub in &s.subnets["public"] {
        c.ec2.associate_route_table().route_table_id(&s.public_route_table).subnet_id(sub).send().await.expect("assoc");
    }
    for (i, az) in AZS.iter().enumerate() {
        let suffix = az.chars().last().unwrap_or('x');
        let eip = c.ec2.allocate_address().domain(ec2t::DomainType::Vpc).send().await.expect("eip");
        let nat = c
            .ec2
            .create_nat_gateway()
            .subnet_id(&s.subnets["public"][i])
            .allocation_id(eip.allocation_id().expect("allocation id"))
            .tag_specifications(ec2_tags(
                ec2t::ResourceType::Natgateway,
                &format!("{p}-nat-{suffix}"),
                env,
                Some("public"),
            ))
            .send()
            .await
            .expect("nat");
        let nat_id = nat.nat_gateway().and_then(|x| x.nat_gateway_id()).expect("nat id").to_owned();
        let rt = c
            .ec2
            .create_route_table()
            .vpc_id(&s.vpc_id)
            .tag_specifications(ec2_tags(
                ec2t::ResourceType::RouteTable,
                &format!("{p}-private-rt-{suffix}"),
                env,
                None,
            ))
            .send()
            .await
            .expect("private rt");
        let rt_id = rt.route_table().and_then(|r| r.route_table_id()).expect("rt id").to_owned();
        c.ec2
            .create_route()
            .route_table_id(&rt_id)
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id(&nat_id)
            .send()
            .await
            .expect("nat route");
        for tier in ["control-plane", "data-plane", "database"] {
            c.ec2
                .associate_route_table()
                .route_table_id(&rt_id)
                .subnet_id(&s.subnets[tier][i])
                .send()
                .await
                .expect("assoc private");
        }
        s.nat_ids.push(nat_id);
        s.private_route_tables.push(rt_id);
    }

    // ------------------------------------------------------------ security groups per tier
    for tier in TIERS {
        let name = if tier == "public" { format!("{p}-alb") } else { format!("{p}-{tier}") };
        let sg = c
            .ec2
            .create_security_group()
            .group_name(&name)
            .description(format!("FlowForge {tier} tier"))
            .vpc_id(&s.vpc_id)
            .tag_specifications(ec2_tags(ec2t::ResourceType::SecurityGroup, &name, env, Some(tier)))
            .send()
            .await
            .expect("sg");
        s.security_groups.insert(tier.to_owned(), sg.group_id().expect("sg id").to_owned());
    }
    let from_world = |port: i32| {
        ec2t::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .ip_ranges(ec2t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build()
    };
    let from_group = |port: i32, group: &str| {
        ec2t::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(group).build())
            .build()
    };
    let sg = s.security_groups.clone();
    let rules: Vec<(&str, Vec<ec2t::IpPermission>)> = vec![
        ("public", vec![from_world(443), from_world(80)]),
        ("control-plane", vec![from_group(3000, &sg["public"])]),
        ("data-plane", vec![from_group(4200, &sg["public"]), from_group(4200, &sg["control-plane"])]),
        ("database", vec![from_group(5432, &sg["data-plane"])]),
    ];
    for (tier, perms) in rules {
        c.ec2
            .authorize_security_group_ingress()
            .group_id(&sg[tier])
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .expect("ingress");
    }

    // ------------------------------------------------------------ endpoints, flow logs
    let s3e = c
        .ec2
        .create_vpc_endpoint()
        .vpc_id(&s.vpc_id)
        .service_name(format!("com.amazonaws.{REGION}.s3"))
        .vpc_endpoint_type(ec2t::VpcEndpointType::Gateway)
        .set_route_table_ids(Some(s.private_route_tables.clone()))
        .tag_specifications(ec2_tags(ec2t::ResourceType::VpcEndpoint, &format!("{p}-s3"), env, None))
        .send()
        .await
        .expect("s3 endpoint");
    s.s3_endpoint_id = s3e.vpc_endpoint().and_then(|e| e.vpc_endpoint_id()).expect("vpce id").to_owned();
    let sme = c
        .ec2
        .create_vpc_endpoint()
        .vpc_id(&s.vpc_id)
        .service_name(format!("com.amazonaws.{REGION}.secretsmanager"))
        .vpc_endpoint_type(ec2t::VpcEndpointType::Interface)
        .set_subnet_ids(Some(s.subnets["data-plane"].clone()))
        .security_group_ids(&sg["data-plane"])
        .private_dns_enabled(true)
        .tag_specifications(ec2_tags(ec2t::ResourceType::VpcEndpoint, &format!("{p}-secretsmanager"), env, None))
        .send()
        .await
        .expect("secretsmanager endpoint");
    s.secrets_endpoint_id = sme.vpc_endpoint().and_then(|e| e.vpc_endpoint_id()).expect("vpce id").to_owned();

    s.logs_bucket = format!("logs-{account}");
    harden_bucket(c, &s.logs_bucket, &s.kms_key_arn, &[]).await;
    let fl = c
        .ec2
        .create_flow_logs()
        .resource_ids(&s.vpc_id)
        .resource_type(ec2t::FlowLogsResourceType::Vpc)
        .traffic_type(ec2t::TrafficType::All)
        .log_destination_type(ec2t::LogDestinationType::S3)
        .log_destination(format!("arn:aws:s3:::{}", s.logs_bucket))
        .send()
        .await
        .expect("flow logs");
    s.flow_log_id = fl.flow_log_ids().first().expect("flow log id").clone();

    // A data-plane node with IMDSv2 only.
    let inst = c
        .ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(ec2t::InstanceType::M5Large)
        .min_count(1)
        .max_count(1)
        .subnet_id(&s.subnets["data-plane"][0])
        .security_group_ids(&sg["data-plane"])
        .metadata_options(
            ec2t::InstanceMetadataOptionsRequest::builder()
                .http_tokens(ec2t::HttpTokensState::Required)
                .http_endpoint(ec2t::InstanceMetadataEndpointState::Enabled)
                .http_put_response_hop_limit(2)
                .build(),
        )
        .tag_specifications(ec2_tags(ec2t::ResourceType::Instance, &format!("{p}-node-a"), env, Some("data-plane")))
        .send()
        .await
        .expect("run instance");
    s.instance_id = inst.instances().first().and_then(|i| i.instance_id()).expect("instance id").to_owned();
    c.ec2.enable_ebs_encryption_by_default().send().await.expect("ebs default");

    // ------------------------------------------------------------ S3 data lake
    for layer in LAYERS {
        let name = format!("{p}-{layer}");
        let tags = [("flowforge:app", "flowforge"), ("flowforge:env", env), ("flowforge:layer", layer)];
        harden_bucket(c, &name, &s.kms_key_arn, &tags).await;
        s.buckets.insert(layer.to_owned(), name);
    }
    c.s3control
        .put_public_access_block()
        .account_id(account)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("account public access block");

    // ------------------------------------------------------------ RDS
    let rtag = |k: &str, v: &str| aws_sdk_rds::types::Tag::builder().key(k).value(v).build();
    s.db_parameter_group = format!("{p}-postgres16");
    c.rds
        .create_db_parameter_group()
        .db_parameter_group_name(&s.db_parameter_group)
        .db_parameter_group_family("postgres16")
        .description("FlowForge metadata database")
        .send()
        .await
        .expect("parameter group");
    c.rds
        .modify_db_parameter_group()
        .db_parameter_group_name(&s.db_parameter_group)
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("rds.force_ssl")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("log_connections")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .expect("force_ssl");
    c.rds
        .create_db_subnet_group()
        .db_subnet_group_name(format!("{p}-database"))
        .db_subnet_group_description("FlowForge database tier")
        .set_subnet_ids(Some(s.subnets["database"].clone()))
        .send()
        .await
        .expect("db subnet group");
    s.db_instance_id = format!("{p}-metadata");
    let db = c
        .rds
        .create_db_instance()
        .db_instance_identifier(&s.db_instance_id)
        .engine("postgres")
        .engine_version("16.3")
        .db_instance_class("db.t3.medium")
        .allocated_storage(20)
        .master_username("flowforge")
        .master_user_password("not-a-real-password-1")
        .multi_az(true)
        .storage_encrypted(true)
        .kms_key_id(&s.kms_key_arn)
        .db_parameter_group_name(&s.db_parameter_group)
        .db_subnet_group_name(format!("{p}-database"))
        .vpc_security_group_ids(&sg["database"])
        .publicly_accessible(false)
        .backup_retention_period(7)
        .deletion_protection(true)
        .port(5432)
        .tags(rtag("flowforge:app", "flowforge"))
        .tags(rtag("flowforge:env", env))
        .tags(rtag("flowforge:tier", "database"))
        .send()
        .await
        .expect("db instance");
    s.db_instance_arn = db.db_instance().and_then(|d| d.db_instance_arn()).expect("db arn").to_owned();

    // ------------------------------------------------------------ Secrets Manager
    s.rotation_lambda_arn = create_rotation_lambda(c).await;
    for secret in ["database", "prefect-api"] {
        let name = format!("flowforge/{env}/{secret}");
        let out =
            c.sm.create_secret()
                .name(&name)
                .kms_key_id(&s.kms_key_arn)
                .secret_string("{\"placeholder\":true}")
                .tags(aws_sdk_secretsmanager::types::Tag::builder().key("flowforge:app").value("flowforge").build())
                .tags(aws_sdk_secretsmanager::types::Tag::builder().key("flowforge:env").value(env).build())
                .send()
                .await
                .expect("secret");
        let secret_arn = out.arn().expect("secret arn").to_owned();
        c.sm.rotate_secret()
            .secret_id(&secret_arn)
            .rotation_lambda_arn(&s.rotation_lambda_arn)
            .rotation_rules(
                aws_sdk_secretsmanager::types::RotationRulesType::builder().automatically_after_days(30).build(),
            )
            .rotate_immediately(false)
            .send()
            .await
            .expect("rotation");
        s.secrets.insert(name, secret_arn);
    }

    // ------------------------------------------------------------ IAM
    let root = format!("arn:aws:iam::{account}:root");
    for role in ROLES {
        let trust = match role {
            "prefect-worker" => serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                 "Principal": {"Federated": format!("arn:aws:iam::{account}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")},
                 // IRSA pins the audience and one service account (FF-IAM-002).
                 "Condition": {"StringEquals": {
                     format!("oidc.eks.{REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud"): "sts.amazonaws.com",
                     format!("oidc.eks.{REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"): format!("system:serviceaccount:prefect:flowforge-{env}-prefect-worker")}}}]}),
            "control-plane" => serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}),
            _ => serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": root}}]}),
        };
        let name = format!("{p}-{role}");
        let out = c
            .iam
            .create_role()
            .role_name(&name)
            .assume_role_policy_document(trust.to_string())
            .tags(aws_sdk_iam::types::Tag::builder().key("flowforge:app").value("flowforge").build().expect("tag"))
            .tags(aws_sdk_iam::types::Tag::builder().key("flowforge:env").value(env).build().expect("tag"))
            .tags(aws_sdk_iam::types::Tag::builder().key("flowforge:role").value(role).build().expect("tag"))
            .send()
            .await
            .expect("role");
        s.roles.insert(role.to_owned(), out.role().map(|r| r.arn().to_owned()).expect("role arn"));
        let doc = role_policy_in(account, role, env);
        if role == "auditor" {
            // One managed policy, so the snapshot carries attached policies too.
            let pol = c
                .iam
                .create_policy()
                .policy_name(format!("{p}-auditor-read"))
                .policy_document(doc.to_string())
                .send()
                .await
                .expect("managed policy");
            s.auditor_policy_arn = pol.policy().and_then(|x| x.arn()).expect("policy arn").to_owned();
            c.iam.attach_role_policy().role_name(&name).policy_arn(&s.auditor_policy_arn).send().await.expect("attach");
        } else {
            c.iam
                .put_role_policy()
                .role_name(&name)
                .policy_name(format!("{role}-access"))
                .policy_document(doc.to_string())
                .send()
                .await
                .expect("inline policy");
        }
    }

    // ------------------------------------------------------------ ALB
    let etag = |k: &str, v: &str| elbt::Tag::builder().key(k).value(v).build();
    let lb = c
        .elb
        .create_load_balancer()
        .name(format!("{p}-alb"))
        .set_subnets(Some(s.subnets["public"].clone()))
        .security_groups(&sg["public"])
        .scheme(elbt::LoadBalancerSchemeEnum::InternetFacing)
        .r#type(elbt::LoadBalancerTypeEnum::Application)
        .tags(etag("flowforge:app", "flowforge"))
        .tags(etag("flowforge:env", env))
        .tags(etag("flowforge:tier", "public"))
        .send()
        .await
        .expect("alb");
    s.alb_arn = lb.load_balancers().first().and_then(|l| l.load_balancer_arn()).expect("alb arn").to_owned();
    c.elb
        .modify_load_balancer_attributes()
        .load_balancer_arn(&s.alb_arn)
        .attributes(
            elbt::LoadBalancerAttribute::builder()
                .key("routing.http.drop_invalid_header_fields.enabled")
                .value("true")
                .build(),
        )
        .send()
        .await
        .expect("alb attributes");
    let tg = c
        .elb
        .create_target_group()
        .name(format!("{p}-ui"))
        .protocol(elbt::ProtocolEnum::Http)
        .port(3000)
        .vpc_id(&s.vpc_id)
        .target_type(elbt::TargetTypeEnum::Ip)
        .send()
        .await
        .expect("target group");
    let tg_arn = tg.target_groups().first().and_then(|t| t.target_group_arn()).expect("tg arn").to_owned();
    let https = c
        .elb
        .create_listener()
        .load_balancer_arn(&s.alb_arn)
        .protocol(elbt::ProtocolEnum::Https)
        .port(443)
        .ssl_policy(TLS_POLICY)
        .certificates(
            elbt::Certificate::builder()
                .certificate_arn(format!("arn:aws:iam::{account}:server-certificate/{p}"))
                .build(),
        )
        .default_actions(
            elbt::Action::builder().r#type(elbt::ActionTypeEnum::Forward).target_group_arn(&tg_arn).build(),
        )
        .send()
        .await
        .expect("https listener");
    s.https_listener_arn = https.listeners().first().and_then(|l| l.listener_arn()).expect("listener").to_owned();
    let http = c
        .elb
        .create_listener()
        .load_balancer_arn(&s.alb_arn)
        .protocol(elbt::ProtocolEnum::Http)
        .port(80)
        .default_actions(
            elbt::Action::builder()
                .r#type(elbt::ActionTypeEnum::Redirect)
                .redirect_config(
                    elbt::RedirectActionConfig::builder()
                        .protocol("HTTPS")
                        .port("443")
                        .status_code(elbt::RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("http listener");
    s.http_listener_arn = http.listeners().first().and_then(|l| l.listener_arn()).expect("listener").to_owned();

    // ------------------------------------------------------------ EKS
    s.eks_cluster = format!("{p}-data-plane");
    let cluster = c
        .eks
        .create_cluster()
        .name(&s.eks_cluster)
        .version("1.31")
        .role_arn(format!("arn:aws:iam::{account}:role/eks-cluster-service-role"))
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder()
                .set_subnet_ids(Some(s.subnets["data-plane"].clone()))
                .security_group_ids(&sg["data-plane"])
                .endpoint_public_access(false)
                .endpoint_private_access(true)
                .build(),
        )
        .encryption_config({
            #[allow(deprecated)] // moto and the API still report it; the snapshot records it
            let b = aws_sdk_eks::types::EncryptionConfig::builder()
                .resources("secrets")
                .provider(aws_sdk_eks::types::Provider::builder().key_arn(&s.kms_key_arn).build());
            b.build()
        })
        .logging(
            aws_sdk_eks::types::Logging::builder()
                .cluster_logging(
                    aws_sdk_eks::types::LogSetup::builder()
                        .enabled(true)
                        .types(aws_sdk_eks::types::LogType::Api)
                        .types(aws_sdk_eks::types::LogType::Audit)
                        .types(aws_sdk_eks::types::LogType::Authenticator)
                        .build(),
                )
                .build(),
        )
        .tags("flowforge:app", "flowforge")
        .tags("flowforge:env", env)
        .tags("flowforge:tier", "data-plane")
        .send()
        .await
        .expect("eks cluster");
    s.eks_cluster_arn = cluster.cluster().and_then(|x| x.arn()).expect("cluster arn").to_owned();

    // ------------------------------------------------------------ AWS Config
    s.config_recorder = "default".to_owned();
    c.config
        .put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name(&s.config_recorder)
                .role_arn(format!(
                    "arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
                ))
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("config recorder");
    c.config
        .put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder().name("default").s3_bucket_name(&s.logs_bucket).build(),
        )
        .send()
        .await
        .expect("delivery channel");
    c.config
        .start_configuration_recorder()
        .configuration_recorder_name(&s.config_recorder)
        .send()
        .await
        .expect("start recorder");
    s.compute = super::seed_compute::seed(c, &s).await;
    super::seed_corpus_network::seed_network_acls(c, &mut s).await;
    s.perimeter = super::seed_perimeter::seed(c, env, &s.alb_arn, &s.https_listener_arn, &s.kms_key_arn).await;
    super::seed_backups::seed(c, &s).await;
    s
}

/// A do-nothing rotation function (moto's no-Docker Lambda). Created over plain HTTP so
/// the tests need no Lambda SDK crate: moto routes by the credential scope of the
/// Authorization header and does not check the signature while IAM is not enforced.
async fn create_rotation_lambda(c: &Clients) -> String {
    const ZIP: &str = "UEsDBBQAAAAAANuQel20CHBpLgAAAC4AAAAIAAAAaW5kZXgucHlkZWYgaGFuZGxlcihldmVudCwgY29udGV4dCk6CiAgICByZXR1cm4gZXZlbnQKUEsBAhQDFAAAAAAA25B6XbQIcGkuAAAALgAAAAgAAAAAAAAAAAAAAIABAAAAAGluZGV4LnB5UEsFBgAAAAABAAEANgAAAFQAAAAAAA==";
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]});
    let role = c
        .iam
        .create_role()
        .role_name("secrets-rotation-lambda")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("rotation role");
    let role_arn = role.role().map(|r| r.arn().to_owned()).expect("role arn");
    let body = serde_json::json!({
        "FunctionName": "secrets-rotation", "Runtime": "python3.12", "Role": role_arn,
        "Handler": "index.handler", "Code": {"ZipFile": ZIP}
    })
    .to_string();
    let port: u16 = c.endpoint.rsplit(':').next().and_then(|p| p.parse().ok()).expect("endpoint port");
    // The clients' own access key: moto creates the function in the keys' account.
    let key = {
        use aws_credential_types::provider::ProvideCredentials;
        let provider = c.conf.credentials_provider().expect("credentials provider");
        provider.provide_credentials().await.expect("credentials").access_key_id().to_owned()
    };
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={key}/20260101/{REGION}/lambda/aws4_request, SignedHeaders=host, Signature=0"
    );
    let (status, answer) = super::moto::http_with(
        port,
        "POST",
        "/2015-03-31/functions",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        &body,
    )
    .expect("create function");
    assert!(status.contains(" 201"), "CreateFunction answered {status}: {answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).expect("function json");
    v["FunctionArn"].as_str().expect("FunctionArn").to_owned()
}

/// KMS default encryption, versioning, TLS-only policy, public access block and tags.
async fn harden_bucket(c: &Clients, name: &str, kms_key: &str, tags: &[(&str, &str)]) {
    use aws_sdk_s3::types as s3t;
    c.s3.create_bucket().bucket(name).send().await.expect("create bucket");
    c.s3.put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(
            s3t::ServerSideEncryptionConfiguration::builder()
                .rules(
                    s3t::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            s3t::ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(s3t::ServerSideEncryption::AwsKms)
                                .kms_master_key_id(kms_key)
                                .build()
                                .expect("sse default"),
                        )
                        .bucket_key_enabled(true)
                        .build(),
                )
                .build()
                .expect("sse config"),
        )
        .send()
        .await
        .expect("bucket encryption");
    c.s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            s3t::VersioningConfiguration::builder().status(s3t::BucketVersioningStatus::Enabled).build(),
        )
        .send()
        .await
        .expect("versioning");
    c.s3.put_bucket_policy().bucket(name).policy(tls_only_policy(name)).send().await.expect("bucket policy");
    c.s3.put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            s3t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("bucket public access block");
    if !tags.is_empty() {
        let set: Vec<s3t::Tag> =
            tags.iter().map(|(k, v)| s3t::Tag::builder().key(*k).value(*v).build().expect("tag")).collect();
        c.s3.put_bucket_tagging()
            .bucket(name)
            .tagging(s3t::Tagging::builder().set_tag_set(Some(set)).build().expect("tagging"))
            .send()
            .await
            .expect("bucket tags");
    }
}

/// A role's permissions, within the baseline's `roles:` allowances.
pub fn role_policy(role: &str, env: &str) -> serde_json::Value {
    role_policy_in(ACCOUNT_ID, role, env)
}

/// [`role_policy`] in `account`.
pub fn role_policy_in(account: &str, role: &str, env: &str) -> serde_json::Value {
    let secrets = format!("arn:aws:secretsmanager:*:{account}:secret:flowforge/{env}/*");
    let lake = format!("arn:aws:s3:::flowforge-{env}-*");
    let statements = match role {
        "devops" => serde_json::json!([
            {"Effect": "Allow", "Action": ["ec2:Describe*", "eks:Describe*", "eks:List*", "rds:Describe*", "logs:Describe*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"], "Resource": secrets}
        ]),
        "data-engineer" => serde_json::json!([
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": lake},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": [
                format!("arn:aws:s3:::flowforge-{env}-bronze/*"), format!("arn:aws:s3:::flowforge-{env}-silver/*"), format!("arn:aws:s3:::flowforge-{env}-gold/*")]},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::flowforge-{env}-landing/*")}
        ]),
        "auditor" => serde_json::json!([
            {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:GetBucket*", "rds:Describe*", "iam:Get*", "iam:List*", "config:Describe*", "elasticloadbalancing:Describe*", "eks:Describe*", "eks:List*"], "Resource": "*"}
        ]),
        "prefect-worker" => serde_json::json!([
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": lake},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": format!("{lake}/*")},
            {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": secrets}
        ]),
        _ => serde_json::json!([
            {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": secrets},
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [lake.clone(), format!("{lake}/*")]}
        ]),
    };
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

impl Seeded {
    /// Injects one drift.
    pub async fn inject(&self, c: &Clients, drift: Drift) {
        let env = &self.env;
        match drift {
            Drift::Tls => {
                let b = &self.buckets["landing"];
                // The policy keeps a harmless statement but loses the TLS Deny.
                let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
                    "Sid": "AllowAccountRead", "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{}:root", self.account_id)},
                    "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{b}/*")}]});
                c.s3.put_bucket_policy().bucket(b).policy(policy.to_string()).send().await.expect("drift tls");
            }
            Drift::Encryption => {
                use aws_sdk_s3::types as s3t;
                c.s3.put_bucket_encryption()
                    .bucket(&self.buckets["bronze"])
                    .server_side_encryption_configuration(
                        s3t::ServerSideEncryptionConfiguration::builder()
                            .rules(
                                s3t::ServerSideEncryptionRule::builder()
                                    .apply_server_side_encryption_by_default(
                                        s3t::ServerSideEncryptionByDefault::builder()
                                            .sse_algorithm(s3t::ServerSideEncryption::Aes256)
                                            .build()
                                            .expect("sse"),
                                    )
                                    .build(),
                            )
                            .build()
                            .expect("sse config"),
                    )
                    .send()
                    .await
                    .expect("drift encryption");
            }
            Drift::VpcEndpoint => {
                c.ec2
                    .delete_vpc_endpoints()
                    .vpc_endpoint_ids(&self.secrets_endpoint_id)
                    .send()
                    .await
                    .expect("drift endpoint");
            }
            Drift::MultiAz => {
                c.rds
                    .modify_db_instance()
                    .db_instance_identifier(&self.db_instance_id)
                    .multi_az(false)
                    .apply_immediately(true)
                    .send()
                    .await
                    .expect("drift multi-az");
            }
            Drift::IamScope => {
                let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
                c.iam
                    .put_role_policy()
                    .role_name(format!("flowforge-{env}-prefect-worker"))
                    .policy_name("debug-everything")
                    .policy_document(doc.to_string())
                    .send()
                    .await
                    .expect("drift iam");
            }
            Drift::NetworkTier => {
                c.ec2
                    .authorize_security_group_ingress()
                    .group_id(&self.security_groups["database"])
                    .ip_permissions(
                        ec2t::IpPermission::builder()
                            .ip_protocol("tcp")
                            .from_port(5432)
                            .to_port(5432)
                            .ip_ranges(ec2t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .build(),
                    )
                    .send()
                    .await
                    .expect("drift network");
            }
            d @ (Drift::Waf
            | Drift::WafLogging
            | Drift::Certificate
            | Drift::Alarm
            | Drift::AlarmTopic
            | Drift::LogRetention
            | Drift::LogKms) => self.perimeter.inject(c, env, &self.https_listener_arn, d).await,
            Drift::Rotation => {
                c.sm.cancel_rotate_secret()
                    .secret_id(&self.secrets[&format!("flowforge/{env}/database")])
                    .send()
                    .await
                    .expect("drift rotation");
            }
        }
    }

    /// The ARN of the resource a drift makes non-compliant.
    pub fn drifted_arn(&self, drift: Drift) -> String {
        let env = &self.env;
        match drift {
            Drift::Tls => format!("arn:aws:s3:::{}", self.buckets["landing"]),
            Drift::Encryption => format!("arn:aws:s3:::{}", self.buckets["bronze"]),
            // A missing endpoint fails on the VPC that lacks it.
            Drift::VpcEndpoint => arn(&self.account_id, "ec2", &format!("vpc/{}", self.vpc_id)),
            Drift::MultiAz => self.db_instance_arn.clone(),
            Drift::IamScope => self.roles["prefect-worker"].clone(),
            Drift::NetworkTier => {
                arn(&self.account_id, "ec2", &format!("security-group/{}", self.security_groups["database"]))
            }
            Drift::Rotation => self.secrets[&format!("flowforge/{env}/database")].clone(),
            d => self.perimeter.drifted_arn(d),
        }
    }
}
