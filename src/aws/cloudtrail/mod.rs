//! CloudTrail, per region: the trails whose home is the region (multi-region trails are
//! collected once, in their home region), whether each is logging and which management
//! events it records: the account's own audit trail, which any report on a regulated data
//! platform is expected to show.

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
pub use api::CloudTrailApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One trail (`id` and `name` are its name, `region` its home region). A field the API did
/// not report, or whose call failed, is null (UNKNOWN for the checks, never compliant).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Trail {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub is_multi_region: Option<bool>,
    #[serde(default)]
    pub is_organization_trail: Option<bool>,
    #[serde(default)]
    pub log_file_validation_enabled: Option<bool>,
    /// The KMS key that encrypts the log files; null when they are SSE-S3 only.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// The bucket the log files go to.
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    /// GetTrailStatus: the trail is delivering events now.
    #[serde(default)]
    pub is_logging: Option<bool>,
    /// GetEventSelectors, basic or advanced selectors alike: management read events recorded.
    #[serde(default)]
    pub management_read_events: Option<bool>,
    /// Management write events recorded.
    #[serde(default)]
    pub management_write_events: Option<bool>,
}

super::service! {
    /// The `cloudtrail` member of the snapshot.
    part: CloudTrail = "cloudtrail",
    prefix: "cloudtrail",
    scope: Regional,
    operations: [
        // DescribeTrails answers every trail of the region in one call (no paging).
        "cloudtrail" describe_trails "DescribeTrails" "DescribeTrails" "cloudtrail:DescribeTrails" => once;
        "cloudtrail" get_trail_status "GetTrailStatus" "GetTrailStatus" "cloudtrail:GetTrailStatus" => each(trails);
        "cloudtrail" get_event_selectors "GetEventSelectors" "GetEventSelectors" "cloudtrail:GetEventSelectors" => each(trails);
    ],
    collections: [
        trails: Trail
            list ["DescribeTrails"] detail ["GetTrailStatus", "GetEventSelectors"]
            cfn "AWS::CloudTrail::Trail" asff "AwsCloudTrailTrail"
            terraform ["aws_cloudtrail"]
            diff arn;
    ],
}
