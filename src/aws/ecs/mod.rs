//! ECS, per region: the FlowForge control plane when it runs on ECS/Fargate (FlowForge
//! Deployment Guide – AWS, "Deployment Steps / 4. Deploy Control Plane"): clusters, their
//! services (network placement, task definition) and the active task definition revision of
//! each service (roles, containers, secrets, images, logging).
//!
//! Container environment *values* never enter the snapshot: an audit file must not become a
//! copy of the credentials it is looking for. Each variable keeps its name and, when its value
//! has the shape of a credential, the kind of credential ([`credential_kind`]); the checks
//! judge names in Rego and these kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::EcsApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// An ECS cluster: `id` and `name` are the cluster name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcsCluster {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub status: String,
}

/// An ECS service: `id` and `name` are the service name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcsService {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub cluster_arn: String,
    #[serde(default)]
    pub status: String,
    /// `FARGATE`, `EC2`, `EXTERNAL`; null with a capacity provider strategy.
    #[serde(default)]
    pub launch_type: Option<String>,
    /// The ARN of the task definition revision the service runs.
    #[serde(default)]
    pub task_definition: Option<String>,
    #[serde(default)]
    pub desired_count: i32,
    /// The awsvpc network configuration; null when the service has none (bridge/host mode).
    #[serde(default)]
    pub network: Option<EcsNetwork>,
}

/// A service's awsvpc configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcsNetwork {
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `ENABLED` or `DISABLED`; null when the API did not report it (UNKNOWN, not PASS).
    #[serde(default)]
    pub assign_public_ip: Option<String>,
}

/// A task definition revision: `id` is `family:revision`, `name` the family.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcsTaskDefinition {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub family: String,
    #[serde(default)]
    pub revision: i32,
    #[serde(default)]
    pub task_role_arn: Option<String>,
    #[serde(default)]
    pub execution_role_arn: Option<String>,
    /// `awsvpc`, `bridge`, `host`, `none`; null when not reported.
    #[serde(default)]
    pub network_mode: Option<String>,
    #[serde(default)]
    pub containers: Vec<EcsContainer>,
}

/// One container definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcsContainer {
    pub name: String,
    #[serde(default)]
    pub image: String,
    /// Plain environment variables: names only, never values (see the module documentation).
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Variables injected from Secrets Manager or SSM Parameter Store (`value_from` is the
    /// secret's or parameter's ARN, not its value).
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    /// null when the task definition does not set it (ECS then defaults to false).
    #[serde(default)]
    pub readonly_root_filesystem: Option<bool>,
    /// null when the task definition does not set it (ECS then defaults to false).
    #[serde(default)]
    pub privileged: Option<bool>,
    /// `awslogs`, `awsfirelens`, `splunk`, ...; null without a log configuration.
    #[serde(default)]
    pub log_driver: Option<String>,
}

/// A plain environment variable, without its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EnvVar {
    pub name: String,
    /// The kind of credential the value looks like ([`credential_kind`]), null when it does
    /// not look like one.
    #[serde(default)]
    pub value_kind: Option<String>,
}

/// A variable taken from a secret store by reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct SecretRef {
    pub name: String,
    pub value_from: String,
}

/// The kind of credential a plain environment value looks like, if any: an AWS access key id
/// (`AKIA`/`ASIA` and 16 upper-case letters or digits), an AWS secret access key (40
/// characters of base64 with upper, lower case and digits), a private key (PEM), or a
/// connection string with a password (`scheme://user:password@host`, or
/// `password=`/`pwd=` in a `key=value;` string). The only place values are judged: they are
/// dropped right after (see the module documentation). Also used by App Runner.
pub fn credential_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let is_key_id = |w: &str| {
        w.len() == 20
            && (w.starts_with("AKIA") || w.starts_with("ASIA"))
            && w.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    if v.split(|c: char| !c.is_ascii_alphanumeric()).any(is_key_id) {
        return Some("aws-access-key-id");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private-key");
    }
    if let Some((_, rest)) = v.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if userinfo.split_once(':').is_some_and(|(_, pw)| !pw.is_empty()) {
                return Some("connection-string-with-password");
            }
        }
    }
    let lower = v.to_ascii_lowercase();
    if lower.split(';').any(|part| {
        part.split_once('=').is_some_and(|(k, val)| matches!(k.trim(), "password" | "pwd") && !val.trim().is_empty())
    }) {
        return Some("connection-string-with-password");
    }
    if v.len() == 40
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_digit())
    {
        return Some("aws-secret-access-key");
    }
    None
}

super::service! {
    /// The `ecs` member of the snapshot.
    part: Ecs = "ecs",
    prefix: "ecs",
    scope: Regional,
    operations: [
        "ecs" list_clusters "ListClusters" "ListClusters" "ecs:ListClusters" => pages(100, clusters);
        "ecs" describe_clusters "DescribeClusters" "DescribeClusters" "ecs:DescribeClusters" => batches(CLUSTER_BATCH, clusters);
        "ecs" list_services "ListServices" "ListServices" "ecs:ListServices" => by(service_listings);
        "ecs" describe_services "DescribeServices" "DescribeServices" "ecs:DescribeServices" => by(service_batches);
        "ecs" describe_task_definition "DescribeTaskDefinition" "DescribeTaskDefinition" "ecs:DescribeTaskDefinition" => each(task_definitions);
    ],
    collections: [
        clusters: EcsCluster
            list ["ListClusters", "DescribeClusters"] detail []
            cfn "AWS::ECS::Cluster" asff "AwsEcsCluster"
            terraform ["aws_ecs_cluster"]
            diff arn;
        services: EcsService
            list ["ListClusters", "ListServices", "DescribeServices"] detail []
            cfn "AWS::ECS::Service" asff "AwsEcsService"
            terraform ["aws_ecs_service"]
            diff arn;
        /// The task definition revision each service runs (one entry per distinct revision).
        task_definitions: EcsTaskDefinition
            list ["ListClusters", "ListServices", "DescribeServices"] detail ["DescribeTaskDefinition"]
            cfn "AWS::ECS::TaskDefinition" asff "AwsEcsTaskDefinition"
            terraform ["aws_ecs_task_definition"]
            diff arn;
    ],
}

/// Clusters per DescribeClusters call (the API's limit).
pub(crate) const CLUSTER_BATCH: usize = 100;
/// Services per DescribeServices call (the API's limit), and per ListServices page (its
/// default).
pub(crate) const SERVICE_BATCH: usize = 10;

/// The services of each cluster in `region`.
fn services_by_cluster<'a>(part: &'a Ecs, region: Option<&str>) -> std::collections::BTreeMap<&'a str, u64> {
    let mut by: std::collections::BTreeMap<&str, u64> = part
        .clusters
        .iter()
        .filter(|c| region.is_none_or(|r| c.meta.region == r))
        .map(|c| (c.meta.arn.as_str(), 0))
        .collect();
    for s in part.services.iter().filter(|s| region.is_none_or(|r| s.meta.region == r)) {
        *by.entry(s.cluster_arn.as_str()).or_default() += 1;
    }
    by
}

/// ListServices: one listing per cluster, a page per [`SERVICE_BATCH`] services.
fn service_listings(part: &Ecs, region: Option<&str>) -> u64 {
    services_by_cluster(part, region).values().map(|n| super::pages(*n, SERVICE_BATCH as u64)).sum()
}

/// DescribeServices: one call per [`SERVICE_BATCH`] services of a cluster.
fn service_batches(part: &Ecs, region: Option<&str>) -> u64 {
    services_by_cluster(part, region).values().map(|n| n.div_ceil(SERVICE_BATCH as u64)).sum()
}

#[cfg(test)]
mod tests {
    use super::credential_kind;

    /// Values shaped like credentials are recognised, ordinary configuration is not.
    #[test]
    fn credential_kinds() {
        assert_eq!(credential_kind("AKIAIOSFODNN7EXAMPLE"), Some("aws-access-key-id"));
        assert_eq!(credential_kind("key=ASIAIOSFODNN7EXAMPLE;x"), Some("aws-access-key-id"));
        assert_eq!(credential_kind("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), Some("aws-secret-access-key"));
        assert_eq!(credential_kind("postgresql://ff:s3cret@db:5432/prefect"), Some("connection-string-with-password"));
        assert_eq!(credential_kind("Server=db;User Id=ff;Password=x;"), Some("connection-string-with-password"));
        assert_eq!(credential_kind("-----BEGIN RSA PRIVATE KEY-----\nMII"), Some("private-key"));
        for plain in
            ["production", "postgresql://db:5432/prefect", "https://api.example.com/v1", "3000", "", "Password="]
        {
            assert_eq!(credential_kind(plain), None, "{plain}");
        }
        // A 40-character hex digest (a git sha) is not a secret key.
        assert_eq!(credential_kind("0123456789abcdef0123456789abcdef01234567"), None);
    }
}
