//! How SSM Parameter Store is collected: one paginated DescribeParameters per region.

use std::sync::Arc;

use super::{Part, SsmApi};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> SsmApi {
    let conf = aws_sdk_ssm::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("ssm"))
        .retry_partition(session.retry_partition())
        .build();
    SsmApi::new(aws_sdk_ssm::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let mut out = Part::default();
    if let Some(parameters) = errs.ok(region, None, api(session, region).parameters().await) {
        out.parameters = parameters;
    }
    out
}
