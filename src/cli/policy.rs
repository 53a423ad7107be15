//! `flowforge-audit policy list` and `policy test`: the check catalog as a user sees it.

use super::args::PolicyCommand;
use super::{EXIT_GATE_FAILED, EXIT_OK};
use crate::policy::{self, Catalog};

pub fn policy(cmd: PolicyCommand) -> anyhow::Result<u8> {
    match cmd {
        PolicyCommand::List { format, policies } => {
            let catalog = crate::audit::load_catalog(policies.as_deref())?;
            match format.as_str() {
                "json" => out!("{}", crate::report::catalog::render_json(&catalog)),
                "md" => out!("{}", crate::report::catalog::render_markdown(&catalog)),
                _ => out!("{}", policy::render_list(&catalog)),
            }
            Ok(EXIT_OK)
        }
        PolicyCommand::Test { dir, run, coverage, verbose_tests, check_timeout } => {
            let catalog = match dir {
                Some(d) => Catalog::with_overlay(&d).map_err(|e| anyhow::anyhow!("{e}"))?,
                None => Catalog::builtin().map_err(|e| anyhow::anyhow!("built-in policy catalog: {e}"))?,
            };
            let limits = policy::Limits::with_timeout(check_timeout);
            let summary = policy::run_tests_with_limits(&catalog, run.as_deref(), coverage, &limits);
            out!("{}", policy::render_text(&summary, verbose_tests));
            Ok(if summary.failed() == 0 { EXIT_OK } else { EXIT_GATE_FAILED })
        }
    }
}
