//! The command line's conventions, applied to the whole clap tree in one place so that no
//! option can miss them (README, "Configuration"):
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
//! problems are reported with the file, line and column, exit 2, like every other input file.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Arg, Command, CommandFactory};

use crate::diag::yaml::{self, RawNode, RawValue};

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
    let ids: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| (a.get_id().to_string(), l.to_owned())))
        .filter(|(_, l)| !CLAP_OWN.contains(&l.as_str()))
        .collect();
    for (id, long) in ids {
        let value = config.values.iter().rev().find(|(k, _)| *k == long).map(|(_, v)| leak(v.clone()));
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

/// Reads a configuration file: a YAML mapping of option long names (`fail-on` or `fail_on`) to
/// a scalar or a list of scalars. A key that is no option of any command is an error (a typo
/// must not be silently ignored); an option of another command than the one run is not used.
pub fn read_config(path: &Path) -> anyhow::Result<Config> {
    let bytes = crate::fsio::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read the configuration {}: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| anyhow::anyhow!("configuration {}: not UTF-8 ({e})", path.display()))?;
    let label = path.display().to_string();
    let root = yaml::parse(text.trim_start_matches('\u{feff}'), &label).map_err(|p| anyhow::anyhow!("{p}"))?;
    let mut all = Vec::new();
    let tree = super::Cli::command();
    walk(&tree, &mut all);
    let known: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|(_, a)| a.get_long()).filter(|l| !CLAP_OWN.contains(l) && *l != "config").collect();
    let at = |n: &RawNode| format!("{label}:{}:{}", n.pos.line, n.pos.col);
    let root_at = at(&root);
    let entries = match root.value {
        RawValue::Map(entries) => entries,
        RawValue::Null => Vec::new(),
        other => {
            anyhow::bail!("{}: expected a mapping of option names to values, found {}", root_at, other.type_name())
        }
    };
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (k, v) in entries {
        let RawValue::Str(key) = &k.value else {
            problems.push(format!("{}: an option name must be a string", at(&k)));
            continue;
        };
        let long = key.replace('_', "-");
        if !known.contains(long.as_str()) {
            problems.push(format!(
                "{}: unknown option {key:?}; expected the long name of an option, such as fail-on or format (see --help)",
                at(&k)
            ));
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
            _ => scalar(&v),
        };
        match value {
            Some(value) => values.push((long, value)),
            None => problems.push(format!(
                "{}: option {key:?}: expected a string, number, boolean or a list of them, found {}",
                at(&v),
                v.value.type_name()
            )),
        }
    }
    if !problems.is_empty() {
        anyhow::bail!("invalid configuration file:\n  {}", problems.join("\n  "));
    }
    Ok(Config { file: Some(path.to_path_buf()), values })
}

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
        let e = read_config(&bad).unwrap_err().to_string();
        assert!(e.contains("bad.yaml:2:1") && e.contains("\"fail-onn\""), "{e}");
        assert!(e.contains("bad.yaml:3:") && e.contains("a mapping"), "{e}");
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
