//! The CI examples (`examples/ci/*.yml`) as a user copies them, the release workflow
//! (`.github/workflows/release.yml`) and the repository's GitHub Action (`action.yml`): valid
//! YAML of the right shape, every GitHub Action pinned to a commit listed in
//! `examples/ci/pinned-actions.txt` (checked against the action's release tags), and every
//! `flowforge-audit` option they (and the action's script) pass is one the binary has, so an
//! example cannot fail on an option renamed since.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use flowforge_audit::diag::yaml::{self, RawNode, RawValue};

const EXAMPLES: [&str; 4] =
    ["examples/ci/github-actions.yml", ".github/workflows/release.yml", "examples/ci/buildspec.yml", "action.yml"];

fn load(name: &str) -> RawNode {
    let path = common::repo(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::parse(&text, name).unwrap_or_else(|p| panic!("{name} is not valid YAML: {p}"))
}

fn get<'a>(node: &'a RawNode, key: &str) -> Option<&'a RawNode> {
    match &node.value {
        RawValue::Map(entries) => {
            entries.iter().find(|(k, _)| matches!(&k.value, RawValue::Str(s) if s == key)).map(|(_, v)| v)
        }
        _ => None,
    }
}

fn str_of(node: &RawNode) -> Option<&str> {
    match &node.value {
        RawValue::Str(s) => Some(s),
        _ => None,
    }
}

/// Every value of every `key` anywhere in the tree.
fn all_values<'a>(node: &'a RawNode, key: &str, out: &mut Vec<&'a RawNode>) {
    match &node.value {
        RawValue::Map(entries) => {
            for (k, v) in entries {
                if matches!(&k.value, RawValue::Str(s) if s == key) {
                    out.push(v);
                }
                all_values(v, key, out);
            }
        }
        RawValue::Seq(items) => items.iter().for_each(|i| all_values(i, key, out)),
        _ => {}
    }
}

/// The checked list: action → (sha, tag).
fn pinned() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(common::repo("examples/ci/pinned-actions.txt")).expect("pinned-actions.txt");
    let mut out = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols.len(), 4, "pinned-actions.txt: expected `action sha tag source`, found {line:?}");
        let (action, sha, tag, source) = (cols[0], cols[1], cols[2], cols[3]);
        assert!(sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()), "{action}: {sha} is not a commit SHA");
        assert!(tag.starts_with('v'), "{action}: {tag} is not a release tag");
        let repo: Vec<&str> = action.split('/').take(2).collect();
        let expected = format!("https://github.com/{}/releases/tag/{tag}", repo.join("/"));
        assert_eq!(source, expected, "{action}: the source must be the release page of the tag");
        assert!(out.insert(action.to_owned(), (sha.to_owned(), tag.to_owned())).is_none(), "{action} listed twice");
    }
    out
}

/// Both audit pipelines and the release workflow are valid YAML with the shape their runner needs.
#[test]
fn ci_examples_are_valid_yaml_of_the_right_shape() {
    for name in ["examples/ci/github-actions.yml", ".github/workflows/release.yml"] {
        let doc = load(name);
        assert!(get(&doc, "on").is_some(), "{name}: no `on:` trigger");
        let jobs = get(&doc, "jobs").unwrap_or_else(|| panic!("{name}: no jobs"));
        let RawValue::Map(jobs) = &jobs.value else { panic!("{name}: jobs is not a mapping") };
        assert!(!jobs.is_empty(), "{name}: no job");
        for (job, body) in jobs {
            let steps = get(body, "steps").unwrap_or_else(|| panic!("{name}: job {job:?} has no steps"));
            let RawValue::Seq(steps) = &steps.value else { panic!("{name}: steps is not a list") };
            for step in steps {
                assert!(
                    get(step, "uses").is_some() != get(step, "run").is_some(),
                    "{name}:{}: a step needs exactly one of `uses` and `run`",
                    step.pos.line
                );
            }
        }
    }
    // The action: a composite whose `run` steps name their shell, every input it maps is
    // declared, and every declared input is used.
    let action = load("action.yml");
    let runs = get(&action, "runs").expect("action.yml runs");
    assert_eq!(get(runs, "using").and_then(str_of), Some("composite"));
    let RawValue::Seq(steps) = &get(runs, "steps").expect("steps").value else { panic!("steps is not a list") };
    for step in steps {
        assert!(get(step, "uses").is_some() != get(step, "run").is_some(), "action.yml:{}", step.pos.line);
        if get(step, "run").is_some() {
            assert_eq!(get(step, "shell").and_then(str_of), Some("bash"), "action.yml:{}", step.pos.line);
        }
    }
    let RawValue::Map(inputs) = &get(&action, "inputs").expect("inputs").value else { panic!("inputs") };
    let action_text = std::fs::read_to_string(common::repo("action.yml")).unwrap();
    for (k, _) in inputs {
        let name = str_of(k).unwrap();
        assert!(action_text.contains(&format!("inputs.{name}")), "action.yml: input {name} is never used");
    }
    for used in action_text.split("inputs.").skip(1) {
        let name: String = used.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        assert!(inputs.iter().any(|(k, _)| str_of(k) == Some(&name)), "action.yml uses an undeclared input {name}");
    }
    let permissions = get(&load("examples/ci/github-actions.yml"), "permissions").cloned().expect("permissions");
    for (key, value) in [("id-token", "write"), ("security-events", "write"), ("actions", "read"), ("contents", "read")]
    {
        assert_eq!(get(&permissions, key).and_then(str_of), Some(value), "github-actions.yml: permissions.{key}");
    }
    let spec = load("examples/ci/buildspec.yml");
    assert_eq!(get(&spec, "version").map(|v| v.value.clone()), Some(RawValue::Float(0.2)), "buildspec version");
    let phases = get(&spec, "phases").expect("buildspec phases");
    for phase in ["install", "build"] {
        assert!(
            get(phases, phase).and_then(|p| get(p, "commands")).is_some(),
            "buildspec: phase {phase} has no commands"
        );
    }
}

/// Every `uses:` is pinned to the commit SHA the checked list gives for that action, and its
/// comment names the listed tag; every listed action is used (the list stays current).
#[test]
fn ci_example_actions_are_pinned_to_checked_versions() {
    let pinned = pinned();
    let mut used = BTreeSet::new();
    for name in EXAMPLES {
        let text = std::fs::read_to_string(common::repo(name)).unwrap();
        let doc = load(name);
        let mut uses = Vec::new();
        all_values(&doc, "uses", &mut uses);
        for u in uses {
            let value = str_of(u).unwrap_or_else(|| panic!("{name}:{}: `uses` is not a string", u.pos.line));
            let (action, sha) = value.split_once('@').unwrap_or_else(|| panic!("{name}: {value} has no version"));
            let (want_sha, tag) =
                pinned.get(action).unwrap_or_else(|| panic!("{name}: {action} is not in pinned-actions.txt"));
            assert_eq!(sha, want_sha, "{name}: {action} must be pinned to the checked commit of {tag}");
            let line = text.lines().nth(u.pos.line - 1).unwrap_or("");
            assert!(line.trim_end().ends_with(&format!("# {tag}")), "{name}:{}: say the tag: `# {tag}`", u.pos.line);
            used.insert(action.to_owned());
        }
    }
    let unused: Vec<_> = pinned.keys().filter(|a| !used.contains(*a)).collect();
    assert!(unused.is_empty(), "pinned-actions.txt lists actions no example uses: {unused:?}");
}

/// The `with:` value `key` of the step that uses `action` (`actions/cache/restore`), and the
/// step's `if:` condition.
fn cache_step<'a>(steps: &'a [RawNode], action: &str) -> Option<(&'a RawNode, Option<&'a str>)> {
    steps
        .iter()
        .find(|s| get(s, "uses").and_then(str_of).is_some_and(|u| u.split('@').next() == Some(action)))
        .map(|s| (get(s, "with").expect("a cache step has `with`"), get(s, "if").and_then(str_of)))
}

/// Issue 25 friction 8: the CI examples never kept `--history`, so a scheduled scan never showed
/// a trend. The GitHub workflow and the action restore the history from the Actions cache
/// before the scan and save it after, also when the gate failed (`always()`), under one key
/// per environment whose newest entry the next run restores; the scan writes into that
/// directory. The CodeBuild project keeps the directory it passes to `--history` in its cache.
#[test]
fn ci_examples_keep_the_history_between_runs() {
    let check = |name: &str, steps: &[RawNode], dir: &str, scan_text: &str| {
        let (restore, _) = cache_step(steps, "actions/cache/restore").unwrap_or_else(|| panic!("{name}: no restore"));
        let (save, cond) = cache_step(steps, "actions/cache/save").unwrap_or_else(|| panic!("{name}: no save"));
        for with in [restore, save] {
            assert_eq!(get(with, "path").and_then(str_of), Some(dir), "{name}: the cached path");
        }
        let key = get(save, "key").and_then(str_of).expect("save key");
        assert_eq!(get(restore, "key").and_then(str_of), Some(key), "{name}: restore and save the same key");
        assert!(key.contains("github.run_id"), "{name}: a new cache per run (a cache key is written once)");
        let prefix = get(restore, "restore-keys").and_then(str_of).expect("restore-keys");
        assert!(key.starts_with(prefix.trim()) && prefix.contains("${{"), "{name}: newest of the environment");
        assert!(cond.is_some_and(|c| c.contains("always()")), "{name}: saved when the gate fails too");
        assert!(scan_text.contains("--history"), "{name}: the scan writes the history");
    };
    let workflow = load("examples/ci/github-actions.yml");
    let RawValue::Map(jobs) = &get(&workflow, "jobs").unwrap().value else { panic!("jobs") };
    let RawValue::Seq(steps) = &get(&jobs[0].1, "steps").unwrap().value else { panic!("steps") };
    let text = std::fs::read_to_string(common::repo("examples/ci/github-actions.yml")).unwrap();
    assert!(text.contains("--history history"), "github-actions.yml: scan --history history");
    check("github-actions.yml", steps, "history", &text);

    let action = load("action.yml");
    let RawValue::Seq(steps) = &get(get(&action, "runs").unwrap(), "steps").unwrap().value else { panic!("steps") };
    let script = std::fs::read_to_string(common::repo("scripts/github-action.sh")).unwrap();
    assert!(script.contains("args+=(--history \"$INPUT_HISTORY\")"), "the action's script passes --history");
    let scan = steps.iter().find(|s| get(s, "id").and_then(str_of) == Some("scan")).expect("scan step");
    let env = get(scan, "env").expect("scan env");
    assert_eq!(get(env, "INPUT_HISTORY").and_then(str_of), Some("${{ inputs.history }}"));
    check("action.yml", steps, "${{ inputs.history }}", &script);

    let spec = std::fs::read_to_string(common::repo("examples/ci/buildspec.yml")).unwrap();
    assert!(spec.contains("--history \"history/$FLOWFORGE_ENV\""), "buildspec: --history history/<env>");
    let spec_doc = load("examples/ci/buildspec.yml");
    let RawValue::Seq(paths) = &get(get(&spec_doc, "cache").unwrap(), "paths").unwrap().value else {
        panic!("cache paths")
    };
    assert!(paths.iter().any(|p| str_of(p) == Some("history/**/*")), "buildspec: history in the cache");
}

/// The options the examples pass, checked against the clap tree. The examples run `scan` and
/// `collect`: the AWS build's commands.
#[cfg(feature = "aws")]
mod options {
    use super::*;
    use clap::CommandFactory;

    /// The shell scripts of every step, joined across `\` line continuations.
    fn scripts(name: &str) -> Vec<String> {
        let mut nodes = Vec::new();
        let doc = load(name);
        all_values(&doc, "run", &mut nodes);
        all_values(&doc, "commands", &mut nodes);
        let mut out = Vec::new();
        for n in nodes {
            match &n.value {
                RawValue::Str(s) => out.push(logical_lines(s)),
                RawValue::Seq(items) => out.extend(items.iter().filter_map(str_of).map(logical_lines)),
                _ => {}
            }
        }
        out
    }

    /// One line per command: `\` continuations joined, and a bash array assignment `a=(...)`
    /// spread over several lines joined into one.
    fn logical_lines(script: &str) -> String {
        let mut out = String::new();
        let mut open_array = false;
        for line in script.replace("\\\n", " ").lines() {
            out.push_str(line);
            if line.contains("=(") && !line.contains(')') {
                open_array = true;
            } else if open_array && line.contains(')') {
                open_array = false;
            }
            out.push(if open_array { ' ' } else { '\n' });
        }
        out
    }

    fn flags(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|t| t.starts_with("--") && t.len() > 2)
            .map(|t| t.split('=').next().unwrap_or(t))
    }

    /// Every option a CI example passes to a `flowforge-audit` subcommand (on its line, or in a
    /// bash array the command line expands) exists on that subcommand. (The examples run `scan`
    /// and `collect`: the AWS build's commands.)
    #[test]
    fn ci_example_commands_use_existing_options() {
        let cli = flowforge_audit::cli::Cli::command();
        let globals: BTreeSet<String> =
            cli.get_arguments().filter_map(|a| a.get_long().map(str::to_owned)).chain(["help".into()]).collect();
        let mut checked = 0;
        for name in EXAMPLES {
            for script in scripts(name) {
                let lines: Vec<&str> = script.lines().collect();
                // Subcommands invoked in this script, with the lines they are on.
                let mut invoked = Vec::new();
                for line in &lines {
                    let mut words = line.split_whitespace().skip_while(|w| *w != "flowforge-audit").skip(1);
                    if let Some(sub) = words.next().filter(|w| !w.starts_with('-')) {
                        let cmd = cli
                            .find_subcommand(sub)
                            .unwrap_or_else(|| panic!("{name}: `flowforge-audit {sub}` is not a subcommand"));
                        invoked.push((cmd.clone(), *line));
                    }
                }
                for line in &lines {
                    let (targets, from): (Vec<&clap::Command>, &str) =
                        if let Some((cmd, _)) = invoked.iter().find(|(_, l)| l == line) {
                            (vec![cmd], line.split("flowforge-audit").nth(1).unwrap_or(""))
                        } else if line.contains("=(") {
                            // A bash array: each command that expands one must accept its options.
                            (invoked.iter().filter(|(_, l)| l.contains("[@]")).map(|(c, _)| c).collect(), line)
                        } else {
                            continue;
                        };
                    for flag in flags(from) {
                        for cmd in &targets {
                            let known = globals.contains(&flag[2..])
                                || cmd.get_arguments().any(|a| a.get_long() == Some(&flag[2..]));
                            assert!(known, "{name}: `flowforge-audit {}` has no option {flag}", cmd.get_name());
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 20, "only {checked} options found in the CI examples: the extraction is broken");
    }

    /// Every option the action's script passes to `scan` exists on `scan`.
    #[test]
    fn action_script_uses_existing_scan_options() {
        let cli = flowforge_audit::cli::Cli::command();
        let scan = cli.find_subcommand("scan").expect("scan");
        let text = std::fs::read_to_string(common::repo("scripts/github-action.sh")).unwrap();
        let mut checked = 0;
        for line in logical_lines(&text).lines().filter(|l| l.contains("args=(") || l.contains("args+=(")) {
            for flag in flags(line) {
                let name = &flag[2..];
                let known = scan
                    .get_arguments()
                    .any(|a| a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|all| all.contains(&name)));
                assert!(known, "scan has no option {flag}");
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} options found in scripts/github-action.sh");
    }
}
