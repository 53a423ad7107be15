//! How Lambda is collected: one paginated ListFunctions per region.

use std::sync::Arc;

use super::{LambdaApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> LambdaApi {
    let conf = aws_sdk_lambda::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("lambda"))
        .retry_partition(session.retry_partition())
        .build();
    LambdaApi::new(aws_sdk_lambda::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let mut out = Part::default();
    if let Some(functions) = errs.ok(region, None, api(session, region).functions().await) {
        out.functions = functions;
    }
    out
}
