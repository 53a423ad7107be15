//! Property tests for every input parser: baseline, waivers, policy METADATA, Terraform state
//! and snapshot. On arbitrary text and on shipped files with random edits, none may panic, and
//! every problem must name the file it was given, at a position inside that file.
//!
//! The case count is bounded (`CASES`) so the suite stays fast; a failure prints the smallest
//! input proptest found, to be pinned as a regression test next to the parser.

use flowforge_audit::baseline::{Baseline, BaselineError};
use flowforge_audit::diag::Problem;
use flowforge_audit::drift::{TfState, TfStateError};
use flowforge_audit::evaluate::parse_snapshot;
use flowforge_audit::gate::waivers::{self, WaiverError};
use flowforge_audit::policy::parse_check_metadata;
use proptest::prelude::*;
use proptest::sample::Index;

const CASES: u32 = 256;
const LABEL: &str = "dir/input-file.ext";

const BASELINE: &str = include_str!("../baselines/flowforge.yaml");
const SNAPSHOT: &str = include_str!("../examples/snapshots/prod-compliant.json");
const TFSTATE: &str = include_str!("data/tfstate/unit.tfstate");
const POLICY: &str = include_str!("../policies/aws/s3/tls_only.rego");
const WAIVERS: &str = "version: 1\nwaivers:\n  - check: FF-S3-005\n    resource: \"arn:aws:s3:::flowforge-prod-*\"\n    tags: {team: data}\n    environments: [prod]\n    reason: versioning off during backfill\n    owner: data-platform\n    ticket: SEC-1\n    expires: 2026-12-31\n";

/// One edit of a text: delete a range, insert text, or repeat a line.
#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, u8),
    Insert(Index, String),
    RepeatLine(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Inserted text favours the characters that matter to JSON and YAML.
    let piece = prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "{", "}", "[", "]", "\"", ":", ",", "-", "\n", "#", "!", "&a", "*a", "---\n", "\u{feff}", "null", "1e999",
            " !env ", "{env", "\t", "\\",
        ])
        .prop_map(str::to_owned),
    ];
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), piece).prop_map(|(i, s)| Edit::Insert(i, s)),
        any::<Index>().prop_map(Edit::RepeatLine),
    ]
}

/// `text` with the edits applied (at character boundaries, so the result stays UTF-8).
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut out = text.to_owned();
    for e in edits {
        let bounds: Vec<usize> = out.char_indices().map(|(i, _)| i).chain([out.len()]).collect();
        match e {
            Edit::Delete(at, n) => {
                let start = at.index(bounds.len());
                let end = (start + usize::from(*n) % 16 + 1).min(bounds.len() - 1);
                out.replace_range(bounds[start]..bounds[end.max(start)], "");
            }
            Edit::Insert(at, s) => out.insert_str(bounds[at.index(bounds.len())], s),
            Edit::RepeatLine(at) => {
                let lines: Vec<&str> = out.split_inclusive('\n').collect();
                let i = at.index(lines.len().max(1));
                let repeated = lines.get(i).map(|l| (*l).to_owned()).unwrap_or_default();
                let mut v: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
                v.insert(i.min(v.len()), repeated);
                out = v.concat();
            }
        }
    }
    out
}

/// Every problem names the file and lies inside the text (a position past the last line is a
/// bug in a reader's position arithmetic).
fn check_problems(problems: &[Problem], rendered: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(!problems.is_empty(), "an error without a problem: {rendered}");
    let lines = text.split('\n').count();
    for p in problems {
        prop_assert_eq!(&p.file, LABEL, "{}", rendered);
        prop_assert!(p.line <= lines, "line {} past the end ({} lines): {}", p.line, lines, rendered);
        prop_assert!(rendered.contains(&p.to_string()), "{p} not rendered in {rendered}");
    }
    Ok(())
}

fn baseline(text: &str) -> Result<(), TestCaseError> {
    let Err(e) = Baseline::from_str_named(text, LABEL) else { return Ok(()) };
    match &e {
        BaselineError::Invalid { problems } => check_problems(problems, &e.to_string(), text),
        other => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

fn waiver_file(text: &str) -> Result<(), TestCaseError> {
    let Err(e) = waivers::parse(LABEL, text) else { return Ok(()) };
    match &e {
        WaiverError::Invalid { problems } => check_problems(problems, &e.to_string(), text),
        other => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

fn metadata(text: &str) -> Result<(), TestCaseError> {
    match parse_check_metadata(LABEL, text) {
        Ok(_) => Ok(()),
        Err(problems) => {
            let rendered = flowforge_audit::diag::render("the check", &problems);
            check_problems(&problems, &rendered, text)
        }
    }
}

fn tfstate(text: &str) -> Result<(), TestCaseError> {
    let Err(e) = TfState::parse(text, LABEL) else { return Ok(()) };
    match &e {
        TfStateError::Invalid { problems } => check_problems(problems, &e.to_string(), text),
        other => Err(TestCaseError::fail(format!("unexpected error kind: {other}"))),
    }
}

fn snapshot(text: &str) -> Result<(), TestCaseError> {
    match parse_snapshot(text, LABEL) {
        Ok(_) => Ok(()),
        Err(e) => check_problems(&e.problems, &e.to_string(), text),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary text never panics any parser, and every problem names the file.
    #[test]
    fn arbitrary_text_never_panics_and_problems_name_the_file(text in any::<String>()) {
        baseline(&text)?;
        waiver_file(&text)?;
        metadata(&text)?;
        tfstate(&text)?;
        snapshot(&text)?;
    }

    /// The shipped baseline with random edits: no panic, every problem named and placed.
    #[test]
    fn mutated_baseline(edits in prop::collection::vec(edit(), 1..4)) {
        baseline(&mutate(BASELINE, &edits))?;
    }

    /// A valid waiver file with random edits: no panic, every problem named and placed.
    #[test]
    fn mutated_waivers(edits in prop::collection::vec(edit(), 1..4)) {
        waiver_file(&mutate(WAIVERS, &edits))?;
    }

    /// A shipped check with random edits (METADATA, package): no panic, problems named and placed.
    #[test]
    fn mutated_metadata(edits in prop::collection::vec(edit(), 1..4)) {
        metadata(&mutate(POLICY, &edits))?;
    }

    /// A Terraform state with random edits: no panic, every problem named and placed.
    #[test]
    fn mutated_tfstate(edits in prop::collection::vec(edit(), 1..4)) {
        tfstate(&mutate(TFSTATE, &edits))?;
    }

    /// The shipped example snapshot with random edits: no panic, every problem named and placed.
    #[test]
    fn mutated_snapshot(edits in prop::collection::vec(edit(), 1..4)) {
        snapshot(&mutate(SNAPSHOT, &edits))?;
    }
}
