//! Drift result types: expected architecture vs live account, network reachability,
//! least-privilege and trust drift, Terraform-state drift. Computed by `crate::drift`,
//! rendered by every report format.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::findings::Severity;

/// The state of one expected (or unexpected) element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DriftState {
    InSync,
    Missing,
    Changed,
    Unmanaged,
}

impl std::str::FromStr for DriftState {
    type Err = String;
    /// Parses the gate spelling (`missing`, `changed`, `unmanaged`, `in_sync`), any case.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "missing" => Ok(DriftState::Missing),
            "changed" => Ok(DriftState::Changed),
            "unmanaged" => Ok(DriftState::Unmanaged),
            "in_sync" => Ok(DriftState::InSync),
            other => Err(format!("unknown drift state {other:?} (expected missing, changed or unmanaged)")),
        }
    }
}

impl DriftState {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftState::InSync => "IN_SYNC",
            DriftState::Missing => "MISSING",
            DriftState::Changed => "CHANGED",
            DriftState::Unmanaged => "UNMANAGED",
        }
    }
}

/// One drift row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DriftItem {
    /// Stable id: first 16 hex digits of SHA-256(kind + element + attribute).
    pub drift_id: String,
    /// `architecture`, `network`, `least-privilege`, `trust` or `iac`.
    pub kind: String,
    /// The expected element, e.g. `vpc_endpoint:secretsmanager`, `bucket:gold`, `role:devops`.
    pub element: String,
    pub state: DriftState,
    pub severity: Severity,
    #[serde(default)]
    pub resource_arn: Option<String>,
    /// Attribute path for CHANGED, e.g. `multi_az` or `encryption.rules[0].sse_algorithm`.
    #[serde(default)]
    pub attribute: Option<String>,
    #[serde(default)]
    pub expected: Option<serde_json::Value>,
    #[serde(default)]
    pub actual: Option<serde_json::Value>,
    pub message: String,
    /// The waiver that accepts this item (it then no longer blocks the gate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<super::findings::AppliedWaiver>,
}

/// The drift section of a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DriftReport {
    /// Declared elements found in sync / declared, in percent (two decimals).
    pub architecture_coverage_percent: f64,
    pub declared_elements: usize,
    pub in_sync_elements: usize,
    /// Sorted by (kind, element, attribute).
    pub items: Vec<DriftItem>,
    /// Terraform-state comparison, when `--expected-from` was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iac: Option<IacSummary>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IacSummary {
    pub state_file: String,
    pub managed_in_sync: usize,
    pub changed: usize,
    pub missing: usize,
    pub unmanaged: usize,
    /// managed resources found in the account / all audited resources, in percent.
    pub coverage_percent: f64,
    /// Resource types in the state the audit does not cover: type → count.
    pub unknown_types: std::collections::BTreeMap<String, usize>,
}
