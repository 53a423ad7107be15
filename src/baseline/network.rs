//! The baseline's network sections (FlowForge Deployment Guide – AWS, "AWS Service Mapping /
//! Networking", "Deployment Steps / 1. Provision Base Networking", "Configuration Notes /
//! Networking"): `architecture.vpc` (with its required endpoints), `architecture.tiers`,
//! `architecture.flows`, `architecture.admin_ports` and `architecture.database_ports`, and the
//! top-level `network:` block (how tiers are recognised by name, whether NACLs isolate them).
//! Validated by `validate::network`; drift in `drift::architecture::network` (the VPC, its
//! endpoints, subnets and NAT gateways) and `drift::network` (reachability between tiers).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// `network:` in the baseline file; serialised as `data.baseline.network`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkSpec {
    /// Tier → name globs (`*`, `?`; placeholders resolved per environment). A security group
    /// or subnet without the tier tag is in the first tier, in name order, whose glob matches
    /// its name.
    #[serde(default)]
    pub tier_name_patterns: BTreeMap<String, Vec<String>>,
    /// Network ACLs isolate the tiers (FlowForge Deployment Guide – AWS, "Configuration Notes /
    /// Networking": security groups *and NACLs*): the NACL checks apply and the tier graph's
    /// drift counts the ACL layer. Off, the NACL checks are NOT_APPLICABLE.
    #[serde(default)]
    pub nacl_isolation: bool,
}
