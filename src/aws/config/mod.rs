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

super::service! {
    part: crate::model::ConfigService = "config",
    prefix: "config",
    scope: Regional,
    operations: [
        "config" describe_configuration_recorders "DescribeConfigurationRecorders" "DescribeConfigurationRecorders" "config:DescribeConfigurationRecorders";
        "config" describe_configuration_recorder_status "DescribeConfigurationRecorderStatus" "DescribeConfigurationRecorderStatus" "config:DescribeConfigurationRecorderStatus";
        "config" describe_delivery_channels "DescribeDeliveryChannels" "DescribeDeliveryChannels" "config:DescribeDeliveryChannels";
    ],
    collections: [
        recorders: list ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus"] detail [];
        delivery_channels: list ["DescribeDeliveryChannels"] detail [];
    ],
}
