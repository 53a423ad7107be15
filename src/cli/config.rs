//! The command line's conventions, applied to the whole clap tree in one place so that no
//! option can miss them (docs/guide.md, "Configuration"):
//!
//! - every option `--long-name` also reads the environment variable
//!   `FLOWFORGE_AUDIT_LONG_NAME` (clap's `env`);
//! - a configuration file (`--config FILE`, `FLOWFORGE_AUDIT_CONFIG`, or `flowforge-audit.yaml`
//!   in the working directory) may hold any option, keyed by its long name;
//! - precedence: a flag on the command line, then its environment variable, then the
//!   configuration file, then the built-in default. The file's values become the options'
//!   clap defaults, which is exactly that order (clap: arguments > env > default);
//! - `--version` prints the tool version, the built-in policy catalog's SHA-256 and the commit
//!   the binary was built from.
//!
//! The file is read before clap parses (it changes the defaults clap parses with), so its
//! problems are reported with the file, line and column, exit 2, like every other input file,
//! through the same reader and field toolkit ([`crate::diag::fields`]). Its keys are the
//! options' long names, taken from the clap tree: the one list of them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Arg, Command, CommandFactory};

use crate::diag::fields::{suggest, Codes, Ctx};
use crate::diag::yaml::{self, RawNode, RawValue};
use crate::diag::{Code, Problem};

/// The environment variable prefix of every option.
pub const ENV_PREFIX: &str = "FLOWFORGE_AUDIT_";
/// The configuration file read from the working directory when no `--config` is given.
pub const DEFAULT_CONFIG: &str = "flowforge-audit.yaml";
/// Names clap gives its own flags: no environment variable, not settable in the file.
const CLAP_OWN: [&str; 2] = ["help", "version"];

/// The commit the binary was built from (build.rs: `FLOWFORGE_AUDIT_COMMIT` at build time,
/// else `git rev-parse`, else "unknown").
pub const COMMIT: &str = env!("FLOWFORGE_AUDIT_BUILD_COMMIT");

/// `FLOWFORGE_AUDIT_<LONG_NAME_IN_UPPER_SNAKE>` for the option `--long-name`.
pub fn env_name(long: &str) -> String {
    format!("{ENV_PREFIX}{}", long.replace('-', "_").to_ascii_uppercase())
}

/// clap keeps `&'static str`s: the few strings built at start-up live as long as the process.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The full `--version` text: tool version, built-in catalog hash, commit.
pub fn long_version() -> String {
    let catalog = match crate::policy::Catalog::builtin() {
        Ok(c) => format!("{} ({} checks)", c.sha256(), c.checks().len()),
        Err(e) => format!("unavailable ({e})"),
    };
    format!("{}\npolicy catalog sha256: {catalog}\ncommit: {COMMIT}", env!("CARGO_PKG_VERSION"))
}

/// Every option of `cmd` and its subcommands, recursively.
pub fn walk<'a>(cmd: &'a Command, out: &mut Vec<(&'a Command, &'a Arg)>) {
    for a in cmd.get_arguments() {
        out.push((cmd, a));
    }
    for sub in cmd.get_subcommands() {
        walk(sub, out);
    }
}

/// Options a configuration file gave, by long name (a list is joined with commas, as the
/// options take it), with where each came from.
#[derive(Debug, Default)]
pub struct Config {
    pub file: Option<PathBuf>,
    pub values: Vec<(String, String)>,
}

/// The clap tree with the conventions applied: environment variables on every option, the
/// configuration's values as defaults, the long version when `long_version` is set.
pub fn command(config: &Config, long_version: bool) -> Command {
    let mut cmd = super::Cli::command();
    if long_version {
        cmd = cmd.long_version(leak(self::long_version()));
    }
    apply(cmd, config)
}

/// Whether the arguments ask for `--version` (computing the catalog hash costs a little).
pub fn wants_version(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--version")
}

fn apply(mut cmd: Command, config: &Config) -> Command {
    // A file's value is the default of the commands whose option takes it: `format: [json,
    // sarif]` sets the report formats of `scan` and `evaluate`, not `diff`'s (md or json).
    let ids: Vec<(String, String, Option<&'static str>)> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| (a, l)))
        .filter(|(_, l)| !CLAP_OWN.contains(l))
        .map(|(a, long)| {
            let value = config.values.iter().rev().find(|(k, _)| k == long).map(|(_, v)| v);
            let value = value.filter(|v| accepts(a, long, v).is_ok()).map(|v| leak(v.clone()));
            (a.get_id().to_string(), long.to_owned(), value)
        })
        .collect();
    for (id, long, value) in ids {
        cmd = cmd.mut_arg(id, |a| {
            let a = a.env(leak(env_name(&long)));
            match value {
                // A default satisfies no `required`: the file's value does.
                Some(v) => a.default_value(v).required(false),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, |s| apply(s, config));
    }
    cmd
}

/// The `FLOWFORGE_AUDIT_*` variable a refused value came from, when clap refused an option's
/// value that the command line does not give (clap's message names the flag only). A value from
/// the configuration file was checked, with its position, before clap parses.
pub fn value_from_environment(e: &clap::Error, args: &[OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(e.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation) {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else { return None };
    // "--fail-on <SEVERITY>"
    let long = arg.strip_prefix("--")?.split([' ', '=']).next()?;
    let on_command_line = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .any(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")));
    let var = env_name(long);
    let set = std::env::var_os(&var).is_some_and(|v| !v.is_empty());
    (set && !on_command_line).then_some(var)
}

/// Whether the arguments ask for `-v` (read before clap parses, for the configuration's errors).
pub fn verbose_in(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").filter_map(|a| a.to_str()).any(|a| {
        a == "--verbose"
            || (a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].chars().all(|c| c == 'v'))
    })
}

/// Where the configuration comes from: `--config FILE` (or `--config=FILE`) anywhere in the
/// arguments, else `FLOWFORGE_AUDIT_CONFIG`, else `flowforge-audit.yaml` when it exists.
/// The flag says whether it was asked for explicitly (then it must exist).
pub fn config_path(args: &[OsString]) -> Option<(PathBuf, bool)> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--config" {
            return it.next().map(|p| (PathBuf::from(p), true));
        }
        if let Some(p) = a.to_str().and_then(|s| s.strip_prefix("--config=")) {
            return Some((PathBuf::from(p), true));
        }
    }
    if let Some(p) = std::env::var_os(env_name("config")).filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    let default = Path::new(DEFAULT_CONFIG);
    default.exists().then(|| (default.to_path_buf(), false))
}

/// Why a configuration file was refused: its problems (each a [`Problem`] with a `C` code, or
/// a `Y` code from the YAML reader; exit 2), and details shown only under `-v`.
#[derive(Debug)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
    pub details: Vec<String>,
}

impl ConfigError {
    fn one(problem: Problem, detail: String) -> ConfigError {
        ConfigError { problems: vec![problem], details: vec![detail] }
    }

    /// One line for one problem (`file:line:col: error[CODE]: message`), else the summary
    /// line and one line per problem.
    pub fn message(&self) -> String {
        match &self.problems[..] {
            [one] => one.to_string(),
            all => crate::diag::render("the configuration file", all),
        }
    }
}

/// The short reason an input could not be read and what to do; the full OS error is a detail.
fn read_failure(e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    };
    match crate::fsio::advice(e.kind()) {
        Some(advice) => format!("{reason}; {advice}"),
        None => reason,
    }
}

/// Checks `value` (a list is joined with commas) as the definitions of the option `--long`
/// (one in each command that has it) would parse it: `Ok` when at least one accepts it (the
/// value is the default of those commands only, [`apply`]), otherwise `Err` with the first
/// refusal (its reason, and clap's whole message).
fn check_value(tree: &Command, long: &str, value: &str) -> Result<(), (String, String)> {
    let mut all = Vec::new();
    walk(tree, &mut all);
    let mut first_refusal = None;
    for (_, arg) in all.into_iter().filter(|(_, a)| a.get_long() == Some(long)) {
        match accepts(arg, long, value) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    first_refusal.map_or(Ok(()), Err)
}

/// Whether the option `arg` (`--long`) takes `value` as a flag would give it: `Err` with the
/// reason and clap's whole message. A flag takes `true` or `false`, a counted flag (`verbose`)
/// a count.
fn accepts(arg: &Arg, long: &str, value: &str) -> Result<(), (String, String)> {
    match arg.get_action() {
        clap::ArgAction::SetTrue | clap::ArgAction::SetFalse if value != "true" && value != "false" => {
            let why = format!("expected true or false, found {value:?}");
            return Err((why.clone(), why));
        }
        clap::ArgAction::Count if value.parse::<u8>().is_err() => {
            let why = format!("expected a count (0, 1, 2), found {value:?}");
            return Err((why.clone(), why));
        }
        clap::ArgAction::SetTrue | clap::ArgAction::SetFalse | clap::ArgAction::Count => return Ok(()),
        _ => {}
    }
    // The option alone in a command of its own, given the value as a flag would.
    // (A fresh argument with its parser: a clone would keep its relations to others.)
    let mut probe = Arg::new("value").long(leak(long.to_owned())).action(clap::ArgAction::Append);
    probe = probe.value_parser(arg.get_value_parser().clone());
    if let Some(names) = arg.get_value_names() {
        probe = probe.value_names(names.to_vec());
    }
    if let Some(d) = arg.get_value_delimiter() {
        probe = probe.value_delimiter(d);
    }
    let probe = Command::new("config").no_binary_name(true).arg(probe);
    if let Err(e) = probe.try_get_matches_from([format!("--{long}={value}")]) {
        // clap says "error: invalid value 'V' for '--x <X>': why\n\nFor more ...": the
        // line keeps "why"; the whole first line is a detail for -v.
        let text = e.to_string();
        let full = text.lines().next().unwrap_or("").trim_start_matches("error: ").trim().to_owned();
        let why = full.split_once("': ").map(|(_, why)| why).unwrap_or("not accepted");
        return Err((format!("invalid value {value:?}: {why}"), full));
    }
    Ok(())
}

/// Reads a configuration file: a YAML mapping of option long names (`fail-on` or `fail_on`) to
/// a scalar or a list of scalars. Every problem is found before the file is refused
/// (`docs/diagnostics.md`, codes `C001`-`C004` and the YAML reader's `Y001`-`Y003`): a file
/// that cannot be read, a key that is no option of any command (a typo must not be silently
/// ignored), a value of the wrong type, a value the option does not accept. An option of
/// another command than the one run is checked but not used.
pub fn read_config(path: &Path) -> Result<Config, ConfigError> {
    let label = path.display().to_string();
    let bytes = crate::fsio::read(path).map_err(|e| {
        ConfigError::one(
            Problem::in_file(
                Code::ConfigUnreadable,
                &label,
                format!("cannot read the configuration file: {}", read_failure(&e)),
            ),
            format!("{label}: {e} ({:?})", e.kind()),
        )
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let prefix = &bytes[..e.valid_up_to()];
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        ConfigError::one(
            Problem::new(Code::ConfigUnreadable, &label, line, 0, "the configuration file is not UTF-8 text"),
            format!("{label}: {e}"),
        )
    })?;
    let root = yaml::parse(text.trim_start_matches('\u{feff}'), &label)
        .map_err(|p| ConfigError { problems: vec![p], details: Vec::new() })?;
    let tree = super::Cli::command();
    let mut all = Vec::new();
    walk(&tree, &mut all);
    let known: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|(_, a)| a.get_long()).filter(|l| !CLAP_OWN.contains(l) && *l != "config").collect();
    let known_list: Vec<&str> = known.iter().copied().collect();
    let cx = Ctx::new(&label, CODES);
    let entries = match &root.value {
        RawValue::Null => Vec::new(),
        RawValue::Map(_) => cx.entries(&root, "").unwrap_or_default(),
        other => {
            let m = format!("expected a mapping of option names to values, found {}", other.type_name());
            cx.wrong_type(&root, m);
            Vec::new()
        }
    };
    let mut values = Vec::new();
    let mut details = Vec::new();
    for e in entries {
        let (key, v) = (e.key, e.value);
        let long = key.replace('_', "-");
        if !known.contains(long.as_str()) {
            let hint = suggest(&long, &known_list).map(|s| format!(" did you mean {s:?}?")).unwrap_or_default();
            cx.report(
                Code::ConfigUnknownOption,
                e.key_pos,
                format!("unknown option {key:?};{hint} expected the long name of an option, such as fail-on or format (see --help)"),
            );
            continue;
        }
        let scalar = |n: &RawNode| match &n.value {
            RawValue::Str(s) => Some(s.clone()),
            RawValue::Bool(b) => Some(b.to_string()),
            RawValue::Int(i) => Some(i.to_string()),
            RawValue::Float(f) => Some(f.to_string()),
            _ => None,
        };
        let value = match &v.value {
            RawValue::Seq(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>().map(|v| v.join(",")),
            _ => scalar(v),
        };
        let Some(value) = value else {
            cx.wrong_type(
                v,
                format!(
                    "option {key:?}: expected a string, number, boolean or a list of them, found {}",
                    v.value.type_name()
                ),
            );
            continue;
        };
        if let Err((why, full)) = check_value(&tree, &long, &value) {
            cx.invalid(v, format!("option {key:?}: {why}"));
            details.push(format!("{label}:{}:{}: {full}", v.pos.line, v.pos.col));
            continue;
        }
        values.push((long, value));
    }
    let problems = cx.into_problems();
    if !problems.is_empty() {
        return Err(ConfigError { problems, details });
    }
    Ok(Config { file: Some(path.to_path_buf()), values })
}

/// The configuration file's codes for the field toolkit's problems. Its keys are the options'
/// long names, so none is required (the missing-key code is never raised).
const CODES: Codes = Codes {
    unknown_key: Code::ConfigUnknownOption,
    missing_key: Code::ConfigUnknownOption,
    wrong_type: Code::ConfigWrongType,
    invalid_value: Code::ConfigInvalidValue,
    empty: Code::ConfigInvalidValue,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option of every command reads `FLOWFORGE_AUDIT_<LONG_NAME>`, clap's own flags aside.
    #[test]
    fn every_option_has_its_environment_variable() {
        let cmd = command(&Config::default(), false);
        let mut all = Vec::new();
        walk(&cmd, &mut all);
        let mut checked = 0;
        for (owner, a) in all {
            let Some(long) = a.get_long() else { continue };
            if CLAP_OWN.contains(&long) {
                continue;
            }
            let env = a.get_env().map(|e| e.to_string_lossy().into_owned());
            assert_eq!(env, Some(env_name(long)), "{} --{long}", owner.get_name());
            checked += 1;
        }
        assert!(checked > 40, "only {checked} options seen");
    }

    /// A configuration key that is no option is an error with its position; lists join with commas.
    #[test]
    fn config_file_keys_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.yaml");
        std::fs::write(&good, "env: prod\nformat: [json, sarif]\nfail_on: high\nquiet: true\n").unwrap();
        let c = read_config(&good).unwrap();
        assert_eq!(
            c.values,
            vec![
                ("env".into(), "prod".into()),
                ("format".into(), "json,sarif".into()),
                ("fail-on".into(), "high".into()),
                ("quiet".into(), "true".into())
            ]
        );
        let bad = dir.path().join("bad.yaml");
        std::fs::write(&bad, "env: prod\nfail-onn: high\nformat: {a: 1}\n").unwrap();
        let e = read_config(&bad).unwrap_err().message();
        assert!(
            e.contains("bad.yaml:2:1: error[C002]") && e.contains("\"fail-onn\"; did you mean \"fail-on\"?"),
            "{e}"
        );
        assert!(e.contains("bad.yaml:3:9: error[C003]") && e.contains("a mapping"), "{e}");
    }

    /// A file's value is the default only of the commands whose option takes it:
    /// `format: [json, sarif]` sets the report formats of `scan` and `evaluate` and leaves
    /// `diff --format` (md or json) at md; `format: json` is both. A value no command takes is
    /// still refused (C004).
    #[test]
    fn config_values_go_to_the_commands_that_take_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        let formats = |m: &clap::ArgMatches, sub: &str| -> Vec<String> {
            let (_, m) = m.subcommand().filter(|(n, _)| *n == sub).unwrap();
            m.get_many::<String>("format").unwrap().cloned().collect()
        };
        std::fs::write(&path, "format: [json, sarif]\n").unwrap();
        let config = read_config(&path).unwrap();
        let m = command(&config, false).try_get_matches_from(["x", "diff", "a.json", "b.json"]).unwrap();
        assert_eq!(formats(&m, "diff"), ["md"]);
        let m = command(&config, false)
            .try_get_matches_from(["x", "evaluate", "--snapshot", "s.json", "--env", "prod"])
            .unwrap();
        assert_eq!(formats(&m, "evaluate"), ["json", "sarif"]);
        std::fs::write(&path, "format: json\n").unwrap();
        let config = read_config(&path).unwrap();
        let m = command(&config, false).try_get_matches_from(["x", "diff", "a.json", "b.json"]).unwrap();
        assert_eq!(formats(&m, "diff"), ["json"]);
        std::fs::write(&path, "format: docx\n").unwrap();
        let e = read_config(&path).unwrap_err().message();
        assert!(e.contains("error[C004]") && e.contains("docx"), "{e}");
    }

    /// Issue 15: each kind of bad configuration file is one `diag::Problem` with its code
    /// (C001 unreadable, Y001 malformed, C002 unknown key, C003 wrong type, C004 a value the
    /// option refuses, flags included), shown as one line; what clap or the OS said is a detail.
    #[test]
    fn config_file_problems_have_codes() {
        let dir = tempfile::tempdir().unwrap();
        let case = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            read_config(&path).unwrap_err()
        };
        let codes = |e: &ConfigError| e.problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>();
        let missing = read_config(&dir.path().join("nope.yaml")).unwrap_err();
        assert_eq!(codes(&missing), ["C001"]);
        assert!(
            missing.message().contains("cannot read the configuration file: no such file; check the path"),
            "{}",
            missing.message()
        );
        assert!(missing.details[0].contains("os error"), "{:?}", missing.details);
        assert_eq!(codes(&read_config(dir.path()).unwrap_err()), ["C001"], "a directory");
        let utf8 = case("latin1.yaml", b"env: prod\nowner: caf\xe9\n");
        assert_eq!(
            utf8.message(),
            format!(
                "{}:2: error[C001]: the configuration file is not UTF-8 text",
                dir.path().join("latin1.yaml").display()
            )
        );
        assert_eq!(codes(&case("broken.yaml", b"format: [json\n")), ["Y001"]);
        assert_eq!(codes(&case("list.yaml", b"- env\n")), ["C003"]);
        assert_eq!(codes(&case("typo.yaml", b"enviroment: prod\n")), ["C002"]);
        assert_eq!(codes(&case("null.yaml", b"env:\n")), ["C003"]);
        assert_eq!(codes(&case("tag.yaml", b"env: !env prod\n")), ["Y003"], "a tag is refused YAML, as in every input");
        let bad = case("values.yaml", b"fail-on: urgent\nquiet: maybe\ncheck-timeout: 0\nformat: [json, sarif]\n");
        assert_eq!(codes(&bad), ["C004", "C004", "C004"]);
        assert_eq!(codes(&case("format.yaml", b"format: [json, jsn]\n")), ["C004"], "a format name");
        let m = bad.message();
        assert!(m.starts_with("the configuration file is invalid (3 errors):"), "{m}");
        assert!(
            m.contains("values.yaml:1:10: error[C004]: option \"fail-on\": invalid value \"urgent\": unknown severity"),
            "{m}"
        );
        assert!(m.contains("values.yaml:2:8: error[C004]: option \"quiet\": expected true or false"), "{m}");
        assert!(bad.details.iter().any(|d| d.contains("'--fail-on <SEVERITY>'")), "{:?}", bad.details);
        let one = case("one.yaml", b"env: prod\nfail_on: urgent\n");
        assert_eq!(one.message().lines().count(), 1, "one problem, one line");
    }

    /// `-v`, `-vv` and `--verbose` are seen before clap parses; `--` ends the search.
    #[test]
    fn verbose_is_seen_before_parsing() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(verbose_in(&args(&["x", "policy", "list", "-v"])));
        assert!(verbose_in(&args(&["x", "-vv", "scan"])));
        assert!(verbose_in(&args(&["x", "--verbose"])));
        assert!(!verbose_in(&args(&["x", "--version", "-", "--", "-v"])));
    }

    /// `--config FILE`, `--config=FILE` are found before clap parses; `--` ends the search.
    #[test]
    fn config_path_from_arguments() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(config_path(&args(&["x", "scan", "--config", "c.yaml"])), Some(("c.yaml".into(), true)));
        assert_eq!(config_path(&args(&["x", "--config=d.yaml", "scan"])), Some(("d.yaml".into(), true)));
    }

    /// NO_COLOR set to anything but the empty string turns colours off, even on a terminal.
    #[test]
    fn no_color_turns_colours_off() {
        use crate::cli::color_enabled;
        assert!(color_enabled(None, true));
        assert!(color_enabled(Some("".as_ref()), true));
        assert!(!color_enabled(Some("1".as_ref()), true));
        assert!(!color_enabled(None, false));
    }

    /// The long version names the tool version, the catalog's hash and the commit.
    #[test]
    fn long_version_has_catalog_hash_and_commit() {
        let v = long_version();
        let hash = crate::policy::Catalog::builtin().unwrap().sha256();
        assert!(v.starts_with(env!("CARGO_PKG_VERSION")) && v.contains(&hash) && v.contains("commit: "), "{v}");
    }
}
