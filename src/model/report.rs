//! The audit report: what one evaluation produced, as every report format renders it.
//!
//! It gathers the findings, the drift and the snapshot's collection errors, so it is the one
//! type here that imports the others (`findings`, `drift` and `snapshot` import none of it).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::compliance::{ComplianceTotals, FrameworkCompliance};
use super::drift::DriftReport;
use super::findings::{CheckResult, CheckRun, WaiverNote};
use super::snapshot::CollectionError;

/// The JSON report schema version.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Counts by status and by severity (FAIL only) for summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub checks: usize,
    pub resources: usize,
    pub results: usize,
    /// Status → count (all six statuses present).
    pub by_status: BTreeMap<String, usize>,
    /// Severity → number of FAIL results.
    pub failed_by_severity: BTreeMap<String, usize>,
    /// Severity → number of results by status (every severity present; only statuses seen).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_severity: BTreeMap<String, BTreeMap<String, usize>>,
    /// Framework → control totals over its full control list (see `compliance`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compliance: BTreeMap<String, ComplianceTotals>,
    /// Drift state → number of drift items (when drift was computed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub drift_by_state: BTreeMap<String, usize>,
}

/// The gate's decision and every reason it blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GateDecision {
    pub passed: bool,
    pub fail_on: String,
    pub require_complete_audit: bool,
    pub reasons: Vec<String>,
}

/// Hashes and versions that identify exactly what produced a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    pub tool_version: String,
    /// SHA-256 of the snapshot file as read.
    pub snapshot_sha256: String,
    /// SHA-256 of the baseline file as read.
    pub baseline_sha256: String,
    /// SHA-256 over the sorted (source, text) pairs of the policy catalog used.
    pub catalog_sha256: String,
    pub catalog_checks: usize,
    /// Where the SARIF rules' `helpUri`s point (`--help-uri-base`); absent: the package's
    /// repository at the tool's version tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_uri_base: Option<String>,
    /// The check selection of a partial run (`--checks`, `--excluded-checks`, `--services`,
    /// `--severity`); absent when every check of the catalog ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<CheckSelection>,
    /// What a `--policies` overlay changed in the catalog; absent without an overlay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlay: Option<OverlaySummary>,
}

/// Which checks a partial run selected, and which it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckSelection {
    /// `--checks`: only these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// `--excluded-checks`: never these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_checks: Vec<String>,
    /// `--services`: only the checks of these services (the folders of `policies/aws/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// `--severity`: only the checks of these severities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<String>,
    /// The catalog's checks this run did not evaluate (sorted); `provenance.catalog_checks`
    /// counts the whole catalog.
    pub not_run: Vec<String>,
}

/// What a `--policies` overlay changed: the verdicts of these checks are not the built-in
/// catalog's. Every report format and the terminal summary name it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OverlaySummary {
    /// Built-in checks replaced by an overlay check of the same id.
    pub checks_replaced: Vec<String>,
    /// Checks the overlay adds.
    pub checks_added: Vec<String>,
    /// Built-in library files the overlay replaced (`lib/flowforge.rego`).
    pub libraries_replaced: Vec<String>,
    /// Library files the overlay adds.
    pub libraries_added: Vec<String>,
    /// Built-in checks whose rules reach an overlay library.
    pub checks_through_libraries: Vec<String>,
}

impl OverlaySummary {
    /// One line for a summary: what was replaced or added.
    pub fn describe(&self) -> String {
        let list = |v: &[String]| {
            let mut s = v.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
            if v.len() > 8 {
                s.push_str(&format!(" … and {} more", v.len() - 8));
            }
            s
        };
        let mut parts = Vec::new();
        if !self.checks_replaced.is_empty() {
            parts.push(format!(
                "{} built-in check(s) replaced ({})",
                self.checks_replaced.len(),
                list(&self.checks_replaced)
            ));
        }
        if !self.checks_added.is_empty() {
            parts.push(format!("{} check(s) added ({})", self.checks_added.len(), list(&self.checks_added)));
        }
        if !self.libraries_replaced.is_empty() {
            parts.push(format!(
                "built-in librar(y/ies) replaced: {}, reached by {} built-in check(s) ({})",
                list(&self.libraries_replaced),
                self.checks_through_libraries.len(),
                list(&self.checks_through_libraries)
            ));
        } else if !self.checks_through_libraries.is_empty() {
            parts.push(format!(
                "{} built-in check(s) reach overlay libraries ({})",
                self.checks_through_libraries.len(),
                list(&self.checks_through_libraries)
            ));
        }
        if !self.libraries_added.is_empty() {
            parts.push(format!("librar(y/ies) added: {}", list(&self.libraries_added)));
        }
        if parts.is_empty() {
            parts.push("overlay files that change no check".to_owned());
        }
        format!("policy overlay in use: {}; these verdicts are not the built-in catalog's", parts.join("; "))
    }
}

/// The whole result of an evaluation: what every report format renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditReport {
    pub report_schema_version: u32,
    pub environment: String,
    pub account_id: String,
    pub partition: String,
    pub regions: Vec<String>,
    /// From the snapshot, so the same inputs give byte-identical reports.
    pub collected_at: String,
    pub provenance: Provenance,
    pub summary: Summary,
    pub gate: GateDecision,
    /// Sorted by check id.
    pub checks: Vec<CheckRun>,
    /// Sorted by (check id, resource ARN).
    pub results: Vec<CheckResult>,
    /// Copied from the snapshot so a report stands alone.
    pub collection_errors: Vec<CollectionError>,
    /// What happened to each waiver of `--waivers` (applied, expired, expiring, stale).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverNote>,
    /// Drift against the expected architecture, when computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftReport>,
    /// Per framework, every control of its full list and its status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<FrameworkCompliance>,
    /// The trend from `--history DIR`: one point per snapshot of this environment and account
    /// collected up to this one, in collection order (oldest first, this one last); empty
    /// without `--history`. Never part of an evidence bundle's reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// Where the user's own files declare what the results are about (the baseline as given,
    /// Terraform resource blocks): the SARIF locations. Absent when there is none.
    #[serde(default, skip_serializing_if = "SourceLocations::is_empty")]
    pub sources: SourceLocations,
}

/// The user's files behind the results, as the run was given them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLocations {
    /// The baseline file as given (`--baseline audit/baseline.yaml`); absent for the built-in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The Terraform resource block of each managed resource and Terraform address whose
    /// block was found (`--expected-from`/`--tfstate` with the `.tf` files of `--iac-dir`),
    /// sorted by address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terraform: Vec<TerraformBlock>,
}

impl SourceLocations {
    pub fn is_empty(&self) -> bool {
        self.baseline.is_none() && self.terraform.is_empty()
    }
}

/// Where a Terraform address is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TerraformBlock {
    /// `aws_s3_bucket.landing`, `module.net.aws_subnet.private["a"]`.
    pub address: String,
    /// The live resource the state says it manages; absent when it is not in the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The `.tf` file: the `--iac-dir` directory as given joined with its path under it.
    pub file: String,
    /// The 1-based line of `resource "TYPE" "NAME"`.
    pub line: u32,
}

/// One run's summary, as appended to `--history DIR/history.jsonl` (one JSON object a line).
/// A snapshot is one point of the trend, whatever the number of runs on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryEntry {
    /// The snapshot's collection time (never the clock): where the point sits in the trend.
    pub collected_at: String,
    /// The SHA-256 of the snapshot: the point's identity (a later run on the same snapshot
    /// replaces its point rather than adding one). Absent in lines written before it existed;
    /// those are told apart by `collected_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sha256: Option<String>,
    pub environment: String,
    pub account_id: String,
    pub catalog_sha256: String,
    pub results: usize,
    pub resources: usize,
    /// Status → results.
    pub by_status: BTreeMap<String, usize>,
    /// Severity → FAIL results.
    pub failed_by_severity: BTreeMap<String, usize>,
    /// Declared architecture elements in sync, in percent (when drift was computed).
    #[serde(default)]
    pub architecture_coverage_percent: Option<f64>,
    pub gate_passed: bool,
}
