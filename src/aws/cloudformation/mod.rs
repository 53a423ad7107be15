//! CloudFormation, per region: the stacks and the service role each is deployed with. The
//! privilege-escalation graph reads them: `cloudformation:UpdateStack` on a stack with a
//! service role makes the caller deploy anything that role may (`iam_eval::inventory`). Only
//! `DescribeStacks` is called: never a template, parameter values or outputs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::CloudFormationApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One stack that is not deleted. `arn` is its stack id
/// (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`), `id` and `name` its name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CloudFormationStack {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The service role CloudFormation uses for the stack's operations; null when the stack
    /// has none (it then acts with the caller's own permissions).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, ...
    #[serde(default)]
    pub status: String,
    /// Whether termination protection is on; null when not reported.
    #[serde(default)]
    pub termination_protection: Option<bool>,
}

super::service! {
    /// The `cloudformation` member of the snapshot.
    part: CloudFormation = "cloudformation",
    prefix: "cloudformation",
    scope: Regional,
    operations: [
        "cloudformation" describe_stacks "DescribeStacks" "DescribeStacks" "cloudformation:DescribeStacks" => pages(STACKS_PAGE, stacks);
    ],
    collections: [
        stacks: CloudFormationStack
            list ["DescribeStacks"] detail []
            cfn "AWS::CloudFormation::Stack" asff "Other"
            terraform ["aws_cloudformation_stack"]
            diff arn;
    ],
}

/// Stacks per DescribeStacks page: the API takes no page size; AWS documents none either, so
/// the fewest-calls figure assumes the most a page has been seen to hold.
pub(crate) const STACKS_PAGE: i32 = 100;
