//! The valid form of a baseline. Every value here has passed validation: ports are in range,
//! severities and drift kinds are known, every name a flow or an override refers to exists.
//! Strings may still hold placeholders (`{env}`, `{account_id}`, `{partition}`, and `{layer}`
//! in the bucket name pattern) until [`super::Baseline::env_view`] resolves them.
//!
//! Field names follow the YAML keys exactly: the serialised form of these types *is* the
//! documented `data.baseline` shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{DriftState, Severity};

/// A validated baseline file.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub version: u32,
    pub recognise: Recognise,
    pub defaults: Defaults,
    /// Environment name → its description and overrides.
    pub environments: BTreeMap<String, Environment>,
    pub architecture: Architecture,
    /// Role key (`devops`, `prefect-worker`, ...) → its least-privilege baseline.
    pub roles: BTreeMap<String, RoleBaseline>,
    /// Tier recognition by name and NACL isolation (`network:`, optional).
    pub network: super::network::NetworkSpec,
    /// Environments in promotion order (`promotion_order`, else the order they are declared
    /// in): a promotion goes from each one to the next.
    pub promotion_order: Vec<String>,
    pub(crate) source: String,
}

/// How FlowForge resources are recognised in an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recognise {
    pub app_tag: TagSpec,
    pub environment_tag: String,
    pub tier_tag: String,
    pub layer_tag: String,
    pub role_tag: String,
    /// A resource whose name starts with this (resolved) prefix is FlowForge even untagged.
    pub name_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagSpec {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub requirements: Requirements,
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Environment {
    pub description: Option<String>,
    pub requirements: RequirementsOverride,
    pub gate: GateOverride,
}

/// Declares the requirement keys once: the full struct, the per-environment override and
/// the key list used to reject unknown keys all come from this table.
macro_rules! requirements {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// Per-environment requirements (defaults merged with the environment's overrides).
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct Requirements { $( $(#[$doc])* pub $name: $ty, )* }

        /// An environment's overrides: only the keys it sets.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct RequirementsOverride { $( pub $name: Option<$ty>, )* }

        impl RequirementsOverride {
            pub const KEYS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The overrides applied on top of `base`.
            pub fn apply(&self, base: &Requirements) -> Requirements {
                Requirements { $( $name: self.$name.clone().unwrap_or_else(|| base.$name.clone()), )* }
            }

            /// The full set, or the names of the keys that are not set.
            pub fn complete(&self) -> Result<Requirements, Vec<&'static str>> {
                let mut missing = Vec::new();
                $( if self.$name.is_none() { missing.push(stringify!($name)); } )*
                if !missing.is_empty() {
                    return Err(missing);
                }
                Ok(Requirements { $( $name: self.$name.clone().unwrap_or_default(), )* })
            }

            pub(crate) fn set(&mut self, key: &str, value: RequirementValue) -> Result<(), &'static str> {
                match key {
                    $( stringify!($name) => {
                        self.$name = Some(<$ty as FromRequirement>::from_requirement(value)?);
                        Ok(())
                    } )*
                    _ => Err("unknown requirement"),
                }
            }

            /// The YAML type expected for a requirement key.
            pub(crate) fn kind_of(key: &str) -> Option<RequirementKind> {
                match key {
                    $( stringify!($name) => Some(<$ty as FromRequirement>::KIND), )*
                    _ => None,
                }
            }
        }
    };
}

requirements! {
    /// RDS must be Multi-AZ.
    rds_multi_az: bool,
    /// One NAT gateway in every AZ of the VPC.
    nat_gateway_per_az: bool,
    /// Private subnets must span at least this many AZs.
    min_private_subnet_azs: u32,
    /// Data-lake buckets encrypted with KMS (not S3-managed keys).
    s3_kms_required: bool,
    s3_versioning_required: bool,
    /// Secrets must rotate at least this often.
    secret_rotation_max_days: u32,
    flow_logs_required: bool,
    imdsv2_required: bool,
    eks_public_endpoint_allowed: bool,
    config_recorder_required: bool,
    /// A web ACL with `architecture.perimeter.waf.rule_groups` protects the load balancer.
    waf_required: bool,
    /// That web ACL logs.
    waf_logging_required: bool,
    /// A listener certificate expiring within this many days of the snapshot fails.
    certificate_expiry_days: u32,
    /// The alarms of `architecture.perimeter.alarms` exist and notify a confirmed subscriber.
    alarms_required: bool,
    /// The alarm topics are encrypted with KMS.
    alarm_topics_kms_required: bool,
    /// FlowForge log groups keep events at least this many days.
    log_retention_min_days: u32,
    /// ... and at most this many (0: no maximum; "never expire" fails when one is set).
    log_retention_max_days: u32,
    /// FlowForge log groups are encrypted with a KMS key.
    log_groups_kms_required: bool,
    /// RDS automated backups are kept at least this many days.
    rds_backup_retention_days: u32,
    /// RDS DB instances have deletion protection on.
    rds_deletion_protection: bool,
    /// Data-lake buckets expire or transition noncurrent versions with a lifecycle rule.
    s3_noncurrent_version_lifecycle: bool,
    /// SecureString parameters use a customer-managed KMS key (not `alias/aws/ssm`).
    ssm_customer_managed_key: bool,
    /// A multi-region CloudTrail trail logs the account.
    cloudtrail_required: bool,
    /// The customer-managed keys FlowForge uses rotate automatically.
    kms_rotation_required: bool,
}

/// The type of a requirement value, as validation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequirementKind {
    Bool,
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequirementValue {
    Bool(bool),
    Count(u32),
}

pub(crate) trait FromRequirement: Sized {
    const KIND: RequirementKind;
    fn from_requirement(v: RequirementValue) -> Result<Self, &'static str>;
}

impl FromRequirement for bool {
    const KIND: RequirementKind = RequirementKind::Bool;
    fn from_requirement(v: RequirementValue) -> Result<Self, &'static str> {
        match v {
            RequirementValue::Bool(b) => Ok(b),
            RequirementValue::Count(_) => Err("expected a boolean"),
        }
    }
}

impl FromRequirement for u32 {
    const KIND: RequirementKind = RequirementKind::Count;
    fn from_requirement(v: RequirementValue) -> Result<Self, &'static str> {
        match v {
            RequirementValue::Count(n) => Ok(n),
            RequirementValue::Bool(_) => Err("expected a non-negative integer"),
        }
    }
}

/// The CI gate's defaults for an environment (the CLI flags override them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// A FAIL at or above this severity fails the gate.
    pub fail_on: Severity,
    /// An UNKNOWN result fails the gate.
    pub require_complete_audit: bool,
    /// Drift states that fail the gate (spelled `missing`, `changed`, `unmanaged` in YAML and JSON).
    #[serde(with = "drift_kinds")]
    pub fail_on_drift: Vec<DriftState>,
    /// Checks a run may leave out (`--excluded-checks`, ...) without failing a gate that
    /// requires a complete audit: the exclusions the environment's owners accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_checks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GateOverride {
    pub fail_on: Option<Severity>,
    pub require_complete_audit: Option<bool>,
    pub fail_on_drift: Option<Vec<DriftState>>,
    pub excluded_checks: Option<Vec<String>>,
}

impl GateOverride {
    pub const KEYS: &'static [&'static str] =
        &["fail_on", "require_complete_audit", "fail_on_drift", "excluded_checks"];

    pub fn apply(&self, base: &Gate) -> Gate {
        Gate {
            fail_on: self.fail_on.unwrap_or(base.fail_on),
            require_complete_audit: self.require_complete_audit.unwrap_or(base.require_complete_audit),
            fail_on_drift: self.fail_on_drift.clone().unwrap_or_else(|| base.fail_on_drift.clone()),
            excluded_checks: self.excluded_checks.clone().unwrap_or_else(|| base.excluded_checks.clone()),
        }
    }
}

/// Parses a drift kind as written in the baseline or on the command line
/// (`missing`, `changed`, `unmanaged`; case-insensitive).
pub fn parse_drift_kind(s: &str) -> Option<DriftState> {
    match s.to_ascii_lowercase().as_str() {
        "missing" => Some(DriftState::Missing),
        "changed" => Some(DriftState::Changed),
        "unmanaged" => Some(DriftState::Unmanaged),
        _ => None,
    }
}

/// The lower-case spelling of a drift kind, as in the baseline.
pub fn drift_kind_name(s: DriftState) -> &'static str {
    match s {
        DriftState::InSync => "in_sync",
        DriftState::Missing => "missing",
        DriftState::Changed => "changed",
        DriftState::Unmanaged => "unmanaged",
    }
}

mod drift_kinds {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::DriftState;

    pub fn serialize<S: Serializer>(v: &[DriftState], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|k| super::drift_kind_name(*k)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<DriftState>, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        names
            .iter()
            .map(|n| {
                super::parse_drift_kind(n).ok_or_else(|| serde::de::Error::custom(format!("unknown drift kind {n:?}")))
            })
            .collect()
    }
}

/// The expected architecture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Architecture {
    pub vpc: VpcSpec,
    /// Tier name → its description and subnet visibility.
    pub tiers: BTreeMap<String, TierSpec>,
    /// The only flows allowed between tiers; each is also required to exist.
    pub flows: Vec<FlowSpec>,
    #[serde(default)]
    pub admin_ports: Vec<u16>,
    #[serde(default)]
    pub database_ports: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_lake: Option<DataLakeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseSpec>,
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eks_cluster: Option<EksClusterSpec>,
    #[serde(default)]
    pub config_recorder: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<super::compute::ComputeSpec>,
    pub perimeter: Option<super::perimeter::PerimeterSpec>,
    #[serde(flatten)]
    pub backups: super::BackupsArchitecture,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcSpec {
    pub name: String,
    #[serde(default)]
    pub required_endpoints: Vec<EndpointSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointSpec {
    /// The service's short name, the last part of `com.amazonaws.<region>.<service>`.
    pub service: String,
    #[serde(rename = "type")]
    pub endpoint_type: EndpointType,
    /// For interface endpoints: private DNS must be on (true) or off (false); unset = either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns: Option<bool>,
    /// Environments this endpoint is required in; unset = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointType {
    Gateway,
    Interface,
}

impl EndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Gateway => "Gateway",
            EndpointType::Interface => "Interface",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub subnet_visibility: SubnetVisibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubnetVisibility {
    Public,
    Private,
}

/// The pseudo-tier of traffic from anywhere (0.0.0.0/0 and ::/0).
pub const INTERNET: &str = "internet";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowSpec {
    /// A tier name or `internet`.
    pub from: String,
    pub to: String,
    pub ports: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataLakeSpec {
    pub layers: Vec<String>,
    /// Pattern with `{layer}` (and the usual placeholders).
    pub bucket_name: String,
    /// Layer → bucket name; filled in the environment view only, in layer order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseSpec {
    pub identifier: String,
    pub engine: String,
    pub port: u16,
    pub storage_encrypted: bool,
    pub force_ssl: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    #[serde(default)]
    pub allowed_ssl_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EksClusterSpec {
    pub name: String,
}

/// A role's least-privilege baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleBaseline {
    /// The role name (pattern).
    pub name: String,
    /// Principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → patterns.
    pub trusted_principals: BTreeMap<String, Vec<String>>,
    pub allow: Vec<AllowSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
}

/// Actions (IAM wildcards allowed) the role may be granted on the resources (patterns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowSpec {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// The principal types IAM knows.
pub const PRINCIPAL_TYPES: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];
