//! How ECS is collected: the clusters (described 100 at a time), each cluster's services
//! (10 at a time), then each distinct task definition revision those services run, with
//! bounded concurrency. A failed DescribeTaskDefinition is recorded against that revision.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{EcsApi, Part, CLUSTER_BATCH, SERVICE_BATCH};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> EcsApi {
    let conf = aws_sdk_ecs::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("ecs"))
        .retry_partition(session.retry_partition())
        .build();
    EcsApi::new(aws_sdk_ecs::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(cluster_arns) = errs.ok(region, None, api.cluster_arns().await) else {
        return out;
    };
    let (api, errs) = (&api, &errs);
    for chunk in cluster_arns.chunks(CLUSTER_BATCH) {
        if let Some(clusters) = errs.ok(region, None, api.clusters(chunk).await) {
            out.clusters.extend(clusters);
        }
    }
    let services: Vec<_> = stream::iter(cluster_arns)
        .map(|cluster| async move {
            let Some(arns) = errs.ok(region, None, api.service_arns(&cluster).await) else {
                return Vec::new();
            };
            let mut services = Vec::new();
            for chunk in arns.chunks(SERVICE_BATCH) {
                if let Some(s) = errs.ok(region, None, api.services(&cluster, chunk).await) {
                    services.extend(s);
                }
            }
            services
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.services = services.into_iter().flatten().collect();
    let revisions: BTreeSet<String> = out.services.iter().filter_map(|s| s.task_definition.clone()).collect();
    let task_definitions: Vec<_> = stream::iter(revisions)
        .map(|arn| async move {
            let res = api.task_definition(&arn).await;
            errs.ok(region, Some(&arn), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.task_definitions = task_definitions.into_iter().flatten().collect();
    out
}
