//! How S3 is collected: the bucket list and the account's public access block once, then
//! each bucket's settings with bounded concurrency, from a client of the bucket's region.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::stream::{self, StreamExt};

use super::api::FixedEndpoint;
use super::Bucket;
use super::{BucketRef, Part, S3Api};
use crate::aws::{Errors, Session, GLOBAL_REGION};
use crate::model::ResourceMeta;

/// An S3 client signing for `region` (bucket calls must go to the bucket's region).
fn api(session: &Session, region: &str) -> S3Api {
    let base = session.sdk_config(Some(region));
    let mut b = aws_sdk_s3::config::Builder::from(&base)
        .interceptor(session.counter("s3"))
        .retry_partition(session.retry_partition());
    if session.endpoint_url().is_some() {
        // Emulators serve S3 on one host: virtual-hosted addressing cannot work there.
        b = b.force_path_style(true);
    }
    let control = aws_sdk_s3control::config::Builder::from(&base)
        .interceptor(session.counter("s3control"))
        .retry_partition(session.retry_partition());
    let control = match session.endpoint_url() {
        // The s3control rules put the account id in front of the host
        // (`<account>.s3-control...`); an emulator on 127.0.0.1 cannot answer that name, so
        // a fixed endpoint is used and the account travels in the x-amz-account-id header.
        Some(url) => control.endpoint_resolver(FixedEndpoint(url.to_owned())),
        None => control,
    };
    S3Api::new(
        aws_sdk_s3::Client::from_conf(b.build()),
        aws_sdk_s3control::Client::from_conf(control.build()),
        session.ctx(region),
    )
}

/// Per-region S3 clients, built on first use.
struct S3Clients<'a> {
    session: &'a Session,
    by_region: Mutex<BTreeMap<String, S3Api>>,
}

impl S3Clients<'_> {
    fn get(&self, region: &str) -> S3Api {
        let mut g = match self.by_region.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g.entry(region.to_owned()).or_insert_with(|| api(self.session, region)).clone()
    }
}

pub(crate) async fn collect(session: &Session, _region: &str, concurrency: usize, errs: Arc<Errors>) -> Part {
    let g = GLOBAL_REGION;
    let home_region = session.regions.first().cloned().unwrap_or_else(|| "us-east-1".to_owned());
    let clients = S3Clients { session, by_region: Mutex::new(BTreeMap::new()) };
    let home = clients.get(&home_region);
    let mut out = Part::default();
    let (account_block, buckets) = futures::join!(home.account_public_access_block(), home.list_buckets());
    if let Some(b) = errs.ok(g, None, account_block) {
        out.account_public_access_block.push(b);
    }
    let Some(buckets) = errs.ok(g, None, buckets) else {
        return out;
    };
    let clients = &clients;
    let home = &home;
    let errs = &errs;
    let partition = session.partition.as_str();
    let account_id = session.account_id.as_str();
    out.buckets = stream::iter(buckets)
        .map(|b| bucket(clients, home, b, partition, account_id, &home_region, errs))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    out
}

async fn bucket(
    clients: &S3Clients<'_>,
    home: &S3Api,
    b: BucketRef,
    partition: &str,
    account_id: &str,
    home_region: &str,
    errs: &Errors,
) -> Bucket {
    let arn = b.arn(partition);
    let region = match &b.region {
        Some(r) => r.clone(),
        None => match home.bucket_region(&b.name).await {
            Ok(r) => r,
            Err(e) => {
                errs.record(home_region, Some(&arn), e);
                home_region.to_owned()
            }
        },
    };
    let api = clients.get(&region);
    let name = b.name.as_str();
    let (encryption, policy, versioning, pab, logging, tags, lifecycle) = futures::join!(
        api.encryption(name),
        api.policy(name),
        api.versioning(name),
        api.public_access_block(name),
        api.logging(name),
        api.tags(name),
        api.lifecycle(name),
    );
    let r = region.as_str();
    let a = Some(arn.as_str());
    Bucket {
        encryption: errs.ok(r, a, encryption).flatten(),
        policy: errs.ok(r, a, policy).flatten(),
        versioning: errs.ok(r, a, versioning).unwrap_or_default(),
        public_access_block: errs.ok(r, a, pab).flatten(),
        logging: errs.ok(r, a, logging).flatten(),
        lifecycle_rules: errs.ok(r, a, lifecycle).flatten(),
        meta: ResourceMeta {
            arn: arn.clone(),
            id: b.name.clone(),
            name: b.name.clone(),
            region: region.clone(),
            account_id: account_id.to_owned(),
            tags: errs.ok(r, a, tags).unwrap_or_default(),
        },
        creation_date: b.creation_date,
    }
}
