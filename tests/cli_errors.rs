//! Errors a person can act on (issue 25, friction 7): every path by which the binary refuses an
//! input or cannot write an output, run once each. Each error is one `error:` line on stderr
//! (exit 2) that names the file by the option it came from, says its cause exactly once (an
//! error chain printed `cause: cause` before), and says what to do.

use std::path::Path;

mod common;
use common::repo;

/// One error path: the arguments, text the error line must hold (the file, the option, what to
/// do), and the cause that must appear exactly once.
struct Case {
    name: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
    says: Vec<String>,
    cause: &'static str,
}

const NOT_FOUND: &str = "No such file or directory (os error 2)";
const NOT_A_DIR: &str = "Not a directory (os error 20)";
const CHECK_PATH: &str = "; check the path";

fn case<A: AsRef<str>>(name: &'static str, args: &[A], says: &[&str], cause: &'static str) -> Case {
    Case {
        name,
        args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
        env: Vec::new(),
        says: says.iter().map(|s| (*s).to_owned()).collect(),
        cause,
    }
}

fn example(name: &str) -> String {
    repo("examples/snapshots").join(name).display().to_string()
}

fn cases(tmp: &Path) -> Vec<Case> {
    let drifted = example("prod-drifted.json");
    let compliant = example("prod-compliant.json");
    let qa = example("qa.json");
    let file = tmp.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("sub");
    let under = under_file.to_str().unwrap();
    let empty = tmp.join("empty-bundle");
    std::fs::create_dir(&empty).unwrap();
    let out = tmp.join("out");
    let out = out.to_str().unwrap();
    let eval = |extra: &[&str]| -> Vec<String> {
        let mut a = vec!["evaluate", "--snapshot", drifted.as_str(), "--env", "prod", "--out", out];
        a.extend_from_slice(extra);
        a.into_iter().map(str::to_owned).collect()
    };
    let mut all = vec![
        case("waivers", &eval(&["--waivers", "nope.yaml"]), &["the waiver file nope.yaml", CHECK_PATH], NOT_FOUND),
        case(
            "snapshot",
            &["evaluate", "--snapshot", "nope.json", "--env", "prod", "--out", out],
            &["the snapshot nope.json", CHECK_PATH],
            NOT_FOUND,
        ),
        case("baseline", &eval(&["--baseline", "nope.yaml"]), &["the baseline nope.yaml", CHECK_PATH], NOT_FOUND),
        case(
            "baseline validate",
            &["baseline", "validate", "nope.yaml"],
            &["the baseline nope.yaml", CHECK_PATH],
            NOT_FOUND,
        ),
        case(
            "Terraform state",
            &eval(&["--expected-from", "nope.tfstate"]),
            &["the Terraform state nope.tfstate", CHECK_PATH],
            NOT_FOUND,
        ),
        case(
            "verify-evidence, missing bundle",
            &["verify-evidence", "nope-dir"],
            &["the evidence bundle nope-dir", CHECK_PATH],
            NOT_FOUND,
        ),
        case(
            "verify-evidence, a file",
            &["verify-evidence", file.to_str().unwrap()],
            &["the evidence bundle", "give the directory `evaluate --evidence DIR` wrote"],
            "it is not a directory",
        ),
        case(
            "verify-evidence --verify-key",
            &["verify-evidence", empty.to_str().unwrap(), "--verify-key", "nope.pub"],
            &["the public key nope.pub", CHECK_PATH],
            NOT_FOUND,
        ),
        case("diff", &["diff", "nope1.json", "nope2.json"], &["nope1.json", CHECK_PATH], NOT_FOUND),
        case(
            "gate --from-snapshot, missing",
            &["gate", "--env", "prod", "--snapshot", &drifted, "--from-snapshot", "nope.json", "--out", out],
            &["the source snapshot (--from-snapshot) nope.json", CHECK_PATH],
            NOT_FOUND,
        ),
        case("policy test", &["policy", "test", "nope-dir"], &["policy path nope-dir", CHECK_PATH], NOT_FOUND),
        case(
            "--policies",
            &eval(&["--policies", "nope-dir"]),
            &["--policies nope-dir", CHECK_PATH],
            "no such directory",
        ),
        case(
            "--policies, a file",
            &eval(&["--policies", file.to_str().unwrap()]),
            &["give the directory that holds your checks"],
            "not a directory",
        ),
        case(
            "--config",
            &eval(&["--config", "nope.yaml"]),
            &["nope.yaml: error[C001]: cannot read the configuration file", CHECK_PATH],
            "no such file",
        ),
        case(
            "--sign-key",
            &eval(&["--evidence", tmp.join("ev").to_str().unwrap(), "--sign-key", "nope.key"]),
            &["the secret key nope.key", CHECK_PATH],
            NOT_FOUND,
        ),
        case(
            "evidence sign --sign-key",
            &["evidence", "sign", "--sign-key", "nope.key", file.to_str().unwrap()],
            &["the secret key nope.key", CHECK_PATH],
            NOT_FOUND,
        ),
        case(
            "--evidence under a file",
            &eval(&["--evidence", under]),
            &["cannot create the evidence directory", "a part of the path is a file"],
            NOT_A_DIR,
        ),
        case(
            "--history under a file",
            &eval(&["--history", under]),
            &["--history", "a part of the path is a file"],
            NOT_A_DIR,
        ),
        case(
            "--out under a file",
            &["evaluate", "--snapshot", &drifted, "--env", "prod", "--out", under],
            &["cannot write", "a part of the path is a file"],
            NOT_A_DIR,
        ),
        case(
            "--compliance under a file",
            &["evaluate", "--snapshot", &drifted, "--env", "prod", "--compliance", "all", "--out", under],
            &["cannot write", "a part of the path is a file"],
            NOT_A_DIR,
        ),
        case(
            "evidence keygen under a file",
            &["evidence", "keygen", "--out", under],
            &["cannot write", "a part of the path is a file"],
            NOT_A_DIR,
        ),
        // The source of a promotion is judged as the environment before the target; the error
        // blames the --from-snapshot file and says how to name its environment (it blamed
        // "the target environment" before).
        case(
            "gate, source of another environment",
            &["gate", "--env", "prod", "--snapshot", &drifted, "--from-snapshot", &compliant, "--out", out],
            &["source snapshot (--from-snapshot)", "prod-compliant.json", "--from-env prod", "--allow-env-mismatch"],
            "is judged as uat",
        ),
        case(
            "gate, target of another environment",
            &["gate", "--env", "uat", "--snapshot", &drifted, "--from-snapshot", &qa, "--out", out],
            &["snapshot", "prod-drifted.json", "give --env prod", "--allow-env-mismatch"],
            "is judged as uat",
        ),
    ];
    let mut large = case("size limit", &eval(&[]), &["the snapshot", "FLOWFORGE_AUDIT_MAX_INPUT_BYTES"], "input limit");
    large.env.push(("FLOWFORGE_AUDIT_MAX_INPUT_BYTES", "1K"));
    all.push(large);
    all
}

/// Issue 25 friction 7: every error path says its cause once, names its file and says what to
/// do, in one `error:` line, exit 2.
#[test]
fn each_error_says_its_cause_once_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for c in cases(tmp.path()) {
        let o = common::bin().args(&c.args).envs(c.env.iter().copied()).current_dir(tmp.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        let mut wrong = Vec::new();
        if o.status.code() != Some(2) {
            wrong.push(format!("exit {:?}, expected 2", o.status.code()));
        }
        if errors.len() != 1 {
            wrong.push(format!("{} error lines, expected 1", errors.len()));
        }
        let line = errors.first().copied().unwrap_or_default();
        if line.matches(c.cause).count() != 1 {
            wrong.push(format!("the cause {:?} is said {} times", c.cause, line.matches(c.cause).count()));
        }
        wrong.extend(c.says.iter().filter(|s| !line.contains(s.as_str())).map(|s| format!("does not say {s:?}")));
        if !wrong.is_empty() {
            failures.push(format!("{}: {}\n  {}", c.name, wrong.join("; "), stderr.trim_end().replace('\n', "\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A signing key that cannot be read is found before anything is written: no report, no
/// evidence directory (it was read after the reports before).
#[test]
fn a_missing_signing_key_stops_the_run_before_any_report() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, ev) = (tmp.path().join("out"), tmp.path().join("ev"));
    let o = common::evaluate(
        &repo("examples/snapshots/prod-compliant.json"),
        &out,
        &["--evidence", ev.to_str().unwrap(), "--sign-key", tmp.path().join("nope.key").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
    assert!(!out.exists() && !ev.exists(), "written before the key was read: {}", common::text(&o));
}
