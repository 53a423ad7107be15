//! How IAM is collected: the authorization details, the password policy and the OIDC
//! provider listing at once, then each OIDC provider; a policy document that cannot be
//! parsed is recorded against its resource.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{IamApi, Part};
use crate::aws::{Errors, Session, GLOBAL_REGION};

/// IAM is global: the session's first region signs the calls.
fn api(session: &Session) -> IamApi {
    let conf = aws_sdk_iam::config::Builder::from(&session.sdk_config(None))
        .interceptor(session.counter("iam"))
        .retry_partition(session.retry_partition())
        .build();
    IamApi::new(aws_sdk_iam::Client::from_conf(conf), session.ctx(GLOBAL_REGION))
}

pub(crate) async fn collect(session: &Session, _region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session);
    let g = GLOBAL_REGION;
    let (details, password, oidc) =
        futures::join!(api.authorization_details(), api.password_policy(), api.oidc_provider_arns());
    let mut out = Part::default();
    if let Some(d) = errs.ok(g, None, details) {
        for (arn, e) in d.errors {
            errs.record(g, Some(&arn), e);
        }
        out.roles = d.roles;
        out.users = d.users;
        out.groups = d.groups;
        out.policies = d.policies;
    }
    if let Some(p) = errs.ok(g, None, password) {
        out.password_policy.push(p);
    }
    if let Some(arns) = errs.ok(g, None, oidc) {
        let (api, errs) = (&api, &errs);
        let providers: Vec<_> = stream::iter(arns)
            .map(|arn| async move {
                let res = api.oidc_provider(&arn).await;
                errs.ok(g, Some(&arn), res)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        out.oidc_providers = providers.into_iter().flatten().collect();
    }
    out
}
