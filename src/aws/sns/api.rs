//! SNS: topic ARNs, each topic's attributes (its KMS key) and its subscriptions.
//!
//! Confirmation is read from ListSubscriptionsByTopic (a pending subscription's ARN is
//! `PendingConfirmation`), not from the `SubscriptionsConfirmed` attribute: AWS updates that
//! count only about once a minute, and the emulator always reports 0.

use std::collections::BTreeMap;

use aws_sdk_sns::Client;

use super::{CallError, Ctx, Subscription, Topic};

const SVC: &str = "sns";

#[derive(Debug, Clone)]
pub struct SnsApi {
    client: Client,
    ctx: Ctx,
}

impl SnsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        SnsApi { client, ctx }
    }

    /// Every topic ARN of the region.
    pub async fn topic_arns(&self) -> Result<Vec<String>, CallError> {
        let items: Vec<_> = self
            .client
            .list_topics()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListTopics", e))?;
        Ok(items.iter().filter_map(|t| t.topic_arn().map(str::to_owned)).collect())
    }

    /// A topic without its subscriptions: its name and KMS key.
    pub async fn topic(&self, arn: &str) -> Result<Topic, CallError> {
        let out = self
            .client
            .get_topic_attributes()
            .topic_arn(arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetTopicAttributes", e))?;
        let name = arn.rsplit(':').next().unwrap_or_default();
        let kms = out.attributes().and_then(|a| a.get("KmsMasterKeyId")).filter(|k| !k.is_empty()).cloned();
        Ok(Topic {
            meta: self.ctx.meta(arn.to_owned(), name, name, BTreeMap::new()),
            kms_key_id: kms,
            subscriptions: None,
        })
    }

    /// A topic's subscriptions.
    pub async fn subscriptions(&self, arn: &str) -> Result<Vec<Subscription>, CallError> {
        let items: Vec<_> = self
            .client
            .list_subscriptions_by_topic()
            .topic_arn(arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListSubscriptionsByTopic", e))?;
        Ok(items
            .iter()
            .map(|s| Subscription {
                protocol: s.protocol().unwrap_or_default().to_owned(),
                confirmed: s.subscription_arn().is_some_and(|a| a.starts_with("arn:")),
            })
            .collect())
    }
}
