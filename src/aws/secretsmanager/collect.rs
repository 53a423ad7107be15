//! How Secrets Manager is collected: the list, then each secret's resource policy with
//! bounded concurrency.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{Part, SecretsManagerApi};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> SecretsManagerApi {
    let conf = aws_sdk_secretsmanager::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("secretsmanager"))
        .retry_partition(session.retry_partition())
        .build();
    SecretsManagerApi::new(aws_sdk_secretsmanager::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let mut out = Part::default();
    let Some(secrets) = errs.ok(r, None, api.secrets().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    out.secrets = stream::iter(secrets)
        .map(|mut s| async move {
            s.policy = errs.ok(r, Some(&s.meta.arn), api.resource_policy(&s.meta.arn).await).flatten();
            s
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}
