//! How App Runner is collected: the service ARNs, then each service's description with
//! bounded concurrency; a failed DescribeService is recorded against that service.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{AppRunnerApi, Part};
use crate::aws::{Errors, Session};

pub(super) fn api_from(conf: &aws_types::SdkConfig, session: Option<&Session>, ctx: crate::aws::Ctx) -> AppRunnerApi {
    let mut b = aws_sdk_apprunner::config::Builder::from(conf);
    if let Some(session) = session {
        b = b.interceptor(session.counter("apprunner")).retry_partition(session.retry_partition());
    }
    AppRunnerApi::new(aws_sdk_apprunner::Client::from_conf(b.build()), ctx)
}

pub(super) async fn collect_with(api: &AppRunnerApi, region: &str, concurrency: usize, errs: &Errors) -> Part {
    let mut out = Part::default();
    let Some(arns) = errs.ok(region, None, api.service_arns().await) else {
        return out;
    };
    let services: Vec<_> = stream::iter(arns)
        .map(|arn| async move {
            let res = api.service(&arn).await;
            errs.ok(region, Some(&arn), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.services = services.into_iter().flatten().collect();
    out
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api_from(&session.sdk_config(Some(region)), Some(session), session.ctx(region));
    collect_with(&api, region, concurrency, &errs).await
}
