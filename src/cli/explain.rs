//! `flowforge-audit explain ARN --snapshot FILE [--env ENV]`: how a principal can become
//! administrator, step by step, from a saved snapshot (no AWS access): the same
//! privilege-escalation graph FF-IAM-001/005/006 read (`iam_eval::build_graph`), so a reviewer
//! can check a verdict without redoing the analysis. With `--env`, a role the baseline names
//! also gets its least-privilege comparison, what it reaches through other principals included.
//!
//! Exit 0 whatever the verdict (it is an explanation, not a gate); 2 when the snapshot cannot
//! be read or the ARN is not a user, role or group of it. Account data is escaped for the
//! terminal.

use std::collections::BTreeMap;

use super::args::ExplainArgs;
use super::EXIT_OK;
use crate::audit::{LabelledBytes, LoadedBaseline};
use crate::iam_eval::{self, Context, Verdict};
use crate::model::Snapshot;
use crate::report::text::terminal;

pub fn explain(args: ExplainArgs) -> anyhow::Result<u8> {
    let source = LabelledBytes::read(&args.snapshot, "snapshot")?;
    let snapshot = Snapshot::from_json_named(crate::diag::strip_bom(source.text("snapshot")?), &source.label)?;
    let roles = match &args.env {
        Some(env) => {
            let loaded = LoadedBaseline::load(args.baseline.as_deref())?;
            loaded.baseline.env_view(env, &snapshot.account_id, &snapshot.partition)?.roles
        }
        None => BTreeMap::new(),
    };
    let ps = iam_eval::principals(&snapshot);
    let cx = Context::default();
    let graph = iam_eval::build_graph(&snapshot, &ps, None);
    let Some(esc) = graph.escalation_of(&args.arn) else {
        let near: Vec<&str> = ps
            .iter()
            .map(|p| p.arn.as_str())
            .filter(|a| a.rsplit('/').next() == args.arn.rsplit('/').next())
            .take(3)
            .collect();
        anyhow::bail!(
            "{}: not a user, role or group of {} ({} principals){}",
            args.arn,
            source.label,
            ps.len(),
            if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) }
        );
    };
    let p = ps.iter().find(|p| p.arn == args.arn);
    let kind = p.map(|p| p.kind).unwrap_or("principal");
    let verdict = match esc.verdict {
        Verdict::Admin => "can become administrator (every step certain)",
        Verdict::Conditional => "can become administrator under a condition (a step is conditional)",
        Verdict::Unknown => "UNKNOWN: only steps the snapshot cannot show lead to administrator",
        Verdict::None => "cannot become administrator",
    };
    outln!("{} {}: {verdict}", kind, terminal(&args.arn));
    outln!("{}", terminal(&cx.scp_summary()));
    if let Some(p) = p.filter(|p| !p.unknown.is_empty()) {
        outln!("not fully evaluated: {}", terminal(&p.unknown.join("; ")));
    }
    if !esc.chain.is_empty() {
        outln!("\nchain ({} step{}):", esc.chain.len(), if esc.chain.len() == 1 { "" } else { "s" });
        for (i, s) in esc.chain.iter().enumerate() {
            outln!("  {}. {}", i + 1, terminal(&s.text()));
            outln!("     actor: {}", terminal(&s.actor));
            outln!("     action: {} on {}", terminal(&s.action), terminal(&s.resource));
            if !s.granted_by.is_empty() {
                outln!("     granted by: {}", terminal(&s.granted_by.join(", ")));
            }
            if let Some(u) = &s.unknown {
                outln!("     unknown: {}", terminal(u));
            }
            for n in &s.notes {
                outln!("     note: {}", terminal(n));
            }
            outln!("     edge: {} ({})", s.edge, s.reference);
        }
    }
    if !esc.broken.is_empty() {
        outln!("\nwhy each escalation path breaks:");
        for b in &esc.broken {
            outln!("  - {}", terminal(b));
        }
    }
    if !esc.reach.is_empty() {
        outln!("\nacts as ({}):", esc.reach.len());
        for r in &esc.reach {
            outln!("  - {} [{:?}] via {}", terminal(&r.arn), r.tier, terminal(&r.via));
        }
    }
    if !roles.is_empty() {
        let lp = iam_eval::least_privilege(&snapshot, &ps, &roles, &cx);
        if let Some(lp) = lp.get(&args.arn) {
            outln!("\nleast privilege (baseline role {}):", terminal(&lp.baseline_role));
            if lp.excess.is_empty() && lp.unknown.is_empty() {
                outln!("  within the baseline");
            }
            for e in &lp.excess {
                let via = e.via.as_ref().map(|v| format!(" through {} ({})", v.principal, v.chain)).unwrap_or_default();
                outln!(
                    "  - {} on {}{} (granted by {})",
                    terminal(&e.action),
                    terminal(&e.resources.join(", ")),
                    terminal(&via),
                    terminal(&e.granted_by.join(", "))
                );
            }
            for u in &lp.unknown {
                outln!("  - UNKNOWN: {}", terminal(u));
            }
        }
    }
    Ok(EXIT_OK)
}
