//! Command-line interface: clap definitions, one file per subcommand, and the mapping of
//! outcomes to the documented exit codes.
//!
//! Exit codes (docs/guide.md, "Exit codes and errors"): 0 the gate passed (or the command succeeded),
//! 1 the gate failed (or `policy test` / `diff --exit-on-change` found something),
//! 2 usage, input or tool error. Nothing here panics on bad input: every error reaches
//! [`run`] as an `anyhow::Error` with the file and position in its message, and no output
//! path panics on a closed pipe ([`stdio`]).

// First, so that every command module below can use its macros.
#[macro_use]
mod stdio;
mod args;
mod attest;
mod baseline;
pub mod config;
mod diff;
mod evaluate;
mod evidence;
mod explain;
mod gate;
pub mod man;
mod merge;
mod org;
mod policy;
#[cfg(feature = "aws")]
mod scan;
mod summary;

use std::process::ExitCode;

pub use args::{Cli, Command};

/// The gate passed / the command succeeded.
pub const EXIT_OK: u8 = 0;
/// The gate failed (policy, completeness, drift, expired waivers), or tests failed.
pub const EXIT_GATE_FAILED: u8 = 1;
/// Usage, input or tool error.
pub const EXIT_ERROR: u8 = 2;

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The configuration file changes the defaults clap parses with: read it first.
    let config = match config::config_path(&argv) {
        None => config::Config::default(),
        Some((path, _)) => match config::read_config(&path) {
            Ok(c) => c,
            Err(e) => {
                // One line per problem; what the operating system or clap said under -v.
                errln!("error: {}", crate::report::text::terminal_lines(&e.message()));
                if config::verbose_in(&argv) {
                    for d in &e.details {
                        errln!("  detail: {}", crate::report::text::terminal(d));
                    }
                }
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let command = config::command(&config, config::wants_version(&argv));
    let cli =
        match command.try_get_matches_from(&argv).and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m)) {
            Ok(cli) => cli,
            Err(e) => {
                // --help and --version are not errors.
                let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
                let _ = e.print();
                if let Some(var) = config::value_from_environment(&e, &argv) {
                    errln!("note: the value comes from the environment variable {var}");
                }
                return ExitCode::from(code);
            }
        };
    init_tracing(cli.verbose, quiet(&cli.command));
    if let Some(file) = &config.file {
        tracing::info!(file = %file.display(), options = config.values.len(), "configuration file");
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Messages quote input files and account data: no raw terminal controls.
            errln!("error: {}", crate::report::text::terminal_lines(&error_text(&e)));
            EXIT_ERROR
        }
    };
    if let Some(failure) = stdio::failure() {
        errln!("error: cannot write to standard output: {failure}");
        return ExitCode::from(EXIT_ERROR);
    }
    ExitCode::from(code)
}

/// An error and its causes on one line, each cause said once: a typed error that already
/// quotes its source (`cannot read FILE: SOURCE`) is not followed by that source again (issue
/// 22 item 11: file-limit errors said their reason twice).
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// `cannot <action> <path>: <cause>; <what to do>`: an I/O failure on a file the CLI itself
/// creates or reads, its cause said once (through [`crate::fsio::Cause`], never also as a
/// source of the error, which `{:#}` would print again).
fn io_failure<'a>(action: &'a str, path: &'a std::path::Path) -> impl FnOnce(std::io::Error) -> anyhow::Error + 'a {
    move |e| anyhow::anyhow!("{action} {}: {}", path.display(), crate::fsio::Cause(&e))
}

/// `cannot write <what> <path>: <cause>` for a file written through
/// [`crate::report::write_atomically`], whose own error names the path already.
#[cfg(feature = "aws")]
fn write_failure<'a>(
    what: &'a str,
    path: &'a std::path::Path,
) -> impl FnOnce(crate::report::ReportError) -> anyhow::Error + 'a {
    move |e| match e {
        crate::report::ReportError::Io { error, .. } => {
            anyhow::anyhow!("cannot write {what} {}: {}", path.display(), crate::fsio::Cause(&error))
        }
        other => anyhow::anyhow!("cannot write {what} {}: {other}", path.display()),
    }
}

/// Whether the command was asked to be quiet (`-q`): then only errors reach stderr.
fn quiet(command: &Command) -> bool {
    match command {
        Command::Evaluate(a) => a.audit.quiet,
        #[cfg(feature = "aws")]
        Command::Scan(a) => a.audit.quiet,
        Command::Gate(a) => a.audit.quiet,
        Command::Merge(a) => a.quiet,
        _ => false,
    }
}

/// Logs on stderr: warnings by default, errors only with `-q`, more with `-v`;
/// `FLOWFORGE_AUDIT_LOG` (an `EnvFilter`, e.g. `error` or `flowforge_audit=debug`) overrides.
fn init_tracing(verbose: u8, quiet: bool) {
    let level = match (verbose, quiet) {
        (0, true) => "error",
        (0, false) => "warn",
        (1, _) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLOWFORGE_AUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("flowforge_audit={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color_on_stderr())
        .try_init();
}

/// Colours on stderr only on a terminal and when `NO_COLOR` is unset or empty (no-color.org).
pub fn color_on_stderr() -> bool {
    color_enabled(std::env::var_os("NO_COLOR").as_deref(), std::io::IsTerminal::is_terminal(&std::io::stderr()))
}

/// The rule of [`color_on_stderr`], given `NO_COLOR`'s value and whether the stream is a terminal.
pub fn color_enabled(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Runs one parsed command; `Ok(code)` for the decided exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Evaluate(a) => evaluate::evaluate(a),
        #[cfg(feature = "aws")]
        Command::Collect(a) => scan::collect(a),
        #[cfg(feature = "aws")]
        Command::Scan(a) => scan::scan(*a),
        Command::IamPolicy { org, security_hub, attest } => iam_policy(org, security_hub, attest),
        Command::Attest(a) => attest::attest(*a),
        Command::Diff(a) => diff::diff(a),
        Command::Gate(a) => gate::gate(a),
        Command::VerifyEvidence(a) => evidence::verify(a),
        Command::Evidence(args::EvidenceCommand::Keygen { out }) => evidence::keygen(&out),
        Command::Evidence(args::EvidenceCommand::Sign { sign_key, files }) => evidence::sign_files(&sign_key, &files),
        Command::Policy(p) => policy::policy(p),
        Command::Baseline(b) => baseline::baseline(b),
        Command::Merge(a) => merge::merge(a),
        Command::Explain(a) => explain::explain(a),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(
                shell,
                &mut config::command(&Default::default(), false),
                "flowforge-audit",
                &mut buf,
            );
            out!("{}", String::from_utf8_lossy(&buf));
            Ok(EXIT_OK)
        }
        Command::Man { out, command } => man::man(out.as_deref(), &command),
    }
}

/// `iam-policy`: needs no SDK, so it is here rather than with `collect` and `scan` (which
/// the `aws` feature gates).
fn iam_policy(org: bool, security_hub: bool, attest: bool) -> anyhow::Result<u8> {
    let policy = match (org, security_hub, attest) {
        (_, _, true) => crate::aws::bundle_store::ATTEST_POLICY,
        (_, true, _) => crate::securityhub::UPLOAD_POLICY,
        (true, false, _) => crate::aws::ORG_POLICY,
        (false, false, false) => crate::aws::SCANNER_POLICY,
    };
    out!("{}", policy);
    if !policy.ends_with('\n') {
        outln!();
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 22 item 11: an error that quotes its source was printed with that source again
    /// ("…input limit (set …): …input limit (set …)"); each cause is now said once, and a
    /// context that does not quote its cause still shows it.
    #[test]
    fn error_causes_are_said_once() {
        let source =
            std::io::Error::new(std::io::ErrorKind::FileTooLarge, "96114 bytes, more than the 1024-byte input limit");
        let typed = crate::audit::AuditError::Read { what: "snapshot", path: "s.json".into(), error: source };
        let text = error_text(&anyhow::Error::new(typed));
        assert_eq!(text, "cannot read the snapshot s.json: 96114 bytes, more than the 1024-byte input limit");
        let wrapped = anyhow::Error::new(std::io::Error::other("disk full")).context("cannot write r.json");
        assert_eq!(error_text(&wrapped), "cannot write r.json: disk full");
    }
}
