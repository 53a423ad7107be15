//! Evidence bundles: everything an auditor needs to reproduce a result.
//!
//! `evaluate --evidence DIR` writes the snapshot, the baseline, the waivers, the Terraform
//! state, the exact policy catalog (every Rego file, with its original label) and the reports,
//! plus `manifest.json` with the options of the run and a SHA-256 of every file.
//! `verify-evidence DIR` checks that no file was changed, added or removed, re-evaluates from
//! the bundle alone, and requires byte-identical reports. Exit 0 when everything holds, 1 when
//! the bundle was tampered with or does not reproduce, 2 when it cannot be read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::args::{AuditArgs, VerifyArgs};
use super::audit::{self, AuditInputs, LabelledBytes, LoadedBaseline, LoadedSnapshot};
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::model::{AuditReport, Severity};
use crate::policy::{Catalog, Origin};

const MANIFEST: &str = "manifest.json";
const BUNDLE_VERSION: u32 = 1;

/// A bundled input: where it is in the bundle and the label it had in the original run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BundledFile {
    path: String,
    label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BundledPolicy {
    path: String,
    rel_path: String,
    label: String,
    builtin: bool,
}

/// The options that shape the reports, as resolved in the original run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunOptions {
    environment: String,
    formats: Vec<String>,
    fail_on: Option<Severity>,
    require_complete_audit: Option<bool>,
    fail_on_drift: Option<Vec<String>>,
    waiver_warn_days: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    bundle_version: u32,
    tool_version: String,
    options: RunOptions,
    snapshot: BundledFile,
    baseline: BundledFile,
    waivers: Option<BundledFile>,
    expected_from: Option<BundledFile>,
    policies: Vec<BundledPolicy>,
    /// Every file of the bundle but the manifest: path → SHA-256.
    files: BTreeMap<String, String>,
}

fn put(dir: &Path, rel: &str, bytes: &[u8], files: &mut BTreeMap<String, String>) -> anyhow::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    files.insert(rel.to_owned(), audit::sha256_hex(bytes));
    Ok(())
}

/// Writes the bundle for one evaluated run; returns the manifest path.
pub fn write_bundle(
    dir: &Path,
    inputs: &AuditInputs,
    args: &AuditArgs,
    report: &AuditReport,
) -> anyhow::Result<PathBuf> {
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false) {
        bail!("evidence directory {} is not empty: refusing to mix two runs' evidence", dir.display());
    }
    let mut files = BTreeMap::new();
    let snapshot_bytes = inputs
        .snapshot
        .bytes
        .as_deref()
        .context("internal: the snapshot's bytes were not kept for the evidence bundle")?;
    put(dir, "inputs/snapshot.json", snapshot_bytes, &mut files)?;
    put(dir, "inputs/baseline.yaml", &inputs.baseline.source.bytes, &mut files)?;
    let waivers = match &inputs.waivers {
        Some(w) => {
            put(dir, "inputs/waivers.yaml", &w.bytes, &mut files)?;
            Some(BundledFile { path: "inputs/waivers.yaml".into(), label: w.label.clone() })
        }
        None => None,
    };
    let expected_from = match &inputs.expected_from {
        Some(t) => {
            put(dir, "inputs/expected.tfstate", &t.bytes, &mut files)?;
            Some(BundledFile { path: "inputs/expected.tfstate".into(), label: t.label.clone() })
        }
        None => None,
    };
    let mut policies = Vec::new();
    for f in inputs.catalog.files() {
        let path = format!("policies/{}", f.rel_path);
        put(dir, &path, f.text.as_bytes(), &mut files)?;
        policies.push(BundledPolicy {
            path,
            rel_path: f.rel_path.clone(),
            label: f.source.clone(),
            builtin: f.origin == Origin::Builtin,
        });
    }
    let reports_dir = dir.join("reports");
    for p in audit::write_reports(report, &args.format, &reports_dir)? {
        let bytes = std::fs::read(&p).with_context(|| format!("cannot read back {}", p.display()))?;
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        files.insert(format!("reports/{name}"), audit::sha256_hex(&bytes));
    }
    let manifest = Manifest {
        bundle_version: BUNDLE_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        options: RunOptions {
            environment: args.env.clone(),
            formats: args.format.clone(),
            fail_on: args.fail_on,
            require_complete_audit: args.require_complete_audit,
            fail_on_drift: args.fail_on_drift.clone(),
            waiver_warn_days: args.waiver_warn_days,
        },
        snapshot: BundledFile { path: "inputs/snapshot.json".into(), label: inputs.snapshot.label.clone() },
        baseline: BundledFile { path: "inputs/baseline.yaml".into(), label: inputs.baseline.source.label.clone() },
        waivers,
        expected_from,
        policies,
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    let path = dir.join(MANIFEST);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Every file under `dir` (relative, `/`-separated), the manifest excepted.
fn list_files(dir: &Path, base: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, base, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if rel != MANIFEST {
                out.push(rel);
            }
        }
    }
    Ok(())
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let manifest_path = dir.join(MANIFEST);
    let text =
        std::fs::read_to_string(&manifest_path).with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an evidence manifest", manifest_path.display()))?;
    if manifest.bundle_version != BUNDLE_VERSION {
        bail!("{}: unsupported bundle_version {}", manifest_path.display(), manifest.bundle_version);
    }
    let mut problems = Vec::new();
    let mut present = Vec::new();
    list_files(dir, dir, &mut present)?;
    for rel in &present {
        if !manifest.files.contains_key(rel) {
            problems.push(format!("{rel}: not listed in the manifest (added after the run)"));
        }
    }
    for (rel, want) in &manifest.files {
        match std::fs::read(dir.join(rel)) {
            Ok(bytes) if &audit::sha256_hex(&bytes) == want => {}
            Ok(_) => problems.push(format!("{rel}: SHA-256 differs from the manifest (modified)")),
            Err(_) => problems.push(format!("{rel}: missing")),
        }
    }
    if !problems.is_empty() {
        println!("evidence {}: TAMPERED", dir.display());
        for p in &problems {
            println!("  - {p}");
        }
        return Ok(EXIT_GATE_FAILED);
    }
    if manifest.tool_version != env!("CARGO_PKG_VERSION") {
        println!(
            "note: bundle written by flowforge-audit {}, verifying with {}",
            manifest.tool_version,
            env!("CARGO_PKG_VERSION")
        );
    }

    // Re-evaluate from the bundle alone.
    let read = |f: &BundledFile| -> anyhow::Result<LabelledBytes> {
        let bytes = std::fs::read(dir.join(&f.path)).with_context(|| format!("cannot read {}", f.path))?;
        Ok(LabelledBytes { label: f.label.clone(), bytes })
    };
    let mut policy_files = Vec::new();
    for p in &manifest.policies {
        let text = std::fs::read_to_string(dir.join(&p.path)).with_context(|| format!("cannot read {}", p.path))?;
        policy_files.push((
            p.rel_path.clone(),
            p.label.clone(),
            if p.builtin { Origin::Builtin } else { Origin::Overlay },
            text,
        ));
    }
    let catalog = Catalog::from_exported(policy_files).map_err(|e| anyhow::anyhow!("bundled policy catalog: {e}"))?;
    let inputs = AuditInputs {
        snapshot: LoadedSnapshot::parse(read(&manifest.snapshot)?, false)?,
        baseline: LoadedBaseline::parse(read(&manifest.baseline)?)?,
        catalog,
        waivers: manifest.waivers.as_ref().map(&read).transpose()?,
        expected_from: manifest.expected_from.as_ref().map(&read).transpose()?,
    };
    let o = &manifest.options;
    let audit_args = AuditArgs {
        env: o.environment.clone(),
        baseline: None,
        policies: None,
        format: o.formats.clone(),
        out: PathBuf::new(),
        fail_on: o.fail_on,
        require_complete_audit: o.require_complete_audit,
        expected_from: None,
        fail_on_drift: o.fail_on_drift.clone(),
        waivers: None,
        waiver_warn_days: o.waiver_warn_days,
        quiet: true,
        check_timeout: crate::policy::DEFAULT_CHECK_TIMEOUT,
    };
    let report = audit::audit(&inputs, &audit_args)?;
    let scratch = tempfile_dir()?;
    let mut mismatches = Vec::new();
    let written = audit::write_reports(&report, &o.formats, &scratch)?;
    let count = written.len();
    for p in written {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let fresh = std::fs::read(&p)?;
        let bundled = std::fs::read(dir.join("reports").join(&name)).unwrap_or_default();
        if fresh != bundled {
            mismatches.push(name);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if mismatches.is_empty() {
        println!(
            "evidence {}: VERIFIED ({} files hashed, {count} reports reproduced byte for byte)",
            dir.display(),
            manifest.files.len()
        );
        Ok(EXIT_OK)
    } else {
        println!("evidence {}: NOT REPRODUCED: {}", dir.display(), mismatches.join(", "));
        Ok(EXIT_GATE_FAILED)
    }
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir().join(format!("flowforge-audit-verify-{}", std::process::id()));
    std::fs::create_dir_all(&base).with_context(|| format!("cannot create {}", base.display()))?;
    Ok(base)
}
