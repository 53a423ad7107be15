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

mod stats;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt;

use crate::aws::{self, ConnectError, ConnectOptions, Errors, ServicePart, Session};
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
        // Every sub-task has finished: nothing records any more.
        let errors = errors.take();
        let resources = snapshot.resource_metas().len();
        if let Some(p) = &opts.progress {
            p.service_finished(service, &region, resources, errors.len());
        }
        tracing::debug!(service, region = %region, resources, errors = errors.len(), "service collected");
        Part { service, region, snapshot, errors }
    }
    .boxed()
}

macro_rules! services {
    ($($svc:ident)*) => {
        /// One task per service of the registry (per region for a regional service), each
        /// filling its own member of an otherwise empty snapshot.
        fn tasks<'a>(session: &'a Session, opts: &'a CollectOptions) -> Vec<BoxFuture<'a, Part>> {
            let n = opts.s3_concurrency.max(1);
            let mut tasks = Vec::new();
            $(
                let service = aws::$svc::SERVICE;
                for region in service.scope.regions(&session.regions) {
                    tasks.push(task(opts, service.prefix, region.clone(), move |errs| async move {
                        let part = aws::$svc::collect(session, &region, n, errs).await;
                        Snapshot { $svc: part, ..Snapshot::default() }
                    }));
                }
            )*
            tasks
        }

        /// Appends every collection of `from` to `into`.
        fn merge(into: &mut Snapshot, from: Snapshot) {
            $( into.$svc.append(from.$svc); )*
            into.collection_errors.extend(from.collection_errors);
        }
    };
}
aws::registry!(services);

/// A collection time for tests that scan an emulator on simulated days (`docs/attest.md`):
/// RFC 3339, honoured only when every call goes to a loopback endpoint (an emulator on this
/// machine). Against AWS it is ignored with a warning, so a production scan's time is the clock.
pub const SIMULATED_NOW: &str = "FLOWFORGE_AUDIT_SIMULATED_NOW";

/// Whether `url`'s host is this machine (`127.0.0.0/8`, `::1`, `localhost`).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The snapshot's collection time: the clock, or [`SIMULATED_NOW`] against a loopback endpoint.
fn collected_at(endpoint: Option<&str>, simulated: Option<&str>) -> String {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let Some(simulated) = simulated.map(str::trim).filter(|s| !s.is_empty()) else { return now };
    match (endpoint.filter(|e| is_loopback(e)), chrono::DateTime::parse_from_rfc3339(simulated)) {
        (Some(_), Ok(t)) => {
            tracing::warn!(%simulated, "{SIMULATED_NOW}: collection time simulated (loopback emulator endpoint)");
            t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }
        (Some(_), Err(e)) => {
            tracing::warn!(%simulated, "{SIMULATED_NOW} is not an RFC 3339 time ({e}): ignored, the clock is used");
            now
        }
        (None, _) => {
            tracing::warn!("{SIMULATED_NOW} ignored: it applies to a loopback emulator endpoint only, never to AWS");
            now
        }
    }
}

/// Collects with an open session (the emulator tests and the benchmark reuse a session).
pub async fn collect(session: &Session, opts: &CollectOptions) -> CollectOutcome {
    let tasks = tasks(session, opts);
    let parts = futures::future::join_all(tasks).await;

    let mut snapshot = Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: session.account_id.clone(),
        partition: session.partition.clone(),
        regions: session.regions.clone(),
        collected: aws::COLLECTIONS.iter().map(|c| c.name.to_owned()).collect(),
        ..Snapshot::default()
    };
    for part in parts {
        tracing::trace!(service = part.service, region = %part.region, "merging");
        merge(&mut snapshot, part.snapshot);
        snapshot.collection_errors.extend(part.errors);
    }
    snapshot.collected_at = collected_at(session.endpoint_url(), std::env::var(SIMULATED_NOW).ok().as_deref());
    snapshot.sort();
    CollectOutcome { snapshot, calls: session.calls() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The simulated collection time applies to a loopback emulator only: against AWS (or no
    /// endpoint) the clock is used, whatever the variable says.
    #[test]
    fn simulated_time_only_against_loopback() {
        let at = Some("2026-11-02T02:00:00+00:00");
        assert_eq!(collected_at(Some("http://127.0.0.1:5000"), at), "2026-11-02T02:00:00Z");
        assert_eq!(collected_at(Some("http://localhost:5000/"), at), "2026-11-02T02:00:00Z");
        assert_eq!(collected_at(Some("http://[::1]:5000"), at), "2026-11-02T02:00:00Z");
        for endpoint in [None, Some("https://s3.eu-west-1.amazonaws.com"), Some("http://127.0.0.1.example.com:5000")] {
            assert_ne!(collected_at(endpoint, at), "2026-11-02T02:00:00Z", "{endpoint:?}");
        }
        assert_ne!(collected_at(Some("http://127.0.0.1:5000"), Some("yesterday")), "yesterday");
        assert!(collected_at(Some("http://127.0.0.1:5000"), None).ends_with('Z'));
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
