//! How EKS is collected: the cluster names, then each cluster's description, node groups and
//! Fargate profiles with bounded concurrency (one listing per cluster and kind, one
//! description per node group or profile: the API has no batch form).

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
    let clusters: Vec<_> = stream::iter(names.clone())
        .map(|name| async move {
            let res = api.cluster(&name).await;
            errs.ok(region, Some(&api.cluster_arn(&name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.clusters = clusters.into_iter().flatten().collect();
    let mut node_groups = Vec::new();
    let mut profiles = Vec::new();
    for cluster in &names {
        let (ng, fp) = futures::join!(api.node_group_names(cluster), api.fargate_profile_names(cluster));
        if let Some(ng) = errs.ok(region, None, ng) {
            node_groups.extend(ng.into_iter().map(|n| (cluster.clone(), n)));
        }
        if let Some(fp) = errs.ok(region, None, fp) {
            profiles.extend(fp.into_iter().map(|p| (cluster.clone(), p)));
        }
    }
    let node_groups: Vec<_> = stream::iter(node_groups)
        .map(|(cluster, name)| async move {
            let res = api.node_group(&cluster, &name).await;
            errs.ok(region, Some(&api.node_group_ref(&cluster, &name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.node_groups = node_groups.into_iter().flatten().collect();
    let profiles: Vec<_> = stream::iter(profiles)
        .map(|(cluster, name)| async move {
            let res = api.fargate_profile(&cluster, &name).await;
            errs.ok(region, Some(&api.fargate_profile_ref(&cluster, &name)), res)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.fargate_profiles = profiles.into_iter().flatten().collect();
    out
}
