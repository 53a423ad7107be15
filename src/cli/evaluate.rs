//! `flowforge-audit evaluate`: the engine on a saved snapshot, no AWS access.

use super::args::EvaluateArgs;
use super::output;
use crate::audit::{self, Inputs, LoadedSnapshot};

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<u8> {
    let opts = args.audit.options()?;
    let inputs = Inputs::load(&opts)?;
    let mut snapshot = LoadedSnapshot::load(&args.snapshot, args.evidence.is_some())?;
    let mut audit = audit::run(&inputs, &mut snapshot, &opts)?;
    output::warnings(&audit);
    let mut paths = output::write_reports(&mut audit.report, &opts)?;
    // An evidence bundle reproduces its reports from its own inputs, which hold no history.
    audit.report.history.clear();
    if let Some(dir) = &args.evidence {
        paths.push(super::evidence::write_bundle(
            dir,
            &inputs,
            &snapshot,
            &opts,
            &audit.report,
            args.sign_key.as_deref(),
        )?);
    }
    std::mem::forget((inputs, snapshot));
    Ok(output::finish(audit, &paths, args.audit.quiet || output::to_stdout(&opts)))
}
