//! How WAF is collected: the web ACLs (each read with GetWebACL), the logging
//! configurations in one listing, and the web ACL of each Application Load Balancer, with
//! bounded concurrency.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{Part, Wafv2Api};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> Wafv2Api {
    let conf = aws_sdk_wafv2::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("wafv2"))
        .retry_partition(session.retry_partition())
        .build();
    let elb = aws_sdk_elasticloadbalancingv2::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("elasticloadbalancing"))
        .retry_partition(session.retry_partition())
        .build();
    Wafv2Api::new(
        aws_sdk_wafv2::Client::from_conf(conf),
        aws_sdk_elasticloadbalancingv2::Client::from_conf(elb),
        session.ctx(region),
    )
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let r = region;
    let api = &api;
    let errs = &errs;
    let mut out = Part::default();
    let (acls, lbs, logging) = futures::join!(api.web_acls(), api.load_balancers(), api.logging_configurations());
    if let Some(acls) = errs.ok(r, None, acls) {
        out.web_acls = stream::iter(acls)
            .map(|acl| async move { errs.ok(r, Some(&acl.arn), api.web_acl(&acl).await) })
            .buffer_unordered(concurrency)
            .filter_map(|a| async move { a })
            .collect()
            .await;
    }
    if let Some(lbs) = errs.ok(r, None, lbs) {
        out.associations = stream::iter(lbs)
            .map(|(arn, name)| async move {
                // The error names the load balancer, the association's ARN in the snapshot.
                errs.ok(r, Some(&arn), api.association(&arn, &name).await)
            })
            .buffer_unordered(concurrency)
            .filter_map(|a| async move { a })
            .collect()
            .await;
    }
    out.logging_configurations = errs.ok(r, None, logging).unwrap_or_default();
    out
}
