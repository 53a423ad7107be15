//! How CloudFormation is collected: one paginated DescribeStacks per region.

use std::sync::Arc;

use super::{CloudFormationApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> CloudFormationApi {
    let conf = aws_sdk_cloudformation::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("cloudformation"))
        .retry_partition(session.retry_partition())
        .build();
    CloudFormationApi::new(aws_sdk_cloudformation::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let mut out = Part::default();
    if let Some(stacks) = errs.ok(region, None, api(session, region).stacks().await) {
        out.stacks = stacks;
    }
    out
}
