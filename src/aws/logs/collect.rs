//! How CloudWatch Logs is collected: one paged DescribeLogGroups per region, then each group's
//! tags with bounded concurrency. A group whose tags could not be read is kept without them;
//! its error names it (see `baseline::scope` for what that means for its FlowForge-ness).

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{LogsApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> LogsApi {
    let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("logs"))
        .retry_partition(session.retry_partition())
        .build();
    LogsApi::new(aws_sdk_cloudwatchlogs::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let Some(groups) = errs.ok(r, None, api.log_groups().await) else {
        return Part::default();
    };
    let api = &api;
    let errs = &errs;
    let log_groups = stream::iter(groups)
        .map(|mut g| async move {
            if let Some(tags) = errs.ok(r, Some(&g.meta.arn), api.tags(&g.meta.arn).await) {
                g.meta.tags = tags;
            }
            g
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    Part { log_groups }
}
