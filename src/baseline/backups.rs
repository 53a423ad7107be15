//! The baseline's backup-and-audit sections of `architecture`: the SSM Parameter Store
//! prefixes FlowForge keeps configuration under, and the account's CloudTrail trail. The
//! per-environment switches (backup retention, deletion protection, customer-managed keys,
//! ...) are requirements (`types.rs`), like every per-environment value.
//!
//! Flattened into [`super::Architecture`]: the YAML keys are `architecture.parameter_store`
//! and `architecture.audit_trail`, and so are the `data.baseline` keys.

use serde::{Deserialize, Serialize};

/// The keys this struct adds to `architecture`.
pub const BACKUP_ARCH_KEYS: &[&str] = &["parameter_store", "audit_trail"];

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BackupsArchitecture {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_store: Option<ParameterStoreSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_trail: Option<AuditTrailSpec>,
}

/// SSM parameters under these prefixes are FlowForge's; those whose name contains one of
/// `secret_name_patterns` (case-insensitive) hold secrets and must be `SecureString`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterStoreSpec {
    pub prefixes: Vec<String>,
    pub secret_name_patterns: Vec<String>,
}

/// The trail the account's audit log is expected in (a drift element): multi-region,
/// logging, log-file validation and KMS encryption on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditTrailSpec {
    pub name: String,
}
