//! ECR, per region: the repositories FlowForge's UI and flow images are built into
//! (FlowForge Deployment Guide – AWS, "Prerequisites", "Deployment Steps / 4. Deploy Control
//! Plane" and "5. Register Prefect Deployments"): scanning, tag immutability, encryption, lifecycle
//! policy and repository policy, and the registry's scanning mode.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{PolicyDocument, ResourceMeta};

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{policy, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::EcrApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// A private repository: `id` and `name` are the repository name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EcrRepository {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub uri: String,
    /// `MUTABLE`, `IMMUTABLE` (or their `_WITH_EXCLUSION` forms); null when not reported.
    #[serde(default)]
    pub image_tag_mutability: Option<String>,
    /// null when DescribeRepositories did not report a scanning configuration.
    #[serde(default)]
    pub scan_on_push: Option<bool>,
    /// The registry's scanning mode in this region (`BASIC` or `ENHANCED`, from
    /// GetRegistryScanningConfiguration); null when it could not be read.
    #[serde(default)]
    pub registry_scan_type: Option<String>,
    /// `AES256`, `KMS` or `KMS_DSSE`; null when not reported.
    #[serde(default)]
    pub encryption_type: Option<String>,
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Whether a lifecycle policy is set; null when GetLifecyclePolicy failed.
    #[serde(default)]
    pub has_lifecycle_policy: Option<bool>,
    /// The repository policy; null when the repository has none.
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
}

super::service! {
    /// The `ecr` member of the snapshot.
    part: Ecr = "ecr",
    prefix: "ecr",
    scope: Regional,
    operations: [
        "ecr" describe_repositories "DescribeRepositories" "DescribeRepositories" "ecr:DescribeRepositories" => pages(100, repositories);
        // Read once per region, and only when the region has repositories.
        "ecr" get_registry_scanning_configuration "GetRegistryScanningConfiguration" "GetRegistryScanningConfiguration" "ecr:GetRegistryScanningConfiguration" => if_any(repositories);
        "ecr" get_lifecycle_policy "GetLifecyclePolicy" "GetLifecyclePolicy" "ecr:GetLifecyclePolicy" => each(repositories);
        "ecr" get_repository_policy "GetRepositoryPolicy" "GetRepositoryPolicy" "ecr:GetRepositoryPolicy" => each(repositories);
    ],
    collections: [
        repositories: EcrRepository
            list ["DescribeRepositories"] detail ["GetRegistryScanningConfiguration", "GetLifecyclePolicy", "GetRepositoryPolicy"]
            cfn "AWS::ECR::Repository" asff "AwsEcrRepository"
            terraform ["aws_ecr_repository"]
            diff arn;
    ],
}
