//! The audit pipeline shared by `evaluate`, `scan`, `gate` and `verify-evidence`:
//! load inputs → evaluate → drift → waivers → gate → reports.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use crate::baseline::Baseline;
use crate::engine;
use crate::gate::{self, GatePolicy};
use crate::model::{AuditReport, Provenance, Snapshot, REPORT_SCHEMA_VERSION};
use crate::policy::Catalog;
use crate::report;

use super::args::AuditArgs;

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A snapshot as read from disk, with the hash of its bytes.
pub struct LoadedSnapshot {
    pub snapshot: Snapshot,
    pub sha256: String,
}

pub fn load_snapshot(path: &Path) -> anyhow::Result<LoadedSnapshot> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read snapshot {}", path.display()))?;
    let text = std::str::from_utf8(&bytes).with_context(|| format!("snapshot {} is not UTF-8", path.display()))?;
    let snapshot = Snapshot::from_json(text).with_context(|| format!("snapshot {}", path.display()))?;
    Ok(LoadedSnapshot { snapshot, sha256: sha256_hex(&bytes) })
}

/// The baseline and the hash of the text it was parsed from.
pub struct LoadedBaseline {
    pub baseline: Baseline,
    pub sha256: String,
}

pub fn load_baseline(path: Option<&Path>) -> anyhow::Result<LoadedBaseline> {
    match path {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read baseline {}", p.display()))?;
            let baseline = Baseline::load(p).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(LoadedBaseline { baseline, sha256: sha256_hex(&bytes) })
        }
        None => {
            let baseline = Baseline::builtin().map_err(|e| anyhow::anyhow!("built-in baseline: {e}"))?;
            Ok(LoadedBaseline { baseline, sha256: sha256_hex(crate::baseline::BUILTIN_BASELINE.as_bytes()) })
        }
    }
}

pub fn load_catalog(dir: Option<&Path>) -> anyhow::Result<Catalog> {
    match dir {
        None => Catalog::builtin().map_err(|e| anyhow::anyhow!("built-in policy catalog: {e}")),
        Some(d) => {
            if !d.is_dir() {
                bail!("--policies {}: not a directory", d.display());
            }
            Catalog::with_overlay(d).map_err(|e| anyhow::anyhow!("{e}"))
        }
    }
}

/// Everything one audit needs, loaded and validated.
pub struct AuditInputs {
    pub snapshot: LoadedSnapshot,
    pub baseline: LoadedBaseline,
    pub catalog: Catalog,
}

/// Runs the engine, the gate and assembles the report (nothing written yet).
pub fn audit(inputs: &AuditInputs, args: &AuditArgs) -> anyhow::Result<AuditReport> {
    let snap = &inputs.snapshot.snapshot;
    let view = inputs
        .baseline
        .baseline
        .env_view(&args.env, &snap.account_id, &snap.partition)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut eval = engine::evaluate(snap, &inputs.catalog, view.to_json())?;
    let mut extra_reasons = Vec::new();
    let mut waiver_notes = Vec::new();
    if let Some(path) = &args.waivers {
        let waivers = gate::waivers::load(path)?;
        let today = gate::waivers::as_of(&snap.collected_at)
            .with_context(|| format!("snapshot collected_at {:?} is not an RFC 3339 date; waivers cannot be judged", snap.collected_at))?;
        let tags: std::collections::HashMap<&str, &std::collections::BTreeMap<String, String>> =
            snap.resource_metas().into_iter().map(|(_, m)| (m.arn.as_str(), &m.tags)).collect();
        waiver_notes = gate::waivers::apply(&waivers, &args.env, today, args.waiver_warn_days, &mut eval.results, &|arn| tags.get(arn).map(|t| (*t).clone()));
        for n in &waiver_notes {
            if n.state == crate::model::WaiverState::Expired {
                extra_reasons.push(format!("expired waiver {} ({} {}): {}", n.location, n.check_id, n.selector, n.message));
            }
        }
    }
    let gate_cfg = &view.gate;
    let policy = GatePolicy {
        fail_on: args.fail_on.unwrap_or(gate_cfg.fail_on),
        require_complete_audit: args.require_complete_audit.unwrap_or(gate_cfg.require_complete_audit),
        fail_on_drift: gate_cfg.fail_on_drift.clone(),
    };
    let decision = gate::decide(&policy, &eval.results, None, extra_reasons);
    let summary = engine::summarize(&eval);
    Ok(AuditReport {
        report_schema_version: REPORT_SCHEMA_VERSION,
        environment: args.env.clone(),
        account_id: snap.account_id.clone(),
        partition: snap.partition.clone(),
        regions: snap.regions.clone(),
        collected_at: snap.collected_at.clone(),
        provenance: Provenance {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            snapshot_sha256: inputs.snapshot.sha256.clone(),
            baseline_sha256: inputs.baseline.sha256.clone(),
            catalog_sha256: inputs.catalog.sha256(),
            catalog_checks: eval.checks.len(),
        },
        summary,
        gate: decision,
        checks: eval.checks,
        results: eval.results,
        collection_errors: snap.collection_errors.clone(),
        waivers: waiver_notes,
        drift: None,
    })
}

/// Writes the requested formats into `out`; returns the paths written.
pub fn write_reports(report: &AuditReport, formats: &[String], out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let formats = report::Format::parse_list(&formats.join(",")).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create report directory {}", out.display()))?;
    report::render_all(report, &formats, out).map_err(|e| anyhow::anyhow!("writing reports to {}: {e}", out.display()))
}

/// The one-screen summary printed on stdout after an audit.
pub fn print_summary(report: &AuditReport, paths: &[PathBuf]) {
    let s = &report.summary;
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    println!(
        "flowforge-audit: account {} env {} — {} checks, {} resources: {} FAIL, {} UNKNOWN, {} ERROR, {} WAIVED, {} PASS, {} NOT_APPLICABLE",
        report.account_id, report.environment, s.checks, s.resources,
        count("FAIL"), count("UNKNOWN"), count("ERROR"), count("WAIVED"), count("PASS"), count("NOT_APPLICABLE")
    );
    if report.gate.passed {
        println!("gate: PASSED (fail-on {})", report.gate.fail_on);
    } else {
        println!("gate: FAILED");
        for r in &report.gate.reasons {
            println!("  - {r}");
        }
    }
    for p in paths {
        println!("report: {}", p.display());
    }
}
