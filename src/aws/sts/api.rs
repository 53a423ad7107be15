//! The STS client: GetCallerIdentity as a [`CallerIdentity`].

use aws_sdk_sts::Client;

use super::{s, CallError, CallerIdentity, Ctx};

const SVC: &str = "sts";

#[derive(Debug, Clone)]
pub struct StsApi {
    client: Client,
    ctx: Ctx,
}

impl StsApi {
    pub(crate) fn new(client: Client, ctx: Ctx) -> Self {
        StsApi { client, ctx }
    }

    /// Who the calls are made as.
    pub async fn caller_identity(&self) -> Result<CallerIdentity, CallError> {
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| CallError::from_sdk(SVC, "GetCallerIdentity", e))?;
        let arn = s(out.arn());
        let user_id = s(out.user_id());
        let name = arn.rsplit(['/', ':']).next().unwrap_or_default().to_owned();
        let mut ctx = self.ctx.clone();
        if let Some(account) = out.account() {
            ctx.account_id = account.to_owned();
        }
        Ok(CallerIdentity { meta: ctx.meta(arn, &user_id, &name, Default::default()), user_id })
    }
}
