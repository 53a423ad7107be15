//! `scan --org`: the organisation scan's arguments into [`crate::org::scan::OrgOptions`], and
//! what it prints. Shared with `merge`: the one-screen organisation summary and the exit code
//! (1 when any account's gate failed, unreachable accounts included, when an account's
//! environment could not be determined, or when no account was judged at all).

use std::path::PathBuf;

use crate::org::summary::{gate_word, AccountState, OrgSummary};
use crate::report::text::terminal;

#[cfg(feature = "aws")]
pub fn scan(args: super::args::ScanArgs) -> anyhow::Result<u8> {
    use anyhow::Context;

    use crate::org::accounts::{is_account_id, parse_account_file, AccountFile, Shard};
    use crate::org::scan::{run_blocking, OrgOptions};

    let audit = args.audit.options()?;
    let inputs = crate::audit::Inputs::load_for_accounts(&audit)?;
    let environments: Vec<&str> = inputs.baseline.baseline.environments.keys().map(String::as_str).collect();
    let read_file = |path: &std::path::Path| -> anyhow::Result<AccountFile> {
        let label = path.display().to_string();
        let bytes = crate::fsio::read(path).map_err(super::io_failure("cannot read the account file", path))?;
        let text = std::str::from_utf8(&bytes).with_context(|| format!("account file {label}: not UTF-8"))?;
        parse_account_file(text, &label, &environments)
            .map_err(|p| anyhow::anyhow!(crate::diag::render("the account file is invalid", &p)))
    };
    let mut labels = Vec::new();
    let accounts = match &args.org.accounts {
        None => None,
        Some(list) if list.split(',').all(|id| is_account_id(id.trim())) => {
            Some(list.split(',').map(|id| (id.trim().to_owned(), None)).collect())
        }
        Some(file) => {
            labels.push(file.clone());
            Some(read_file(std::path::Path::new(file))?)
        }
    };
    let account_map = match &args.org.account_map {
        None => None,
        Some(path) => {
            labels.push(path.display().to_string());
            Some(read_file(path)?)
        }
    };
    let c = &args.connect;
    let opts = OrgOptions {
        connect: crate::aws::ConnectOptions {
            profile: c.profile.clone(),
            regions: c.region.clone(),
            assume_role_arn: None,
            external_id: None,
            endpoint_url: c.endpoint_url.clone(),
            timeout_per_call: std::time::Duration::from_secs(c.call_timeout),
            max_attempts: c.max_attempts,
            static_credentials: None,
        },
        s3_concurrency: c.s3_concurrency.max(1),
        ous: args.org.ou.clone(),
        accounts,
        account_map,
        account_file_label: labels.join(", "),
        role_name: args.org.role_name.clone(),
        external_id: c.external_id.clone(),
        max_accounts: args.org.max_accounts as usize,
        shard: args.org.shard.unwrap_or(Shard::ALL),
        audit,
    };
    let outcome = run_blocking(&opts, std::sync::Arc::new(inputs))?;
    if super::summary::warnings_shown(args.audit.quiet) {
        for w in &outcome.warnings {
            errln!("warning: {}", terminal(w));
        }
    }
    Ok(finish(&outcome.summary, &outcome.paths, args.audit.quiet))
}

/// Prints the organisation summary (only the paths with `quiet`) and returns the exit code.
pub fn finish(summary: &OrgSummary, paths: &[PathBuf], quiet: bool) -> u8 {
    if !quiet {
        for r in &summary.account_records {
            let verdict = match r.state {
                AccountState::Unmapped => "NOT JUDGED (no environment)",
                AccountState::EnvironmentUnknown => "UNKNOWN (environment could not be determined)",
                AccountState::Unreachable => "FAIL (unreachable)",
                AccountState::Audited => gate_word(r),
            };
            outln!(
                "account {} {:<6} {}",
                terminal(&r.account_id),
                terminal(r.environment.as_deref().unwrap_or("-")),
                verdict
            );
        }
        for (env, e) in &summary.environments {
            outln!(
                "environment {}: {} account(s), {} failed, worst {}",
                terminal(env),
                e.accounts,
                e.failed,
                terminal(&e.worst_account)
            );
        }
        outln!(
            "organisation: {} ({} accounts, {} judged, {} failed, {} unreachable, {} without an environment, {} of unknown environment)",
            if summary.passed { "PASSED" } else { "FAILED" },
            summary.accounts,
            summary.judged,
            summary.failed,
            summary.unreachable,
            summary.unmapped,
            summary.environment_unknown
        );
        for reason in &summary.reasons {
            outln!("  - {}", terminal(reason));
        }
    }
    for p in paths {
        if quiet {
            outln!("{}", terminal(&p.display().to_string()));
        } else {
            outln!("report: {}", terminal(&p.display().to_string()));
        }
    }
    if summary.passed {
        super::EXIT_OK
    } else {
        super::EXIT_GATE_FAILED
    }
}
