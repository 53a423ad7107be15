//! `flowforge-audit collect`, `scan` and `iam-policy`: the commands that talk to AWS.
//!
//! `scan` is `collect` then `evaluate` in one run. The snapshot it evaluates is the exact bytes
//! it saves with `--save-snapshot`, so `evaluate` on the saved file reproduces its reports
//! byte for byte.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::args::{CollectArgs, ConnectArgs, ScanArgs};
use super::audit::{self, AuditInputs, LabelledBytes, LoadedSnapshot};
use super::EXIT_OK;
use crate::aws::ConnectOptions;
use crate::collect::{self, CollectOptions, Progress};
use crate::model::Snapshot;

/// Serialises a snapshot the one way the tool writes it (pretty JSON, trailing newline).
pub fn snapshot_bytes(snapshot: &Snapshot) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(snapshot).context("cannot serialise the snapshot")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Prints per-service progress on stderr, only when stderr is a terminal (silent in CI).
struct TerminalProgress;

impl Progress for TerminalProgress {
    fn service_finished(&self, service: &str, region: &str, resources: usize, errors: usize) {
        let errs = if errors > 0 { format!(", {errors} failed call(s)") } else { String::new() };
        errln!("  {service:<16} {region:<16} {resources:>6} resource(s){errs}");
    }
}

fn collect_options(c: &ConnectArgs) -> CollectOptions {
    let progress: Option<Arc<dyn Progress>> =
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && !c.no_progress {
            Some(Arc::new(TerminalProgress))
        } else {
            None
        };
    CollectOptions {
        connect: ConnectOptions {
            profile: c.profile.clone(),
            regions: c.region.clone(),
            assume_role_arn: c.assume_role.clone(),
            external_id: c.external_id.clone(),
            endpoint_url: c.endpoint_url.clone(),
            timeout_per_call: Duration::from_secs(c.call_timeout),
            max_attempts: c.max_attempts,
            static_credentials: None,
        },
        s3_concurrency: c.s3_concurrency.max(1),
        progress,
    }
}

fn run_collect(c: &ConnectArgs) -> anyhow::Result<(Snapshot, Vec<u8>)> {
    let outcome = collect::run_blocking(&collect_options(c)).context("cannot collect the account")?;
    if let Some(path) = &c.api_stats {
        let mut text = serde_json::to_string_pretty(&outcome.calls).context("API statistics")?;
        text.push('\n');
        write_file(path, text.as_bytes())
            .with_context(|| format!("cannot write API statistics to {}", path.display()))?;
    }
    let errors = outcome.snapshot.collection_errors.len();
    if errors > 0 {
        errln!("warning: {errors} API call(s) failed; the affected checks are UNKNOWN (see collection_errors)");
    }
    let bytes = snapshot_bytes(&outcome.snapshot)?;
    Ok((outcome.snapshot, bytes))
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    crate::report::write_atomically(path, bytes).map_err(|e| anyhow::anyhow!("{e}"))
}

pub fn collect(args: CollectArgs) -> anyhow::Result<u8> {
    let (snapshot, bytes) = run_collect(&args.connect)?;
    write_file(&args.out, &bytes)?;
    outln!(
        "snapshot: {} ({} resources, {} failed calls, account {})",
        args.out.display(),
        snapshot.resource_metas().len(),
        snapshot.collection_errors.len(),
        snapshot.account_id
    );
    Ok(EXIT_OK)
}

pub fn scan(args: ScanArgs) -> anyhow::Result<u8> {
    // Load the local inputs first: a typo in --baseline should not cost a full collection.
    // An empty stand-in snapshot lets the other inputs load before the collection runs.
    let placeholder = LoadedSnapshot::placeholder();
    let mut inputs = AuditInputs::load(placeholder, &args.audit)?;
    let (_, bytes) = run_collect(&args.connect)?;
    let label = match &args.save_snapshot {
        Some(path) => {
            write_file(path, &bytes)?;
            path.display().to_string()
        }
        None => "collected snapshot".to_owned(),
    };
    inputs.snapshot = LoadedSnapshot::parse(LabelledBytes { label, bytes }, false)?;
    let report = audit::audit(&inputs, &args.audit)?;
    let paths = audit::write_reports(&report, &args.audit.format, &args.audit.out)?;
    Ok(audit::finish(inputs, report, &paths, args.audit.quiet))
}

pub fn iam_policy() -> anyhow::Result<u8> {
    out!("{}", crate::aws::SCANNER_POLICY);
    if !crate::aws::SCANNER_POLICY.ends_with('\n') {
        outln!();
    }
    Ok(EXIT_OK)
}
