//! The per-environment part of a baseline: `defaults` (requirements and gate) and each
//! environment's overrides of them, with the one table of requirement keys.
//!
//! A requirement is a switch or a number an environment may override (`rds_multi_az`,
//! `log_retention_min_days`, ...); the gate's defaults say what fails a run. Validated by
//! `validate::environments`; merged per environment by [`super::Baseline::env_view`] into
//! `data.baseline.requirements` and `data.baseline.gate`.

use serde::{Deserialize, Serialize};

use crate::model::{DriftState, Severity};

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
