//! The SSM client: DescribeParameters as [`SsmParameter`]s (metadata only; values are never
//! read).

use std::collections::BTreeMap;

use aws_sdk_ssm::Client;

use super::{s, time, CallError, Ctx, SsmParameter};

const SVC: &str = "ssm";

#[derive(Debug, Clone)]
pub struct SsmApi {
    client: Client,
    ctx: Ctx,
}

impl SsmApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        SsmApi { client, ctx }
    }

    /// Every parameter of the region, with its type and KMS key.
    pub async fn parameters(&self) -> Result<Vec<SsmParameter>, CallError> {
        let pages: Vec<_> = self
            .client
            .describe_parameters()
            .max_results(super::PARAMETERS_PAGE)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeParameters", e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.parameters())
            .map(|p| {
                let name = s(p.name());
                let arn = p
                    .arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("ssm", &format!("parameter/{}", name.trim_start_matches('/'))));
                SsmParameter {
                    meta: self.ctx.meta(arn, &name, &name, BTreeMap::new()),
                    parameter_type: p.r#type().map(|t| t.as_str().to_owned()),
                    key_id: p.key_id().map(str::to_owned),
                    tier: p.tier().map(|t| t.as_str().to_owned()),
                    last_modified_date: time(p.last_modified_date()),
                }
            })
            .collect())
    }
}
