//! How ECR is collected: the repositories and the registry's scanning mode, then each
//! repository's lifecycle and repository policies with bounded concurrency. A failed
//! per-repository call is recorded against that repository, and the field it would have
//! filled stays null (UNKNOWN to the checks, never PASS).

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{EcrApi, Part};
use crate::aws::{Errors, Session};

fn api(session: &Session, region: &str) -> EcrApi {
    let conf = aws_sdk_ecr::config::Builder::from(&session.sdk_config(Some(region)))
        .interceptor(session.counter("ecr"))
        .retry_partition(session.retry_partition())
        .build();
    EcrApi::new(aws_sdk_ecr::Client::from_conf(conf), session.ctx(region))
}

pub(crate) async fn collect(session: &Session, region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let api = api(session, region);
    let mut out = Part::default();
    let Some(repos) = errs.ok(region, None, api.repositories().await) else {
        return out;
    };
    if repos.is_empty() {
        return out;
    }
    let scan_type = errs.ok(region, None, api.registry_scan_type().await).flatten();
    let (api, errs, scan_type) = (&api, &errs, &scan_type);
    let repos: Vec<_> = stream::iter(repos)
        .map(|mut r| async move {
            let (lifecycle, policy) =
                futures::join!(api.has_lifecycle_policy(&r.meta.name), api.repository_policy(&r.meta.name));
            r.registry_scan_type = scan_type.clone();
            r.has_lifecycle_policy = errs.ok(region, Some(&r.meta.arn), lifecycle);
            match errs.ok(region, Some(&r.meta.arn), policy) {
                Some(p) => r.policy = p,
                // The policy could not be read: the checks that read it see the collection
                // error on this ARN (UNKNOWN), not an absent policy.
                None => r.policy = None,
            }
            r
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out.repositories = repos;
    out
}
