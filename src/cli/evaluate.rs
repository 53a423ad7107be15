//! `flowforge-audit evaluate`: the engine on a saved snapshot, no AWS access.

use super::args::EvaluateArgs;
use super::summary;
use crate::audit::{self, Inputs, LoadedSnapshot};
use crate::evidence::signing::SecretKey;

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<u8> {
    let opts = args.audit.options()?;
    let inputs = Inputs::load(&opts)?;
    // The signing key is an input too: a wrong path is found before anything is written.
    let sign_key = args.sign_key.as_deref().map(SecretKey::read).transpose()?;
    let mut snapshot = LoadedSnapshot::load(&args.snapshot, args.evidence.is_some())?;
    let audit = audit::run(&inputs, &mut snapshot, &opts)?;
    #[cfg(feature = "aws")]
    let upload = args.security_hub.then(crate::aws::ConnectOptions::default);
    #[cfg(not(feature = "aws"))]
    let upload = None;
    finish_run(audit, inputs, snapshot, &opts, args.audit.quiet, args.evidence.as_deref(), sign_key.as_ref(), upload)
}

/// Where `--security-hub` sends the findings: the connection options (the region is the
/// report's). Nothing without the `aws` feature.
#[cfg(feature = "aws")]
pub(super) type Upload = Option<crate::aws::ConnectOptions>;
#[cfg(not(feature = "aws"))]
pub(super) type Upload = Option<std::convert::Infallible>;

/// After an evaluation (`evaluate`, `scan`): warnings, the reports (and `--history`,
/// `--compliance`), the evidence bundle when asked for, the `--security-hub` upload, the
/// summary and the exit code (2 when the upload failed, whatever the gate decided).
#[allow(clippy::too_many_arguments)]
pub(super) fn finish_run(
    mut audit: audit::Audit,
    inputs: Inputs,
    snapshot: LoadedSnapshot,
    opts: &crate::audit::AuditOptions,
    quiet: bool,
    evidence: Option<&std::path::Path>,
    sign_key: Option<&SecretKey>,
    upload: Upload,
) -> anyhow::Result<u8> {
    summary::warnings(&audit, quiet || summary::to_stdout(opts));
    let mut paths = summary::write_reports(&mut audit.report, opts)?;
    // An evidence bundle reproduces its reports from its own inputs, which hold no history.
    audit.report.history.clear();
    if let Some(dir) = evidence {
        paths.push(super::evidence::write_bundle(dir, &inputs, &snapshot, opts, &audit.report, sign_key)?);
    }
    // Freeing a large snapshot takes time the process is about to give back anyway.
    std::mem::forget((inputs, snapshot));
    let quiet = quiet || summary::to_stdout(opts);
    let uploaded = upload.map(|connect| {
        #[cfg(feature = "aws")]
        {
            crate::securityhub::upload_blocking(&audit.report, &connect)
        }
        #[cfg(not(feature = "aws"))]
        match connect {}
    });
    let code = summary::finish(audit, &paths, quiet);
    #[cfg(feature = "aws")]
    if let Some(outcome) = uploaded {
        if !summary::security_hub(&outcome, quiet) {
            return Ok(super::EXIT_ERROR);
        }
    }
    #[cfg(not(feature = "aws"))]
    let _: Option<()> = uploaded;
    Ok(code)
}
