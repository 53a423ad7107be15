//! How RDS is collected: instances and clusters, then only the parameter groups they use
//! (DescribeDBParameters pages through hundreds of parameters per group).

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::DbParameterGroup;
use super::{Part, RdsApi};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> RdsApi {
    let conf = aws_sdk_rds::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("rds"))
        .retry_partition(session.retry_partition())
        .build();
    RdsApi::new(aws_sdk_rds::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let (instances, clusters, snapshots) = futures::join!(api.db_instances(), api.db_clusters(), api.db_snapshots());
    let r = region;
    let mut out = Part {
        db_instances: errs.ok(r, None, instances).unwrap_or_default(),
        db_clusters: errs.ok(r, None, clusters).unwrap_or_default(),
        parameter_groups: Vec::new(),
        db_snapshots: Vec::new(),
    };
    out.db_snapshots =
        snapshot_attributes(&api, errs.ok(r, None, snapshots).unwrap_or_default(), concurrency, &errs).await;

    let instance_groups: BTreeSet<String> =
        out.db_instances.iter().flat_map(|i| i.parameter_groups.iter().cloned()).collect();
    let cluster_groups: BTreeSet<String> = out.db_clusters.iter().filter_map(|c| c.parameter_group.clone()).collect();
    let (groups, cluster_pgs) = futures::join!(
        async {
            if instance_groups.is_empty() {
                Ok(Vec::new())
            } else {
                api.db_parameter_groups().await
            }
        },
        async {
            if cluster_groups.is_empty() {
                Ok(Vec::new())
            } else {
                api.db_cluster_parameter_groups().await
            }
        },
    );
    let groups: Vec<DbParameterGroup> = errs
        .ok(r, None, groups)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| instance_groups.contains(&g.meta.id))
        .chain(
            errs.ok(r, None, cluster_pgs)
                .unwrap_or_default()
                .into_iter()
                .filter(|g| cluster_groups.contains(&g.meta.id)),
        )
        .collect();
    let api = &api;
    let errs = &errs;
    out.parameter_groups = stream::iter(groups)
        .map(|mut g| async move {
            let params = if g.kind == "cluster" {
                api.db_cluster_parameters(&g.meta.id).await
            } else {
                api.db_parameters(&g.meta.id).await
            };
            g.parameters = errs.ok(r, Some(&g.meta.arn), params).unwrap_or_default();
            g
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}

/// Reads the `restore` attribute of every manual snapshot (automated snapshots cannot be
/// shared, so they keep `null`); a failed read leaves `null` and is a collection error.
async fn snapshot_attributes(
    api: &RdsApi,
    snapshots: Vec<super::DbSnapshot>,
    concurrency: usize,
    errs: &Errors,
) -> Vec<super::DbSnapshot> {
    stream::iter(snapshots)
        .map(|mut snap| async move {
            if snap.snapshot_type == "manual" {
                let accounts = api.snapshot_restore_accounts(&snap.meta.id).await;
                snap.restore_accounts = errs.ok(api.region(), Some(&snap.meta.arn), accounts);
            }
            snap
        })
        .buffer_unordered(concurrency)
        .collect()
        .await
}
