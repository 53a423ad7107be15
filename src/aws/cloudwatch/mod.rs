//! CloudWatch, per region: the metric alarms (what they watch, whether their actions are
//! enabled, whom they notify), so the alarms the baseline declares can be checked.

use std::collections::BTreeMap;

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
pub use api::CloudWatchApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// A metric alarm: `id` and `name` are its name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Alarm {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Whether its actions run on a state change; null when not reported.
    pub actions_enabled: Option<bool>,
    /// ARNs notified on ALARM (SNS topics, Auto Scaling or EC2 actions).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// The metric's namespace (`AWS/ApplicationELB`); null for a metric-math alarm.
    pub namespace: Option<String>,
    /// The metric's name (`TargetResponseTime`); null for a metric-math alarm.
    pub metric_name: Option<String>,
    /// Dimension name → value (`LoadBalancer` → `app/flowforge-prod-alb/...`).
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: String,
}

super::service! {
    /// The `cloudwatch` member of the snapshot.
    part: CloudWatch = "cloudwatch",
    prefix: "cloudwatch",
    scope: Regional,
    operations: [
        "cloudwatch" describe_alarms "DescribeAlarms" "DescribeAlarms" "cloudwatch:DescribeAlarms" => pages(ALARMS_PAGE, alarms);
    ],
    collections: [
        /// Metric alarms (composite alarms are not collected).
        alarms: Alarm
            list ["DescribeAlarms"] detail []
            cfn "AWS::CloudWatch::Alarm" asff "AwsCloudWatchAlarm"
            terraform ["aws_cloudwatch_metric_alarm"]
            diff arn;
    ],
}

/// Alarms per DescribeAlarms page (the API's largest).
pub(crate) const ALARMS_PAGE: i32 = 100;
