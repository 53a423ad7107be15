//! Amazon SNS, per region: the topics (encryption key, subscriptions by protocol and
//! confirmation), so a check can see that an alarm reaches a person and that the topic is
//! encrypted. Subscription endpoints (e-mail addresses, URLs) are not kept: the audit needs
//! to know a subscription is confirmed, not who it notifies.

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
pub use api::SnsApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// An SNS topic: `id` and `name` are its name (the last part of the ARN).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Topic {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The KMS key (id, ARN or alias) encrypting the topic (`KmsMasterKeyId`); null when the
    /// topic is not encrypted.
    pub kms_key_id: Option<String>,
    /// The topic's subscriptions, in the order listed; null when ListSubscriptionsByTopic
    /// failed for the topic (unknown, not none: its error names the topic).
    #[serde(default)]
    pub subscriptions: Option<Vec<Subscription>>,
}

/// One subscription of a topic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Subscription {
    /// `email`, `sqs`, `lambda`, `https`, ...
    pub protocol: String,
    /// False while the subscription waits for confirmation (its ARN is `PendingConfirmation`).
    pub confirmed: bool,
}

super::service! {
    /// The `sns` member of the snapshot.
    part: Sns = "sns",
    prefix: "sns",
    scope: Regional,
    operations: [
        "sns" list_topics "ListTopics" "ListTopics" "sns:ListTopics" => pages(100, topics);
        "sns" get_topic_attributes "GetTopicAttributes" "GetTopicAttributes" "sns:GetTopicAttributes" => each(topics);
        "sns" list_subscriptions_by_topic "ListSubscriptionsByTopic" "ListSubscriptionsByTopic" "sns:ListSubscriptionsByTopic" => each(topics);
    ],
    collections: [
        topics: Topic
            list ["ListTopics"] detail ["GetTopicAttributes", "ListSubscriptionsByTopic"]
            cfn "AWS::SNS::Topic" asff "AwsSnsTopic"
            terraform ["aws_sns_topic"]
            diff arn;
    ],
}
