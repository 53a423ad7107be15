//! One bundle as evidence: screened by what it claims (environment, account, collection time),
//! then verified (every file against the manifest, the signature, the tool version), then
//! reduced to a digest of its results. Only the digest outlives this module's work, so a
//! period of bundles is attested without holding the bundles.
//!
//! Verification is [`crate::evidence::integrity`], the code `verify-evidence` runs. It does not
//! re-evaluate the snapshot (that is `verify-evidence` on one bundle, which needs the tool
//! version that wrote it): it proves the reports are the ones the run wrote, and with a
//! signature who wrote them. Results are read from the bundle's JSON report, whose
//! `tool_version` must equal the manifest's and whose schema version this build reads.
//!
//! A bundle that fails is never evidence: it becomes a [`BundleRecord`] with the code of the
//! first kind of failure (`A001` not intact, `A002` signature, `A003` not readable as evidence,
//! `docs/diagnostics.md`) and every reason.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::report::{BundleRecord, Use};
use super::source::{BundleSource, Candidate};
use crate::diag::Code;
use crate::evidence::integrity::{self, SignatureCheck};
use crate::evidence::signing::PublicKey;
use crate::evidence::{self, Manifest, Role, Tree, MANIFEST, SIGNATURE};
use crate::model::{sha256_hex, AppliedWaiver, Severity, Status, REPORT_SCHEMA_VERSION};
use crate::policy::{Catalog, Origin};
use crate::report::Format;

/// What the run asks of every bundle.
#[derive(Debug, Clone)]
pub struct Scope {
    pub environment: String,
    /// Only these accounts; empty: every account.
    pub accounts: Vec<String>,
    /// The period, `[start, end)` in seconds since the epoch.
    pub start: i64,
    pub end: i64,
    pub keys: Vec<PublicKey>,
    pub require_signature: bool,
}

/// Why a bundle was counted but not verified: what it claims puts it out of scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    OtherEnvironment(String),
    OtherAccount,
    OutsidePeriod,
    /// A period bundle written by `attest`.
    PeriodBundle,
}

/// One check as a scan ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckDigest {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// SHA-256 over the check's file and the library files it reaches (path and hash each).
    pub definition: String,
}

/// One result of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultDigest {
    pub check_id: String,
    pub resource_arn: String,
    pub resource_name: String,
    pub severity: Severity,
    pub status: Status,
    pub waiver: Option<AppliedWaiver>,
}

/// What a verified bundle says about its scan: all the period logic needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanDigest {
    pub account_id: String,
    /// Collection time, seconds since the epoch.
    pub at: i64,
    pub baseline: String,
    pub catalog: String,
    pub tool_version: String,
    pub checks: Vec<CheckDigest>,
    pub results: Vec<ResultDigest>,
}

/// What reading one candidate gave.
#[derive(Debug)]
pub enum Outcome {
    Skipped(Skip),
    /// In scope: relied on (with its digest) or rejected (without).
    Read(Box<BundleRecord>, Option<ScanDigest>),
}

/// The JSON report, as much of it as attest reads (unknown fields ignored: the bundle's
/// hashes already vouch for the whole file).
#[derive(Deserialize)]
struct ReportView {
    report_schema_version: u32,
    environment: String,
    account_id: String,
    collected_at: String,
    provenance: ProvenanceView,
    checks: Vec<CheckView>,
    results: Vec<ResultView>,
}

#[derive(Deserialize)]
struct ProvenanceView {
    tool_version: String,
    baseline_sha256: String,
    catalog_sha256: String,
}

#[derive(Deserialize)]
struct CheckView {
    id: String,
    title: String,
    severity: Severity,
    source: String,
    #[serde(default)]
    frameworks: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct ResultView {
    check_id: String,
    severity: Severity,
    status: Status,
    resource_arn: String,
    #[serde(default)]
    resource_name: String,
    #[serde(default)]
    waiver: Option<AppliedWaiver>,
}

/// Check source label → the library labels it reaches; `None` when the catalog did not parse.
type CheckLibraries = Option<BTreeMap<String, BTreeSet<String>>>;

/// The libraries each check reaches, per distinct set of policy files (a year of bundles has a
/// handful of catalogs: each is parsed once).
#[derive(Debug, Default)]
pub struct DefinitionCache {
    libs: Mutex<HashMap<String, Arc<CheckLibraries>>>,
}

/// The path in a bundle of a catalog label (`builtin:policies/x.rego`, `overlay:x.rego`).
fn label_path(label: &str) -> Option<String> {
    if let Some(rel) = label.strip_prefix("builtin:policies/") {
        return Some(evidence::policy_path(Origin::Builtin, rel));
    }
    label.strip_prefix("overlay:").map(|rel| evidence::policy_path(Origin::Overlay, rel))
}

impl DefinitionCache {
    /// Check source label → the library labels it reaches, for the catalog of `tree`; `None`
    /// when the catalog cannot be parsed (then every library counts for every check).
    fn libraries(&self, tree: &Tree, manifest: &Manifest) -> Arc<CheckLibraries> {
        let mut key = String::new();
        for (path, hash) in
            manifest.files.iter().filter(|(p, _)| matches!(evidence::role(p), Some(Role::Policy { .. })))
        {
            key.push_str(path);
            key.push('\0');
            key.push_str(hash);
            key.push('\0');
        }
        let key = sha256_hex(key.as_bytes());
        if let Some(hit) = self.libs.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Arc::clone(hit);
        }
        let mut files = Vec::new();
        for (path, bytes) in &tree.files {
            if let Some(Role::Policy { origin, rel_path }) = evidence::role(path) {
                if let Ok(text) = String::from_utf8(bytes.clone()) {
                    files.push((origin, rel_path, text, path.clone()));
                }
            }
        }
        let parsed = Catalog::from_exported(files)
            .ok()
            .map(|c| c.checks().iter().map(|c| (c.meta.source.clone(), c.reads.libs.clone())).collect());
        let parsed = Arc::new(parsed);
        self.libs.lock().unwrap_or_else(|e| e.into_inner()).insert(key, Arc::clone(&parsed));
        parsed
    }
}

/// The definition hash of each check of `report` in the bundle.
fn definitions(report: &ReportView, tree: &Tree, manifest: &Manifest, cache: &DefinitionCache) -> Vec<String> {
    let libs = cache.libraries(tree, manifest);
    let all_libs: Vec<String> = manifest
        .files
        .keys()
        .filter(|p| matches!(evidence::role(p), Some(Role::Policy { rel_path, .. }) if rel_path.starts_with("lib/")))
        .cloned()
        .collect();
    report
        .checks
        .iter()
        .map(|c| {
            let mut paths: Vec<String> = label_path(&c.source).into_iter().collect();
            match libs.as_ref() {
                Some(map) => paths.extend(map.get(&c.source).into_iter().flatten().filter_map(|l| label_path(l))),
                None => paths.extend(all_libs.iter().cloned()),
            }
            let mut text = String::new();
            for p in &paths {
                text.push_str(p);
                text.push('\0');
                text.push_str(manifest.files.get(p).map(String::as_str).unwrap_or("absent"));
                text.push('\0');
            }
            sha256_hex(text.as_bytes())
        })
        .collect()
}

/// RFC 3339 → seconds since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp())
}

fn json_report_path() -> String {
    evidence::report_path(Format::Json)
}

/// Reads and judges one candidate.
pub fn read(source: &dyn BundleSource, candidate: &Candidate, scope: &Scope, cache: &DefinitionCache) -> Outcome {
    let mut record = BundleRecord::found(&candidate.location, candidate.file_time.and_then(super::period::format_time));
    let reject = |mut record: BundleRecord, code: Code, reasons: Vec<String>| {
        record.code = Some(code.as_str().to_owned());
        record.reasons = reasons;
        Outcome::Read(Box::new(record), None)
    };
    let in_period = |t: i64| t >= scope.start && t < scope.end;

    // Screening by claims: the manifest's environment, the report's account and time.
    let manifest_bytes = match source.read_file(candidate, MANIFEST) {
        Ok(Some(b)) => b,
        Ok(None) => return reject(record, Code::AttestNotIntact, vec![format!("{MANIFEST}: not a regular file")]),
        Err(e) => return reject(record, Code::AttestUnreadable, vec![format!("cannot be read: {e}")]),
    };
    record.manifest_sha256 = sha256_hex(&manifest_bytes);
    let parsed = Manifest::parse(&manifest_bytes);
    if let Ok((m, _)) = &parsed {
        if m.period.is_some() {
            return Outcome::Skipped(Skip::PeriodBundle);
        }
        if m.options.environment != scope.environment {
            return Outcome::Skipped(Skip::OtherEnvironment(m.options.environment.clone()));
        }
    }
    let report_bytes = match source.read_file(candidate, &json_report_path()) {
        Ok(b) => b,
        Err(e) => return reject(record, Code::AttestUnreadable, vec![format!("cannot be read: {e}")]),
    };
    let claimed: Option<ReportView> = report_bytes.as_deref().and_then(|b| serde_json::from_slice(b).ok());
    let claimed_at = claimed.as_ref().and_then(|r| parse_time(&r.collected_at));
    match (&claimed, claimed_at) {
        (Some(r), Some(at)) => {
            record.collected_at = Some(r.collected_at.clone());
            record.account_id = Some(r.account_id.clone());
            if r.environment != scope.environment && parsed.is_err() {
                return Outcome::Skipped(Skip::OtherEnvironment(r.environment.clone()));
            }
            if !scope.accounts.is_empty() && !scope.accounts.contains(&r.account_id) {
                return Outcome::Skipped(Skip::OtherAccount);
            }
            if !in_period(at) {
                return Outcome::Skipped(Skip::OutsidePeriod);
            }
        }
        // Nothing says when it was collected: the store's time decides whether it is shown.
        _ => {
            if candidate.file_time.is_some_and(|t| !in_period(t)) {
                return Outcome::Skipped(Skip::OutsidePeriod);
            }
        }
    }

    // Verification, on the files read once.
    let mut already: Vec<(&str, &[u8])> = vec![(MANIFEST, manifest_bytes.as_slice())];
    let report_path = json_report_path();
    if let Some(b) = &report_bytes {
        already.push((report_path.as_str(), b.as_slice()));
    }
    let mut tree = match source.read_tree(candidate, &already) {
        Ok(t) => t,
        Err(e) => return reject(record, Code::AttestUnreadable, vec![format!("cannot be read: {e}")]),
    };
    let mut not_intact = std::mem::take(&mut tree.refused);
    let mut signature_problems = Vec::new();
    let mut unreadable = Vec::new();
    let Some(manifest_bytes) = tree.files.remove(MANIFEST) else {
        return reject(record, Code::AttestNotIntact, vec![format!("{MANIFEST}: missing")]);
    };
    record.manifest_sha256 = sha256_hex(&manifest_bytes);
    let signature_bytes = tree.files.remove(SIGNATURE);
    let manifest = match Manifest::parse(&manifest_bytes) {
        Ok((m, problems)) => {
            not_intact.extend(problems.iter().map(ToString::to_string));
            m
        }
        Err(e) => {
            not_intact.push(e.to_string());
            return reject(record, Code::AttestNotIntact, not_intact);
        }
    };
    let signature = integrity::check_signature(&manifest_bytes, signature_bytes.as_deref(), &scope.keys);
    record.signer_key_id = signature.key_id().map(str::to_owned);
    record.signature = match &signature {
        SignatureCheck::Absent => "absent",
        SignatureCheck::Unchecked { .. } => "unchecked",
        SignatureCheck::Verified { .. } => "verified",
        SignatureCheck::Invalid { .. } => "invalid",
    }
    .to_owned();
    if let Some(p) = integrity::signature_problem(&signature, false) {
        signature_problems.push(p);
    }
    if signature == SignatureCheck::Absent && scope.require_signature {
        signature_problems.push(format!("{SIGNATURE}: missing, and signatures are required (--require-signature)"));
    }
    not_intact.extend(integrity::check_files(&tree, &manifest, |rel| evidence::role(rel).is_some()));
    not_intact.extend(integrity::audit_layout_problems(&tree));
    record.tool_version = manifest.tool_version.clone();

    // The results, from the report the manifest vouches for.
    let report: Option<ReportView> = match tree.files.get(&json_report_path()) {
        None => {
            unreadable.push(format!(
                "{}: no JSON report, which attest reads the results from (scan with --format including json)",
                json_report_path()
            ));
            None
        }
        Some(bytes) if Some(bytes.as_slice()) == report_bytes.as_deref() && claimed.is_some() => claimed,
        Some(bytes) => match serde_json::from_slice::<ReportView>(bytes) {
            Ok(r) => Some(r),
            Err(e) => {
                unreadable.push(format!("{}: not a flowforge-audit JSON report: {e}", json_report_path()));
                None
            }
        },
    };
    let mut at = None;
    if let Some(r) = &report {
        record.collected_at = Some(r.collected_at.clone());
        record.account_id = Some(r.account_id.clone());
        record.catalog_sha256 = r.provenance.catalog_sha256.clone();
        record.baseline_sha256 = r.provenance.baseline_sha256.clone();
        if r.report_schema_version != REPORT_SCHEMA_VERSION {
            unreadable.push(format!(
                "report_schema_version {} is not the version this build reads ({REPORT_SCHEMA_VERSION})",
                r.report_schema_version
            ));
        }
        if r.provenance.tool_version != manifest.tool_version {
            unreadable.push(format!(
                "the report was written by flowforge-audit {}, the manifest says {}",
                r.provenance.tool_version, manifest.tool_version
            ));
        }
        if r.environment != manifest.options.environment {
            unreadable.push(format!(
                "the report is of environment {:?}, the manifest says {:?}",
                r.environment, manifest.options.environment
            ));
        }
        at = parse_time(&r.collected_at);
        if at.is_none() {
            unreadable.push(format!("collected_at {:?} is not an RFC 3339 time", r.collected_at));
        }
    }
    for (code, problems) in [
        (Code::AttestNotIntact, &not_intact),
        (Code::AttestSignature, &signature_problems),
        (Code::AttestUnreadable, &unreadable),
    ] {
        if !problems.is_empty() {
            let mut reasons = not_intact.clone();
            reasons.extend(signature_problems.iter().cloned());
            reasons.extend(unreadable.iter().cloned());
            return reject(record, code, reasons);
        }
    }
    let (Some(report), Some(at)) = (report, at) else {
        return reject(record, Code::AttestUnreadable, vec!["no readable report".to_owned()]);
    };
    // A verified report may still put itself out of scope (its claims were not read before).
    if report.environment != scope.environment {
        return Outcome::Skipped(Skip::OtherEnvironment(report.environment));
    }
    if !scope.accounts.is_empty() && !scope.accounts.contains(&report.account_id) {
        return Outcome::Skipped(Skip::OtherAccount);
    }
    if !in_period(at) {
        return Outcome::Skipped(Skip::OutsidePeriod);
    }
    let defs = definitions(&report, &tree, &manifest, cache);
    let checks = report
        .checks
        .into_iter()
        .zip(defs)
        .map(|(c, definition)| CheckDigest {
            id: c.id,
            title: c.title,
            severity: c.severity,
            frameworks: c.frameworks,
            definition,
        })
        .collect();
    let results = report
        .results
        .into_iter()
        .map(|r| ResultDigest {
            check_id: r.check_id,
            resource_arn: r.resource_arn,
            resource_name: r.resource_name,
            severity: r.severity,
            status: r.status,
            waiver: r.waiver,
        })
        .collect();
    record.use_ = Use::Evidence;
    let digest = ScanDigest {
        account_id: report.account_id,
        at,
        baseline: report.provenance.baseline_sha256,
        catalog: report.provenance.catalog_sha256,
        tool_version: report.provenance.tool_version,
        checks,
        results,
    };
    Outcome::Read(Box::new(record), Some(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Catalog labels map to their place in a bundle; anything else maps nowhere.
    #[test]
    fn labels_map_to_bundle_paths() {
        assert_eq!(
            label_path("builtin:policies/aws/s3/tls_only.rego").as_deref(),
            Some("policies/builtin/aws/s3/tls_only.rego")
        );
        assert_eq!(label_path("overlay:aws/s3/x.rego").as_deref(), Some("policies/overlay/aws/s3/x.rego"));
        assert_eq!(label_path("/tmp/x.rego"), None);
    }
}
