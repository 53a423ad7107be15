//! CloudWatch Logs, per region: the log groups with their retention, KMS key and tags, so the
//! FlowForge log groups can be checked and recognised (by the baseline's names, the app tag or
//! the name prefix: `baseline::scope`). DescribeLogGroups carries no tags: they are read per
//! group with ListTagsForResource, and a group whose tags could not be read is kept (its error
//! names it, and its FlowForge-ness is undecided unless its name decides).

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
pub use api::LogsApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// A log group: `arn` is its ARN without the trailing `:*`, `id` and `name` its name, `tags`
/// its tags (ListTagsForResource).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LogGroup {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Days events are kept; null means the group never expires its events (AWS reports no
    /// retention for "never expire").
    pub retention_in_days: Option<i32>,
    /// The KMS key ARN encrypting the group; null when it uses CloudWatch Logs' own keys.
    pub kms_key_id: Option<String>,
}

super::service! {
    /// The `logs` member of the snapshot.
    part: Logs = "logs",
    prefix: "logs",
    scope: Regional,
    operations: [
        "logs" describe_log_groups "DescribeLogGroups" "DescribeLogGroups" "logs:DescribeLogGroups" => pages(LOG_GROUPS_PAGE, log_groups);
        "logs" list_tags_for_resource "ListTagsForResource" "ListTagsForResource" "logs:ListTagsForResource" => each(log_groups);
    ],
    collections: [
        log_groups: LogGroup
            list ["DescribeLogGroups"] detail ["ListTagsForResource"]
            cfn "AWS::Logs::LogGroup" asff "Other"
            terraform ["aws_cloudwatch_log_group"]
            diff arn;
    ],
}

/// Log groups per DescribeLogGroups page (the API's largest).
pub(crate) const LOG_GROUPS_PAGE: i32 = 50;
