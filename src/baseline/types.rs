//! The valid form of a baseline, top level: the file, how FlowForge resources are recognised,
//! and `architecture` as the composition of its sections, whose types live one file per
//! section beside this one (`network`, `storage`, `identity`, `compute`, `perimeter`,
//! `audit`; `environments` for requirements and gates). Every value here has passed
//! validation: ports are in range, severities and drift kinds are known, every name a flow or
//! an override refers to exists. Strings may still hold placeholders (`{env}`,
//! `{account_id}`, `{partition}`, and `{layer}` in the bucket name pattern) until
//! [`super::Baseline::env_view`] resolves them.
//!
//! Field names follow the YAML keys exactly: the serialised form of these types *is* the
//! documented `data.baseline` shape (a test compares it with the keys the validator reads).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;

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
    pub network: NetworkSpec,
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
    pub compute: Option<ComputeSpec>,
    pub perimeter: Option<PerimeterSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_store: Option<ParameterStoreSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_trail: Option<AuditTrailSpec>,
}
