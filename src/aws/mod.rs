//! The only seam to AWS: the one module that imports `aws_sdk_*`.
//!
//! [`connect`] builds one SDK configuration (standard credential chain, optional profile,
//! assume-role, adaptive retry, a timeout per call, an emulator endpoint) and learns the
//! account id and partition from STS. Each service file (`ec2.rs`, `s3.rs`, ...) wraps one SDK
//! client and turns its answers into [`crate::model`] types, one method per listing; the
//! fan-out, the concurrency and the recording of failures as `collection_errors` live in
//! [`crate::collect`], which never sees an SDK type.
//!
//! Read-only by construction: every SDK operation the code calls is declared in
//! [`OPERATIONS`] with its IAM action, and [`SCANNER_POLICY`] (`iam/scanner-policy.json`) grants
//! exactly those actions. A unit test compares the source, the table and the policy; the
//! emulator test compares them with the operations actually observed on the wire.

mod config;
mod counter;
mod ec2;
mod eks;
mod elbv2;
pub(crate) mod error;
mod iam;
mod rds;
mod s3;
mod secretsmanager;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

pub use config::ConfigApi;
pub use counter::CallCounter;
pub use ec2::Ec2Api;
pub use eks::EksApi;
pub use elbv2::{Elbv2Api, TAGS_BATCH as ELB_TAGS_BATCH};
pub use error::CallError;
pub use iam::AuthorizationDetails;
pub use iam::IamApi;
pub use rds::{RdsApi, AUDITED_PARAMETERS};
pub use s3::{BucketRef, S3Api};
pub use secretsmanager::SecretsManagerApi;

/// The exact IAM policy the scanner needs: only the List/Describe/Get actions in
/// [`OPERATIONS`]. Printed by `flowforge-audit iam-policy`.
pub const SCANNER_POLICY: &str = include_str!("../../iam/scanner-policy.json");

/// Region name used in `collection_errors` for global services (IAM, S3 account settings).
pub const GLOBAL_REGION: &str = "global";

/// One SDK operation the scanner calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// IAM service prefix (`ec2`, `s3`, `elasticloadbalancing`, ...).
    pub service: &'static str,
    /// The SDK fluent method (`describe_vpcs`), as it appears in the source of this module.
    pub method: &'static str,
    /// The operation name in the SDK's metadata (`DescribeVpcs`).
    pub api_name: &'static str,
    /// The name recorded in call counts and `collection_errors` (the API name, except
    /// s3control's `GetPublicAccessBlock`, recorded as `GetAccountPublicAccessBlock` to tell it
    /// from the bucket-level call).
    pub name: &'static str,
    /// The IAM action that authorises it.
    pub iam_action: &'static str,
}

macro_rules! ops {
    ($( $svc:literal $method:ident $api:literal $name:literal $action:literal ;)*) => {
        /// Every SDK operation the scanner calls (and nothing else: see the tests).
        pub const OPERATIONS: &[Operation] = &[
            $( Operation { service: $svc, method: stringify!($method), api_name: $api, name: $name, iam_action: $action }, )*
        ];
    };
}

ops! {
    "sts" get_caller_identity "GetCallerIdentity" "GetCallerIdentity" "sts:GetCallerIdentity";
    "ec2" describe_vpcs "DescribeVpcs" "DescribeVpcs" "ec2:DescribeVpcs";
    "ec2" describe_subnets "DescribeSubnets" "DescribeSubnets" "ec2:DescribeSubnets";
    "ec2" describe_route_tables "DescribeRouteTables" "DescribeRouteTables" "ec2:DescribeRouteTables";
    "ec2" describe_internet_gateways "DescribeInternetGateways" "DescribeInternetGateways" "ec2:DescribeInternetGateways";
    "ec2" describe_nat_gateways "DescribeNatGateways" "DescribeNatGateways" "ec2:DescribeNatGateways";
    "ec2" describe_security_groups "DescribeSecurityGroups" "DescribeSecurityGroups" "ec2:DescribeSecurityGroups";
    "ec2" describe_vpc_endpoints "DescribeVpcEndpoints" "DescribeVpcEndpoints" "ec2:DescribeVpcEndpoints";
    "ec2" describe_flow_logs "DescribeFlowLogs" "DescribeFlowLogs" "ec2:DescribeFlowLogs";
    "ec2" describe_instances "DescribeInstances" "DescribeInstances" "ec2:DescribeInstances";
    "ec2" get_ebs_encryption_by_default "GetEbsEncryptionByDefault" "GetEbsEncryptionByDefault" "ec2:GetEbsEncryptionByDefault";
    "ec2" get_ebs_default_kms_key_id "GetEbsDefaultKmsKeyId" "GetEbsDefaultKmsKeyId" "ec2:GetEbsDefaultKmsKeyId";
    "s3" list_buckets "ListBuckets" "ListBuckets" "s3:ListAllMyBuckets";
    "s3" get_bucket_location "GetBucketLocation" "GetBucketLocation" "s3:GetBucketLocation";
    "s3" get_bucket_encryption "GetBucketEncryption" "GetBucketEncryption" "s3:GetEncryptionConfiguration";
    "s3" get_bucket_policy "GetBucketPolicy" "GetBucketPolicy" "s3:GetBucketPolicy";
    "s3" get_bucket_versioning "GetBucketVersioning" "GetBucketVersioning" "s3:GetBucketVersioning";
    "s3" get_public_access_block "GetPublicAccessBlock" "GetBucketPublicAccessBlock" "s3:GetBucketPublicAccessBlock";
    "s3" get_bucket_logging "GetBucketLogging" "GetBucketLogging" "s3:GetBucketLogging";
    "s3" get_bucket_tagging "GetBucketTagging" "GetBucketTagging" "s3:GetBucketTagging";
    "s3control" get_public_access_block "GetPublicAccessBlock" "GetAccountPublicAccessBlock" "s3:GetAccountPublicAccessBlock";
    "rds" describe_db_instances "DescribeDBInstances" "DescribeDBInstances" "rds:DescribeDBInstances";
    "rds" describe_db_clusters "DescribeDBClusters" "DescribeDBClusters" "rds:DescribeDBClusters";
    "rds" describe_db_parameter_groups "DescribeDBParameterGroups" "DescribeDBParameterGroups" "rds:DescribeDBParameterGroups";
    "rds" describe_db_parameters "DescribeDBParameters" "DescribeDBParameters" "rds:DescribeDBParameters";
    "rds" describe_db_cluster_parameter_groups "DescribeDBClusterParameterGroups" "DescribeDBClusterParameterGroups" "rds:DescribeDBClusterParameterGroups";
    "rds" describe_db_cluster_parameters "DescribeDBClusterParameters" "DescribeDBClusterParameters" "rds:DescribeDBClusterParameters";
    "iam" get_account_authorization_details "GetAccountAuthorizationDetails" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails";
    "iam" get_account_password_policy "GetAccountPasswordPolicy" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy";
    "secretsmanager" list_secrets "ListSecrets" "ListSecrets" "secretsmanager:ListSecrets";
    "secretsmanager" get_resource_policy "GetResourcePolicy" "GetResourcePolicy" "secretsmanager:GetResourcePolicy";
    "config" describe_configuration_recorders "DescribeConfigurationRecorders" "DescribeConfigurationRecorders" "config:DescribeConfigurationRecorders";
    "config" describe_configuration_recorder_status "DescribeConfigurationRecorderStatus" "DescribeConfigurationRecorderStatus" "config:DescribeConfigurationRecorderStatus";
    "config" describe_delivery_channels "DescribeDeliveryChannels" "DescribeDeliveryChannels" "config:DescribeDeliveryChannels";
    "elasticloadbalancing" describe_load_balancers "DescribeLoadBalancers" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers";
    "elasticloadbalancing" describe_load_balancer_attributes "DescribeLoadBalancerAttributes" "DescribeLoadBalancerAttributes" "elasticloadbalancing:DescribeLoadBalancerAttributes";
    "elasticloadbalancing" describe_listeners "DescribeListeners" "DescribeListeners" "elasticloadbalancing:DescribeListeners";
    "elasticloadbalancing" describe_tags "DescribeTags" "DescribeTags" "elasticloadbalancing:DescribeTags";
    "eks" list_clusters "ListClusters" "ListClusters" "eks:ListClusters";
    "eks" describe_cluster "DescribeCluster" "DescribeCluster" "eks:DescribeCluster";
}

/// Looks up an operation by the service label its client counts under and its SDK API name.
pub(crate) fn operation(service: &str, api_name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.service == service && o.api_name == api_name)
}

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
    #[error("no AWS credentials found ({0}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`")]
    NoCredentials(String),
    #[error("no region given and none configured; pass --region or set AWS_REGION")]
    NoRegion,
    #[error("STS GetCallerIdentity failed: {0}")]
    Sts(CallError),
    #[error("STS returned an unusable identity: {0}")]
    BadIdentity(String),
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

/// Opens a session: loads the configuration, resolves credentials and asks STS who we are.
pub async fn connect(opts: &ConnectOptions) -> Result<Session, ConnectError> {
    let endpoint_url = effective_endpoint(opts);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().operation_timeout(opts.timeout_per_call).build());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = opts.regions.first() {
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
        ConnectError::NoCredentials(aws_smithy_types::error::display::DisplayErrorContext(&e).to_string())
    })?;

    let mut regions: Vec<String> = Vec::new();
    for r in &opts.regions {
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
    let sts_conf = aws_sdk_sts::config::Builder::from(&base).interceptor(counter.interceptor("sts")).build();
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
    tracing::debug!(%account_id, %partition, %caller_arn, ?regions, "connected");
    Ok(Session { base, endpoint_url, regions, account_id, partition, caller_arn, counter })
}

impl Session {
    /// API calls made so far, by `service:Operation` (attempts, retries included).
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.counter.snapshot()
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    fn ctx(&self, region: &str) -> Ctx {
        Ctx { region: region.to_owned(), account_id: self.account_id.clone(), partition: self.partition.clone() }
    }

    pub fn ec2(&self, region: &str) -> Ec2Api {
        let conf = aws_sdk_ec2::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("ec2"))
            .build();
        Ec2Api::new(aws_sdk_ec2::Client::from_conf(conf), self.ctx(region), self.endpoint_url.is_some())
    }

    /// S3 client signing for `region` (bucket calls must go to the bucket's region).
    pub fn s3(&self, region: &str) -> S3Api {
        let mut b = aws_sdk_s3::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("s3"));
        if self.endpoint_url.is_some() {
            // Emulators serve S3 on one host: virtual-hosted addressing cannot work there.
            b = b.force_path_style(true);
        }
        let control = aws_sdk_s3control::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("s3control"));
        let control = match &self.endpoint_url {
            // The s3control rules put the account id in front of the host
            // (`<account>.s3-control...`); an emulator on 127.0.0.1 cannot answer that name, so
            // a fixed endpoint is used and the account travels in the x-amz-account-id header.
            Some(url) => control.endpoint_resolver(s3::FixedEndpoint(url.clone())),
            None => control,
        };
        S3Api::new(
            aws_sdk_s3::Client::from_conf(b.build()),
            aws_sdk_s3control::Client::from_conf(control.build()),
            self.ctx(region),
        )
    }

    pub fn rds(&self, region: &str) -> RdsApi {
        let conf = aws_sdk_rds::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("rds"))
            .build();
        RdsApi::new(aws_sdk_rds::Client::from_conf(conf), self.ctx(region))
    }

    /// IAM is global: the session's first region signs the calls.
    pub fn iam(&self) -> IamApi {
        let conf = aws_sdk_iam::config::Builder::from(&self.base).interceptor(self.counter.interceptor("iam")).build();
        IamApi::new(aws_sdk_iam::Client::from_conf(conf), self.ctx(GLOBAL_REGION))
    }

    pub fn secretsmanager(&self, region: &str) -> SecretsManagerApi {
        let conf = aws_sdk_secretsmanager::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("secretsmanager"))
            .build();
        SecretsManagerApi::new(aws_sdk_secretsmanager::Client::from_conf(conf), self.ctx(region))
    }

    pub fn config(&self, region: &str) -> ConfigApi {
        let conf = aws_sdk_config::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("config"))
            .build();
        ConfigApi::new(aws_sdk_config::Client::from_conf(conf), self.ctx(region))
    }

    pub fn elbv2(&self, region: &str) -> Elbv2Api {
        let conf = aws_sdk_elasticloadbalancingv2::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("elasticloadbalancing"))
            .build();
        Elbv2Api::new(aws_sdk_elasticloadbalancingv2::Client::from_conf(conf), self.ctx(region))
    }

    pub fn eks(&self, region: &str) -> EksApi {
        let conf = aws_sdk_eks::config::Builder::from(&self.base)
            .region(Region::new(region.to_owned()))
            .interceptor(self.counter.interceptor("eks"))
            .build();
        EksApi::new(aws_sdk_eks::Client::from_conf(conf), self.ctx(region))
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

#[cfg(test)]
mod tests;

/// An optional SDK string as an owned string, empty when absent.
pub(crate) fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}
