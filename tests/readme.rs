//! The README and the user guide (`docs/guide.md`) are tested: every shell block marked for it
//! runs, with the binary this test run built, on the shipped examples, and must exit with the
//! code the marker documents.
//!
//! A block opts in with an HTML comment on the line before its fence (invisible on GitHub):
//!
//! ```text
//! <!-- readme-test: exit=1 stdout="1 WAIVED" -->
//! ```sh
//! flowforge-audit evaluate --snapshot examples/snapshots/prod-drifted.json --env prod
//! ```
//! ```
//!
//! `exit=N` is the exit code of every command of the block; `stdout="…"` (optional) is text the
//! output of each must contain. Commands are the lines (backslash continuations joined, `#`
//! comments cut) that start with `flowforge-audit` or `cargo run … --` (replaced by the
//! binary); other lines (`cargo install`, `scripts/test.sh`) are not run. Each command runs
//! under `sh -c` in a fresh directory that holds the repository's `examples`, `baselines`,
//! `policies` and `iam` (so relative paths work and outputs land in the temporary directory),
//! with the binary first on `PATH`. Any section of the README can add marked blocks.

mod common;

use std::path::Path;
use std::process::Command;

/// The documents whose marked blocks run, each in a fresh work directory.
const DOCUMENTS: [&str; 2] = ["README.md", "docs/guide.md"];

/// One marked block: its document and line, the expected exit code and output, the commands.
#[derive(Debug)]
struct Block {
    doc: &'static str,
    line: usize,
    exit: i32,
    stdout: Option<String>,
    commands: Vec<String>,
}

fn marker(line: &str) -> Option<(i32, Option<String>)> {
    let inner = line.trim().strip_prefix("<!-- readme-test:")?.strip_suffix("-->")?.trim();
    let exit = inner.split_whitespace().find_map(|w| w.strip_prefix("exit="))?.parse().ok()?;
    let stdout = inner.split_once("stdout=\"").and_then(|(_, rest)| rest.split_once('"')).map(|(s, _)| s.to_owned());
    Some((exit, stdout))
}

/// The command a README line stands for, with the binary's name first; `None` when it is not
/// a command of the tool.
fn command(line: &str) -> Option<String> {
    let line = match line.find("  #") {
        Some(i) => &line[..i],
        None => line,
    }
    .trim();
    if line.starts_with("flowforge-audit ") || line == "flowforge-audit" {
        return Some(line.to_owned());
    }
    let rest = line.strip_prefix("cargo run")?;
    let (_, args) = rest.split_once("-- ")?;
    Some(format!("flowforge-audit {args}"))
}

fn blocks(doc: &'static str, readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((exit, stdout)) = marker(lines[i]) else {
            i += 1;
            continue;
        };
        let line = i + 1;
        i += 1;
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        assert!(
            i < lines.len() && lines[i].trim_start().starts_with("```"),
            "{doc}:{line}: a readme-test marker must be followed by a code block"
        );
        i += 1;
        let mut commands = Vec::new();
        let mut pending = String::new();
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            let l = lines[i];
            i += 1;
            if l.trim_start().starts_with('#') && pending.is_empty() {
                continue;
            }
            match l.trim_end().strip_suffix('\\') {
                Some(head) => pending.push_str(head),
                None => {
                    pending.push_str(l);
                    if let Some(c) = command(&pending) {
                        commands.push(c);
                    }
                    pending.clear();
                }
            }
        }
        assert!(!commands.is_empty(), "{doc}:{line}: a marked block runs no flowforge-audit command");
        out.push(Block { doc, line, exit, stdout, commands });
    }
    out
}

/// A work directory with the repository's inputs, and a `bin` directory holding the binary
/// under its own name.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["examples", "baselines", "policies", "iam"] {
        std::os::unix::fs::symlink(common::repo(d), dir.path().join(d)).unwrap();
    }
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_flowforge-audit"), dir.path().join("bin/flowforge-audit")).unwrap();
    dir
}

fn run_block(block: &Block, dir: &Path) {
    let path = format!("{}:{}", dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    for c in &block.commands {
        let out = Command::new("sh").arg("-c").arg(c).current_dir(dir).env("PATH", &path).output().unwrap();
        let text = common::text(&out);
        assert_eq!(
            out.status.code(),
            Some(block.exit),
            "{}:{}: `{c}` exited {:?}, the document says {}\n{text}",
            block.doc,
            block.line,
            out.status.code(),
            block.exit
        );
        if let Some(want) = &block.stdout {
            assert!(text.contains(want.as_str()), "{}:{}: `{c}` did not print {want:?}\n{text}", block.doc, block.line);
        }
    }
}

/// Issue 15: every marked command of the README and the guide runs on the shipped examples and
/// exits as documented (their examples cannot drift from the tool again).
#[test]
fn readme_commands_exit_as_documented() {
    for doc in DOCUMENTS {
        let text = std::fs::read_to_string(common::repo(doc)).unwrap();
        let blocks = blocks(doc, &text);
        assert!(blocks.len() >= 5, "{doc} has fewer marked example blocks than expected: {blocks:?}");
        let dir = workdir();
        for b in &blocks {
            run_block(b, dir.path());
        }
    }
}

/// The marker and command parsing: continuations joined, comments cut, `cargo run … --`
/// replaced, other lines skipped, and a bad exit code fails the block.
#[test]
fn readme_blocks_are_parsed_and_a_wrong_exit_code_fails() {
    let md = "x\n<!-- readme-test: exit=2 stdout=\"error\" -->\n```sh\n# a comment\ncargo install --path .\ncargo run --no-default-features -- evaluate \\\n    --env prod  # trailing\nscripts/test.sh\n```\n";
    let b = blocks("test.md", md);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].line, b[0].exit, b[0].stdout.as_deref()), (2, 2, Some("error")));
    assert_eq!(b[0].commands, ["flowforge-audit evaluate     --env prod"]);
    let dir = workdir();
    run_block(&b[0], dir.path());
    let wrong = Block { exit: 0, ..b.into_iter().next().unwrap() };
    let failed = std::panic::catch_unwind(|| run_block(&wrong, dir.path()));
    assert!(failed.is_err(), "a command exiting 2 must fail a block documented as exit 0");
}

/// Issue 15: the README's picture of the HTML report shows the current catalog: the hash its
/// script recorded beside it is the built-in catalog's (else: run scripts/screenshot-report.sh).
#[test]
fn report_picture_shows_the_current_catalog() {
    let recorded = std::fs::read_to_string(common::repo("docs/images/report-prod-drifted.txt")).unwrap_or_default();
    let o = common::bin().arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&o.stdout).into_owned();
    let current =
        version.lines().find(|l| l.starts_with("policy catalog sha256: ")).expect("--version names the catalog");
    assert_eq!(
        recorded.trim(),
        current,
        "docs/images/report-prod-drifted.png shows another catalog than this build's; regenerate it with scripts/screenshot-report.sh"
    );
}

/// The Markdown files that hold the generated performance table (README.md today; the table
/// may move to another document, which is found by its marker).
fn bench_table_docs() -> Vec<std::path::PathBuf> {
    let mut files = vec![common::repo("README.md")];
    if let Ok(dir) = std::fs::read_dir(common::repo("docs")) {
        files.extend(dir.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")));
    }
    files.retain(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("<!-- bench-table -->")));
    files
}

fn bench_table_check(doc: &Path) -> std::process::Output {
    Command::new("python3")
        .arg(common::repo("scripts/bench_results.py"))
        .args(["table", &common::repo("benches/results.json").display().to_string(), &doc.display().to_string()])
        .arg("--check")
        .output()
        .expect("python3 runs scripts/bench_results.py")
}

/// Issue 24: the performance table is generated from benches/results.json (what
/// scripts/bench.sh measured) by scripts/bench_results.py: a figure edited by hand, or results
/// measured again without regenerating the table, fail here. The check itself fails on a
/// changed cell.
#[test]
fn performance_table_is_generated_from_the_results_file() {
    let docs = bench_table_docs();
    assert_eq!(docs.len(), 1, "exactly one document holds the performance table: {docs:?}");
    let out = bench_table_check(&docs[0]);
    assert!(out.status.success(), "{}", common::text(&out));

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&docs[0]).unwrap();
    let table_start = text.find("<!-- bench-table -->").unwrap();
    let cell = text[table_start..].find(" s wall").expect("the table shows wall times") + table_start;
    let edited = dir.path().join("doc.md");
    std::fs::write(&edited, format!("{}9{}", &text[..cell], &text[cell..])).unwrap();
    let out = bench_table_check(&edited);
    assert_eq!(out.status.code(), Some(1), "an edited table must fail the check: {}", common::text(&out));
}
