//! The CloudFormation client: DescribeStacks as [`CloudFormationStack`]s (never a template,
//! parameter values or outputs).

use aws_sdk_cloudformation::Client;

use super::{s, CallError, CloudFormationStack, Ctx};

const SVC: &str = "cloudformation";

#[derive(Debug, Clone)]
pub struct CloudFormationApi {
    client: Client,
    ctx: Ctx,
}

impl CloudFormationApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        CloudFormationApi { client, ctx }
    }

    /// Every stack of the region that is not deleted, with its service role.
    pub async fn stacks(&self) -> Result<Vec<CloudFormationStack>, CallError> {
        let pages: Vec<_> = self
            .client
            .describe_stacks()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "DescribeStacks", e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.stacks())
            .map(|st| {
                let name = s(st.stack_name());
                let arn = st
                    .stack_id()
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.ctx.arn("cloudformation", &format!("stack/{name}")));
                let tags = st.tags().iter().map(|t| (s(t.key()), s(t.value()))).collect();
                CloudFormationStack {
                    meta: self.ctx.meta(arn, &name, &name, tags),
                    role_arn: st.role_arn().map(str::to_owned),
                    status: st.stack_status().map(|v| v.as_str().to_owned()).unwrap_or_default(),
                    termination_protection: st.enable_termination_protection(),
                }
            })
            .collect())
    }
}
