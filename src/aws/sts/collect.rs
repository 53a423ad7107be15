//! How STS is collected: one GetCallerIdentity call. The session asked the same when it
//! connected (for the account id); asking again here makes the answer part of the snapshot
//! like any collection, and a failure a collection error like any other.

use std::sync::Arc;

use super::{Part, StsApi};
use crate::aws::{Errors, Session, GLOBAL_REGION};

fn api(session: &Session) -> StsApi {
    let conf = aws_sdk_sts::config::Builder::from(&session.sdk_config(None))
        .interceptor(session.counter("sts"))
        .retry_partition(session.retry_partition())
        .build();
    StsApi::new(aws_sdk_sts::Client::from_conf(conf), session.ctx(GLOBAL_REGION))
}

pub(crate) async fn collect(session: &Session, _region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let mut out = Part::default();
    if let Some(identity) = errs.ok(GLOBAL_REGION, None, api(session).caller_identity().await) {
        out.caller_identity.push(identity);
    }
    out
}
