//! AWS Config, per region: the configuration recorders (with their recording status) and
//! the delivery channels.

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::ConfigApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::resource!(
    /// A configuration recorder and its status
    /// (synthetic ARN `arn:<partition>:config:<region>:<account>:config-recorder/<name>`).
    pub struct ConfigRecorder {
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        pub all_supported: bool,
        #[serde(default)]
        pub include_global_resource_types: bool,
        #[serde(default)]
        pub resource_types: Vec<String>,
        /// From DescribeConfigurationRecorderStatus.
        #[serde(default)]
        pub recording: bool,
        #[serde(default)]
        pub last_status: Option<String>,
    }
);

super::resource!(
    /// (synthetic ARN `arn:<partition>:config:<region>:<account>:delivery-channel/<name>`)
    pub struct DeliveryChannel {
        #[serde(default)]
        pub s3_bucket_name: Option<String>,
        #[serde(default)]
        pub sns_topic_arn: Option<String>,
        #[serde(default)]
        pub delivery_frequency: Option<String>,
    }
);

super::service! {
    part: ConfigService = "config",
    prefix: "config",
    scope: Regional,
    operations: [
        "config" describe_configuration_recorders "DescribeConfigurationRecorders" "DescribeConfigurationRecorders" "config:DescribeConfigurationRecorders" => once;
        "config" describe_configuration_recorder_status "DescribeConfigurationRecorderStatus" "DescribeConfigurationRecorderStatus" "config:DescribeConfigurationRecorderStatus" => once;
        "config" describe_delivery_channels "DescribeDeliveryChannels" "DescribeDeliveryChannels" "config:DescribeDeliveryChannels" => once;
    ],
    collections: [
        recorders: ConfigRecorder
            list ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus"] detail []
            cfn "AWS::Config::ConfigurationRecorder" asff "Other"
            terraform []
            diff arn;
        delivery_channels: DeliveryChannel
            list ["DescribeDeliveryChannels"] detail []
            cfn "AWS::Config::DeliveryChannel" asff "Other"
            terraform []
            diff arn;
    ],
}
