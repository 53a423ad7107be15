//! EKS, per region: the clusters (endpoint access, logging, secrets encryption, OIDC issuer)
//! and FlowForge's data plane in them: managed node groups and Fargate profiles (subnets,
//! node role, launch template). A node group's launch template is read too (EC2's
//! DescribeLaunchTemplateVersions, once per referenced template, for the versions node groups
//! name): its IMDS settings are what every node of the group starts with.

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
pub use api::EksApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
    pub struct EksCluster {
        #[serde(default)]
        pub version: String,
        #[serde(default)]
        pub status: String,
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        /// null when DescribeCluster returned no VPC configuration: UNKNOWN, not PASS.
        #[serde(default)]
        pub endpoint_public_access: Option<bool>,
        #[serde(default)]
        pub endpoint_private_access: bool,
        #[serde(default)]
        pub public_access_cidrs: Vec<String>,
        #[serde(default)]
        pub encryption_config: Vec<EksEncryptionConfig>,
        /// Control-plane log types that are enabled (`api`, `audit`, `authenticator`, ...).
        #[serde(default)]
        pub enabled_log_types: Vec<String>,
        /// The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`),
        /// what IRSA roles trust through an IAM OIDC provider; null when not reported.
        #[serde(default)]
        pub oidc_issuer: Option<String>,
    }
);

super::record!(
    pub struct EksEncryptionConfig {
        #[serde(default)]
        pub resources: Vec<String>,
        #[serde(default)]
        pub provider_key_arn: Option<String>,
    }
);

super::service! {
    part: Eks = "eks",
    prefix: "eks",
    scope: Regional,
    operations: [
        "eks" list_clusters "ListClusters" "ListClusters" "eks:ListClusters" => pages(100, clusters);
        "eks" describe_cluster "DescribeCluster" "DescribeCluster" "eks:DescribeCluster" => each(clusters);
        "eks" list_nodegroups "ListNodegroups" "ListNodegroups" "eks:ListNodegroups" => each(clusters);
        "eks" describe_nodegroup "DescribeNodegroup" "DescribeNodegroup" "eks:DescribeNodegroup" => each(node_groups);
        "eks" list_fargate_profiles "ListFargateProfiles" "ListFargateProfiles" "eks:ListFargateProfiles" => each(clusters);
        "eks" describe_fargate_profile "DescribeFargateProfile" "DescribeFargateProfile" "eks:DescribeFargateProfile" => each(fargate_profiles);
        // Recorded under the template's ARN and judged by the IMDS check alone (a null
        // `metadata_options`), so that it does not make every check of the node group UNKNOWN.
        "ec2" describe_launch_template_versions "DescribeLaunchTemplateVersions" "DescribeLaunchTemplateVersions" "ec2:DescribeLaunchTemplateVersions"
            => by(launch_templates) outside_collections;
    ],
    collections: [
        clusters: EksCluster
            list ["ListClusters"] detail ["DescribeCluster"]
            cfn "AWS::EKS::Cluster" asff "AwsEksCluster"
            terraform ["aws_eks_cluster"]
            diff arn;
        /// Managed node groups of every cluster (FlowForge's data plane).
        node_groups: EksNodeGroup
            list ["ListClusters", "ListNodegroups"] detail ["DescribeNodegroup"]
            cfn "AWS::EKS::Nodegroup" asff "Other"
            terraform ["aws_eks_node_group"]
            diff arn;
        /// Fargate profiles of every cluster.
        fargate_profiles: EksFargateProfile
            list ["ListClusters", "ListFargateProfiles"] detail ["DescribeFargateProfile"]
            cfn "AWS::EKS::FargateProfile" asff "Other"
            terraform []
            diff arn;
    ],
}

/// One DescribeLaunchTemplateVersions per launch template the node groups name (by id, or by
/// name when they give no id), for all the versions they name.
fn launch_templates(part: &Eks, region: Option<&str>) -> u64 {
    let templates: std::collections::BTreeSet<(Option<&str>, Option<&str>)> = part
        .node_groups
        .iter()
        .filter(|g| region.is_none_or(|r| g.meta.region == r))
        .filter_map(|g| g.launch_template.as_ref())
        .filter(|t| t.id.is_some() || t.name.is_some())
        .map(|t| match t.id.as_deref() {
            Some(id) => (Some(id), None),
            None => (None, t.name.as_deref()),
        })
        .collect();
    templates.len() as u64
}

/// A managed node group: `id` and `name` are the node group name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EksNodeGroup {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub cluster_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub subnets: Vec<String>,
    /// The node instance role's ARN; null when not reported.
    #[serde(default)]
    pub node_role: Option<String>,
    /// The AMI type (`AL2_x86_64`, `AL2023_x86_64_STANDARD`, `BOTTLEROCKET_x86_64`, `CUSTOM`,
    /// ...); it decides the IMDS settings of the launch template EKS generates when the node
    /// group names none. Null when not reported.
    #[serde(default)]
    pub ami_type: Option<String>,
    /// The launch template the nodes start from (its IMDS settings apply to the nodes, which
    /// `ec2.instances` shows once they run); null when the node group uses EKS's own.
    #[serde(default)]
    pub launch_template: Option<EksLaunchTemplate>,
}

/// A node group's launch template: the reference DescribeNodegroup gives, and what the
/// referenced version says about the instance metadata service.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EksLaunchTemplate {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The version as the node group names it: a number, `$Default` or `$Latest` (null: the
    /// template's default version, as EKS uses it).
    #[serde(default)]
    pub version: Option<String>,
    /// The version number that reference resolved to when the template was read; null when
    /// it could not be read (call denied, template or version deleted).
    #[serde(default)]
    pub version_number: Option<i64>,
    /// That version's `MetadataOptions`; null when the version could not be read (the failed
    /// call is in `collection_errors` under the template's ARN). A version that sets no
    /// metadata options has an object of nulls.
    #[serde(default)]
    pub metadata_options: Option<LaunchTemplateMetadataOptions>,
}

/// The IMDS settings of a launch template version, each null when the version does not set
/// it (the instance then gets the AMI's and the account's defaults, which are not read).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LaunchTemplateMetadataOptions {
    /// `required` (IMDSv2 only) or `optional`.
    #[serde(default)]
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub http_endpoint: Option<String>,
    /// How many network hops an IMDSv2 token response may travel; 1 keeps it on the node
    /// (pods behind their own network namespace cannot get a token).
    #[serde(default)]
    pub http_put_response_hop_limit: Option<i64>,
}

/// A Fargate profile: `id` and `name` are the profile name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EksFargateProfile {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub cluster_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub pod_execution_role_arn: Option<String>,
}
