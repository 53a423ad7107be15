//! How KMS is collected: the key list and the aliases, then per key DescribeKey and, for a
//! customer-managed key, its rotation status and key policy, with bounded concurrency. An
//! AWS-managed key's rotation is AWS's (yearly, not configurable) and its policy is AWS's:
//! neither is read.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{KmsApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> KmsApi {
    let conf = aws_sdk_kms::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("kms"))
        .retry_partition(session.retry_partition())
        .build();
    KmsApi::new(aws_sdk_kms::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let mut out = Part::default();
    let (keys, aliases) = futures::join!(api.keys(), api.aliases());
    let Some(keys) = errs.ok(r, None, keys) else {
        return out;
    };
    let mut aliases = errs.ok(r, None, aliases).unwrap_or_default();
    let api = &api;
    let errs = &errs;
    let keys: Vec<_> = keys
        .into_iter()
        .map(|(id, arn)| {
            let a = aliases.remove(&id).unwrap_or_default();
            (id, arn, a)
        })
        .collect();
    out.keys = stream::iter(keys)
        .map(|(id, arn, aliases)| async move {
            let mut key = match api.describe(&id, &arn, aliases).await {
                Ok(k) => k,
                Err(e) => {
                    errs.record(r, Some(&arn), e);
                    // Listed but not described: every field stays null (UNKNOWN).
                    return crate::aws::kms::KmsKey {
                        meta: crate::model::ResourceMeta {
                            arn: arn.clone(),
                            id: id.clone(),
                            name: id.clone(),
                            region: api.region().to_owned(),
                            account_id: arn.split(':').nth(4).unwrap_or_default().to_owned(),
                            tags: Default::default(),
                        },
                        ..Default::default()
                    };
                }
            };
            if key.key_manager.as_deref() == Some("CUSTOMER") {
                let (rotation, policy) = futures::join!(api.rotation_enabled(&id), api.key_policy(&id));
                key.rotation_enabled = errs.ok(r, Some(&arn), rotation).flatten();
                key.policy = errs.ok(r, Some(&arn), policy).flatten();
            }
            key
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}
