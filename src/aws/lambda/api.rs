//! The Lambda client: ListFunctions as [`LambdaFunction`]s (configuration only; never code,
//! environment values or an invocation).

use std::collections::BTreeMap;

use aws_sdk_lambda::Client;

use super::{s, CallError, Ctx, LambdaFunction};

const SVC: &str = "lambda";

#[derive(Debug, Clone)]
pub struct LambdaApi {
    client: Client,
    ctx: Ctx,
}

impl LambdaApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        LambdaApi { client, ctx }
    }

    /// Every function of the region, with the role it runs as.
    pub async fn functions(&self) -> Result<Vec<LambdaFunction>, CallError> {
        // No MaxItems: the API's default page is already its largest (50).
        let pages: Vec<_> = self
            .client
            .list_functions()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "ListFunctions", e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.functions())
            .map(|f| {
                let name = s(f.function_name());
                let arn = f
                    .function_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("lambda", &format!("function:{name}")));
                LambdaFunction {
                    meta: self.ctx.meta(arn, &name, &name, BTreeMap::new()),
                    role: f.role().map(str::to_owned),
                    runtime: f.runtime().map(|r| r.as_str().to_owned()),
                    package_type: f.package_type().map(|p| p.as_str().to_owned()),
                    last_modified: f.last_modified().map(str::to_owned),
                }
            })
            .collect())
    }
}
