//! Seeds FlowForge's compute into moto, on top of [`super::seed`]: the ECR repositories for
//! the UI and flow images, the control plane on ECS/Fargate (cluster, task definition,
//! service in the control-plane subnets), the EKS data plane's IRSA (the cluster's OIDC
//! provider, the prefect-worker trust pinned to its service account) and a managed node
//! group with its node role, started from a launch template that requires IMDSv2 with hop
//! limit 1. [`ComputeDrift`] breaks them the way they break in practice.
//!
//! Emulator notes: moto has no App Runner; App Runner services are put on the test's App
//! Runner front ([`super::apprunner::Front`]). The KMS key of the repositories is an ARN only.

use aws_sdk_ecr::types as ecrt;
use aws_sdk_ecs::types as ecst;

use super::seed::{Clients, Seeded, ACCOUNT_ID, REGION};

/// Everything [`seed`] created.
#[derive(Debug, Clone, Default)]
pub struct SeededCompute {
    /// repository name → ARN (`ui`, `flows` → `flowforge-<env>-ui`, ...).
    pub repositories: std::collections::BTreeMap<String, String>,
    pub ecs_cluster_arn: String,
    pub ecs_service_arn: String,
    pub task_definition_arn: String,
    pub execution_role_arn: String,
    pub node_role_arn: String,
    pub node_group_arn: String,
    /// The workers' launch template (IMDSv2 required, hop limit 1), version 1.
    pub workers_template_id: String,
    /// The cluster's issuer without `https://`.
    pub oidc_url: String,
    pub oidc_provider_arn: String,
}

/// The compute drifts, each what an operator does by hand outside the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ComputeDrift {
    /// A debug copy of the UI: a service with a public IP in the public subnets, running a
    /// Docker Hub image as the devops role, privileged, with a plain DB_PASSWORD and no logs.
    DebugService,
    /// The flows repository loosened for a hotfix: tags mutable, lifecycle policy deleted,
    /// pull access for everyone.
    LooseRepository,
    /// A repository created by hand with the defaults: AES256 encryption, no scan on push.
    UnencryptedRepository,
    /// prefect-worker's trust widened: any service account of any namespace (`sub` by
    /// StringLike `*`), and the node role.
    WideIrsaTrust,
    /// The node role gets S3 read access "for the workers".
    NodeRoleS3,
    /// The cluster's IAM OIDC provider is deleted.
    OidcProviderDeleted,
    /// Audit and authenticator logs switched off to save CloudWatch costs.
    EksLogging,
    /// A second node group in the public subnets.
    PublicNodeGroup,
    /// A node group for a legacy monitoring agent, on `$Latest` of a hand-made launch
    /// template whose version 2 re-allows IMDSv1 with hop limit 2 (version 1, the default,
    /// is compliant: only a correct `$Latest` resolution finds it).
    LegacyImdsNodeGroup,
    /// A demo copy of the UI on App Runner: no instance role, internet egress, an ECR Public
    /// image and the database URL with its password in a plain variable.
    AppRunnerDemo,
}

impl ComputeDrift {
    pub const ALL: [ComputeDrift; 10] = [
        ComputeDrift::DebugService,
        ComputeDrift::LooseRepository,
        ComputeDrift::UnencryptedRepository,
        ComputeDrift::WideIrsaTrust,
        ComputeDrift::NodeRoleS3,
        ComputeDrift::OidcProviderDeleted,
        ComputeDrift::EksLogging,
        ComputeDrift::PublicNodeGroup,
        ComputeDrift::LegacyImdsNodeGroup,
        ComputeDrift::AppRunnerDemo,
    ];
}

fn image(account: &str, env: &str, repo: &str, reference: &str) -> String {
    format!("{account}.dkr.ecr.{REGION}.amazonaws.com/flowforge-{env}-{repo}{reference}")
}

fn ecs_tag(k: &str, v: &str) -> ecst::Tag {
    ecst::Tag::builder().key(k).value(v).build()
}

const LIFECYCLE: &str = r#"{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;

/// The node role's policy: what the kubelet, the VPC CNI and image pulls need.
pub fn node_policy() -> serde_json::Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "eks:DescribeCluster"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DetachNetworkInterface", "ec2:UnassignPrivateIpAddresses"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], "Resource": "*"}
    ]})
}

/// The pinned IRSA trust of prefect-worker.
pub fn worker_trust(provider_arn: &str, url: &str) -> serde_json::Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            format!("{url}:aud"): "sts.amazonaws.com",
            format!("{url}:sub"): "system:serviceaccount:prefect:prefect-worker"
        }}
    }]})
}

async fn role(c: &Clients, name: &str, service: &str, env: &str) -> String {
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]});
    let tag = |k: &str, v: &str| aws_sdk_iam::types::Tag::builder().key(k).value(v).build().expect("tag");
    let out = c
        .iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .tags(tag("flowforge:app", "flowforge"))
        .tags(tag("flowforge:env", env))
        .send()
        .await
        .expect("compute role");
    out.role().map(|r| r.arn().to_owned()).expect("role arn")
}

#[allow(clippy::too_many_arguments)]
async fn task_definition(
    c: &Clients,
    family: &str,
    env: &str,
    task_role: &str,
    exec_role: &str,
    container: ecst::ContainerDefinition,
) -> String {
    let out = c
        .ecs
        .register_task_definition()
        .family(family)
        .task_role_arn(task_role)
        .execution_role_arn(exec_role)
        .network_mode(ecst::NetworkMode::Awsvpc)
        .requires_compatibilities(ecst::Compatibility::Fargate)
        .cpu("512")
        .memory("1024")
        .container_definitions(container)
        .tags(ecs_tag("flowforge:app", "flowforge"))
        .tags(ecs_tag("flowforge:env", env))
        .send()
        .await
        .expect("task definition");
    out.task_definition().and_then(|t| t.task_definition_arn()).expect("task definition arn").to_owned()
}

#[allow(clippy::too_many_arguments)]
async fn service(
    c: &Clients,
    cluster: &str,
    name: &str,
    env: &str,
    task_def: &str,
    subnets: &[String],
    sg: &str,
    public_ip: ecst::AssignPublicIp,
) -> String {
    let out = c
        .ecs
        .create_service()
        .cluster(cluster)
        .service_name(name)
        .task_definition(task_def)
        .desired_count(2)
        .launch_type(ecst::LaunchType::Fargate)
        .network_configuration(
            ecst::NetworkConfiguration::builder()
                .awsvpc_configuration(
                    ecst::AwsVpcConfiguration::builder()
                        .set_subnets(Some(subnets.to_vec()))
                        .security_groups(sg)
                        .assign_public_ip(public_ip)
                        .build()
                        .expect("awsvpc"),
                )
                .build(),
        )
        .tags(ecs_tag("flowforge:app", "flowforge"))
        .tags(ecs_tag("flowforge:env", env))
        .tags(ecs_tag("flowforge:tier", "control-plane"))
        .send()
        .await
        .expect("ecs service");
    out.service().and_then(|s| s.service_arn()).expect("service arn").to_owned()
}

/// A launch template whose versions 1, 2, ... have these (HttpTokens, hop limit), the
/// endpoint enabled; version 1 stays the default. Returns its id.
pub async fn launch_template(c: &Clients, name: &str, versions: &[(&str, i32)]) -> String {
    use aws_sdk_ec2::types as ec2t;
    let data = |(tokens, hops): (&str, i32)| {
        ec2t::RequestLaunchTemplateData::builder()
            .instance_type(ec2t::InstanceType::M5Large)
            .metadata_options(
                ec2t::LaunchTemplateInstanceMetadataOptionsRequest::builder()
                    .http_endpoint(ec2t::LaunchTemplateInstanceMetadataEndpointState::Enabled)
                    .http_tokens(ec2t::LaunchTemplateHttpTokensState::from(tokens))
                    .http_put_response_hop_limit(hops)
                    .build(),
            )
            .build()
    };
    let first = versions.first().copied().expect("at least one version");
    let out = c
        .ec2
        .create_launch_template()
        .launch_template_name(name)
        .launch_template_data(data(first))
        .send()
        .await
        .expect("launch template");
    let id = out.launch_template().and_then(|t| t.launch_template_id()).expect("template id").to_owned();
    for v in &versions[1..] {
        c.ec2
            .create_launch_template_version()
            .launch_template_id(&id)
            .launch_template_data(data(*v))
            .send()
            .await
            .expect("launch template version");
    }
    id
}

async fn node_group(
    c: &Clients,
    s: &Seeded,
    name: &str,
    subnets: &[String],
    node_role: &str,
    template: (&str, &str),
) -> String {
    let (template_id, version) = template;
    let out = c
        .eks
        .create_nodegroup()
        .cluster_name(&s.eks_cluster)
        .nodegroup_name(name)
        .set_subnets(Some(subnets.to_vec()))
        .node_role(node_role)
        .launch_template(
            aws_sdk_eks::types::LaunchTemplateSpecification::builder().id(template_id).version(version).build(),
        )
        .tags("flowforge:app", "flowforge")
        .tags("flowforge:env", &s.env)
        .tags("flowforge:tier", "data-plane")
        .send()
        .await
        .expect("node group");
    out.nodegroup().and_then(|n| n.nodegroup_arn()).expect("node group arn").to_owned()
}

/// Seeds the compliant compute of `s.env` (after the base seed, which it reads).
pub async fn seed(c: &Clients, s: &Seeded) -> SeededCompute {
    let env = s.env.as_str();
    let p = format!("flowforge-{env}");
    let mut out = SeededCompute::default();

    // ------------------------------------------------------------ ECR
    for repo in ["ui", "flows"] {
        let name = format!("{p}-{repo}");
        let r = c
            .ecr
            .create_repository()
            .repository_name(&name)
            .image_tag_mutability(ecrt::ImageTagMutability::Immutable)
            .image_scanning_configuration(ecrt::ImageScanningConfiguration::builder().scan_on_push(true).build())
            .encryption_configuration(
                ecrt::EncryptionConfiguration::builder()
                    .encryption_type(ecrt::EncryptionType::Kms)
                    .kms_key(&s.kms_key_arn)
                    .build()
                    .expect("encryption"),
            )
            .send()
            .await
            .expect("ecr repository");
        c.ecr
            .put_lifecycle_policy()
            .repository_name(&name)
            .lifecycle_policy_text(LIFECYCLE)
            .send()
            .await
            .expect("lifecycle policy");
        out.repositories
            .insert(repo.to_owned(), r.repository().and_then(|x| x.repository_arn()).expect("repo arn").to_owned());
    }

    // ------------------------------------------------------------ ECS control plane
    out.execution_role_arn = role(c, &format!("{p}-ecs-execution"), "ecs-tasks.amazonaws.com", env).await;
    let cluster = c
        .ecs
        .create_cluster()
        .cluster_name(format!("{p}-control-plane"))
        .tags(ecs_tag("flowforge:app", "flowforge"))
        .tags(ecs_tag("flowforge:env", env))
        .send()
        .await
        .expect("ecs cluster");
    out.ecs_cluster_arn = cluster.cluster().and_then(|x| x.cluster_arn()).expect("cluster arn").to_owned();
    let container = ecst::ContainerDefinition::builder()
        .name("ui")
        .image(image(&c.account_id, env, "ui", ":1.4.2"))
        .essential(true)
        .port_mappings(ecst::PortMapping::builder().container_port(3000).build())
        .environment(ecst::KeyValuePair::builder().name("NODE_ENV").value("production").build())
        .environment(
            ecst::KeyValuePair::builder().name("PREFECT_API_URL").value("http://prefect.internal:4200/api").build(),
        )
        .secrets(
            ecst::Secret::builder()
                .name("DATABASE_URL")
                .value_from(&s.secrets[&format!("flowforge/{env}/database")])
                .build()
                .expect("secret"),
        )
        .readonly_root_filesystem(true)
        .privileged(false)
        .log_configuration(
            ecst::LogConfiguration::builder()
                .log_driver(ecst::LogDriver::Awslogs)
                .options("awslogs-group", format!("/ecs/{p}-ui"))
                .options("awslogs-region", REGION)
                .options("awslogs-stream-prefix", "ui")
                .build()
                .expect("log configuration"),
        )
        .build();
    out.task_definition_arn =
        task_definition(c, &format!("{p}-ui"), env, &s.roles["control-plane"], &out.execution_role_arn, container)
            .await;
    out.ecs_service_arn = service(
        c,
        &out.ecs_cluster_arn,
        &format!("{p}-ui"),
        env,
        &out.task_definition_arn,
        &s.subnets["control-plane"],
        &s.security_groups["control-plane"],
        ecst::AssignPublicIp::Disabled,
    )
    .await;

    // ------------------------------------------------------------ IRSA and the node group
    let cluster = c.eks.describe_cluster().name(&s.eks_cluster).send().await.expect("describe cluster");
    let issuer = cluster
        .cluster()
        .and_then(|x| x.identity())
        .and_then(|i| i.oidc())
        .and_then(|o| o.issuer())
        .expect("moto reports the cluster's OIDC issuer")
        .to_owned();
    out.oidc_url = issuer.trim_start_matches("https://").to_owned();
    let provider = c
        .iam
        .create_open_id_connect_provider()
        .url(&issuer)
        .client_id_list("sts.amazonaws.com")
        .thumbprint_list("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
        .send()
        .await
        .expect("oidc provider");
    out.oidc_provider_arn = provider.open_id_connect_provider_arn().expect("provider arn").to_owned();
    c.iam
        .update_assume_role_policy()
        .role_name(format!("{p}-prefect-worker"))
        .policy_document(worker_trust(&out.oidc_provider_arn, &out.oidc_url).to_string())
        .send()
        .await
        .expect("worker trust");
    out.node_role_arn = role(c, &format!("{p}-eks-node"), "ec2.amazonaws.com", env).await;
    c.iam
        .put_role_policy()
        .role_name(format!("{p}-eks-node"))
        .policy_name("node")
        .policy_document(node_policy().to_string())
        .send()
        .await
        .expect("node policy");
    // Boxed: the EC2 calls' futures are large, and the organisation tests seed several
    // accounts in one test thread's stack.
    out.workers_template_id = Box::pin(launch_template(c, &format!("{p}-workers"), &[("required", 1)])).await;
    out.node_group_arn = node_group(
        c,
        s,
        &format!("{p}-workers"),
        &s.subnets["data-plane"],
        &out.node_role_arn,
        (&out.workers_template_id, "1"),
    )
    .await;
    out
}

impl SeededCompute {
    /// Injects one drift; returns the ARNs it makes non-compliant with the exact check ids
    /// each must FAIL.
    pub async fn inject(
        &self,
        c: &Clients,
        apprunner: &super::apprunner::Front,
        s: &Seeded,
        drift: ComputeDrift,
    ) -> Vec<(String, Vec<&'static str>)> {
        let env = s.env.as_str();
        let p = format!("flowforge-{env}");
        match drift {
            ComputeDrift::DebugService => {
                let container = ecst::ContainerDefinition::builder()
                    .name("ui")
                    .image("docker.io/library/node:20")
                    .essential(true)
                    .environment(ecst::KeyValuePair::builder().name("DB_PASSWORD").value("hunter2").build())
                    .privileged(true)
                    .build();
                let td = task_definition(
                    c,
                    &format!("{p}-ui-debug"),
                    env,
                    &s.roles["devops"],
                    &self.execution_role_arn,
                    container,
                )
                .await;
                let svc = service(
                    c,
                    &self.ecs_cluster_arn,
                    &format!("{p}-ui-debug"),
                    env,
                    &td,
                    &s.subnets["public"],
                    &s.security_groups["control-plane"],
                    ecst::AssignPublicIp::Enabled,
                )
                .await;
                vec![
                    (svc, vec!["FF-ECS-001"]),
                    (td, vec!["FF-ECS-002", "FF-ECS-003", "FF-ECS-004", "FF-ECS-005", "FF-ECS-006"]),
                ]
            }
            ComputeDrift::LooseRepository => {
                let name = format!("{p}-flows");
                c.ecr
                    .put_image_tag_mutability()
                    .repository_name(&name)
                    .image_tag_mutability(ecrt::ImageTagMutability::Mutable)
                    .send()
                    .await
                    .expect("drift mutability");
                c.ecr.delete_lifecycle_policy().repository_name(&name).send().await.expect("drift lifecycle");
                let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
                    "Sid": "PullFromAnywhere", "Effect": "Allow", "Principal": "*",
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]});
                c.ecr
                    .set_repository_policy()
                    .repository_name(&name)
                    .policy_text(policy.to_string())
                    .send()
                    .await
                    .expect("drift repository policy");
                vec![(self.repositories["flows"].clone(), vec!["FF-ECR-002", "FF-ECR-004", "FF-ECR-005"])]
            }
            ComputeDrift::UnencryptedRepository => {
                let name = format!("{p}-flows-hotfix");
                let r = c
                    .ecr
                    .create_repository()
                    .repository_name(&name)
                    .image_tag_mutability(ecrt::ImageTagMutability::Immutable)
                    .send()
                    .await
                    .expect("drift repository");
                c.ecr
                    .put_lifecycle_policy()
                    .repository_name(&name)
                    .lifecycle_policy_text(LIFECYCLE)
                    .send()
                    .await
                    .expect("lifecycle policy");
                vec![(
                    r.repository().and_then(|x| x.repository_arn()).expect("arn").to_owned(),
                    vec!["FF-ECR-001", "FF-ECR-003"],
                )]
            }
            ComputeDrift::WideIrsaTrust => {
                let url = &self.oidc_url;
                let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Federated": self.oidc_provider_arn},
                     "Action": "sts:AssumeRoleWithWebIdentity",
                     "Condition": {"StringEquals": {format!("{url}:aud"): "sts.amazonaws.com"},
                                   "StringLike": {format!("{url}:sub"): "system:serviceaccount:*"}}},
                    {"Effect": "Allow", "Principal": {"AWS": self.node_role_arn}, "Action": "sts:AssumeRole"}]});
                c.iam
                    .update_assume_role_policy()
                    .role_name(format!("{p}-prefect-worker"))
                    .policy_document(trust.to_string())
                    .send()
                    .await
                    .expect("drift trust");
                // The generic trust rule of the IAM evaluation sees the same wildcard subject.
                vec![(s.roles["prefect-worker"].clone(), vec!["FF-IRSA-001", "FF-IAM-002"])]
            }
            ComputeDrift::NodeRoleS3 => {
                let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]});
                c.iam
                    .put_role_policy()
                    .role_name(format!("{p}-eks-node"))
                    .policy_name("workers-s3")
                    .policy_document(doc.to_string())
                    .send()
                    .await
                    .expect("drift node role");
                // s3:GetObject on every resource is also a data-exfiltration risk (FF-IAM-008).
                vec![(self.node_role_arn.clone(), vec!["FF-IRSA-002", "FF-IAM-008"])]
            }
            ComputeDrift::OidcProviderDeleted => {
                c.iam
                    .delete_open_id_connect_provider()
                    .open_id_connect_provider_arn(&self.oidc_provider_arn)
                    .send()
                    .await
                    .expect("drift oidc");
                vec![(s.eks_cluster_arn.clone(), vec!["FF-EKS-003"])]
            }
            ComputeDrift::EksLogging => {
                use aws_sdk_eks::types as ekst;
                c.eks
                    .update_cluster_config()
                    .name(&s.eks_cluster)
                    .logging(
                        ekst::Logging::builder()
                            .cluster_logging(
                                ekst::LogSetup::builder()
                                    .enabled(false)
                                    .types(ekst::LogType::Audit)
                                    .types(ekst::LogType::Authenticator)
                                    .build(),
                            )
                            .build(),
                    )
                    .send()
                    .await
                    .expect("drift logging");
                vec![(s.eks_cluster_arn.clone(), vec!["FF-EKS-004"])]
            }
            ComputeDrift::PublicNodeGroup => {
                // The workers' compliant template (its default version): only the subnets drift.
                let template = (self.workers_template_id.as_str(), "$Default");
                let arn = node_group(
                    c,
                    s,
                    &format!("{p}-workers-public"),
                    &s.subnets["public"],
                    &self.node_role_arn,
                    template,
                )
                .await;
                vec![(arn, vec!["FF-EKS-005"])]
            }
            ComputeDrift::LegacyImdsNodeGroup => {
                let versions = [("required", 1), ("optional", 2)];
                let id = Box::pin(launch_template(c, &format!("{p}-workers-legacy"), &versions)).await;
                let subnets = &s.subnets["data-plane"];
                let arn =
                    node_group(c, s, &format!("{p}-workers-legacy"), subnets, &self.node_role_arn, (&id, "$Latest"))
                        .await;
                vec![(arn, vec!["FF-EKS-006"])]
            }
            ComputeDrift::AppRunnerDemo => {
                let id = "4c2b1f0e9d8a4b6c8e7f6a5b4c3d2e1f";
                let arn = format!("arn:aws:apprunner:{REGION}:{ACCOUNT_ID}:service/{p}-ui-demo/{id}");
                apprunner.put_service(serde_json::json!({
                    "ServiceName": format!("{p}-ui-demo"), "ServiceId": id, "ServiceArn": arn,
                    "ServiceUrl": "x7k2m9p4qz.us-east-1.awsapprunner.com", "CreatedAt": 1.7305E9, "UpdatedAt": 1.7305E9,
                    "Status": "RUNNING",
                    "SourceConfiguration": {
                        "ImageRepository": {
                            "ImageIdentifier": "public.ecr.aws/flowforge/ui:latest",
                            "ImageRepositoryType": "ECR_PUBLIC",
                            "ImageConfiguration": {"Port": "3000", "RuntimeEnvironmentVariables": {
                                "NODE_ENV": "production",
                                "DATABASE_URL": format!("postgresql://flowforge:hunter2@{p}-metadata.internal:5432/prefect")
                            }}
                        },
                        "AutoDeploymentsEnabled": false
                    },
                    "InstanceConfiguration": {"Cpu": "1024", "Memory": "2048"},
                    "AutoScalingConfigurationSummary": {
                        "AutoScalingConfigurationArn": format!("arn:aws:apprunner:{REGION}:{ACCOUNT_ID}:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001"),
                        "AutoScalingConfigurationName": "DefaultConfiguration", "AutoScalingConfigurationRevision": 1
                    },
                    "NetworkConfiguration": {"EgressConfiguration": {"EgressType": "DEFAULT"}, "IngressConfiguration": {"IsPubliclyAccessible": true}}
                }));
                vec![(arn, vec!["FF-APPRUNNER-001", "FF-APPRUNNER-002"])]
            }
        }
    }
}
