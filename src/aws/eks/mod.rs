//! EKS, per region: the clusters (endpoint access, logging, secrets encryption, OIDC issuer)
//! and FlowForge's data plane in them: managed node groups and Fargate profiles (subnets,
//! node role, launch template).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
pub use api::EksApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;
#[cfg(feature = "aws")]
use super::{CallError, Ctx};

super::service! {
    part: crate::model::Eks = "eks",
    prefix: "eks",
    scope: Regional,
    operations: [
        "eks" list_clusters "ListClusters" "ListClusters" "eks:ListClusters";
        "eks" describe_cluster "DescribeCluster" "DescribeCluster" "eks:DescribeCluster";
        "eks" list_nodegroups "ListNodegroups" "ListNodegroups" "eks:ListNodegroups";
        "eks" describe_nodegroup "DescribeNodegroup" "DescribeNodegroup" "eks:DescribeNodegroup";
        "eks" list_fargate_profiles "ListFargateProfiles" "ListFargateProfiles" "eks:ListFargateProfiles";
        "eks" describe_fargate_profile "DescribeFargateProfile" "DescribeFargateProfile" "eks:DescribeFargateProfile";
    ],
    collections: [
        clusters: list ["ListClusters"] detail ["DescribeCluster"];
        node_groups: list ["ListClusters", "ListNodegroups"] detail ["DescribeNodegroup"];
        fargate_profiles: list ["ListClusters", "ListFargateProfiles"] detail ["DescribeFargateProfile"];
    ],
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
    /// The launch template the nodes start from (its IMDS settings apply to the nodes, which
    /// `ec2.instances` shows once they run); null when the node group uses EKS's own.
    #[serde(default)]
    pub launch_template: Option<EksLaunchTemplate>,
}

/// A node group's launch template reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EksLaunchTemplate {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
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
