//! `flowforge-audit evaluate`: the engine on a saved snapshot, no AWS access.

use super::args::EvaluateArgs;
use super::audit::{self, AuditInputs};

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<u8> {
    let inputs = AuditInputs::load(audit::load_snapshot(&args.snapshot, args.evidence.is_some())?, &args.audit)?;
    let report = audit::audit(&inputs, &args.audit)?;
    let mut paths = audit::write_reports(&report, &args.audit.format, &args.audit.out)?;
    if let Some(dir) = &args.evidence {
        paths.push(super::evidence::write_bundle(dir, &inputs, &args.audit, &report, args.sign_key.as_deref())?);
    }
    Ok(audit::finish(inputs, report, &paths, args.audit.quiet))
}
