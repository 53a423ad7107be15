//! How ACM is collected: the certificate ARNs, then each certificate's details with bounded
//! concurrency.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{AcmApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> AcmApi {
    let conf = aws_sdk_acm::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("acm"))
        .retry_partition(session.retry_partition())
        .build();
    AcmApi::new(aws_sdk_acm::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let mut out = Part::default();
    let Some(arns) = errs.ok(r, None, api.certificate_arns().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    out.certificates = stream::iter(arns)
        .map(|arn| async move { errs.ok(r, Some(&arn), api.certificate(&arn).await) })
        .buffer_unordered(concurrency)
        .filter_map(|c| async move { c })
        .collect()
        .await;
    out
}
