//! The audit result: checks, one result per (check, resource), the gate decision and the
//! drift section. This is the JSON report's shape (`docs/report.md`), so field names are a
//! public contract.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Check severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!("unknown severity {other:?} (expected critical, high, medium, low or info)")),
        }
    }
}

/// The outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The resource complies.
    Pass,
    /// The resource violates the check.
    Fail,
    /// A FAIL that a valid waiver accepts.
    Waived,
    /// The data the check needs could not be collected (see `collection_errors`).
    Unknown,
    /// The environment does not require this check, or the resource is out of its scope.
    NotApplicable,
    /// The check itself is broken (Rego error); reported for that check alone.
    Error,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Fail, Status::Unknown, Status::Error, Status::Waived, Status::Pass, Status::NotApplicable];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Waived => "WAIVED",
            Status::Unknown => "UNKNOWN",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Error => "ERROR",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the catalog says about one check (from its `# METADATA` block).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckMeta {
    /// Stable id, e.g. `FF-S3-001`. Names the file, the SARIF rule, the waiver key.
    pub id: String,
    /// Rego package, e.g. `flowforge.aws.s3.tls_only`.
    pub package: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// The snapshot collection it judges, e.g. `s3.buckets`.
    pub collection: String,
    pub remediation: String,
    /// Framework → control ids, e.g. `cis-aws-foundations: ["2.1.1"]`.
    #[serde(default)]
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// The section of the FlowForge deployment guide the check enforces.
    pub guide_section: String,
    /// Policy-area tag (`tls`, `encryption`, `vpc-endpoints`, `multi-az`, `iam`, `network`, `hygiene`).
    pub area: String,
    /// Where the check came from: `builtin:policies/aws/s3/tls_only.rego` or a file path.
    pub source: String,
    /// The `--policies` overlay libraries its rules reach (`overlay:lib/flowforge.rego`): a
    /// built-in check whose verdicts an overlay changed says so. Absent without an overlay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlay_libraries: Vec<String>,
}

/// One result row: a check applied to a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// Stable id: first 16 hex digits of SHA-256(`check_id` + "\n" + `resource_arn`).
    pub finding_id: String,
    pub check_id: String,
    pub severity: Severity,
    pub status: Status,
    pub resource_arn: String,
    #[serde(default)]
    pub resource_name: String,
    #[serde(default)]
    pub region: String,
    /// Why it failed / is unknown / does not apply; empty for PASS.
    #[serde(default)]
    pub message: String,
    /// The facts behind a FAIL (one entry per violation) or the collection errors behind an
    /// UNKNOWN.
    #[serde(default)]
    pub evidence: Vec<serde_json::Value>,
    // Boxed: unboxed, every result holds four strings' room for it (96 bytes) and few are
    // waived (issue 24: 1.3 million results of a 413,000-resource snapshot). Not a `///`
    // line: those become the report schema's description.
    /// The waiver that turned a FAIL into WAIVED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<AppliedWaiver>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedWaiver {
    pub reason: String,
    pub owner: String,
    #[serde(default)]
    pub ticket: Option<String>,
    pub expires: String,
}

/// What became of one waiver in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WaiverState {
    /// Valid and matching at least one FAIL.
    Applied,
    /// Valid but expires within the warning window.
    Expiring,
    /// Past its expiry date: it no longer applies (blocks the gate).
    Expired,
    /// Matches no FAIL result.
    Stale,
}

impl WaiverState {
    /// The name used in every report (`APPLIED`, `EXPIRING`, `EXPIRED`, `STALE`).
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Applied => "APPLIED",
            WaiverState::Expiring => "EXPIRING",
            WaiverState::Expired => "EXPIRED",
            WaiverState::Stale => "STALE",
        }
    }

    /// True when the waiver needs its owner's attention (every state but `APPLIED`).
    pub fn needs_attention(self) -> bool {
        self != WaiverState::Applied
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverNote {
    /// `file:line` of the waiver.
    pub location: String,
    pub check_id: String,
    pub selector: String,
    pub owner: String,
    pub reason: String,
    pub expires: String,
    pub state: WaiverState,
    /// FAIL results it matched.
    pub matched: usize,
    pub message: String,
}

/// SHA-256 of `bytes` as lowercase hex (file hashes in provenance, manifests, ids).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes` (one allocation: ids are computed for every result).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Computes the stable finding id for a check and a resource.
pub fn finding_id(check_id: &str, resource_arn: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(check_id.as_bytes());
    h.update(b"\n");
    h.update(resource_arn.as_bytes());
    let digest = h.finalize();
    hex(&digest[..8])
}

/// The status of a check as a whole (whether its Rego ran).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckRun {
    #[serde(flatten)]
    pub meta: CheckMeta,
    /// Null when the check ran; the Rego error when it did not (its results are ERROR).
    #[serde(default)]
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The finding id is what waivers and scan-to-scan diffs key on: it must never change.
    #[test]
    fn finding_id_is_stable() {
        assert_eq!(finding_id("FF-S3-001", "arn:aws:s3:::b"), finding_id("FF-S3-001", "arn:aws:s3:::b"));
        assert_ne!(finding_id("FF-S3-001", "arn:aws:s3:::b"), finding_id("FF-S3-002", "arn:aws:s3:::b"));
        assert_eq!(finding_id("FF-S3-001", "arn:aws:s3:::b").len(), 16);
        // Pinned: ids are keys of waivers and diffs across versions.
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(finding_id("FF-S3-001", "arn:aws:s3:::b"), sha256_hex(b"FF-S3-001\narn:aws:s3:::b")[..16]);
    }

    /// `--fail-on` relies on this order.
    #[test]
    fn severity_orders_from_info_to_critical() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert!("urgent".parse::<Severity>().is_err());
    }
}
