//! `flowforge-audit gate`: may this environment be promoted?
//!
//! It blocks on everything `evaluate` blocks on for the target environment (its baseline
//! requirements and thresholds, drift), and in addition: any UNKNOWN (a promotion needs a
//! complete audit unless `--require-complete-audit false` is given), any expired waiver, and —
//! with `--from-snapshot` — loss of parity with the source environment (see
//! [`crate::gate::parity`]). The source environment is stated in the output, and a snapshot
//! whose own environment tags contradict the environment it is judged as is refused.
//! Every blocking reason is printed; exit 0 (promote) or 1 (blocked), 2 on error.

use super::args::GateArgs;
use super::summary;
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::audit::{self, Inputs, LoadedSnapshot, PromotionSource};
use crate::report::text::terminal;

pub fn gate(args: GateArgs) -> anyhow::Result<u8> {
    let mut opts = args.audit.options()?;
    if opts.require_complete_audit.is_none() {
        opts.require_complete_audit = Some(true);
    }
    opts.promotion = args.from_snapshot.clone().map(|snapshot| PromotionSource {
        snapshot,
        env: args.from_env.clone(),
        allow_env_mismatch: args.allow_env_mismatch,
    });
    let inputs = Inputs::load(&opts)?;
    let mut snapshot = LoadedSnapshot::load(&args.snapshot, false)?;
    // The errors of a run name the snapshot they are about (target or source): no context
    // here, which would blame the target for the source's problem.
    let mut audit = audit::run(&inputs, &mut snapshot, &opts)?;
    summary::warnings(&audit, args.audit.quiet);
    let paths = summary::write_reports(&mut audit.report, &opts)?;
    // With `--out -` the report owns stdout: the decision goes to stderr.
    let to_stdout = summary::to_stdout(&opts);
    let say = |line: String| if to_stdout { errln!("{line}") } else { outln!("{line}") };
    match &inputs.source {
        Some(source) => say(format!(
            "parity: checked against {} (source snapshot {})",
            source.env,
            terminal(&source.snapshot.label)
        )),
        None => say("parity: not checked (no --from-snapshot)".to_owned()),
    }
    let report = &audit.report;
    if !args.audit.quiet {
        let mut tables = String::new();
        summary::findings_table(&mut tables, report, !to_stdout && summary::color_on_stdout());
        summary::drift_table(&mut tables, report, !to_stdout && summary::color_on_stdout());
        if !tables.is_empty() {
            say(tables.trim_start_matches('\n').trim_end().to_owned());
        }
    }
    if report.gate.passed {
        say(format!("promotion to {}: ALLOWED", terminal(&opts.env)));
    } else {
        say(format!("promotion to {}: BLOCKED ({} reason(s))", terminal(&opts.env), report.gate.reasons.len()));
        for r in &report.gate.reasons {
            say(format!("  - {}", terminal(r)));
        }
    }
    summary::report_paths(&paths);
    Ok(if report.gate.passed { EXIT_OK } else { EXIT_GATE_FAILED })
}
