//! CloudWatch Logs: the log groups (DescribeLogGroups carries retention and KMS key) and each
//! group's tags (ListTagsForResource).

use std::collections::BTreeMap;

use aws_sdk_cloudwatchlogs::Client;

use super::{CallError, Ctx, LogGroup};

const SVC: &str = "logs";

#[derive(Debug, Clone)]
pub struct LogsApi {
    client: Client,
    ctx: Ctx,
}

impl LogsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        LogsApi { client, ctx }
    }

    /// Every log group of the region.
    pub async fn log_groups(&self) -> Result<Vec<LogGroup>, CallError> {
        let items: Vec<_> = self
            .client
            .describe_log_groups()
            .limit(super::LOG_GROUPS_PAGE)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeLogGroups", e))?;
        Ok(items
            .iter()
            .map(|g| {
                let name = g.log_group_name().unwrap_or_default();
                let arn = g
                    .log_group_arn()
                    .map(str::to_owned)
                    .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_owned()))
                    .unwrap_or_else(|| self.ctx.arn(SVC, &format!("log-group:{name}")));
                LogGroup {
                    meta: self.ctx.meta(arn, name, name, BTreeMap::new()),
                    retention_in_days: g.retention_in_days(),
                    kms_key_id: g.kms_key_id().map(str::to_owned).filter(|k| !k.is_empty()),
                }
            })
            .collect())
    }

    /// The tags of one log group (`arn` without the trailing `:*`, as the API wants it).
    pub async fn tags(&self, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
        let out = self
            .client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListTagsForResource", e))?;
        Ok(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
    }
}
