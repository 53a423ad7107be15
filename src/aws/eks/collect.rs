//! How EKS is collected: the cluster names, then each cluster's description with bounded
//! concurrency.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{EksApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> EksApi {
    let conf = aws_sdk_eks::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("eks"))
        .retry_partition(session.retry_partition())
        .build();
    EksApi::new(aws_sdk_eks::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(names) = errs.ok(region, None, api.cluster_names().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    let clusters: Vec<_> = stream::iter(names)
        .map(|name| async move {
            let res = api.cluster(&name).await;
            errs.ok(region, Some(&api.cluster_arn(&name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.clusters = clusters.into_iter().flatten().collect();
    out
}
