//! The per-framework compliance view of a report: every control of a framework's full list,
//! with the checks mapped to it and its status.
//!
//! A control's status is judged fail-closed from its checks' results: FAIL when any result is
//! FAIL; PASS only when every result is PASS, WAIVED or NOT_APPLICABLE and at least one is
//! PASS or WAIVED; otherwise NOT_ASSESSED (no check covers it, or a result is UNKNOWN or
//! ERROR, or every result is NOT_APPLICABLE). A control that no check covers and that the
//! framework definition lists as needing a person is MANUAL. Totals are over the framework's
//! full control list, so "12 of 1,007 assessed" cannot read as "12 of 12".

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The status of one framework control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    /// A mapped check has a FAIL result.
    Fail,
    /// Mapped checks were run, none failed, and at least one passed (or was waived); nothing
    /// was UNKNOWN or ERROR.
    Pass,
    /// No check covers the control, or what covers it could not be judged.
    NotAssessed,
    /// The framework lists the control as assessed by a person; no check covers it.
    Manual,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 4] =
        [ControlStatus::Fail, ControlStatus::Pass, ControlStatus::NotAssessed, ControlStatus::Manual];
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "FAIL",
            ControlStatus::Pass => "PASS",
            ControlStatus::NotAssessed => "NOT_ASSESSED",
            ControlStatus::Manual => "MANUAL",
        }
    }
}

impl fmt::Display for ControlStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Control counts by status over a framework's full control list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceTotals {
    /// Every control of the framework definition (plus any mapped control it does not list).
    pub controls: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_assessed: usize,
    pub manual: usize,
}

/// One control of a framework and how the audit judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ControlCompliance {
    /// The framework's own id (`2.1.1`, `S3.5`, `SC-8(1)`).
    pub id: String,
    pub title: String,
    /// The framework's section or family.
    #[serde(default)]
    pub section: String,
    pub status: ControlStatus,
    /// Checks mapped to the control (sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// Result status → count over those checks (only statuses present).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub results: BTreeMap<String, usize>,
    /// A check maps to it, but the framework definition does not list it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
}

/// One framework: its identity, totals and every control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FrameworkCompliance {
    /// The id checks use in their `frameworks` metadata (`cis-aws-foundations`).
    pub framework: String,
    pub title: String,
    pub version: String,
    /// Where the control list comes from.
    pub source: String,
    pub totals: ComplianceTotals,
    /// In the natural order of their ids (`1.2` before `1.10`); unlisted mapped controls last,
    /// in the same order.
    pub controls: Vec<ControlCompliance>,
}
