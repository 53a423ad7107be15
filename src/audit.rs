//! The audit pipeline as a library API: options in, report out.
//!
//! `evaluate`, `scan`, `gate` and `verify-evidence` (and a future organisation-wide scan) all
//! run the same steps: load the inputs ([`Inputs::load`]), take a snapshot (read from a file
//! with [`LoadedSnapshot::load`] or handed over by a collection with
//! [`LoadedSnapshot::collected`]), [`run`] the policies, drift, waivers, promotion parity and
//! the gate on it, and [`write_reports`]. The CLI parses arguments into [`AuditOptions`] and
//! maps the outcome to an exit code; nothing here knows about clap or prints.
//!
//! Inputs are loaded before the snapshot exists so that a typo in `--baseline` does not cost a
//! full collection. Every input keeps its bytes and the label it is named by, so an evidence
//! bundle can store exactly what was evaluated.

use std::path::{Path, PathBuf};

use crate::baseline::{Baseline, EnvView};
use crate::drift::{self, TfState};
use crate::evaluate;
use crate::gate::{self, parity, GatePolicy};
use crate::model::{
    sha256_hex, AuditReport, DriftReport, DriftState, Provenance, Severity, Snapshot, WaiverState,
    REPORT_SCHEMA_VERSION,
};
use crate::policy::{Catalog, CompiledCatalog, Limits, RegoInput};
use crate::report::{self, Format};

/// Why an audit could not be run: an input that cannot be read or is invalid, or the engine
/// could not start. (A broken check is not an error: it is ERROR data in the report.)
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot read the {what} {path}: {}", crate::fsio::Cause(error))]
    Read { what: &'static str, path: String, error: std::io::Error },
    /// An input that was read but is not valid; the message names the file and position.
    #[error("{what} {label}: {message}")]
    Invalid { what: &'static str, label: String, message: String },
    /// An input problem whose message names the file and position itself (the diagnostics
    /// of `crate::diag`), or options that do not fit the inputs (an unknown environment, no
    /// source environment for parity, ...).
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Evaluate(#[from] evaluate::EvalError),
    /// A report could not be rendered or written; the message names the file once.
    #[error("{}", report_failure(dir, error))]
    Report { dir: String, error: report::ReportError },
}

/// A report error names its file when the file could not be written; otherwise the output
/// directory is said first.
fn report_failure(dir: &str, error: &report::ReportError) -> String {
    match error {
        report::ReportError::Io { .. } => error.to_string(),
        _ => format!("writing reports to {dir}: {error}"),
    }
}

fn invalid(what: &'static str, label: &str, e: impl std::fmt::Display) -> AuditError {
    AuditError::Invalid { what, label: label.to_owned(), message: e.to_string() }
}

/// Everything that shapes one audit, whatever command runs it.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The environment of the baseline the account is judged against.
    pub env: String,
    /// The baseline file; `None` for the built-in one.
    pub baseline: Option<PathBuf>,
    /// A directory of extra checks overlaid on the built-in catalog.
    pub policies: Option<PathBuf>,
    pub waivers: Option<PathBuf>,
    /// A Terraform state to compare the account with.
    pub expected_from: Option<PathBuf>,
    /// The root module's `.tf` files (`--iac-dir`), for SARIF locations; `None` looks in the
    /// Terraform state's directory.
    pub iac_dir: Option<PathBuf>,
    /// Gate overrides; `None` takes the environment's defaults from the baseline.
    pub fail_on: Option<Severity>,
    pub require_complete_audit: Option<bool>,
    /// Drift states that block; `Some(vec![])` blocks on none.
    pub fail_on_drift: Option<Vec<DriftState>>,
    /// Waivers expiring within this many days of the snapshot date are reported.
    pub waiver_warn_days: i64,
    /// Bounds on each check's evaluation (`--check-timeout`): a check over them is ERROR.
    pub limits: Limits,
    /// Promotion parity against a source environment's snapshot (`gate --from-snapshot`).
    pub promotion: Option<PromotionSource>,
    /// Report formats and where they are written.
    pub formats: Vec<Format>,
    pub out: PathBuf,
    /// Frameworks whose compliance CSV is written into `out` (`--compliance`).
    pub compliance: Vec<String>,
    /// `--history DIR`: where each run's summary is appended.
    pub history: Option<PathBuf>,
    /// `--help-uri-base URL`: where the SARIF rules' `helpUri`s point (recorded in the
    /// report's provenance); `None` for the package's repository at the version tag.
    pub help_uri_base: Option<String>,
    /// What the IAM evaluation applies besides the account's own policies: the account's SCPs
    /// in an organisation scan (none otherwise, and the report says so).
    pub iam: crate::iam_eval::Context,
    /// Which checks run (`--checks`, `--excluded-checks`, `--services`, `--severity`);
    /// empty for the whole catalog.
    pub selection: crate::policy::Selection,
}

impl AuditOptions {
    /// Options for `env` with every default: built-in baseline and catalog, the environment's
    /// gate, JSON, CSV and Markdown into `reports/`.
    pub fn new(env: impl Into<String>) -> AuditOptions {
        AuditOptions {
            env: env.into(),
            baseline: None,
            policies: None,
            waivers: None,
            expected_from: None,
            iac_dir: None,
            fail_on: None,
            require_complete_audit: None,
            fail_on_drift: None,
            waiver_warn_days: 14,
            limits: Limits::default(),
            promotion: None,
            formats: vec![Format::Json, Format::Csv, Format::Markdown],
            out: PathBuf::from("reports"),
            compliance: Vec::new(),
            history: None,
            help_uri_base: None,
            iam: crate::iam_eval::Context::default(),
            selection: crate::policy::Selection::default(),
        }
    }
}

/// Where a promotion comes from.
#[derive(Debug, Clone)]
pub struct PromotionSource {
    /// The source environment's snapshot file.
    pub snapshot: PathBuf,
    /// The source environment; `None` for the one before the target in the baseline's
    /// `promotion_order`.
    pub env: Option<String>,
    /// Judge snapshots whose own environment tags name another environment anyway.
    pub allow_env_mismatch: bool,
}

/// A file's bytes and the label it is named by in messages and reports (its path as given,
/// or `builtin:...`). Evidence bundles store both, so a re-evaluation names things alike.
#[derive(Debug, Clone)]
pub struct LabelledBytes {
    pub label: String,
    pub bytes: Vec<u8>,
}

impl LabelledBytes {
    pub fn read(path: &Path, what: &'static str) -> Result<LabelledBytes, AuditError> {
        let bytes = crate::fsio::read(path).map_err(|source| AuditError::Read {
            what,
            path: path.display().to_string(),
            error: source,
        })?;
        Ok(LabelledBytes { label: path.display().to_string(), bytes })
    }

    pub fn text(&self, what: &'static str) -> Result<&str, AuditError> {
        std::str::from_utf8(&self.bytes).map_err(|e| invalid(what, &self.label, format!("not UTF-8 ({e})")))
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// A snapshot ready for evaluation: the model, its label and hash, its bytes when an evidence
/// bundle will need them, and its Rego input until the evaluation takes it (so that it is
/// freed before the reports are built).
pub struct LoadedSnapshot {
    pub snapshot: Snapshot,
    pub label: String,
    /// SHA-256 of the snapshot file (for a collected snapshot: of the bytes the tool writes
    /// for it, whether or not they are saved).
    pub sha256: String,
    pub bytes: Option<Vec<u8>>,
    rego_input: Option<RegoInput>,
}

impl LoadedSnapshot {
    /// Parses a snapshot file's bytes; `keep_bytes` keeps them (for an evidence bundle).
    pub fn parse(source: LabelledBytes, keep_bytes: bool) -> Result<LoadedSnapshot, AuditError> {
        // Every problem names the file (`label:line:col: error[S...]`).
        let parsed = evaluate::parse_snapshot(source.text("snapshot")?, &source.label)
            .map_err(|e| AuditError::Input(e.to_string()))?;
        Ok(LoadedSnapshot {
            snapshot: parsed.snapshot,
            label: source.label,
            sha256: parsed.sha256,
            bytes: keep_bytes.then_some(source.bytes),
            rego_input: Some(parsed.rego_input),
        })
    }

    /// Reads and parses a snapshot file.
    pub fn load(path: &Path, keep_bytes: bool) -> Result<LoadedSnapshot, AuditError> {
        LoadedSnapshot::load_as(path, "snapshot", keep_bytes)
    }

    /// [`LoadedSnapshot::load`], naming the file as `what` when it cannot be read (`source
    /// snapshot (--from-snapshot)`).
    pub fn load_as(path: &Path, what: &'static str, keep_bytes: bool) -> Result<LoadedSnapshot, AuditError> {
        let started = std::time::Instant::now();
        let loaded = LoadedSnapshot::parse(LabelledBytes::read(path, what)?, keep_bytes)?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            rss_mib = evaluate::rss_mib(),
            "snapshot read"
        );
        Ok(loaded)
    }

    /// A snapshot a collection just produced, handed over without a round trip through text.
    /// `sha256` is the hash of the bytes the tool writes for it ([`write_snapshot`]), so
    /// `evaluate` on a saved copy reproduces the reports byte for byte.
    pub fn collected(snapshot: Snapshot, label: String, sha256: String) -> Result<LoadedSnapshot, AuditError> {
        let rego_input = evaluate::rego_input(&snapshot)?;
        Ok(LoadedSnapshot { snapshot, label, sha256, bytes: None, rego_input: Some(rego_input) })
    }
}

/// Serialises a snapshot the one way the tool writes it (pretty JSON, trailing newline) into
/// `out`, hashing the bytes as they are written; returns their SHA-256.
pub fn write_snapshot(snapshot: &Snapshot, out: &mut dyn std::io::Write) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    struct Hashing<'a> {
        out: &'a mut dyn std::io::Write,
        hash: Sha256,
    }
    impl std::io::Write for Hashing<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.out.write(buf)?;
            self.hash.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.out.flush()
        }
    }
    let mut w = Hashing { out, hash: Sha256::new() };
    serde_json::to_writer_pretty(&mut w, snapshot).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut w, b"\n")?;
    Ok(crate::model::hex(&w.hash.finalize()))
}

/// The baseline and the bytes it was parsed from.
pub struct LoadedBaseline {
    pub baseline: Baseline,
    pub source: LabelledBytes,
}

impl LoadedBaseline {
    pub fn parse(source: LabelledBytes) -> Result<LoadedBaseline, AuditError> {
        // The baseline's own errors already name the file and the position.
        let baseline = Baseline::from_str_named(source.text("baseline")?, &source.label)
            .map_err(|e| AuditError::Input(e.to_string()))?;
        Ok(LoadedBaseline { baseline, source })
    }

    /// The file, or the built-in baseline.
    pub fn load(path: Option<&Path>) -> Result<LoadedBaseline, AuditError> {
        let source = match path {
            Some(p) => LabelledBytes::read(p, "baseline")?,
            None => LabelledBytes {
                label: crate::baseline::BUILTIN_BASELINE_NAME.to_owned(),
                bytes: crate::baseline::BUILTIN_BASELINE.as_bytes().to_vec(),
            },
        };
        LoadedBaseline::parse(source)
    }
}

/// The built-in catalog, with the checks of `dir` overlaid when given.
pub fn load_catalog(dir: Option<&Path>) -> Result<Catalog, AuditError> {
    match dir {
        None => Catalog::builtin().map_err(|e| AuditError::Input(format!("built-in policy catalog: {e}"))),
        Some(d) if !d.is_dir() => {
            let why = if d.exists() {
                "not a directory; give the directory that holds your checks (<service>/<check>.rego)"
            } else {
                "no such directory; check the path (a relative path starts from the current directory)"
            };
            Err(AuditError::Input(format!("--policies {}: {why}", d.display())))
        }
        Some(d) => Catalog::with_overlay(d).map_err(|e| AuditError::Input(e.to_string())),
    }
}

/// The `.tf` files for SARIF locations: `--iac-dir` (which must be a directory), else the
/// Terraform state's directory when it holds any; `None` without a Terraform state or files.
pub fn load_iac(opts: &AuditOptions) -> Result<Option<crate::iac::IacSources>, AuditError> {
    let (dir, explicit) = match (&opts.iac_dir, &opts.expected_from) {
        (Some(dir), _) => (dir.clone(), true),
        (None, Some(state)) => match state.parent() {
            Some(p) if !p.as_os_str().is_empty() => (p.to_path_buf(), false),
            _ => (PathBuf::from("."), false),
        },
        (None, None) => return Ok(None),
    };
    if !explicit && !dir.is_dir() {
        return Ok(None);
    }
    let sources =
        crate::iac::IacSources::load(&dir, &dir.display().to_string()).map_err(|e| AuditError::Input(e.to_string()))?;
    Ok((!sources.files.is_empty()).then_some(sources))
}

/// Where the user's own files declare what the results are about: the baseline file as given
/// (not the built-in one), and the Terraform block of each managed resource and of each
/// Terraform address a drift item names.
fn source_locations(
    inputs: &Inputs,
    tf: Option<&TfState>,
    snap: &Snapshot,
    drift: &DriftReport,
) -> crate::model::SourceLocations {
    let label = &inputs.baseline.source.label;
    let baseline = (label != crate::baseline::BUILTIN_BASELINE_NAME).then(|| label.clone());
    let mut terraform = Vec::new();
    if let (Some(tf), Some(iac)) = (tf, &inputs.iac) {
        let managed = drift::tfstate::managed_addresses(tf, snap);
        let arn_of: std::collections::BTreeMap<&str, &str> =
            managed.iter().map(|(arn, address)| (address.as_str(), arn.as_str())).collect();
        let mut wanted: std::collections::BTreeSet<&str> = arn_of.keys().copied().collect();
        wanted.extend(drift.items.iter().filter(|i| i.kind == "iac").map(|i| i.element.as_str()));
        for (address, block) in iac.locate(wanted) {
            let arn = arn_of.get(address.as_str()).map(|a| (*a).to_owned());
            terraform.push(crate::model::TerraformBlock { address, arn, file: block.file, line: block.line });
        }
    }
    crate::model::SourceLocations { baseline, terraform }
}

/// The source side of a promotion, loaded.
pub struct LoadedSource {
    pub env: String,
    pub snapshot: LoadedSnapshot,
}

/// Everything an audit needs besides the snapshot, loaded and checked.
pub struct Inputs {
    pub baseline: LoadedBaseline,
    pub catalog: Catalog,
    pub waivers: Option<LabelledBytes>,
    pub expected_from: Option<LabelledBytes>,
    /// The `.tf` files of the Terraform configuration (`--iac-dir`, or the state's directory),
    /// when there are any: where SARIF points findings on managed resources.
    pub iac: Option<crate::iac::IacSources>,
    /// The promotion source, when parity is checked.
    pub source: Option<LoadedSource>,
    /// The catalog parsed once for many audits (an organisation scan's accounts); `None`
    /// parses it in each audit.
    pub compiled: Option<CompiledCatalog>,
}

impl Inputs {
    /// Loads every input the options name. The source environment of a promotion is resolved
    /// here, so a missing one is an error before any evaluation.
    pub fn load(opts: &AuditOptions) -> Result<Inputs, AuditError> {
        Inputs::load_with(opts, true)
    }

    /// [`Inputs::load`] for audits whose environment is decided per account afterwards (an
    /// organisation scan): `opts.env` is not checked (each account's is, by [`run`]).
    pub fn load_for_accounts(opts: &AuditOptions) -> Result<Inputs, AuditError> {
        let mut inputs = Inputs::load_with(opts, false)?;
        inputs.compiled = Some(CompiledCatalog::parse(&inputs.catalog, opts.limits));
        Ok(inputs)
    }

    fn load_with(opts: &AuditOptions, check_env: bool) -> Result<Inputs, AuditError> {
        let baseline = LoadedBaseline::load(opts.baseline.as_deref())?;
        let known =
            |env: &str| baseline.baseline.environment(env).map(drop).map_err(|e| AuditError::Input(e.to_string()));
        if check_env {
            known(&opts.env)?;
        }
        let source = match &opts.promotion {
            None => None,
            Some(p) => {
                let env = match &p.env {
                    Some(e) => e.clone(),
                    None => baseline.baseline.previous_environment(&opts.env).map(str::to_owned).ok_or_else(|| {
                        AuditError::Input(format!(
                            "--from-snapshot: {:?} has no environment before it in the baseline's promotion order ({}); give --from-env",
                            opts.env,
                            baseline.baseline.promotion_order.join(" → ")
                        ))
                    })?,
                };
                known(&env)?;
                let snapshot = LoadedSnapshot::load_as(&p.snapshot, "source snapshot (--from-snapshot)", false)?;
                Some(LoadedSource { env, snapshot })
            }
        };
        let catalog = load_catalog(opts.policies.as_deref())?;
        // A typo in the selection is found before any collection or evaluation.
        opts.selection.apply(&catalog).map_err(|e| AuditError::Input(e.to_string()))?;
        let iac = load_iac(opts)?;
        Ok(Inputs {
            iac,
            catalog,
            waivers: opts.waivers.as_deref().map(|p| LabelledBytes::read(p, "waiver file")).transpose()?,
            expected_from: opts
                .expected_from
                .as_deref()
                .map(|p| LabelledBytes::read(p, "Terraform state"))
                .transpose()?,
            baseline,
            source,
            compiled: None,
        })
    }
}

/// An audit's result: the report (nothing written yet) and what the caller should tell the
/// user besides (waivers needing attention, environment hints). Strings from the account are
/// raw here: the caller escapes them for its output.
pub struct Audit {
    pub report: AuditReport,
    pub warnings: Vec<String>,
}

/// The gate thresholds: the environment's defaults from the baseline, then the overrides.
pub fn gate_policy(view: &EnvView, opts: &AuditOptions) -> GatePolicy {
    GatePolicy {
        fail_on: opts.fail_on.unwrap_or(view.gate.fail_on),
        require_complete_audit: opts.require_complete_audit.unwrap_or(view.gate.require_complete_audit),
        fail_on_drift: opts.fail_on_drift.clone().unwrap_or_else(|| view.gate.fail_on_drift.clone()),
    }
}

/// Which snapshot of a run an environment check is about: errors name the option it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `--snapshot` (or the collected account), judged as `--env`.
    Target,
    /// `gate --from-snapshot`, judged as the source environment.
    Source,
}

/// Holds a snapshot's own environment tags against the environment it is judged as. A
/// promotion refuses a contradiction (unless allowed), naming the snapshot by the option that
/// gave it and saying what to change; other audits warn.
fn check_environment(
    snapshot: &LoadedSnapshot,
    side: Side,
    judged_as: &str,
    baseline: &Baseline,
    refuse: bool,
    warnings: &mut Vec<String>,
) -> Result<(), AuditError> {
    let tag = &baseline.recognise.environment_tag;
    let Some(hint) = parity::environment_hint(&snapshot.snapshot, tag) else { return Ok(()) };
    if hint == judged_as {
        return Ok(());
    }
    let (which, fix) = match side {
        Side::Target => ("snapshot", format!("give --env {hint}, or the {judged_as} snapshot")),
        Side::Source => (
            "source snapshot (--from-snapshot)",
            format!("give the {judged_as} snapshot to --from-snapshot, or name its environment with --from-env {hint}"),
        ),
    };
    let message =
        format!("{which} {} is judged as {judged_as}, but its resources' {tag} tags say {hint}", snapshot.label);
    if refuse {
        Err(AuditError::Input(format!("{message}; {fix}, or pass --allow-env-mismatch")))
    } else {
        warnings.push(message);
        Ok(())
    }
}

/// Runs the policies, drift, waivers, parity and the gate on `snapshot`, and assembles the
/// report. The snapshot's Rego input is consumed.
pub fn run(inputs: &Inputs, snapshot: &mut LoadedSnapshot, opts: &AuditOptions) -> Result<Audit, AuditError> {
    let mut warnings = Vec::new();
    let baseline = &inputs.baseline.baseline;
    let refuse_mismatch = opts.promotion.as_ref().is_some_and(|p| !p.allow_env_mismatch);
    check_environment(snapshot, Side::Target, &opts.env, baseline, refuse_mismatch, &mut warnings)?;
    let snap = &snapshot.snapshot;
    let view = baseline
        .env_view(&opts.env, &snap.account_id, &snap.partition)
        .map_err(|e| AuditError::Input(e.to_string()))?;

    let (catalog, not_run) = opts.selection.apply(&inputs.catalog).map_err(|e| AuditError::Input(e.to_string()))?;
    let prepared = snapshot.rego_input.take();
    let setup = evaluate::Setup { limits: opts.limits, iam: &opts.iam, compiled: inputs.compiled.as_ref() };
    let mut eval = evaluate::evaluate_in(snap, prepared.as_ref(), &catalog, view.to_json(), &setup)?;
    // SCPs come from the organisation scan (`opts.iam`); without them the report says so, and
    // the user is warned only when a finding could be wrong for it.
    if let Some(note) = opts.iam.scp_note() {
        warnings.extend(scp_warning(note, &eval.results));
    }
    // Freeing the engine's copy of a large snapshot takes a tenth of a second: do it off the
    // critical path.
    std::thread::spawn(move || drop(prepared));

    let mut reasons = Vec::new();
    let mut waiver_notes = Vec::new();
    let mut drift_waivers = None;
    if let Some(file) = &inputs.waivers {
        let started = std::time::Instant::now();
        let waivers = gate::waivers::parse(&file.label, file.text("waiver file")?)
            .map_err(|e| AuditError::Input(e.to_string()))?;
        let read_ms = started.elapsed().as_millis() as u64;
        let today = gate::waivers::as_of(&snap.collected_at).ok_or_else(|| {
            invalid(
                "snapshot",
                &snapshot.label,
                format!("collected_at {:?} is not an RFC 3339 date; waivers cannot be judged", snap.collected_at),
            )
        })?;
        // Resources' tags by ARN, for tag selectors only (the map costs a pass over the snapshot).
        let tags: std::collections::HashMap<&str, &std::collections::BTreeMap<String, String>> =
            if waivers.iter().any(|w| !w.tags.is_empty()) {
                snap.resource_metas().into_iter().map(|(_, m)| (m.arn.as_str(), &m.tags)).collect()
            } else {
                std::collections::HashMap::new()
            };
        waiver_notes =
            gate::waivers::apply(&waivers, &opts.env, today, opts.waiver_warn_days, &mut eval.results, &|arn| {
                tags.get(arn).copied()
            });
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            read_ms,
            waivers = waivers.len(),
            "waivers read and applied"
        );
        drift_waivers = Some((waivers, today));
    }
    let tf = match &inputs.expected_from {
        Some(f) => {
            Some(TfState::parse(f.text("Terraform state")?, &f.label).map_err(|e| AuditError::Input(e.to_string()))?)
        }
        None => None,
    };
    let started = std::time::Instant::now();
    let mut drift = drift::compute_with(snap, &view, tf.as_ref(), &opts.iam);
    if let Some((waivers, today)) = &drift_waivers {
        waiver_notes.extend(gate::waivers::apply_drift(
            waivers,
            &opts.env,
            *today,
            opts.waiver_warn_days,
            &mut drift.items,
        ));
    }
    for n in &waiver_notes {
        let text = format!("waiver {} ({} {}): {}", n.location, n.check_id, n.selector, n.message);
        match n.state {
            WaiverState::Expired => reasons.push(format!("expired {text}")),
            WaiverState::Expiring | WaiverState::Stale => warnings.push(text),
            WaiverState::Applied => {}
        }
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        items = drift.items.len(),
        rss_mib = evaluate::rss_mib(),
        "drift computed"
    );
    if let Some(source) = &inputs.source {
        reasons.extend(parity_breaks(source, baseline, opts, &drift, &mut warnings)?);
    }
    let policy = gate_policy(&view, opts);
    reasons.extend(gate::partial_audit(&policy, &not_run, &view.gate.excluded_checks));
    let decision = gate::decide(&policy, &eval.results, Some(&drift), reasons);
    let sources = source_locations(inputs, tf.as_ref(), snap, &drift);
    let mut summary = evaluate::summarize(&eval);
    let frameworks = crate::compliance::builtin().map_err(|e| AuditError::Input(e.to_string()))?;
    let compliance = crate::compliance::assess(&frameworks, &eval.checks, &eval.results);
    crate::compliance::enrich_summary(&mut summary, &eval.results, &compliance, Some(&drift));
    Ok(Audit {
        report: AuditReport {
            report_schema_version: REPORT_SCHEMA_VERSION,
            environment: opts.env.clone(),
            account_id: snap.account_id.clone(),
            partition: snap.partition.clone(),
            regions: snap.regions.clone(),
            collected_at: snap.collected_at.clone(),
            provenance: Provenance {
                tool_version: env!("CARGO_PKG_VERSION").to_owned(),
                snapshot_sha256: snapshot.sha256.clone(),
                baseline_sha256: inputs.baseline.source.sha256(),
                catalog_sha256: inputs.catalog.sha256(),
                catalog_checks: inputs.catalog.checks().len(),
                help_uri_base: opts.help_uri_base.clone(),
                selection: opts.selection.record(not_run),
                overlay: inputs.catalog.overlay_summary(),
            },
            summary,
            gate: decision,
            checks: eval.checks,
            results: eval.results,
            collection_errors: snap.collection_errors.clone(),
            waivers: waiver_notes,
            drift: Some(drift),
            compliance,
            history: Vec::new(),
            sources,
        },
        warnings,
    })
}

/// The warning of a run without SCPs, when it applies: some FAIL result judged effective
/// permissions with the note that SCPs were not applied (its evidence says so), and an SCP
/// could deny what it reports as granted. A run where no such finding fails says nothing.
fn scp_warning(note: &str, results: &[crate::model::CheckResult]) -> Option<String> {
    let mut checks: Vec<&str> = results
        .iter()
        .filter(|r| r.status == crate::model::Status::Fail)
        .filter(|r| r.evidence.iter().any(|e| e.get("scps").and_then(serde_json::Value::as_str) == Some(note)))
        .map(|r| r.check_id.as_str())
        .collect();
    let failed = checks.len();
    checks.dedup();
    (failed > 0).then(|| {
        format!(
            "{failed} FAIL result(s) of {} judge effective permissions without service control policies (a single-account run): an SCP may deny what they report as granted; `scan --org` applies the SCPs",
            checks.join(", ")
        )
    })
}

/// The source environment's drift (against its own baseline view) compared with the
/// target's.
fn parity_breaks(
    source: &LoadedSource,
    baseline: &Baseline,
    opts: &AuditOptions,
    target: &DriftReport,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, AuditError> {
    let allow = opts.promotion.as_ref().is_some_and(|p| p.allow_env_mismatch);
    check_environment(&source.snapshot, Side::Source, &source.env, baseline, !allow, warnings)?;
    let s = &source.snapshot.snapshot;
    let view =
        baseline.env_view(&source.env, &s.account_id, &s.partition).map_err(|e| AuditError::Input(e.to_string()))?;
    let source_drift = drift::compute(s, &view, None);
    Ok(parity::breaks(&source.env, &source_drift, &opts.env, target))
}

/// Writes the report in every format of `formats` into `out`; returns the paths written.
pub fn write_reports(report: &AuditReport, formats: &[Format], out: &Path) -> Result<Vec<PathBuf>, AuditError> {
    let started = std::time::Instant::now();
    let paths = report::render_all(report, formats, out)
        .map_err(|error| AuditError::Report { dir: out.display().to_string(), error })?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        rss_mib = evaluate::rss_mib(),
        peak_rss_mib = evaluate::peak_rss_mib(),
        "reports written"
    );
    Ok(paths)
}

/// The frameworks `--compliance` names: known ids (`all` for every one), sorted, no duplicates.
pub fn compliance_frameworks(names: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            out.extend(crate::policy::FRAMEWORKS.iter().map(|f| (*f).to_owned()));
        } else if let Some(f) = crate::policy::FRAMEWORKS.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            out.push((*f).to_owned());
        } else {
            return Err(format!(
                "--compliance: unknown framework {name:?} (expected one of: {}, or all)",
                crate::policy::FRAMEWORKS.join(", ")
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Appends the run to `--history` (when given) and puts the trend into the report, so the
/// reports written next show it. Returns the history file's path.
pub fn record_history(report: &mut AuditReport, opts: &AuditOptions) -> Result<Option<PathBuf>, AuditError> {
    let Some(dir) = &opts.history else { return Ok(None) };
    crate::history::record(report, dir).map(Some).map_err(|e| AuditError::Input(e.to_string()))
}

/// Writes the `--compliance` CSVs into `out`; returns their paths. A framework the report has
/// no view of, or a view without a single control, is an error, never an empty file: an empty
/// view would read as "nothing to fix".
pub fn write_compliance(report: &AuditReport, opts: &AuditOptions) -> Result<Vec<PathBuf>, AuditError> {
    for framework in &opts.compliance {
        if !report.compliance.iter().any(|f| f.framework == *framework && !f.controls.is_empty()) {
            return Err(AuditError::Input(format!(
                "--compliance {framework}: the report holds no control of this framework (a report \
                 written without its compliance view?); no CSV written, an empty one would read as compliant"
            )));
        }
    }
    let mut paths = Vec::new();
    for framework in &opts.compliance {
        let path = opts.out.join(report::csv::compliance_file_name(framework));
        let mut found = true;
        report::write_atomically_with(&path, |out| {
            found = report::csv::write_compliance(report, framework, out)?.is_some();
            Ok(())
        })
        .map_err(|error| AuditError::Report { dir: opts.out.display().to_string(), error })?;
        if found {
            paths.push(path);
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--compliance` of a framework the report holds no control of is refused and writes
    /// nothing: an empty CSV would read as "nothing to fix" (issue 21, nothing judged is not a
    /// pass); a framework with controls is written.
    #[test]
    fn empty_compliance_view_is_an_error_not_an_empty_file() {
        let mut report = crate::report::fixture::sample_report();
        let dir = tempfile::tempdir().unwrap();
        let mut opts = AuditOptions::new("prod");
        opts.out = dir.path().to_path_buf();
        opts.compliance = vec![report.compliance[0].framework.clone()];
        assert_eq!(write_compliance(&report, &opts).unwrap().len(), 1);
        let written = std::fs::read_dir(dir.path()).unwrap().count();
        report.compliance.iter_mut().for_each(|f| f.controls.clear());
        let err = write_compliance(&report, &opts).unwrap_err().to_string();
        assert!(err.contains("holds no control of this framework"), "{err}");
        report.compliance.clear();
        assert!(write_compliance(&report, &opts).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), written, "nothing more written");
    }
}
