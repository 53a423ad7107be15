//! Opening a session: one SDK configuration (standard credential chain, optional profile,
//! assume-role, adaptive retry, a timeout per call, an emulator endpoint), the account id and
//! partition from STS, and the call counter every client reports to. Also the helpers the
//! service wrappers share (ARNs and metadata, timestamps, policy documents).
//!
//! Each service builds its own client from [`Session::sdk_config`] in its module (see the
//! registry in [`crate::aws`]), so adding a service does not touch this file.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::config::retry::{RetryPartition, TokenBucket};

use super::{CallCounter, CallError};

/// How to reach AWS (or an emulator).
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// A named profile of the shared config files; `None` uses the standard chain.
    pub profile: Option<String>,
    /// Regions to inventory; empty means the region of the AWS configuration.
    pub regions: Vec<String>,
    /// Audit another account through this role.
    pub assume_role_arn: Option<String>,
    pub external_id: Option<String>,
    /// An emulator or VPC endpoint; `None` falls back to `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// Upper bound for one operation, retries included.
    pub timeout_per_call: Duration,
    /// Attempts per operation under the SDK's adaptive retry (throttling backs off).
    pub max_attempts: u32,
    /// Fixed keys instead of the standard chain: for emulators and tests, where several
    /// identities are used in one process. The CLI leaves it `None`.
    pub static_credentials: Option<StaticCredentials>,
}

/// An access key pair (and optional session token).
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("StaticCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            profile: None,
            regions: Vec::new(),
            assume_role_arn: None,
            external_id: None,
            endpoint_url: None,
            timeout_per_call: Duration::from_secs(60),
            max_attempts: 5,
            static_credentials: None,
        }
    }
}

/// Why no session could be opened: nothing can be audited.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// One line with the hint; the credential chain's own account of each provider it tried
    /// (a long nested dump) is logged under `-v` instead ([`connect`]).
    #[error("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login` (-v shows each provider tried)")]
    NoCredentials(String),
    /// `--assume-role` (or an organisation member's role) was refused: the reason is the
    /// action to take (AccessDenied, an ExternalId mismatch, ...), so it stays in the line.
    #[error("the role could not be assumed: {0}")]
    AssumeRole(String),
    #[error("no region given and none configured; pass --region or set AWS_REGION")]
    NoRegion,
    #[error("STS GetCallerIdentity failed: {0}")]
    Sts(CallError),
    #[error("STS returned an unusable identity: {0}")]
    BadIdentity(String),
    #[error("--region all: EC2 DescribeRegions failed: {0}")]
    Regions(CallError),
}

/// An open session: the configuration, who we are, and the call counter.
#[derive(Clone)]
pub struct Session {
    base: SdkConfig,
    endpoint_url: Option<String>,
    /// Regions to inventory (deduplicated, in the order given).
    pub regions: Vec<String>,
    pub account_id: String,
    pub partition: String,
    /// The caller's ARN (user, assumed role, ...).
    pub caller_arn: String,
    counter: CallCounter,
    retry_partition: RetryPartition,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("regions", &self.regions)
            .field("account_id", &self.account_id)
            .field("partition", &self.partition)
            .field("caller_arn", &self.caller_arn)
            .field("endpoint_url", &self.endpoint_url)
            .finish_non_exhaustive()
    }
}

/// The endpoint to use: the option, else `AWS_ENDPOINT_URL` (the SDK honours it too; we need
/// to know it for S3 path-style addressing and the s3control endpoint).
fn effective_endpoint(opts: &ConnectOptions) -> Option<String> {
    opts.endpoint_url
        .clone()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The first retry waits up to this long (a random share of it), each later one up to twice
/// the one before, capped at [`MAX_BACKOFF`]. The SDK's defaults (1 s, 20 s) let one call that
/// keeps failing with 5xx hold a scan for up to 15 s over 5 attempts while everything else has
/// finished; with these, the retries of one call wait at most 1.5 s in all. Sustained
/// throttling is slowed down by adaptive mode's client-side rate limiter, not by long sleeps.
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// One retry budget for a whole scan: every client of a session draws its retries from one
/// token bucket (the SDK's standard retry quota: 500 tokens, 5 per retry, 10 per retry after a
/// timeout). When an account fails everywhere at once, the scan stops retrying once the
/// bucket is empty and records the failures (those checks are UNKNOWN) instead of multiplying
/// the wait by the number of calls. Each session gets its own bucket.
fn retry_budget() -> RetryPartition {
    static SESSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    RetryPartition::custom(format!("flowforge-audit-session-{n}")).token_bucket(TokenBucket::default()).build()
}

/// Opens a session: loads the configuration, resolves credentials and asks STS who we are.
pub async fn connect(opts: &ConnectOptions) -> Result<Session, ConnectError> {
    let endpoint_url = effective_endpoint(opts);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(opts.max_attempts.max(1))
                .with_initial_backoff(INITIAL_BACKOFF)
                .with_max_backoff(MAX_BACKOFF),
        )
        .timeout_config(TimeoutConfig::builder().operation_timeout(opts.timeout_per_call).build());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = opts.regions.first().filter(|r| *r != super::ALL_REGIONS) {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(c) = &opts.static_credentials {
        loader = loader.credentials_provider(aws_credential_types::Credentials::new(
            c.access_key_id.clone(),
            c.secret_access_key.clone(),
            c.session_token.clone(),
            None,
            "flowforge-static",
        ));
    }
    let mut base = loader.load().await;

    if let Some(role_arn) = &opts.assume_role_arn {
        let mut builder = AssumeRoleProvider::builder(role_arn.clone()).session_name("flowforge-audit");
        if let Some(external_id) = &opts.external_id {
            builder = builder.external_id(external_id.clone());
        }
        let provider = builder.configure(&base).build().await;
        base = base.into_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build();
    }

    let provider = base
        .credentials_provider()
        .ok_or_else(|| ConnectError::NoCredentials("no credential provider configured".into()))?;
    provider.provide_credentials().await.map_err(|e| {
        let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        tracing::info!("credential chain: {detail}");
        match &opts.assume_role_arn {
            Some(role) => ConnectError::AssumeRole(format!("{role}: {}", detail.replace('\n', " "))),
            None => ConnectError::NoCredentials(detail),
        }
    })?;

    let all_regions = opts.regions.iter().any(|r| r == super::ALL_REGIONS);
    let mut regions: Vec<String> = Vec::new();
    for r in opts.regions.iter().filter(|r| *r != super::ALL_REGIONS) {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    if regions.is_empty() {
        match base.region() {
            Some(r) => regions.push(r.to_string()),
            None => return Err(ConnectError::NoRegion),
        }
    }

    let counter = CallCounter::default();
    let retry_partition = retry_budget();
    let sts_conf = aws_sdk_sts::config::Builder::from(&base)
        .interceptor(counter.interceptor("sts"))
        .retry_partition(retry_partition.clone())
        .build();
    let sts = aws_sdk_sts::Client::from_conf(sts_conf);
    let who = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| ConnectError::Sts(CallError::from_sdk("sts", "GetCallerIdentity", e)))?;
    let caller_arn = who.arn().unwrap_or_default().to_owned();
    let account_id = who.account().unwrap_or_default().to_owned();
    let partition = caller_arn.split(':').nth(1).unwrap_or_default().to_owned();
    if account_id.is_empty() || partition.is_empty() {
        return Err(ConnectError::BadIdentity(format!("account {account_id:?}, ARN {caller_arn:?}")));
    }
    if all_regions {
        regions = enabled_regions(&base, &counter, &retry_partition).await?;
    }
    tracing::debug!(%account_id, %partition, %caller_arn, ?regions, "connected");
    Ok(Session { base, endpoint_url, regions, account_id, partition, caller_arn, counter, retry_partition })
}

/// `--region all`: the regions enabled in the account (DescribeRegions without `AllRegions`
/// leaves out the opt-in regions the account has not enabled), sorted.
async fn enabled_regions(
    base: &SdkConfig,
    counter: &CallCounter,
    retry_partition: &RetryPartition,
) -> Result<Vec<String>, ConnectError> {
    let conf = aws_sdk_ec2::config::Builder::from(base)
        .interceptor(counter.interceptor("ec2"))
        .retry_partition(retry_partition.clone())
        .build();
    let ec2 = aws_sdk_ec2::Client::from_conf(conf);
    let out = ec2
        .describe_regions()
        .send()
        .await
        .map_err(|e| ConnectError::Regions(CallError::from_sdk("ec2", "DescribeRegions", e)))?;
    let mut regions: Vec<String> = out.regions().iter().filter_map(|r| r.region_name().map(str::to_owned)).collect();
    regions.sort();
    regions.dedup();
    if regions.is_empty() {
        return Err(ConnectError::Regions(CallError {
            service: "ec2",
            operation: "DescribeRegions",
            code: "NoRegions".into(),
            message: "the account has no enabled region".into(),
        }));
    }
    Ok(regions)
}

impl Session {
    /// The scan's retry budget: every service client takes it (see [`retry_budget`]).
    pub(crate) fn retry_partition(&self) -> RetryPartition {
        self.retry_partition.clone()
    }

    /// How long the retries of one call may wait in all, at most (the sum of the capped
    /// exponential backoffs between its attempts), and the name of the scan's retry budget.
    pub fn retry_bounds(&self) -> (Duration, String) {
        let (attempts, initial, max) = match self.base.retry_config() {
            Some(c) => (c.max_attempts(), c.initial_backoff(), c.max_backoff()),
            None => (1, Duration::ZERO, Duration::ZERO),
        };
        let wait = (0..attempts.saturating_sub(1)).map(|i| (initial * 2u32.saturating_pow(i)).min(max)).sum();
        (wait, self.retry_partition.to_string())
    }

    /// API calls made so far, by `service:Operation` (attempts, retries included).
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.counter.snapshot()
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The SDK configuration for a client of `region` (`None`: the session's first region),
    /// and the interceptor that counts its calls under the client label `service`: what a
    /// service module passes to its SDK's `config::Builder::from(...)`.
    pub(crate) fn sdk_config(&self, region: Option<&str>) -> SdkConfig {
        match region {
            Some(r) => self.base.clone().into_builder().region(Region::new(r.to_owned())).build(),
            None => self.base.clone(),
        }
    }

    /// Counts the calls of one client under `service` (its label in [`super::OPERATIONS`]).
    pub(crate) fn counter(&self, service: &'static str) -> super::counter::CountingInterceptor {
        self.counter.interceptor(service)
    }

    pub(crate) fn ctx(&self, region: &str) -> Ctx {
        Ctx { region: region.to_owned(), account_id: self.account_id.clone(), partition: self.partition.clone() }
    }
}

/// What every service wrapper needs to build ARNs and resource metadata.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub region: String,
    pub account_id: String,
    pub partition: String,
}

impl Ctx {
    /// `arn:<partition>:<service>:<region>:<account>:<resource>`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:{}:{}:{}:{}:{}", self.partition, service, self.region, self.account_id, resource)
    }

    pub fn meta(
        &self,
        arn: String,
        id: &str,
        name: &str,
        tags: std::collections::BTreeMap<String, String>,
    ) -> crate::model::ResourceMeta {
        crate::model::ResourceMeta {
            arn,
            id: id.to_owned(),
            name: name.to_owned(),
            region: self.region.clone(),
            account_id: self.account_id.clone(),
            tags,
        }
    }

    /// EC2 convention: the `Name` tag, else the id.
    pub fn ec2_meta(
        &self,
        kind: &str,
        id: &str,
        tags: std::collections::BTreeMap<String, String>,
    ) -> crate::model::ResourceMeta {
        let name = tags.get("Name").cloned().unwrap_or_else(|| id.to_owned());
        self.meta(self.arn("ec2", &format!("{kind}/{id}")), id, &name, tags)
    }
}

/// RFC 3339 (UTC) for an SDK timestamp.
pub(crate) fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

/// Parses a policy document; an unparsable one is reported (the caller records it) rather
/// than silently dropped.
pub(crate) fn policy(
    service: &'static str,
    operation: &'static str,
    text: &str,
) -> Result<crate::model::PolicyDocument, CallError> {
    crate::model::PolicyDocument::parse_aws(text).map_err(|e| CallError {
        service,
        operation,
        code: "MalformedPolicyDocument".into(),
        message: e.to_string(),
    })
}

/// An optional SDK string as an owned string, empty when absent.
pub(crate) fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}
