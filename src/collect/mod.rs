//! Collection: one live inventory of an account, as a [`Snapshot`].
//!
//! Services and regions are collected concurrently; per-resource calls (S3 bucket settings,
//! secret policies, ...) run with bounded concurrency. Every listing pages to the end (in
//! [`crate::aws`]). A call that fails after the SDK's retries is recorded in
//! `collection_errors` and the scan goes on, so a denied service still yields a snapshot whose
//! checks become UNKNOWN. Only when nothing can be audited (no credentials, STS refuses) is the
//! result an error.
//!
//! This module never sees an SDK type: it orchestrates the typed calls of [`crate::aws`].

mod services;
mod stats;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use futures::FutureExt;

use crate::aws::{self, CallError, ConnectError, ConnectOptions, Session};
use crate::model::{CollectionError, Snapshot, SNAPSHOT_SCHEMA_VERSION};

pub use stats::{minimum_calls, stats_table};

/// Default bound on concurrent per-resource calls.
pub const DEFAULT_S3_CONCURRENCY: usize = 16;

/// What to collect and how.
#[derive(Clone)]
pub struct CollectOptions {
    pub connect: ConnectOptions,
    /// Buckets (and other per-resource fan-outs) worked on at once.
    pub s3_concurrency: usize,
    /// Told when each service finishes in each region (for a progress display).
    pub progress: Option<Arc<dyn Progress>>,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions { connect: ConnectOptions::default(), s3_concurrency: DEFAULT_S3_CONCURRENCY, progress: None }
    }
}

impl std::fmt::Debug for CollectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectOptions")
            .field("connect", &self.connect)
            .field("s3_concurrency", &self.s3_concurrency)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Receives progress; implementations must be cheap (called from the collecting tasks).
pub trait Progress: Send + Sync {
    /// A service starts in a region (`global` for IAM and S3).
    fn service_started(&self, _service: &str, _region: &str) {}
    /// A service finished in a region with this many resources and failed calls.
    fn service_finished(&self, service: &str, region: &str, resources: usize, errors: usize);
}

/// A finished collection.
#[derive(Debug, Clone)]
pub struct CollectOutcome {
    pub snapshot: Snapshot,
    /// API calls by `service:Operation` (attempts, retries included).
    pub calls: BTreeMap<String, u64>,
}

/// Nothing could be collected.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("could not start the async runtime: {0}")]
    Runtime(String),
}

/// Connects and collects every region and service of the options.
pub async fn run(opts: &CollectOptions) -> Result<CollectOutcome, CollectError> {
    let session = aws::connect(&opts.connect).await?;
    Ok(collect(&session, opts).await)
}

/// [`run`] on a runtime of its own, for callers that are not async.
pub fn run_blocking(opts: &CollectOptions) -> Result<CollectOutcome, CollectError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectError::Runtime(e.to_string()))?;
    rt.block_on(run(opts))
}

/// Failed calls of one service task, recorded as they happen.
#[derive(Debug, Default)]
pub(crate) struct Errors(Mutex<Vec<CollectionError>>);

impl Errors {
    pub(crate) fn record(&self, region: &str, resource: Option<&str>, e: CallError) {
        tracing::debug!(service = e.service, operation = e.operation, region, resource, code = %e.code, "recorded collection error");
        let err = CollectionError {
            service: e.service.to_owned(),
            operation: e.operation.to_owned(),
            region: region.to_owned(),
            resource: resource.map(str::to_owned),
            error_code: e.code,
            message: e.message,
        };
        match self.0.lock() {
            Ok(mut g) => g.push(err),
            Err(p) => p.into_inner().push(err),
        }
    }

    /// The value, or `None` with the error recorded.
    pub(crate) fn ok<T>(&self, region: &str, resource: Option<&str>, r: Result<T, CallError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.record(region, resource, e);
                None
            }
        }
    }

    fn take(self) -> Vec<CollectionError> {
        match self.0.into_inner() {
            Ok(v) => v,
            Err(p) => p.into_inner(),
        }
    }
}

/// One service's contribution to the snapshot: a partial snapshot and its errors.
struct Part {
    service: &'static str,
    region: String,
    snapshot: Snapshot,
    errors: Vec<CollectionError>,
}

/// Runs one service task, timing and reporting it.
fn task<'a, F>(
    opts: &'a CollectOptions,
    service: &'static str,
    region: String,
    body: impl FnOnce(Arc<Errors>) -> F + Send + 'a,
) -> BoxFuture<'a, Part>
where
    F: std::future::Future<Output = Snapshot> + Send + 'a,
{
    async move {
        if let Some(p) = &opts.progress {
            p.service_started(service, &region);
        }
        let errors = Arc::new(Errors::default());
        let snapshot = body(errors.clone()).await;
        let errors = Arc::try_unwrap(errors).map(Errors::take).unwrap_or_else(|shared| {
            // Every sub-task has finished; a leftover clone can only be read.
            match shared.0.lock() {
                Ok(g) => g.clone(),
                Err(p) => p.into_inner().clone(),
            }
        });
        let resources = snapshot.resource_metas().len();
        if let Some(p) = &opts.progress {
            p.service_finished(service, &region, resources, errors.len());
        }
        tracing::debug!(service, region = %region, resources, errors = errors.len(), "service collected");
        Part { service, region, snapshot, errors }
    }
    .boxed()
}

/// Collects with an open session (the emulator tests and the benchmark reuse a session).
pub async fn collect(session: &Session, opts: &CollectOptions) -> CollectOutcome {
    let n = opts.s3_concurrency.max(1);
    let mut tasks: Vec<BoxFuture<'_, Part>> = Vec::new();
    tasks.push(task(opts, "iam", aws::GLOBAL_REGION.to_owned(), |errs| services::iam(session.iam(), errs)));
    tasks.push(task(opts, "s3", aws::GLOBAL_REGION.to_owned(), move |errs| services::s3(session, n, errs)));
    for region in &session.regions {
        let r = region.as_str();
        tasks.push(task(opts, "ec2", r.to_owned(), |errs| services::ec2(session.ec2(r), errs)));
        tasks.push(task(opts, "rds", r.to_owned(), move |errs| services::rds(session.rds(r), n, errs)));
        tasks.push(task(opts, "secretsmanager", r.to_owned(), move |errs| {
            services::secretsmanager(session.secretsmanager(r), n, errs)
        }));
        tasks.push(task(opts, "config", r.to_owned(), |errs| services::config(session.config(r), errs)));
        tasks.push(task(opts, "elasticloadbalancing", r.to_owned(), move |errs| {
            services::elbv2(session.elbv2(r), n, errs)
        }));
        tasks.push(task(opts, "eks", r.to_owned(), move |errs| services::eks(session.eks(r), n, errs)));
    }
    let parts = futures::future::join_all(tasks).await;

    let mut snapshot = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: session.account_id.clone(),
        partition: session.partition.clone(),
        regions: session.regions.clone(),
        ..Snapshot::default()
    };
    for part in parts {
        tracing::trace!(service = part.service, region = %part.region, "merging");
        merge(&mut snapshot, part.snapshot);
        snapshot.collection_errors.extend(part.errors);
    }
    snapshot.collected_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    snapshot.sort();
    CollectOutcome { snapshot, calls: session.calls() }
}

/// Appends every collection of `from` to `into`.
fn merge(into: &mut Snapshot, from: Snapshot) {
    let Snapshot { ec2, s3, rds, iam, secretsmanager, config, elbv2, eks, collection_errors, .. } = from;
    into.ec2.vpcs.extend(ec2.vpcs);
    into.ec2.subnets.extend(ec2.subnets);
    into.ec2.route_tables.extend(ec2.route_tables);
    into.ec2.internet_gateways.extend(ec2.internet_gateways);
    into.ec2.nat_gateways.extend(ec2.nat_gateways);
    into.ec2.security_groups.extend(ec2.security_groups);
    into.ec2.vpc_endpoints.extend(ec2.vpc_endpoints);
    into.ec2.flow_logs.extend(ec2.flow_logs);
    into.ec2.instances.extend(ec2.instances);
    into.ec2.ebs_encryption_by_default.extend(ec2.ebs_encryption_by_default);
    into.s3.buckets.extend(s3.buckets);
    into.s3.account_public_access_block.extend(s3.account_public_access_block);
    into.rds.db_instances.extend(rds.db_instances);
    into.rds.db_clusters.extend(rds.db_clusters);
    into.rds.parameter_groups.extend(rds.parameter_groups);
    into.iam.roles.extend(iam.roles);
    into.iam.policies.extend(iam.policies);
    into.iam.users.extend(iam.users);
    into.iam.groups.extend(iam.groups);
    into.iam.password_policy.extend(iam.password_policy);
    into.secretsmanager.secrets.extend(secretsmanager.secrets);
    into.config.recorders.extend(config.recorders);
    into.config.delivery_channels.extend(config.delivery_channels);
    into.elbv2.load_balancers.extend(elbv2.load_balancers);
    into.elbv2.listeners.extend(elbv2.listeners);
    into.eks.clusters.extend(eks.clusters);
    into.collection_errors.extend(collection_errors);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded error keeps the service, IAM operation name, region, resource and code.
    #[test]
    fn errors_record_every_field() {
        let errs = Errors::default();
        let got: Option<u8> = errs.ok(
            "eu-west-1",
            Some("arn:aws:s3:::b"),
            Err(CallError {
                service: "s3",
                operation: "GetBucketPolicy",
                code: "AccessDenied".into(),
                message: "no".into(),
            }),
        );
        assert_eq!(got, None);
        let v = errs.take();
        assert_eq!(
            v,
            vec![CollectionError {
                service: "s3".into(),
                operation: "GetBucketPolicy".into(),
                region: "eu-west-1".into(),
                resource: Some("arn:aws:s3:::b".into()),
                error_code: "AccessDenied".into(),
                message: "no".into(),
            }]
        );
    }

    /// Merging keeps every resource of every part (nothing is dropped between services).
    #[test]
    fn merge_appends_collections() {
        let mut a = Snapshot::default();
        let mut b = Snapshot::default();
        b.iam.roles.push(Default::default());
        b.s3.buckets.push(Default::default());
        merge(&mut a, b.clone());
        merge(&mut a, b);
        assert_eq!(a.iam.roles.len(), 2);
        assert_eq!(a.s3.buckets.len(), 2);
    }
}
