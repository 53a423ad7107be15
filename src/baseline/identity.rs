//! The baseline's identity sections (guide, "AWS Service Mapping / Secrets & Identity":
//! Secrets Manager or Parameter Store, IAM roles; "Operations & Handover": least-privilege
//! policies): `architecture.secrets` (Secrets Manager names, a list of patterns),
//! `architecture.parameter_store` and the top-level `roles`, each role's least-privilege
//! baseline. Validated by `validate::identity`; drift in `drift::architecture::identity`
//! (secrets and roles exist) and `drift::privilege` (what the roles may do, who may assume
//! them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// SSM parameters under these prefixes are FlowForge's; those whose name contains one of
/// `secret_name_patterns` (case-insensitive) hold secrets and must be `SecureString`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterStoreSpec {
    pub prefixes: Vec<String>,
    pub secret_name_patterns: Vec<String>,
}
