//! How AWS Config is collected: recorders, their status and the delivery channels at once.

use std::sync::Arc;

use super::{ConfigApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> ConfigApi {
    let conf = aws_sdk_config::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("config"))
        .retry_partition(session.retry_partition())
        .build();
    ConfigApi::new(aws_sdk_config::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, _concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let (recorders, status, channels) = futures::join!(api.recorders(), api.recorder_status(), api.delivery_channels());
    let mut out = Part::default();
    let status = errs.ok(r, None, status).unwrap_or_default();
    out.recorders = errs
        .ok(r, None, recorders)
        .unwrap_or_default()
        .into_iter()
        .map(|mut rec| {
            if let Some((recording, last)) = status.get(&rec.meta.id) {
                rec.recording = *recording;
                rec.last_status = last.clone();
            }
            rec
        })
        .collect();
    out.delivery_channels = errs.ok(r, None, channels).unwrap_or_default();
    out
}
