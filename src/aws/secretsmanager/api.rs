//! Secrets Manager: secret metadata (ListSecrets carries encryption and rotation) and each
//! secret's resource policy. The value of a secret is never read.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::Client;

use super::{CallError, Ctx};
use super::{RotationRules, Secret};
use crate::model::PolicyDocument;

const SVC: &str = "secretsmanager";

#[derive(Debug, Clone)]
pub struct SecretsManagerApi {
    client: Client,
    ctx: Ctx,
}

impl SecretsManagerApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        SecretsManagerApi { client, ctx }
    }

    /// The region this client signs for.
    pub fn region(&self) -> &str {
        &self.ctx.region
    }

    /// Every secret, without its policy (see [`Self::resource_policy`]).
    pub async fn secrets(&self) -> Result<Vec<Secret>, CallError> {
        let pages: Vec<_> = self
            .client
            .list_secrets()
            .max_results(super::LIST_PAGE)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListSecrets", e))?;
        Ok(pages
            .iter()
            .flat_map(|p| p.secret_list())
            .map(|x| {
                let name = x.name().unwrap_or_default();
                let arn = x.arn().map(str::to_owned).unwrap_or_else(|| self.ctx.arn(SVC, &format!("secret:{name}")));
                let tags: BTreeMap<String, String> = x
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned())))
                    .collect();
                Secret {
                    meta: self.ctx.meta(arn, name, name, tags),
                    description: x.description().map(str::to_owned).filter(|d| !d.is_empty()),
                    kms_key_id: x.kms_key_id().map(str::to_owned).filter(|k| !k.is_empty()),
                    rotation_enabled: x.rotation_enabled().unwrap_or(false),
                    rotation_lambda_arn: x.rotation_lambda_arn().map(str::to_owned).filter(|a| !a.is_empty()),
                    rotation_rules: x.rotation_rules().map(|r| RotationRules {
                        automatically_after_days: r.automatically_after_days(),
                        schedule_expression: r.schedule_expression().map(str::to_owned),
                    }),
                    last_rotated_date: super::time(x.last_rotated_date()),
                    last_changed_date: super::time(x.last_changed_date()),
                    policy: None,
                }
            })
            .collect())
    }

    /// The secret's resource policy; `None` when it has none.
    pub async fn resource_policy(&self, secret_arn: &str) -> Result<Option<PolicyDocument>, CallError> {
        let out = self
            .client
            .get_resource_policy()
            .secret_id(secret_arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetResourcePolicy", e))?;
        match out.resource_policy() {
            Some(text) if !text.trim().is_empty() => Ok(Some(super::policy(SVC, "GetResourcePolicy", text)?)),
            _ => Ok(None),
        }
    }
}
