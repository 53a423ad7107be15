//! The audit pipeline shared by `evaluate`, `scan`, `gate` and `verify-evidence`:
//! load inputs → evaluate → drift → waivers → gate → reports.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::baseline::Baseline;
use crate::engine;
use crate::gate::{self, GatePolicy};
use crate::model::{AuditReport, Provenance, Snapshot, REPORT_SCHEMA_VERSION};
use crate::policy::Catalog;
use crate::report;

use super::args::AuditArgs;

pub use crate::model::sha256_hex;

/// A file's bytes and the label it is named by in messages and reports (its path as given,
/// or `builtin:...`). Evidence bundles store both, so a re-evaluation names things alike.
#[derive(Debug, Clone)]
pub struct LabelledBytes {
    pub label: String,
    pub bytes: Vec<u8>,
}

impl LabelledBytes {
    pub fn read(path: &Path, what: &str) -> anyhow::Result<LabelledBytes> {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
        Ok(LabelledBytes { label: path.display().to_string(), bytes })
    }

    pub fn text(&self, what: &str) -> anyhow::Result<&str> {
        std::str::from_utf8(&self.bytes).with_context(|| format!("{what} {} is not UTF-8", self.label))
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// A snapshot as read: the model, its label and hash, the bytes when an evidence bundle will
/// need them, and its Rego input (see `engine::parse_snapshot`),
/// taken by the evaluation so that it is freed before the reports are built.
pub struct LoadedSnapshot {
    pub snapshot: Snapshot,
    pub label: String,
    pub sha256: String,
    pub bytes: Option<Vec<u8>>,
    pub rego_input: std::cell::Cell<Option<crate::policy::RegoInput>>,
}

impl LoadedSnapshot {
    pub fn parse(source: LabelledBytes, keep_bytes: bool) -> anyhow::Result<LoadedSnapshot> {
        let parsed =
            engine::parse_snapshot(source.text("snapshot")?).with_context(|| format!("snapshot {}", source.label))?;
        Ok(LoadedSnapshot {
            snapshot: parsed.snapshot,
            label: source.label,
            sha256: parsed.sha256,
            bytes: keep_bytes.then_some(source.bytes),
            rego_input: std::cell::Cell::new(Some(parsed.rego_input)),
        })
    }

    /// An empty stand-in, for loading the other inputs before a collection runs.
    pub fn placeholder() -> LoadedSnapshot {
        LoadedSnapshot {
            snapshot: Snapshot::default(),
            label: String::new(),
            sha256: String::new(),
            bytes: None,
            rego_input: std::cell::Cell::new(None),
        }
    }
}

/// Reads and parses a snapshot file; `keep_bytes` keeps its bytes (for an evidence bundle).
pub fn load_snapshot(path: &Path, keep_bytes: bool) -> anyhow::Result<LoadedSnapshot> {
    let started = std::time::Instant::now();
    let loaded = LoadedSnapshot::parse(LabelledBytes::read(path, "snapshot")?, keep_bytes)?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, rss_mib = engine::rss_mib(), "snapshot read");
    Ok(loaded)
}

/// The baseline and the bytes it was parsed from.
pub struct LoadedBaseline {
    pub baseline: Baseline,
    pub source: LabelledBytes,
}

impl LoadedBaseline {
    pub fn parse(source: LabelledBytes) -> anyhow::Result<LoadedBaseline> {
        let baseline =
            Baseline::from_str_named(source.text("baseline")?, &source.label).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(LoadedBaseline { baseline, source })
    }
}

pub fn load_baseline(path: Option<&Path>) -> anyhow::Result<LoadedBaseline> {
    let source = match path {
        Some(p) => LabelledBytes::read(p, "baseline")?,
        None => LabelledBytes {
            label: crate::baseline::BUILTIN_BASELINE_NAME.to_owned(),
            bytes: crate::baseline::BUILTIN_BASELINE.as_bytes().to_vec(),
        },
    };
    LoadedBaseline::parse(source)
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

/// Everything one audit needs, loaded: the files as bytes with their labels.
pub struct AuditInputs {
    pub snapshot: LoadedSnapshot,
    pub baseline: LoadedBaseline,
    pub catalog: Catalog,
    pub waivers: Option<LabelledBytes>,
    pub expected_from: Option<LabelledBytes>,
}

impl AuditInputs {
    /// Loads every input an [`AuditArgs`] names, around an already loaded snapshot.
    pub fn load(snapshot: LoadedSnapshot, args: &AuditArgs) -> anyhow::Result<AuditInputs> {
        Ok(AuditInputs {
            snapshot,
            baseline: load_baseline(args.baseline.as_deref())?,
            catalog: load_catalog(args.policies.as_deref())?,
            waivers: args.waivers.as_deref().map(|p| LabelledBytes::read(p, "waiver file")).transpose()?,
            expected_from: args
                .expected_from
                .as_deref()
                .map(|p| LabelledBytes::read(p, "Terraform state"))
                .transpose()?,
        })
    }
}

/// Runs the engine, the gate and assembles the report (nothing written yet).
pub fn audit(inputs: &AuditInputs, args: &AuditArgs) -> anyhow::Result<AuditReport> {
    audit_with(inputs, args, &[])
}

/// The gate thresholds: the environment's defaults from the baseline, then CLI overrides.
pub fn gate_policy(view: &crate::baseline::EnvView, args: &AuditArgs) -> anyhow::Result<GatePolicy> {
    let fail_on_drift = match &args.fail_on_drift {
        None => view.gate.fail_on_drift.clone(),
        Some(list) if list.iter().any(|s| s.eq_ignore_ascii_case("none")) => Vec::new(),
        Some(list) => list
            .iter()
            .map(|s| s.parse::<crate::model::DriftState>().map_err(|e| anyhow::anyhow!("--fail-on-drift: {e}")))
            .collect::<anyhow::Result<Vec<_>>>()?,
    };
    Ok(GatePolicy {
        fail_on: args.fail_on.unwrap_or(view.gate.fail_on),
        require_complete_audit: args.require_complete_audit.unwrap_or(view.gate.require_complete_audit),
        fail_on_drift,
    })
}

/// [`audit`] with extra blocking reasons decided by the caller (promotion parity).
pub fn audit_with(
    inputs: &AuditInputs,
    args: &AuditArgs,
    extra_gate_reasons: &[String],
) -> anyhow::Result<AuditReport> {
    let snap = &inputs.snapshot.snapshot;
    let view = inputs
        .baseline
        .baseline
        .env_view(&args.env, &snap.account_id, &snap.partition)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let prepared = inputs.snapshot.rego_input.take();
    let limits = crate::policy::Limits::with_timeout(args.check_timeout);
    let mut eval = engine::evaluate_with(snap, prepared.as_ref(), &inputs.catalog, view.to_json(), limits)?;
    // Freeing the engine's copy of a large snapshot takes a tenth of a second: do it off the
    // critical path.
    std::thread::spawn(move || drop(prepared));
    let mut extra_reasons = Vec::new();
    let mut waiver_notes = Vec::new();
    if let Some(file) = &inputs.waivers {
        let waivers = gate::waivers::parse(&file.label, file.text("waiver file")?)?;
        let today = gate::waivers::as_of(&snap.collected_at).with_context(|| {
            format!("snapshot collected_at {:?} is not an RFC 3339 date; waivers cannot be judged", snap.collected_at)
        })?;
        let tags: std::collections::HashMap<&str, &std::collections::BTreeMap<String, String>> =
            snap.resource_metas().into_iter().map(|(_, m)| (m.arn.as_str(), &m.tags)).collect();
        waiver_notes =
            gate::waivers::apply(&waivers, &args.env, today, args.waiver_warn_days, &mut eval.results, &|arn| {
                tags.get(arn).map(|t| (*t).clone())
            });
        for n in &waiver_notes {
            match n.state {
                crate::model::WaiverState::Expired => {
                    extra_reasons
                        .push(format!("expired waiver {} ({} {}): {}", n.location, n.check_id, n.selector, n.message));
                }
                crate::model::WaiverState::Expiring | crate::model::WaiverState::Stale => {
                    eprintln!("warning: waiver {} ({} {}): {}", n.location, n.check_id, n.selector, n.message);
                }
                crate::model::WaiverState::Applied => {}
            }
        }
    }
    let tf = match &inputs.expected_from {
        Some(f) => Some(
            crate::drift::TfState::parse(f.text("Terraform state")?, &f.label).map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        None => None,
    };
    let started = std::time::Instant::now();
    let drift = crate::drift::compute(snap, &view, tf.as_ref());
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        items = drift.items.len(),
        rss_mib = engine::rss_mib(),
        "drift computed"
    );
    let policy = gate_policy(&view, args)?;
    extra_reasons.extend(extra_gate_reasons.iter().cloned());
    let decision = gate::decide(&policy, &eval.results, Some(&drift), extra_reasons);
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
            baseline_sha256: inputs.baseline.source.sha256(),
            catalog_sha256: inputs.catalog.sha256(),
            catalog_checks: eval.checks.len(),
        },
        summary,
        gate: decision,
        checks: eval.checks,
        results: eval.results,
        collection_errors: snap.collection_errors.clone(),
        waivers: waiver_notes,
        drift: Some(drift),
    })
}

/// Writes the requested formats into `out`; returns the paths written.
pub fn write_reports(report: &AuditReport, formats: &[String], out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let started = std::time::Instant::now();
    let formats = report::Format::parse_list(&formats.join(",")).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create report directory {}", out.display()))?;
    let paths = report::render_all(report, &formats, out)
        .map_err(|e| anyhow::anyhow!("writing reports to {}: {e}", out.display()))?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        rss_mib = engine::rss_mib(),
        peak_rss_mib = engine::peak_rss_mib(),
        "reports written"
    );
    Ok(paths)
}

/// Prints the outcome (the report paths only, with `quiet`), releases the audit's large
/// structures and returns the exit code the gate decided.
pub fn finish(inputs: AuditInputs, report: AuditReport, paths: &[PathBuf], quiet: bool) -> u8 {
    if quiet {
        for p in paths {
            println!("{}", p.display());
        }
    } else {
        print_summary(&report, paths);
    }
    let code = if report.gate.passed { super::EXIT_OK } else { super::EXIT_GATE_FAILED };
    super::exit_soon(inputs, report);
    code
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
