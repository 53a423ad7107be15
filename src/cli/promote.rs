//! `flowforge-audit gate`: may this environment be promoted?
//!
//! It blocks on everything `evaluate` blocks on for the target environment (its baseline
//! requirements and thresholds, drift), and in addition: any UNKNOWN (a promotion needs a
//! complete audit unless `--require-complete-audit false` is given), any expired waiver, and —
//! with `--from-snapshot` — loss of parity with the source environment: an architecture
//! element that is in sync in the source but MISSING or CHANGED in the target. Each
//! environment is judged against its own view of the baseline, so what the baseline lets
//! differ per environment (Multi-AZ, NAT per AZ, ...) never counts as a parity break.
//! Every blocking reason is printed; exit 0 (promote) or 1 (blocked), 2 on error.

use std::collections::BTreeSet;

use anyhow::{bail, Context};

use super::args::GateArgs;
use super::audit::{self, AuditInputs};
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::model::DriftState;

/// The promotion order of the shipped baseline.
const ORDER: [&str; 4] = ["dev", "qa", "uat", "prod"];

pub fn gate(args: GateArgs) -> anyhow::Result<u8> {
    let mut audit_args = args.audit.clone();
    if audit_args.require_complete_audit.is_none() {
        audit_args.require_complete_audit = Some(true);
    }
    let inputs = AuditInputs::load(audit::load_snapshot(&args.snapshot, false)?, &audit_args)?;

    let mut parity = Vec::new();
    if let Some(from) = &args.from_snapshot {
        let from_env = match &args.from_env {
            Some(e) => e.clone(),
            None => match ORDER.iter().position(|e| *e == audit_args.env) {
                Some(i) if i > 0 => ORDER[i - 1].to_owned(),
                _ => bail!(
                    "--from-snapshot: cannot tell the source environment of {:?}; give --from-env",
                    audit_args.env
                ),
            },
        };
        let source = audit::load_snapshot(from, false)?;
        let s = &source.snapshot;
        let source_view = inputs
            .baseline
            .baseline
            .env_view(&from_env, &s.account_id, &s.partition)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let source_drift = crate::drift::compute(s, &source_view, None);
        let t = &inputs.snapshot.snapshot;
        let target_view = inputs
            .baseline
            .baseline
            .env_view(&audit_args.env, &t.account_id, &t.partition)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let target_drift = crate::drift::compute(t, &target_view, None);
        let drifted_in_source: BTreeSet<(&str, &str, Option<&str>)> =
            source_drift.items.iter().map(|i| (i.kind.as_str(), i.element.as_str(), i.attribute.as_deref())).collect();
        for item in &target_drift.items {
            if !matches!(item.state, DriftState::Missing | DriftState::Changed) {
                continue;
            }
            if drifted_in_source.contains(&(item.kind.as_str(), item.element.as_str(), item.attribute.as_deref())) {
                continue;
            }
            let attr = item.attribute.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            parity.push(format!(
                "parity: {} {}{attr} is in sync in {from_env} but {} in {}",
                item.kind,
                item.element,
                item.state.as_str(),
                audit_args.env
            ));
        }
    }

    let report = audit::audit_with(&inputs, &audit_args, &parity).context("evaluating the target environment")?;
    let paths = audit::write_reports(&report, &audit_args.format, &audit_args.out)?;
    if report.gate.passed {
        outln!("promotion to {}: ALLOWED", audit_args.env);
    } else {
        outln!("promotion to {}: BLOCKED ({} reason(s))", audit_args.env, report.gate.reasons.len());
        for r in &report.gate.reasons {
            outln!("  - {}", crate::report::text::terminal(r));
        }
    }
    for p in &paths {
        outln!("report: {}", crate::report::text::terminal(&p.display().to_string()));
    }
    Ok(if report.gate.passed { EXIT_OK } else { EXIT_GATE_FAILED })
}
