//! How ELBv2 is collected: the load balancers, their tags in batches of [`TAGS_BATCH`] ARNs,
//! then each balancer's attributes and listeners with bounded concurrency.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{Elbv2Api, Part, TAGS_BATCH};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> Elbv2Api {
    let conf = aws_sdk_elasticloadbalancingv2::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("elasticloadbalancing"))
        .retry_partition(session.retry_partition())
        .build();
    Elbv2Api::new(aws_sdk_elasticloadbalancingv2::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(lbs) = errs.ok(region, None, api.load_balancers().await) else {
        return out;
    };
    let arns: Vec<String> = lbs.iter().map(|l| l.meta.arn.clone()).collect();
    let api = &api;
    let errs = &errs;
    let rr = region;
    let tag_batches: Vec<BTreeMap<String, BTreeMap<String, String>>> =
        stream::iter(arns.chunks(TAGS_BATCH).map(<[String]>::to_vec))
            .map(|chunk: Vec<String>| async move {
                match api.tags(&chunk).await {
                    Ok(t) => t,
                    Err(e) => {
                        for arn in &chunk {
                            errs.record(rr, Some(arn), e.clone());
                        }
                        BTreeMap::new()
                    }
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let tags: BTreeMap<String, BTreeMap<String, String>> = tag_batches.into_iter().flatten().collect();
    let results: Vec<_> = stream::iter(lbs)
        .map(|mut lb| {
            let tags = tags.get(&lb.meta.arn).cloned().unwrap_or_default();
            async move {
                let arn = lb.meta.arn.clone();
                let (attrs, listeners) = futures::join!(api.attributes(&arn), api.listeners(&arn, &lb.meta.name));
                lb.attributes = errs.ok(rr, Some(&arn), attrs).unwrap_or_default();
                lb.meta.tags = tags;
                (lb, errs.ok(rr, Some(&arn), listeners).unwrap_or_default())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    for (lb, listeners) in results {
        out.load_balancers.push(lb);
        out.listeners.extend(listeners);
    }
    out
}
