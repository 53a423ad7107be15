//! How SNS is collected: the topic ARNs, then each topic's attributes and subscriptions with
//! bounded concurrency. A topic whose attributes could not be read is left out (its error
//! names it, and the checks and drift treat it as listed but unseen: UNKNOWN, never missing);
//! one whose subscriptions could not be read is kept with `subscriptions: null` (unknown, not
//! none), and its error makes the checks reading it UNKNOWN.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{Part, SnsApi};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> SnsApi {
    let conf = aws_sdk_sns::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("sns"))
        .retry_partition(session.retry_partition())
        .build();
    SnsApi::new(aws_sdk_sns::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let mut out = Part::default();
    let Some(arns) = errs.ok(r, None, api.topic_arns().await) else {
        return out;
    };
    let api = &api;
    let errs = &errs;
    out.topics = stream::iter(arns)
        .map(|arn| async move {
            let (topic, subs) = futures::join!(api.topic(&arn), api.subscriptions(&arn));
            let mut topic = errs.ok(r, Some(&arn), topic)?;
            topic.subscriptions = errs.ok(r, Some(&arn), subs);
            Some(topic)
        })
        .buffer_unordered(concurrency)
        .filter_map(|t| async move { t })
        .collect()
        .await;
    out
}
