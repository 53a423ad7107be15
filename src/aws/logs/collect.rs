//! How CloudWatch Logs is collected: one paged DescribeLogGroups per region.

use std::sync::Arc;

use super::{LogsApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> LogsApi {
    let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("logs"))
        .retry_partition(session.retry_partition())
        .build();
    LogsApi::new(aws_sdk_cloudwatchlogs::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    Part { log_groups: errs.ok(region, None, api(session, region).log_groups().await).unwrap_or_default() }
}
