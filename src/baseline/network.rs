//! The baseline's `network` section (optional): how tiers are recognised by name when their
//! resources are not tagged, and whether network ACLs must isolate the tiers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
