//! `flowforge-audit man`: one man page per command, rendered from the clap tree (so a page
//! cannot describe an option the binary does not have), each with an EXIT STATUS section.
//!
//! `man` prints the top-level page, `man policy list` the page of one command, and
//! `man --out DIR` writes every page (`flowforge-audit.1`, `flowforge-audit-evaluate.1`,
//! `flowforge-audit-policy-list.1`, ...), the pages the top-level page refers to; the release
//! workflow ships them as `flowforge-audit-man.tar.gz` (scripts/release-assets.sh).
//!
//! What each exit code means per command is [`EXIT_STATUS`]: the man pages and the user
//! guide's exit-code table are generated from it, and a test fails when a command has no entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap_mangen::roff::{roman, Roff};

use super::EXIT_OK;

/// Exit codes per command (its words after `flowforge-audit`; `""` is the program itself), in
/// the order of the codes.
pub const EXIT_STATUS: &[(&str, &[(u8, &str)])] = &[
    (
        "",
        &[
            (0, "The gate passed, or the command succeeded."),
            (1, "The gate failed, tests failed, or a change was found: what 1 means is on each command's page."),
            (2, "Usage, input or tool error: the message names the file and says what to do (docs/diagnostics.md lists the codes)."),
        ],
    ),
    (
        "evaluate",
        &[
            (0, "The gate passed; the reports are written."),
            (1, "The gate failed: a FAIL at or above --fail-on, an UNKNOWN where a complete audit is required, a check in ERROR, blocking drift, an expired waiver, or a partial catalog the baseline does not allow. The reports are written."),
            (2, "Usage or input error (snapshot, baseline, waivers, Terraform state, policies, configuration), a report that cannot be written, or a failed --security-hub upload (after the reports are written, whatever the gate decided)."),
        ],
    ),
    (
        "collect",
        &[
            (0, "The snapshot is written; calls that failed are recorded in its collection_errors (their checks are UNKNOWN when evaluated)."),
            (2, "No credentials, no region, a role that cannot be assumed, or the snapshot cannot be written."),
        ],
    ),
    (
        "scan",
        &[
            (0, "The gate passed (with --org: every judged account's gate passed)."),
            (1, "The gate failed, as for evaluate (with --org: at least one account's gate failed, an account that could not be read included, an account's environment is unknown, or no account was judged)."),
            (2, "Usage or input error, AWS not reachable (no credentials, no region, a role that cannot be assumed), an output that cannot be written, or a failed --security-hub upload."),
        ],
    ),
    (
        "iam-policy",
        &[(0, "The policy is printed."), (2, "Usage error.")],
    ),
    (
        "diff",
        &[
            (0, "The comparison is written; with --exit-on-change, nothing new or regressed."),
            (1, "With --exit-on-change: a new or regressed finding, new drift, lost coverage (a finding now UNKNOWN or ERROR) or a new collection error."),
            (2, "A file that cannot be read, is not a snapshot or a JSON report, or two files of different kinds."),
        ],
    ),
    (
        "gate",
        &[
            (0, "Promotion allowed."),
            (1, "Promotion blocked: every reason is printed (FAIL at the threshold, UNKNOWN, ERROR, blocking drift, expired waiver, parity with the source environment)."),
            (2, "Usage or input error, no source environment before --env, or a snapshot whose environment tags contradict the environment it is judged as (unless --allow-env-mismatch)."),
        ],
    ),
    (
        "verify-evidence",
        &[
            (0, "The manifest lists exactly the files present with their hashes, the signature holds (required with --verify-key), and every report is reproduced byte for byte."),
            (1, "The bundle does not hold up: every problem is listed."),
            (2, "The bundle cannot be read, or another version of the tool wrote it."),
        ],
    ),
    ("evidence", &[(0, "The subcommand succeeded."), (2, "Usage error, or the subcommand failed.")]),
    (
        "evidence keygen",
        &[(0, "The key pair is written."), (2, "A key file exists already or cannot be written.")],
    ),
    (
        "evidence sign",
        &[(0, "Every file is signed."), (2, "The key or a file cannot be read, or a signature exists already.")],
    ),
    ("policy", &[(0, "The subcommand succeeded."), (1, "policy test: a test failed."), (2, "Usage or input error.")]),
    ("policy list", &[(0, "The catalog is listed."), (2, "The --policies directory is not a valid catalog.")]),
    (
        "policy test",
        &[
            (0, "Every test passed."),
            (1, "A test failed (or went over its time limit)."),
            (2, "The policy directory is not a valid catalog."),
        ],
    ),
    ("baseline", &[(0, "The subcommand succeeded."), (2, "Usage or input error.")]),
    (
        "baseline validate",
        &[(0, "The baseline is valid."), (2, "The baseline cannot be read or is invalid: every problem is listed with its line.")],
    ),
    ("completions", &[(0, "The script is printed."), (2, "Usage error.")]),
    ("man", &[(0, "The page is printed, or the pages are written."), (2, "An unknown command, or DIR cannot be written.")]),
    (
        "merge",
        &[
            (0, "Every judged account's gate passed."),
            (1, "At least one account's gate failed, an account's environment is unknown, or no account was judged."),
            (2, "The shard outputs do not make one complete, consistent run (codes O005-O010), or cannot be read."),
        ],
    ),
    (
        "attest",
        &[
            (0, "Every check operated throughout the period (or did not apply), every slot has a valid scan, and no bundle was rejected."),
            (1, "The period report shows exceptions, gaps or rejected bundles (it is written either way)."),
            (2, "Nothing could be attested: bad options, or a source that cannot be read."),
        ],
    ),
    (
        "explain",
        &[
            (0, "The principal's escalation paths (or why each breaks) are printed."),
            (2, "The snapshot cannot be read, or it holds no user, role or group with that ARN."),
        ],
    ),
];

/// The exit codes of the command `path` (its words after the program's name).
pub fn exit_status(path: &str) -> Option<&'static [(u8, &'static str)]> {
    EXIT_STATUS.iter().find(|(p, _)| *p == path).map(|(_, codes)| *codes)
}

/// The clap tree the pages describe: the built-in defaults, not a configuration file's.
fn tree() -> clap::Command {
    let mut cmd = super::config::command(&Default::default(), false).disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Every non-hidden command with its words after the program's name (`""`, `"policy list"`),
/// parents before children.
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.to_owned(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let child = if path.is_empty() { sub.get_name().to_owned() } else { format!("{path} {}", sub.get_name()) };
        commands(sub, &child, out);
    }
}

/// Each page: its file name and its roff text.
pub fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut all = Vec::new();
    commands(&tree(), "", &mut all);
    all.iter().map(|(path, cmd)| page(path, cmd)).collect()
}

/// The page of one command: clap_mangen's sections, then EXIT STATUS and SEE ALSO.
fn page(path: &str, cmd: &clap::Command) -> anyhow::Result<(String, Vec<u8>)> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    if cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    let codes = exit_status(path).with_context(|| format!("internal: no exit status for `{path}`"))?;
    let mut roff = Roff::default();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in codes {
        roff.control("TP", []);
        roff.text([roman(code.to_string())]);
        roff.text([roman(*meaning)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name()).to_owned();
    let mut see: Vec<String> = Vec::new();
    if let Some((parent, _)) = name.rsplit_once('-').filter(|_| !path.is_empty()) {
        // The parent of `flowforge-audit-policy-list` is `flowforge-audit-policy`; of a
        // top-level command, the program's page.
        let parent = if path.contains(' ') { parent.to_owned() } else { "flowforge-audit".to_owned() };
        see.push(format!("{parent}(1)"));
    }
    see.push("the user guide, docs/guide.md, and the exit codes and diagnostics, docs/diagnostics.md".to_owned());
    roff.text([roman(see.join(", "))]);
    roff.to_writer(&mut out)?;
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok((format!("{name}.1"), out))
}

/// `man [--out DIR] [COMMAND...]`.
pub fn man(out: Option<&Path>, command: &[String]) -> anyhow::Result<u8> {
    let pages = pages()?;
    let path = command.join(" ");
    if let Some(dir) = out {
        if !path.is_empty() {
            anyhow::bail!("man --out DIR writes every page: give no command");
        }
        std::fs::create_dir_all(dir).map_err(super::io_failure("cannot create", dir))?;
        for (name, text) in &pages {
            let file = dir.join(name);
            crate::report::write_atomically(&file, text).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        outln!("{} man pages in {}", pages.len(), dir.display());
        return Ok(EXIT_OK);
    }
    let name =
        if path.is_empty() { "flowforge-audit".to_owned() } else { format!("flowforge-audit-{}", command.join("-")) };
    let Some((_, text)) = pages.iter().find(|(file, _)| *file == format!("{name}.1")) else {
        let known: Vec<String> = {
            let mut all = Vec::new();
            commands(&tree(), "", &mut all);
            all.into_iter().map(|(p, _)| p).filter(|p| !p.is_empty()).collect()
        };
        anyhow::bail!("man: no command `{path}`; one of: {}", known.join(", "));
    };
    let mut stdout = Vec::new();
    stdout.write_all(text)?;
    out!("{}", String::from_utf8_lossy(&stdout));
    Ok(EXIT_OK)
}

/// Where `man --out DIR` puts the page of `command` (for tests and docs).
pub fn page_file(dir: &Path, command: &str) -> PathBuf {
    if command.is_empty() {
        dir.join("flowforge-audit.1")
    } else {
        dir.join(format!("flowforge-audit-{}.1", command.replace(' ', "-")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command of the binary has its exit status (a new command cannot ship a page
    /// without one), and every entry names a command (no stale entry) of the full build.
    #[test]
    fn every_command_has_an_exit_status() {
        let mut all = Vec::new();
        commands(&tree(), "", &mut all);
        let paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        for p in &paths {
            assert!(exit_status(p).is_some(), "no EXIT_STATUS entry for `{p}`");
        }
        for (p, codes) in EXIT_STATUS {
            let aws_only = ["collect", "scan"].contains(p);
            assert!(paths.contains(p) || (aws_only && !cfg!(feature = "aws")), "EXIT_STATUS names no command `{p}`");
            assert!(codes.windows(2).all(|w| w[0].0 < w[1].0), "`{p}`: codes in order");
            assert!(codes.iter().all(|(c, _)| [0, 1, 2].contains(c)), "`{p}`: only the documented codes");
        }
    }

    /// Issue 25 friction 9: the man page covered the top level only and referred to pages
    /// nothing produced. There is a page per command, each with EXIT STATUS, and every page a
    /// page refers to (`flowforge-audit-evaluate(1)`) exists.
    #[test]
    fn a_page_per_command_with_exit_status_and_no_dangling_reference() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for wanted in [
            "flowforge-audit.1",
            "flowforge-audit-evaluate.1",
            "flowforge-audit-policy-list.1",
            "flowforge-audit-gate.1",
        ] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        for (name, text) in &pages {
            let text = String::from_utf8(text.clone()).unwrap();
            assert!(text.contains(".SH \"EXIT STATUS\""), "{name}: no EXIT STATUS");
            assert!(text.contains(".SH SYNOPSIS") && text.contains(".SH OPTIONS"), "{name}");
            for reference in text.split_whitespace().filter(|w| w.starts_with("flowforge\\-audit") && w.contains("(1)"))
            {
                let file = reference.replace("\\-", "-").split('(').next().unwrap().to_owned() + ".1";
                assert!(names.contains(&file.as_str()), "{name} refers to {reference}, which no page is");
            }
        }
        let gate =
            String::from_utf8(pages.iter().find(|(n, _)| n == "flowforge-audit-gate.1").unwrap().1.clone()).unwrap();
        assert!(gate.contains("Promotion blocked") && gate.contains("\\-\\-from\\-snapshot"), "{gate}");
    }
}
