//! App Runner, per region: the FlowForge control plane when it runs on App Runner, the
//! guide's other host for the Next.js UI/API (FlowForge Deployment Guide – AWS, "Deployment
//! Steps / 4. Deploy Control Plane"): each service's instance role, egress, image source and
//! runtime variables.
//!
//! As for ECS, plain runtime variable values never enter the snapshot: names only, with the
//! credential kind of the value ([`crate::aws::ecs::credential_kind`]).
//!
//! The emulator (moto) has no App Runner: the collector is tested with recorded App Runner
//! responses replayed through the SDK (`tests` below).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ecs::EnvVar;
use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;
#[cfg(all(test, feature = "aws"))]
mod tests;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::AppRunnerApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// An App Runner service: `id` is the service id, `name` the service name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AppRunnerService {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub status: String,
    /// The role the service's code runs as; null when none is set.
    #[serde(default)]
    pub instance_role_arn: Option<String>,
    /// `DEFAULT` (public internet) or `VPC` (through a VPC connector); null when not reported.
    #[serde(default)]
    pub egress_type: Option<String>,
    #[serde(default)]
    pub vpc_connector_arn: Option<String>,
    /// The image (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` or `@sha256:...`);
    /// null for a service built from a code repository.
    #[serde(default)]
    pub image_identifier: Option<String>,
    /// `ECR` or `ECR_PUBLIC`; null for a code repository source.
    #[serde(default)]
    pub image_repository_type: Option<String>,
    /// Plain runtime variables: names only (sorted), never values.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Runtime secrets: variable name → Secrets Manager or SSM ARN (sorted by name).
    #[serde(default)]
    pub secrets: Vec<super::ecs::SecretRef>,
}

super::service! {
    /// The `apprunner` member of the snapshot.
    part: AppRunner = "apprunner",
    prefix: "apprunner",
    scope: Regional,
    operations: [
        "apprunner" list_services "ListServices" "ListServices" "apprunner:ListServices" => pages(100, services);
        "apprunner" describe_service "DescribeService" "DescribeService" "apprunner:DescribeService" => each(services);
    ],
    collections: [
        services: AppRunnerService
            list ["ListServices"] detail ["DescribeService"]
            cfn "AWS::AppRunner::Service" asff "Other"
            terraform ["aws_apprunner_service"]
            diff arn;
    ],
}
