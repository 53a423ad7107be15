//! The period bundle: `attest --out DIR` writes its reports as an evidence bundle, so that the
//! attestation is itself evidence.
//!
//! ```text
//! manifest.json                      `period` holds the attest options; `options.environment` the environment
//! manifest.json.sig                  with --sign-key
//! inputs/keys/<KEY_ID>.pub           the public keys bundle signatures were checked with
//! reports/flowforge-attest.json      the period report (every other report is rendered from it)
//! reports/flowforge-attest.md, .html, .checks.csv, .exceptions.csv, .bundles.csv,
//! reports/flowforge-attest.controls-<framework>.csv
//! ```
//!
//! `verify-evidence DIR` checks it like any bundle (hashes, signature), then re-renders every
//! report from the JSON, byte for byte: the human-readable files say exactly what the JSON
//! says. With `--bundles SOURCE` it also re-attests from the bundles, with the recorded options
//! and keys, and the JSON must come out the same: the conclusions follow from the evidence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::PeriodReport;
use super::source::BundleSource;
use super::{AttestError, AttestOptions};
use crate::evidence::signing::{PublicKey, SecretKey};
use crate::evidence::{self, integrity, EvidenceError, Manifest, PeriodOptions, RunOptions, Tree};

/// The period reports' common prefix inside the bundle.
pub const REPORT_PREFIX: &str = evidence::PERIOD_REPORT_PREFIX;
/// The JSON period report, the one the others are rendered from.
pub const JSON_REPORT: &str = "reports/flowforge-attest.json";
/// Where the public keys go.
pub const KEYS_DIR: &str = evidence::PERIOD_KEYS_DIR;

/// Every report file of the period bundle: path → bytes.
pub fn render_all(report: &PeriodReport) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    let mut json = serde_json::to_vec_pretty(report).map_err(|e| format!("period JSON: {e}"))?;
    json.push(b'\n');
    out.insert(JSON_REPORT.to_owned(), json);
    out.insert(format!("{REPORT_PREFIX}.md"), super::markdown::render(report));
    out.insert(format!("{REPORT_PREFIX}.html"), super::html::render(report));
    let csv = |r: Result<Vec<u8>, ::csv::Error>| r.map_err(|e| format!("period CSV: {e}"));
    out.insert(format!("{REPORT_PREFIX}.checks.csv"), csv(super::csv::checks(report))?);
    out.insert(format!("{REPORT_PREFIX}.exceptions.csv"), csv(super::csv::exceptions(report))?);
    out.insert(format!("{REPORT_PREFIX}.bundles.csv"), csv(super::csv::bundles(report))?);
    for f in &report.frameworks {
        if let Some(bytes) = super::csv::controls(report, &f.framework) {
            out.insert(format!("{REPORT_PREFIX}.controls-{}.csv", f.framework), csv(bytes)?);
        }
    }
    Ok(out)
}

fn key_path(key: &PublicKey) -> String {
    format!("{KEYS_DIR}{}.pub", key.key_id_hex())
}

/// Writes the period bundle into `dir` (new or empty); returns the paths written, manifest last.
pub fn write_bundle(
    dir: &Path,
    report: &PeriodReport,
    period: PeriodOptions,
    keys: &[PublicKey],
    sign_key: Option<&SecretKey>,
) -> Result<Vec<PathBuf>, EvidenceError> {
    let rendered = render_all(report).map_err(EvidenceError::Refused)?;
    evidence::start_bundle(dir)?;
    let mut files = BTreeMap::new();
    let mut paths = Vec::new();
    for key in keys {
        let rel = key_path(key);
        if !files.contains_key(&rel) {
            evidence::put(dir, &rel, key.to_file_text().as_bytes(), &mut files)?;
        }
    }
    for (rel, bytes) in &rendered {
        evidence::put(dir, rel, bytes, &mut files)?;
        paths.push(dir.join(rel));
    }
    let manifest = Manifest {
        bundle_version: evidence::BUNDLE_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        options: RunOptions {
            environment: report.environment.clone(),
            fail_on: None,
            require_complete_audit: None,
            fail_on_drift: None,
            waiver_warn_days: 0,
            ..RunOptions::default()
        },
        files,
        period: Some(period),
    };
    paths.push(evidence::finish(dir, &manifest, sign_key)?);
    Ok(paths)
}

/// What checking a period bundle found.
#[derive(Debug, Default)]
pub struct PeriodCheck {
    /// Files that do not hold (missing, added, modified, unknown).
    pub problems: Vec<String>,
    /// Reports that did not come out the same (re-rendered, or re-attested).
    pub mismatches: Vec<String>,
    /// Reports reproduced byte for byte.
    pub reproduced: usize,
    /// Whether the bundles were attested again (`--bundles`).
    pub re_attested: bool,
}

/// Checks a period bundle's files (the manifest and its signature already checked by the
/// caller) and reproduces its reports: from its JSON, and with `source` from the bundles.
pub fn verify(tree: &Tree, manifest: &Manifest, source: Option<&dyn BundleSource>) -> Result<PeriodCheck, AttestError> {
    let mut check =
        PeriodCheck { problems: integrity::check_files(tree, manifest, evidence::period_file), ..Default::default() };
    let Some(period) = &manifest.period else {
        check.problems.push("manifest.json: not a period bundle".to_owned());
        return Ok(check);
    };
    let Some(json) = tree.files.get(JSON_REPORT) else {
        check.problems.push(format!("{JSON_REPORT}: missing (every period bundle holds it)"));
        return Ok(check);
    };
    if !check.problems.is_empty() {
        return Ok(check);
    }
    let report: PeriodReport = match serde_json::from_slice(json) {
        Ok(r) => r,
        Err(e) => {
            check.problems.push(format!("{JSON_REPORT}: not a period report: {e}"));
            return Ok(check);
        }
    };
    let rendered = render_all(&report).map_err(AttestError::Options)?;
    let reports: Vec<&String> = tree.files.keys().filter(|rel| rel.starts_with(REPORT_PREFIX)).collect();
    for (rel, bytes) in &rendered {
        match tree.files.get(rel) {
            Some(b) if b == bytes => check.reproduced += 1,
            Some(_) => check.mismatches.push(rel.clone()),
            None => check.problems.push(format!("{rel}: missing (rendered from the period report)")),
        }
    }
    for rel in reports {
        if !rendered.contains_key(rel) {
            check.problems.push(format!("{rel}: not a report of this period"));
        }
    }
    let Some(source) = source else { return Ok(check) };
    let mut keys = Vec::new();
    for (rel, bytes) in tree.files.iter().filter(|(rel, _)| rel.starts_with(KEYS_DIR)) {
        let text = String::from_utf8_lossy(bytes);
        keys.push(PublicKey::parse(rel, &text).map_err(|e| AttestError::Options(e.to_string()))?);
    }
    let opts = AttestOptions::from_period(&manifest.options.environment, period, keys)?;
    let again = render_all(&super::run(source, &opts)?).map_err(AttestError::Options)?;
    check.re_attested = true;
    for (rel, bytes) in &again {
        if tree.files.get(rel) != Some(bytes) {
            check.mismatches.push(format!("{rel} (attested again from the bundles)"));
        }
    }
    Ok(check)
}
