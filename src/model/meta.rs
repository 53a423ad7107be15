//! The identity every resource carries: ARN, id, name, region, account and tags.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The shared identity of every resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct ResourceMeta {
    /// The resource ARN (for account settings without an ARN of their own, a documented
    /// synthetic ARN, see `docs/snapshot.md`).
    pub arn: String,
    /// The service's own identifier (`vpc-0abc`, bucket name, role name, ...).
    pub id: String,
    /// The human name: the `Name` tag for EC2 resources, else the service's name.
    pub name: String,
    /// Region of the resource; `global` for IAM.
    pub region: String,
    pub account_id: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}
