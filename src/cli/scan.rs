//! `flowforge-audit collect`, `scan` and `iam-policy`: the commands that talk to AWS.
//!
//! `scan` is `collect` then `evaluate` in one run. The collected snapshot goes straight to the
//! evaluation (no round trip through text); its hash is that of the bytes `--save-snapshot`
//! writes, computed as they are written, so `evaluate` on the saved file reproduces the
//! reports byte for byte.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::args::{CollectArgs, ConnectArgs, ScanArgs};
use super::EXIT_OK;
use crate::audit::{self, Inputs, LoadedSnapshot};
use crate::aws::ConnectOptions;
use crate::collect::{self, CollectOptions, Progress};
use crate::model::Snapshot;

/// The width of the service column: the longest service label (`elasticloadbalancing`), so
/// the region column never shifts.
fn service_width() -> usize {
    crate::aws::OPERATIONS.iter().map(|o| o.service.len()).max().unwrap_or(0).max(8)
}

/// One service's line: service, region, resources, failed calls and elapsed time.
fn progress_line(service: &str, region: &str, resources: usize, errors: usize, elapsed: Duration) -> String {
    let errs = if errors > 0 { format!(", {errors} failed call(s)") } else { String::new() };
    format!(
        "{service:<width$} {region:<16} {resources:>6} resource(s) in {:>5.1} s{errs}",
        elapsed.as_secs_f64(),
        width = service_width()
    )
}

/// Per-service progress on stderr. On a terminal: one spinner per service and region with
/// its elapsed time, replaced by its count when it finishes (indicatif). Elsewhere (CI, a
/// log file): one summary line per service and region as it finishes, nothing that redraws.
struct ServiceProgress {
    bars: Option<indicatif::MultiProgress>,
    running: std::sync::Mutex<std::collections::BTreeMap<(String, String), Running>>,
}

/// A service in progress: when it started, and its spinner on a terminal.
type Running = (std::time::Instant, Option<indicatif::ProgressBar>);

impl ServiceProgress {
    fn new(terminal: bool) -> ServiceProgress {
        ServiceProgress { bars: terminal.then(indicatif::MultiProgress::new), running: Default::default() }
    }
}

impl Progress for ServiceProgress {
    fn service_started(&self, service: &str, region: &str) {
        let bar = self.bars.as_ref().map(|m| {
            let style = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed:>4}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
            let bar = m.add(indicatif::ProgressBar::new_spinner().with_style(style));
            bar.set_message(format!("{service:<width$} {region:<16}", width = service_width()));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        if let Ok(mut running) = self.running.lock() {
            running.insert((service.to_owned(), region.to_owned()), (std::time::Instant::now(), bar));
        }
    }

    fn service_finished(&self, service: &str, region: &str, resources: usize, errors: usize) {
        let started = self.running.lock().ok().and_then(|mut r| r.remove(&(service.to_owned(), region.to_owned())));
        let elapsed = started.as_ref().map(|(t, _)| t.elapsed()).unwrap_or_default();
        let line = progress_line(service, region, resources, errors, elapsed);
        match started.and_then(|(_, bar)| bar) {
            Some(bar) => bar.finish_with_message(line),
            None => errln!("  {line}"),
        }
    }
}

/// The collection's options; `quiet` (`scan -q`) shows no progress, like `--no-progress`.
fn collect_options(c: &ConnectArgs, quiet: bool) -> CollectOptions {
    let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let progress: Option<Arc<dyn Progress>> =
        if c.no_progress || quiet { None } else { Some(Arc::new(ServiceProgress::new(terminal))) };
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

fn run_collect(c: &ConnectArgs, quiet: bool) -> anyhow::Result<Snapshot> {
    let outcome = collect::run_blocking(&collect_options(c, quiet)).context("cannot collect the account")?;
    if let Some(path) = &c.api_stats {
        let mut text = serde_json::to_string_pretty(&outcome.calls).context("API statistics")?;
        text.push('\n');
        create_parent(path)?;
        crate::report::write_atomically(path, text.as_bytes())
            .map_err(super::write_failure("the API statistics", path))?;
    }
    let errors = outcome.snapshot.collection_errors.len();
    if errors > 0 && super::summary::warnings_shown(quiet) {
        errln!("warning: {errors} API call(s) failed; the affected checks are UNKNOWN (see collection_errors)");
    }
    Ok(outcome.snapshot)
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(super::io_failure("cannot create", dir))?;
    }
    Ok(())
}

/// Writes the snapshot file (atomically); returns the SHA-256 of the bytes written.
fn save_snapshot(path: &Path, snapshot: &Snapshot) -> anyhow::Result<String> {
    create_parent(path)?;
    let mut sha256 = String::new();
    crate::report::write_atomically_with(path, |out| {
        sha256 = audit::write_snapshot(snapshot, out).map_err(crate::report::ReportError::Write)?;
        Ok(())
    })
    .map_err(super::write_failure("the snapshot", path))?;
    Ok(sha256)
}

pub fn collect(args: CollectArgs) -> anyhow::Result<u8> {
    let snapshot = run_collect(&args.connect, false)?;
    save_snapshot(&args.out, &snapshot)?;
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
    if args.org.org {
        return super::org::scan(args);
    }
    // Load the local inputs first: a typo in --baseline should not cost a full collection.
    let opts = args.audit.options()?;
    let inputs = Inputs::load(&opts)?;
    let sign_key = args.sign_key.as_deref().map(crate::evidence::signing::SecretKey::read).transpose()?;
    let collected = run_collect(&args.connect, args.audit.quiet)?;
    let (label, sha256, bytes) = match (&args.save_snapshot, &args.evidence) {
        (Some(path), None) => (path.display().to_string(), save_snapshot(path, &collected)?, None),
        (None, None) => {
            ("collected snapshot".to_owned(), audit::write_snapshot(&collected, &mut std::io::sink())?, None)
        }
        // The bundle keeps the snapshot's bytes: the same bytes --save-snapshot writes.
        (save, Some(_)) => {
            let mut bytes = Vec::new();
            let sha256 = audit::write_snapshot(&collected, &mut bytes)?;
            let label = match save {
                Some(path) => {
                    create_parent(path)?;
                    crate::report::write_atomically(path, &bytes)
                        .map_err(super::write_failure("the snapshot", path))?;
                    path.display().to_string()
                }
                None => "collected snapshot".to_owned(),
            };
            (label, sha256, Some(bytes))
        }
    };
    let mut snapshot = LoadedSnapshot::collected(collected, label, sha256)?;
    snapshot.bytes = bytes;
    let audit = audit::run(&inputs, &mut snapshot, &opts)?;
    // The upload goes through the scan's own connection (profile, role, endpoint).
    let upload = args.security_hub.then(|| collect_options(&args.connect, true).connect);
    super::evaluate::finish_run(
        audit,
        inputs,
        snapshot,
        &opts,
        args.audit.quiet,
        args.evidence.as_deref(),
        sign_key.as_ref(),
        upload,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The region column starts at the same place for every service, the longest
    /// (`elasticloadbalancing`) included.
    #[test]
    fn progress_columns_do_not_shift() {
        let columns: std::collections::BTreeSet<usize> = crate::aws::OPERATIONS
            .iter()
            .map(|o| {
                progress_line(o.service, "ap-southeast-2", 3, 0, Duration::from_millis(1500))
                    .find("ap-southeast-2")
                    .unwrap()
            })
            .collect();
        assert_eq!(columns.len(), 1, "{columns:?}");
        assert!(progress_line("elasticloadbalancing", "eu-west-1", 12, 1, Duration::from_secs(2))
            .contains("12 resource(s) in   2.0 s, 1 failed call(s)"));
    }
}
