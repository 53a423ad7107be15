//! KMS, per region: the keys with their state, manager, aliases and, for customer-managed
//! keys, rotation and the key policy (stored parsed, like every policy document, so the IAM
//! policy engine reads it as a resource policy). Which keys matter is the checks' business:
//! the ones FlowForge resources use (`policies/lib/kms.rego`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{PolicyDocument, ResourceMeta};

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{policy, s, time, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::KmsApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One key: `id` is the key id, `name` its first alias (else the key id), `arn` the key ARN.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct KmsKey {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `CUSTOMER` or `AWS`; null when DescribeKey failed.
    #[serde(default)]
    pub key_manager: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...; null when DescribeKey failed.
    #[serde(default)]
    pub key_state: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, ...
    #[serde(default)]
    pub key_spec: Option<String>,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    #[serde(default)]
    pub origin: Option<String>,
    #[serde(default)]
    pub creation_date: Option<String>,
    /// Alias names (`alias/flowforge-prod-data`), sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Automatic rotation (customer-managed symmetric keys only); null when not read.
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
    /// The `default` key policy, parsed; null when not read (AWS-managed keys, failed call).
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
}

super::service! {
    /// The `kms` member of the snapshot.
    part: Kms = "kms",
    prefix: "kms",
    scope: Regional,
    operations: [
        "kms" list_keys "ListKeys" "ListKeys" "kms:ListKeys" => pages(KEYS_PAGE, keys);
        "kms" list_aliases "ListAliases" "ListAliases" "kms:ListAliases" => by(alias_pages);
        "kms" describe_key "DescribeKey" "DescribeKey" "kms:DescribeKey" => each(keys);
        // Rotation and policy are read for customer managed keys only.
        "kms" get_key_rotation_status "GetKeyRotationStatus" "GetKeyRotationStatus" "kms:GetKeyRotationStatus" => by(customer_keys);
        "kms" get_key_policy "GetKeyPolicy" "GetKeyPolicy" "kms:GetKeyPolicy" => by(customer_keys);
    ],
    collections: [
        keys: KmsKey
            list ["ListKeys", "ListAliases"] detail ["DescribeKey", "GetKeyRotationStatus", "GetKeyPolicy"]
            cfn "AWS::KMS::Key" asff "AwsKmsKey"
            terraform ["aws_kms_key"]
            diff arn;
    ],
}

/// Keys per ListKeys page (the API's largest).
pub(crate) const KEYS_PAGE: i32 = 1000;
/// Aliases per ListAliases page (the API's largest).
pub(crate) const ALIASES_PAGE: i32 = 100;

fn keys_in<'a>(part: &'a Kms, region: Option<&'a str>) -> impl Iterator<Item = &'a KmsKey> {
    part.keys.iter().filter(move |k| region.is_none_or(|r| k.meta.region == r))
}

/// ListAliases pages through every alias of the region.
fn alias_pages(part: &Kms, region: Option<&str>) -> u64 {
    super::pages(keys_in(part, region).map(|k| k.aliases.len() as u64).sum(), ALIASES_PAGE as u64)
}

/// Customer managed keys: their rotation status and policy are read, one call each.
fn customer_keys(part: &Kms, region: Option<&str>) -> u64 {
    keys_in(part, region).filter(|k| k.key_manager.as_deref() == Some("CUSTOMER")).count() as u64
}
