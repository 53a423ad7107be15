//! How CloudWatch is collected: one paged DescribeAlarms per region.

use std::sync::Arc;

use super::{CloudWatchApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> CloudWatchApi {
    let conf = aws_sdk_cloudwatch::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("cloudwatch"))
        .retry_partition(session.retry_partition())
        .build();
    CloudWatchApi::new(aws_sdk_cloudwatch::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    Part { alarms: errs.ok(region, None, api(session, region).alarms().await).unwrap_or_default() }
}
