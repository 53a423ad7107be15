//! `flowforge-audit evaluate`: the engine on a saved snapshot, no AWS access.

use super::args::EvaluateArgs;
use super::output;
use crate::audit::{self, Inputs, LoadedSnapshot};

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<u8> {
    let opts = args.audit.options()?;
    let inputs = Inputs::load(&opts)?;
    let mut snapshot = LoadedSnapshot::load(&args.snapshot, args.evidence.is_some())?;
    let audit = audit::run(&inputs, &mut snapshot, &opts)?;
    finish_run(audit, inputs, snapshot, &opts, args.audit.quiet, args.evidence.as_deref(), args.sign_key.as_deref())
}

/// After an evaluation (`evaluate`, `scan`): warnings, the reports (and `--history`,
/// `--compliance`), the evidence bundle when asked for, the summary and the exit code.
pub(super) fn finish_run(
    mut audit: audit::Audit,
    inputs: Inputs,
    snapshot: LoadedSnapshot,
    opts: &crate::audit::AuditOptions,
    quiet: bool,
    evidence: Option<&std::path::Path>,
    sign_key: Option<&std::path::Path>,
) -> anyhow::Result<u8> {
    output::warnings(&audit);
    let mut paths = output::write_reports(&mut audit.report, opts)?;
    // An evidence bundle reproduces its reports from its own inputs, which hold no history.
    audit.report.history.clear();
    if let Some(dir) = evidence {
        paths.push(super::evidence::write_bundle(dir, &inputs, &snapshot, opts, &audit.report, sign_key)?);
    }
    // Freeing a large snapshot takes time the process is about to give back anyway.
    std::mem::forget((inputs, snapshot));
    Ok(output::finish(audit, &paths, quiet || output::to_stdout(opts)))
}
