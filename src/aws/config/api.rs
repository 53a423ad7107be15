//! AWS Config: recorders with their status, and delivery channels (synthetic ARNs, see the
//! model). The configuration history is not read: it is not needed, and the emulator's
//! timestamps do not parse.

use std::collections::BTreeMap;

use aws_sdk_config::Client;

use super::{CallError, Ctx};
use super::{ConfigRecorder, DeliveryChannel};

const SVC: &str = "config";

#[derive(Debug, Clone)]
pub struct ConfigApi {
    client: Client,
    ctx: Ctx,
}

impl ConfigApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        ConfigApi { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    /// Recorders without their status (see [`Self::recorder_status`]).
    pub async fn recorders(&self) -> Result<Vec<ConfigRecorder>, CallError> {
        let out = self
            .client
            .describe_configuration_recorders()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeConfigurationRecorders", e))?;
        Ok(out
            .configuration_recorders()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                let group = r.recording_group();
                ConfigRecorder {
                    meta: self.ctx.meta(
                        self.ctx.arn(SVC, &format!("config-recorder/{name}")),
                        name,
                        name,
                        BTreeMap::new(),
                    ),
                    role_arn: r.role_arn().map(str::to_owned),
                    all_supported: group.map(|g| g.all_supported()).unwrap_or(false),
                    include_global_resource_types: group.map(|g| g.include_global_resource_types()).unwrap_or(false),
                    resource_types: group
                        .map(|g| g.resource_types().iter().map(|t| t.as_str().to_owned()).collect())
                        .unwrap_or_default(),
                    recording: false,
                    last_status: None,
                }
            })
            .collect())
    }

    /// Recorder name → (recording, last status).
    pub async fn recorder_status(&self) -> Result<BTreeMap<String, (bool, Option<String>)>, CallError> {
        let out = self
            .client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeConfigurationRecorderStatus", e))?;
        Ok(out
            .configuration_recorders_status()
            .iter()
            .filter_map(|s| {
                Some((s.name()?.to_owned(), (s.recording(), s.last_status().map(|v| v.as_str().to_owned()))))
            })
            .collect())
    }

    pub async fn delivery_channels(&self) -> Result<Vec<DeliveryChannel>, CallError> {
        let out = self
            .client
            .describe_delivery_channels()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeDeliveryChannels", e))?;
        Ok(out
            .delivery_channels()
            .iter()
            .map(|c| {
                let name = c.name().unwrap_or_default();
                DeliveryChannel {
                    meta: self.ctx.meta(
                        self.ctx.arn(SVC, &format!("delivery-channel/{name}")),
                        name,
                        name,
                        BTreeMap::new(),
                    ),
                    s3_bucket_name: c.s3_bucket_name().map(str::to_owned),
                    sns_topic_arn: c.sns_topic_arn().map(str::to_owned),
                    delivery_frequency: c
                        .config_snapshot_delivery_properties()
                        .and_then(|p| p.delivery_frequency())
                        .map(|f| f.as_str().to_owned()),
                }
            })
            .collect())
    }
}
