//! The KMS client: ListKeys, ListAliases, DescribeKey, GetKeyRotationStatus and GetKeyPolicy
//! (the `default` policy, parsed).

use std::collections::BTreeMap;

use aws_sdk_kms::Client;

use super::{policy, s, time, CallError, Ctx, KmsKey};
use crate::model::PolicyDocument;

const SVC: &str = "kms";

#[derive(Debug, Clone)]
pub struct KmsApi {
    client: Client,
    ctx: Ctx,
}

impl KmsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        KmsApi { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    /// Every key id of the region with its ARN.
    pub async fn keys(&self) -> Result<Vec<(String, String)>, CallError> {
        let items: Vec<_> = self
            .client
            .list_keys()
            .limit(super::KEYS_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListKeys", e))?;
        Ok(items
            .iter()
            .filter_map(|k| {
                let id = k.key_id()?.to_owned();
                let arn = k.key_arn().map(str::to_owned).unwrap_or_else(|| self.ctx.arn("kms", &format!("key/{id}")));
                Some((id, arn))
            })
            .collect())
    }

    /// Key id → its alias names.
    pub async fn aliases(&self) -> Result<BTreeMap<String, Vec<String>>, CallError> {
        let items: Vec<_> = self
            .client
            .list_aliases()
            .limit(super::ALIASES_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListAliases", e))?;
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in &items {
            if let (Some(target), Some(name)) = (a.target_key_id(), a.alias_name()) {
                out.entry(target.to_owned()).or_default().push(name.to_owned());
            }
        }
        out.values_mut().for_each(|v| v.sort());
        Ok(out)
    }

    /// DescribeKey, as a key without rotation and policy.
    pub async fn describe(&self, id: &str, arn: &str, aliases: Vec<String>) -> Result<KmsKey, CallError> {
        let out = self
            .client
            .describe_key()
            .key_id(id)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeKey", e))?;
        let m = out.key_metadata();
        let name = aliases.first().cloned().unwrap_or_else(|| id.to_owned());
        Ok(KmsKey {
            meta: self.ctx.meta(arn.to_owned(), id, &name, BTreeMap::new()),
            key_manager: m.and_then(|m| m.key_manager()).map(|v| v.as_str().to_owned()),
            key_state: m.and_then(|m| m.key_state()).map(|v| v.as_str().to_owned()),
            enabled: m.map(|m| m.enabled()),
            key_spec: m.and_then(|m| m.key_spec()).map(|v| v.as_str().to_owned()),
            origin: m.and_then(|m| m.origin()).map(|v| v.as_str().to_owned()),
            creation_date: time(m.and_then(|m| m.creation_date())),
            aliases,
            rotation_enabled: None,
            policy: None,
        })
    }

    pub async fn rotation_enabled(&self, id: &str) -> Result<Option<bool>, CallError> {
        let out = self
            .client
            .get_key_rotation_status()
            .key_id(id)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetKeyRotationStatus", e))?;
        Ok(Some(out.key_rotation_enabled()))
    }

    /// The key's `default` policy, parsed.
    pub async fn key_policy(&self, id: &str) -> Result<Option<PolicyDocument>, CallError> {
        let out = self
            .client
            .get_key_policy()
            .key_id(id)
            .policy_name("default")
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetKeyPolicy", e))?;
        match out.policy() {
            Some(text) if !text.trim().is_empty() => Ok(Some(policy(SVC, "GetKeyPolicy", &s(Some(text)))?)),
            _ => Ok(None),
        }
    }
}
