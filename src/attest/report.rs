//! The period report: what `attest` concluded about one environment over one period, as every
//! output renders it (`flowforge-attest.json` is this type, serialised; the Markdown, HTML and
//! CSV files are rendered from it alone, which is how `verify-evidence` re-checks them).
//!
//! Field names are a public contract (`docs/attest.md`). Every list is sorted, every time
//! comes from a bundle (never the clock), so the same bundles give byte-identical files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The period report's schema version.
pub const ATTEST_SCHEMA_VERSION: u32 = 1;

/// A check's or a control's judgement over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// An interval of FAIL, UNKNOWN or ERROR was observed.
    Exceptions,
    /// No exception, but a slot of the cadence without a valid scan that ran the check.
    NotEvidenced,
    /// Every slot evidenced by a valid scan, and every scan PASSed (or was WAIVED by a waiver
    /// valid at that time; NOT_APPLICABLE scans neither help nor hurt).
    Operating,
    /// Every valid scan found nothing to judge (no result, or only NOT_APPLICABLE): nothing
    /// judged is never operating.
    NotApplicable,
    /// A framework control no check covers.
    NotAssessed,
    /// A framework control that only a person can assess (the framework file says so).
    Manual,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Exceptions,
        Verdict::NotEvidenced,
        Verdict::Operating,
        Verdict::NotApplicable,
        Verdict::NotAssessed,
        Verdict::Manual,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exceptions => "EXCEPTIONS",
            Verdict::NotEvidenced => "NOT_EVIDENCED",
            Verdict::Operating => "OPERATING",
            Verdict::NotApplicable => "NOT_APPLICABLE",
            Verdict::NotAssessed => "NOT_ASSESSED",
            Verdict::Manual => "MANUAL",
        }
    }
}

/// What ended an exception interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedBy {
    /// A later scan PASSed.
    Pass,
    /// A later scan found it NOT_APPLICABLE.
    NotApplicable,
    /// A later scan of the check no longer had the resource.
    ResourceGone,
    /// A later scan WAIVED it (a waiver is not a fix: not counted in the time to fix).
    Waiver,
    /// A later scan did not run the check at all (the catalog dropped it).
    CheckRemoved,
    /// Still open at the end of the period.
    Open,
}

impl ClosedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedBy::Pass => "pass",
            ClosedBy::NotApplicable => "not_applicable",
            ClosedBy::ResourceGone => "resource_gone",
            ClosedBy::Waiver => "waiver",
            ClosedBy::CheckRemoved => "check_removed",
            ClosedBy::Open => "open",
        }
    }

    /// Whether the closing scan shows the finding fixed (a PASS, not applicable any more, or
    /// the resource removed), as opposed to accepted, dropped or still open.
    pub fn is_fix(self) -> bool {
        matches!(self, ClosedBy::Pass | ClosedBy::NotApplicable | ClosedBy::ResourceGone)
    }
}

/// Why a bundle found in the source was not used as evidence, or was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Verified and relied on.
    Evidence,
    /// The same bundle (same manifest SHA-256) as one relied on: counted once.
    Duplicate,
    /// Failed verification: an exception, never evidence.
    Rejected,
}

impl Use {
    pub fn as_str(self) -> &'static str {
        match self {
            Use::Evidence => "evidence",
            Use::Duplicate => "duplicate",
            Use::Rejected => "rejected",
        }
    }
}

/// The period attested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    /// First day, inclusive (UTC).
    pub from: String,
    /// Last day, inclusive (UTC).
    pub to: String,
    /// `from` at 00:00:00Z.
    pub start: String,
    /// The day after `to` at 00:00:00Z (the period is `[start, end)`).
    pub end: String,
    /// The cadence every slot must be evidenced at (`1d`, `12h`).
    pub every: String,
    pub every_seconds: i64,
    /// `--every`, or how it was inferred from the bundles.
    pub cadence_source: String,
    /// Slots of the cadence in the period, per account.
    pub slots: usize,
}

/// How many account-slots were in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCounts {
    pub operating: usize,
    pub exception: usize,
    pub not_evidenced: usize,
    pub not_applicable: usize,
}

impl SlotCounts {
    pub fn total(&self) -> usize {
        self.operating + self.exception + self.not_evidenced + self.not_applicable
    }
}

/// A run of consecutive slots of one account without a valid scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub account_id: String,
    /// Start of the first missing slot.
    pub from: String,
    /// End of the last missing slot.
    pub to: String,
    pub slots: usize,
}

/// One resource's part of an exception interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceInterval {
    pub resource_arn: String,
    #[serde(default)]
    pub resource_name: String,
    pub severity: String,
    pub first_seen: String,
    /// The scan that showed it no longer failing; absent while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_at: Option<String>,
    pub closed_by: ClosedBy,
    pub duration_seconds: i64,
    /// FAIL, UNKNOWN, ERROR: the statuses seen during the interval.
    pub statuses: Vec<String>,
    /// The check's definition (its Rego, or a library it reaches) differs between the scan
    /// before the closing one and the closing one: the change may be a rule change, not a fix.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub definition_changed: bool,
    /// The baseline differs between the scan before the closing one and the closing one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline_changed: bool,
}

/// An interval in which a check (or a control) had at least one FAIL, UNKNOWN or ERROR result
/// in one account: from the first scan that showed it to the first that showed none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub account_id: String,
    /// The checks involved (one for a check's own interval).
    pub checks: Vec<String>,
    pub first_seen: String,
    /// The account's scan before `first_seen` (the interval began after it), absent when
    /// `first_seen` is the account's first scan of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_scan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_at: Option<String>,
    /// Whether the interval is still open at the end of the period.
    pub open: bool,
    /// To `fixed_at`, or to the end of the period while open.
    pub duration_seconds: i64,
    pub duration: String,
    pub statuses: Vec<String>,
    pub resources: Vec<ResourceInterval>,
    /// The manifests (SHA-256) of the bundles that show it, the closing one last.
    pub bundles: Vec<String>,
}

/// A change of a check's definition between two consecutive scans of an account (the same
/// change in several accounts is one entry).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DefinitionChange {
    pub check_id: String,
    /// The accounts whose scans changed from `from` to `to`.
    pub accounts: Vec<String>,
    /// The first scan with the new definition (the earliest over the accounts).
    pub at: String,
    /// SHA-256 over the check's file and the library files it reaches, before and after.
    pub from: String,
    pub to: String,
}

/// A waiver that turned a FAIL into WAIVED in at least one scan relied on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaiverUse {
    pub owner: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub expires: String,
    pub first_used: String,
    pub last_used: String,
    pub results: usize,
}

/// One check over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPeriod {
    pub check_id: String,
    pub title: String,
    pub severity: String,
    pub verdict: Verdict,
    pub slots: SlotCounts,
    /// Valid scans that ran the check.
    pub scans: usize,
    /// Scans in which a waiver valid at the time accepted one of its FAILs (still operating).
    pub waived_scans: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverUse>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Exception>,
    /// Framework → control ids (from the checks' metadata in the bundles).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// Per slot of the period: `O` operating, `X` exception, `-` not evidenced, `n` not
    /// applicable (worst over the accounts). What the timelines draw.
    pub timeline: String,
}

/// One control of a framework over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlPeriod {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub section: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    pub slots: SlotCounts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Exception>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timeline: String,
}

/// One framework's controls over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkPeriod {
    pub framework: String,
    pub title: String,
    pub version: String,
    pub source: String,
    /// Verdict → number of controls (every verdict present).
    pub totals: BTreeMap<String, usize>,
    /// Every control of the framework's full list (its order), mapped controls it lacks last.
    pub controls: Vec<ControlPeriod>,
}

/// Time to fix of one severity: closed intervals whose closing scan shows a fix (PASS, not
/// applicable, resource removed) with the check's definition and the baseline unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeToFix {
    pub severity: String,
    pub fixed: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<String>,
    /// Closed by a waiver, by the check leaving the catalog, or at a scan where the definition
    /// or the baseline changed: not counted as fixes.
    pub not_counted: usize,
    /// Still open at the end of the period.
    pub open: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_open_since: Option<String>,
}

/// One bundle found in the source and in scope (the environment, the accounts, the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    /// Where it is, relative to `--bundles` (for S3 versions, `@original` names the first
    /// version of each object).
    pub location: String,
    #[serde(rename = "use")]
    pub use_: Use,
    /// SHA-256 of its `manifest.json` (empty when unreadable).
    pub manifest_sha256: String,
    /// `verified`, `unchecked`, `absent` or `invalid`.
    pub signature: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_key_id: Option<String>,
    /// From its JSON report; for a rejected bundle what it claims, unverified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// When the store wrote it (file modification time, S3 LastModified): not signed, only
    /// used to explain clock skew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_time: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tool_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub catalog_sha256: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub baseline_sha256: String,
    /// The diagnostic code of a rejection (`A001`…, `docs/diagnostics.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why it was rejected, every reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// What else a reader should know (clock skew, the bundle it duplicates, a merge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl BundleRecord {
    /// A bundle found at `location`, not read yet: rejected until it is verified.
    pub fn found(location: &str, file_time: Option<String>) -> BundleRecord {
        BundleRecord {
            location: location.to_owned(),
            use_: Use::Rejected,
            manifest_sha256: String::new(),
            signature: "absent".to_owned(),
            signer_key_id: None,
            collected_at: None,
            account_id: None,
            file_time,
            tool_version: String::new(),
            catalog_sha256: String::new(),
            baseline_sha256: String::new(),
            code: None,
            reasons: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// A deletion or an overwrite the store's version history shows (S3 versioning).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StoreEvent {
    /// The bundle, relative to `--bundles`.
    pub location: String,
    /// `deleted` (a delete marker is the current version) or `overwritten` (more than one version).
    pub event: String,
    /// The object, relative to `--bundles`.
    pub object: String,
    /// When (the delete marker's or the newest version's LastModified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Versions of the object, delete markers included.
    pub versions: usize,
}

/// One account's scans over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPeriod {
    pub account_id: String,
    /// Valid scans (bundles relied on, same collection time counted once).
    pub scans: usize,
    pub slots_evidenced: usize,
    pub gaps: Vec<Gap>,
    /// The baselines its scans were judged against, in order of first use.
    pub baselines: Vec<Version>,
    /// The tool versions that wrote its bundles, in order of first use.
    pub tool_versions: Vec<Version>,
    /// The policy catalogs its scans ran, in order of first use.
    pub catalogs: Vec<Version>,
}

/// A value (a hash, a version) and the scans that had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub value: String,
    pub first_seen: String,
    pub last_seen: String,
    pub scans: usize,
}

/// Bundles found but out of scope: counted, not verified (their claims put them outside).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Environment → bundles of another environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_environment: BTreeMap<String, usize>,
    pub other_account: usize,
    pub outside_period: usize,
    /// Period bundles written by `attest` (not evidence of a scan).
    pub period_bundles: usize,
}

/// The counts a reader looks at first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodSummary {
    pub bundles_found: usize,
    pub bundles_relied_on: usize,
    pub bundles_rejected: usize,
    pub bundles_duplicate: usize,
    pub scans: usize,
    pub gaps: usize,
    pub slots_not_evidenced: usize,
    /// Verdict → number of checks.
    pub checks: BTreeMap<String, usize>,
    pub exceptions: usize,
    pub open_exceptions: usize,
    pub definition_changes: usize,
    pub store_events: usize,
    /// Bundles with a clock note (stored before they were collected, or stored late).
    pub clock_notes: usize,
}

/// The whole period report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub attest_schema_version: u32,
    pub tool_version: String,
    pub environment: String,
    pub period: PeriodInfo,
    /// Whether an unsigned bundle was an exception, and the keys signatures were checked with.
    pub require_signature: bool,
    pub verify_keys: Vec<String>,
    pub summary: PeriodSummary,
    pub skipped: Skipped,
    pub accounts: Vec<AccountPeriod>,
    pub time_to_fix: Vec<TimeToFix>,
    pub checks: Vec<CheckPeriod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<FrameworkPeriod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definition_changes: Vec<DefinitionChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub store_events: Vec<StoreEvent>,
    /// Entries of the source refused while listing (symbolic links, names that are not UTF-8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// Every bundle in scope: relied on, duplicate or rejected (sorted by collection time,
    /// then location).
    pub bundles: Vec<BundleRecord>,
}

impl PeriodReport {
    /// Whether the period is attested clean: at least one valid scan, every check OPERATING
    /// (or NOT_APPLICABLE) with one operating at least, no gap, no rejected bundle. Nothing
    /// judged is never a pass.
    pub fn operated_throughout(&self) -> bool {
        let s = &self.summary;
        let n = |v: Verdict| s.checks.get(v.as_str()).copied().unwrap_or(0);
        s.scans > 0
            && s.gaps == 0
            && s.bundles_rejected == 0
            && n(Verdict::Exceptions) == 0
            && n(Verdict::NotEvidenced) == 0
            && n(Verdict::Operating) > 0
    }
}

/// `90061` → `1d 1h 1m` (whole minutes; under a minute `Ns`).
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        return format!("{s}s");
    }
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations read as days, hours and minutes.
    #[test]
    fn durations_are_human() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(86_400), "1d");
        assert_eq!(human_duration(90_061), "1d 1h 1m");
        assert_eq!(human_duration(7_200), "2h");
    }
}
