//! How CloudTrail is collected: the region's home trails, then each trail's status and
//! event selectors with bounded concurrency (a failed call leaves its fields null).

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{CloudTrailApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> CloudTrailApi {
    let conf = aws_sdk_cloudtrail::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("cloudtrail"))
        .retry_partition(session.retry_partition())
        .build();
    CloudTrailApi::new(aws_sdk_cloudtrail::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let mut out = Part::default();
    let Some(trails) = errs.ok(r, None, api.trails().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    out.trails = stream::iter(trails)
        .map(|mut t| async move {
            let (status, events) = futures::join!(api.is_logging(&t.meta.arn), api.management_events(&t.meta.arn));
            t.is_logging = errs.ok(r, Some(&t.meta.arn), status).flatten();
            if let Some((read, write)) = errs.ok(r, Some(&t.meta.arn), events) {
                t.management_read_events = Some(read);
                t.management_write_events = Some(write);
            }
            t
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}
