//! `evaluate --evidence DIR`, `verify-evidence DIR`, `evidence keygen` and `evidence sign`: everything an
//! auditor needs to reproduce a result, and the check that it does.
//!
//! The bundle's layout and manifest are [`crate::evidence`]. Verification trusts the files,
//! not the manifest's claims: it reads the bundle once without following a link, requires
//! the manifest to list exactly the files present with their SHA-256 (and, with
//! `--verify-key`, a valid signature of the manifest), rebuilds every input from the bundle
//! alone and re-renders every report file present, each of which must come out byte for byte.
//! Reports are rendered in memory: verification writes nothing anywhere.
//! Exit 0 when everything holds, 1 when the bundle was tampered with or does not reproduce,
//! 2 when it cannot be read or was written by another version of the tool.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Parser;

use super::args::{AuditArgs, VerifyArgs};
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::audit::{self, AuditOptions, Inputs, LabelledBytes, LoadedBaseline, LoadedSnapshot};
use crate::evidence::signing::{self, PublicKey, SecretKey};
use crate::evidence::{self as bundle, integrity, put, Manifest, Role, RunOptions, MANIFEST, SIGNATURE};
use crate::model::AuditReport;
use crate::policy::Catalog;

const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes the bundle for one evaluated run, signed when `sign_key` is given; returns the
/// manifest path.
pub fn write_bundle(
    dir: &Path,
    inputs: &Inputs,
    snapshot: &LoadedSnapshot,
    opts: &AuditOptions,
    report: &AuditReport,
    key: Option<&SecretKey>,
) -> anyhow::Result<PathBuf> {
    bundle::start_bundle(dir)?;
    let mut files = BTreeMap::new();
    let snapshot_bytes = snapshot
        .bytes
        .as_deref()
        .with_context(|| format!("internal: the bytes of snapshot {} were not kept for the bundle", snapshot.label))?;
    bundle::put(dir, bundle::SNAPSHOT, snapshot_bytes, &mut files)?;
    bundle::put(dir, bundle::BASELINE, &inputs.baseline.source.bytes, &mut files)?;
    // Reports name the waiver file and the Terraform state by their file names: the bundle
    // keeps the names.
    let name = |f: &LabelledBytes, default: &'static str| {
        Path::new(&f.label).file_name().and_then(|n| n.to_str()).unwrap_or(default).to_owned()
    };
    if let Some(w) = &inputs.waivers {
        bundle::put(dir, &format!("{}{}", bundle::WAIVERS_DIR, name(w, "waivers.yaml")), &w.bytes, &mut files)?;
    }
    if let Some(t) = &inputs.expected_from {
        bundle::put(dir, &format!("{}{}", bundle::EXPECTED_DIR, name(t, "expected.tfstate")), &t.bytes, &mut files)?;
    }
    if let Some(iac) = &inputs.iac {
        for (rel, bytes) in &iac.files {
            put(dir, &format!("{}{rel}", bundle::IAC_DIR), bytes, &mut files)?;
        }
    }
    for f in inputs.catalog.files() {
        bundle::put(dir, &bundle::policy_path(f.origin, &f.rel_path), f.text.as_bytes(), &mut files)?;
    }
    for &format in &opts.formats {
        let bytes = format.renderer().render(report).map_err(|e| anyhow::anyhow!("{format} report: {e}"))?;
        bundle::put(dir, &bundle::report_path(format), &bytes, &mut files)?;
    }
    // The auditors' deliverable is evidence too: each compliance CSV, verified like a report.
    for framework in &opts.compliance {
        let bytes = crate::report::csv::compliance_bytes(report, framework)
            .map_err(|e| anyhow::anyhow!("compliance CSV of {framework}: {e}"))?;
        if let Some(bytes) = bytes {
            put(dir, &bundle::compliance_path(framework), &bytes, &mut files)?;
        }
    }
    let manifest = Manifest {
        bundle_version: bundle::BUNDLE_VERSION,
        tool_version: TOOL_VERSION.to_owned(),
        options: RunOptions {
            environment: opts.env.clone(),
            fail_on: opts.fail_on,
            require_complete_audit: opts.require_complete_audit,
            fail_on_drift: opts.fail_on_drift.as_ref().map(|v| v.iter().map(|s| s.as_str().to_owned()).collect()),
            waiver_warn_days: opts.waiver_warn_days,
            help_uri_base: opts.help_uri_base.clone(),
            checks: opts.selection.checks.clone(),
            excluded_checks: opts.selection.excluded_checks.clone(),
            services: opts.selection.services.clone(),
            severity: opts.selection.severity.clone(),
            baseline: (inputs.baseline.source.label != crate::baseline::BUILTIN_BASELINE_NAME)
                .then(|| inputs.baseline.source.label.clone()),
            iac_dir: inputs.iac.as_ref().map(|i| i.dir.clone()),
        },
        files,
        period: None,
    };
    Ok(bundle::finish(dir, &manifest, key)?)
}

/// `evidence keygen --out PREFIX`.
pub fn keygen(prefix: &Path) -> anyhow::Result<u8> {
    let (secret, public, key) = signing::write_key_pair(prefix)?;
    outln!("secret key: {} (mode 0600: whoever holds it can sign bundles as you)", secret.display());
    outln!("public key: {} (give it to whoever verifies: verify-evidence DIR --verify-key FILE)", public.display());
    out!("{}", key.to_file_text());
    Ok(EXIT_OK)
}

/// `evidence sign --sign-key KEY FILE...`: `FILE.minisig` beside each file, with the file's
/// name in the trusted comment. Each file is read through `fsio` (regular files, bounded).
pub fn sign_files(key: &Path, files: &[PathBuf]) -> anyhow::Result<u8> {
    let key = SecretKey::read(key)?;
    for file in files {
        let bytes = crate::fsio::read(file).map_err(super::io_failure("cannot read", file))?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = key.sign_with_comment(&bytes, &format!("file:{name} flowforge-audit {TOOL_VERSION}"));
        let mut sig = file.as_os_str().to_owned();
        sig.push(".minisig");
        let sig = PathBuf::from(sig);
        bundle::create_new(&sig, text.as_bytes(), 0o644).map_err(super::io_failure("cannot write", &sig))?;
        outln!(
            "signed: {} (key {})",
            crate::report::text::terminal(&sig.display().to_string()),
            key.public().key_id_hex()
        );
    }
    Ok(EXIT_OK)
}

/// The audit options of the original run, parsed as the command line would be, so that an
/// option added later takes its default here too.
#[derive(Parser)]
#[command(no_binary_name = true)]
struct Rerun {
    #[command(flatten)]
    audit: AuditArgs,
}

fn rerun_args(o: &RunOptions) -> anyhow::Result<AuditArgs> {
    let mut argv = vec![format!("--env={}", o.environment), "--quiet".to_owned()];
    if let Some(s) = o.fail_on {
        argv.push(format!("--fail-on={s}"));
    }
    if let Some(b) = o.require_complete_audit {
        argv.push(format!("--require-complete-audit={b}"));
    }
    if let Some(states) = &o.fail_on_drift {
        let list = if states.is_empty() { "none".to_owned() } else { states.join(",") };
        argv.push(format!("--fail-on-drift={list}"));
    }
    argv.push(format!("--waiver-warn-days={}", o.waiver_warn_days));
    if let Some(base) = &o.help_uri_base {
        argv.push(format!("--help-uri-base={base}"));
    }
    for (option, values) in [
        ("checks", o.checks.clone()),
        ("excluded-checks", o.excluded_checks.clone()),
        ("services", o.services.clone()),
        ("severity", o.severity.iter().map(|s| s.as_str().to_owned()).collect()),
    ] {
        if !values.is_empty() {
            argv.push(format!("--{option}={}", values.join(",")));
        }
    }
    let parsed = Rerun::try_parse_from(&argv).with_context(|| format!("{MANIFEST}: options"))?;
    Ok(parsed.audit)
}

pub(super) fn tampered(dir: &Path, problems: &[String]) -> u8 {
    outln!("evidence {}: TAMPERED", dir.display());
    for p in problems {
        outln!("  - {p}");
    }
    EXIT_GATE_FAILED
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let key = args.verify_key.as_deref().map(PublicKey::read).transpose()?;
    let mut tree = bundle::read_tree(dir)?;
    let mut problems = std::mem::take(&mut tree.refused);
    let Some(manifest_bytes) = tree.files.remove(MANIFEST) else {
        if !problems.is_empty() {
            return Ok(tampered(dir, &problems));
        }
        bail!("{}: no {MANIFEST}: not an evidence bundle (`evaluate --evidence DIR` writes one)", dir.display());
    };
    let signature = tree.files.remove(SIGNATURE);
    let (manifest, manifest_problems) = Manifest::parse(&manifest_bytes)?;
    problems.extend(manifest_problems.iter().map(ToString::to_string));
    let signature = integrity::check_signature(&manifest_bytes, signature.as_deref(), key.as_slice());
    problems.extend(integrity::signature_problem(&signature, key.is_some()));
    if matches!(signature, integrity::SignatureCheck::Unchecked { .. }) {
        outln!("note: {SIGNATURE} not checked: pass --verify-key FILE to check who signed it");
    }
    if manifest.period.is_some() {
        return super::attest::verify_period(dir, tree, &manifest, &signature, problems, args.bundles.as_deref());
    }
    problems.extend(integrity::check_files(&tree, &manifest, |rel| bundle::role(rel).is_some()));
    problems.extend(integrity::audit_layout_problems(&tree));
    if !problems.is_empty() {
        return Ok(tampered(dir, &problems));
    }
    if manifest.tool_version != TOOL_VERSION {
        bail!(
            "{}: written by flowforge-audit {}; its reports are reproducible only by that version (this is {TOOL_VERSION})",
            dir.join(MANIFEST).display(),
            manifest.tool_version
        );
    }

    // Re-evaluate from the bytes read above, and nothing else.
    let mut snapshot = None;
    let mut baseline = None;
    let mut waivers = None;
    let mut expected_from = None;
    let mut iac = crate::iac::IacSources {
        dir: manifest.options.iac_dir.clone().unwrap_or_else(|| ".".to_owned()),
        files: BTreeMap::new(),
    };
    let mut policies = Vec::new();
    let mut reports = Vec::new();
    let mut compliance = Vec::new();
    for (rel, bytes) in std::mem::take(&mut tree.files) {
        let labelled = |bytes| LabelledBytes { label: rel.clone(), bytes };
        match bundle::role(&rel) {
            Some(Role::Snapshot) => snapshot = Some(labelled(bytes)),
            Some(Role::Baseline) => baseline = Some(labelled(bytes)),
            Some(Role::Waivers(_)) => waivers = Some(labelled(bytes)),
            Some(Role::Expected(_)) => expected_from = Some(labelled(bytes)),
            Some(Role::Iac(path)) => {
                iac.files.insert(path, bytes);
            }
            Some(Role::Policy { origin, rel_path }) => {
                let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{rel}: not UTF-8"))?;
                policies.push((origin, rel_path, text, rel.clone()));
            }
            Some(Role::Report(format)) => reports.push((format, rel.clone(), bytes)),
            Some(Role::Compliance(framework)) => compliance.push((framework, rel.clone(), bytes)),
            None => {}
        }
    }
    let (Some(snapshot), Some(baseline)) = (snapshot, baseline) else {
        bail!("internal: the bundle's snapshot or baseline went missing after it was checked");
    };
    let catalog = Catalog::from_exported(policies).map_err(|e| anyhow::anyhow!("bundled policy catalog: {e}"))?;
    // The baseline keeps the name it was given (SARIF drift results point at it).
    let baseline = LabelledBytes {
        label: manifest.options.baseline.clone().unwrap_or_else(|| crate::baseline::BUILTIN_BASELINE_NAME.to_owned()),
        bytes: baseline.bytes,
    };
    let inputs = Inputs {
        baseline: LoadedBaseline::parse(baseline)?,
        iac: (!iac.files.is_empty()).then_some(iac),
        catalog,
        waivers,
        expected_from,
        source: None,
        compiled: None,
    };
    let mut snapshot = LoadedSnapshot::parse(snapshot, false)?;
    let opts = rerun_args(&manifest.options)?.options()?;
    let report = audit::run(&inputs, &mut snapshot, &opts)?.report;
    let mut mismatches = Vec::new();
    for (format, rel, bundled) in &reports {
        let fresh = format.renderer().render(&report).map_err(|e| anyhow::anyhow!("{format} report: {e}"))?;
        if &fresh != bundled {
            mismatches.push(rel.clone());
        }
    }
    for (framework, rel, bundled) in &compliance {
        let fresh = crate::report::csv::compliance_bytes(&report, framework)
            .map_err(|e| anyhow::anyhow!("compliance CSV of {framework}: {e}"))?;
        if fresh.as_ref() != Some(bundled) {
            mismatches.push(rel.clone());
        }
    }
    if mismatches.is_empty() {
        let signature = match &signature {
            integrity::SignatureCheck::Verified { key_id } => format!(", manifest signed by key {key_id}"),
            _ => String::new(),
        };
        outln!(
            "evidence {}: VERIFIED ({} files hashed, {} reports reproduced byte for byte{signature})",
            dir.display(),
            manifest.files.len(),
            reports.len() + compliance.len()
        );
        Ok(EXIT_OK)
    } else {
        outln!("evidence {}: NOT REPRODUCED: {}", dir.display(), mismatches.join(", "));
        Ok(EXIT_GATE_FAILED)
    }
}
