//! The Rego unit-test runner behind `flowforge-audit policy test`: finds the `test_*` rules
//! of every `*_test.rego` package of a catalog, runs each one, and reports like `opa test`
//! (optionally with per-file line coverage from regorus).
//!
//! Each test file runs in its own engine with the helper libraries and the check it tests, so
//! a broken check or test file turns its own tests into ERRORs and leaves the others running.
//! A test passes when its rule evaluates to `true`; `false` or undefined is a FAIL, an
//! evaluation error an ERROR (counted as a failure).
//!
//! Tests run within the same [`Limits`] as checks: a test over its time budget, a bounded
//! builtin over its size, or a file whose rules recurse is an ERROR with the reason, and the
//! other tests run on (a custom policy must not abort or stall `policy test`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use regorus::utils::limits::ExecutionTimerConfig;

use super::catalog::{Catalog, RegoFile};
use super::rego::{base_engine, Limits};

/// The outcome of one test rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    Pass,
    Fail,
    /// The test (or its module) could not be evaluated; the message says why.
    Error(String),
}

/// One test rule's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// Full rule path, e.g. `data.flowforge.aws.s3.tls_only_test.test_pass_deny_statement`.
    pub name: String,
    /// Source label of the test file.
    pub file: String,
    pub outcome: TestOutcome,
    pub duration: Duration,
}

/// Line coverage of one policy (non-test) file, merged over every test run.
#[derive(Debug, Clone, PartialEq)]
pub struct FileCoverage {
    pub file: String,
    pub covered_lines: usize,
    pub not_covered_lines: Vec<u32>,
    /// covered / (covered + not covered) × 100; 100 for a file with no evaluable lines.
    pub percent: f64,
}

/// The result of a test run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestSummary {
    /// In file order, then rule order.
    pub results: Vec<TestResult>,
    /// Present when coverage was requested; sorted by file.
    pub coverage: Option<Vec<FileCoverage>>,
}

impl TestSummary {
    pub fn total(&self) -> usize {
        self.results.len()
    }
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.outcome == TestOutcome::Pass).count()
    }
    /// Failures and errors.
    pub fn failed(&self) -> usize {
        self.total() - self.passed()
    }
    pub fn errors(&self) -> usize {
        self.results.iter().filter(|r| matches!(r.outcome, TestOutcome::Error(_))).count()
    }
    /// True when at least one test ran and none failed.
    pub fn is_success(&self) -> bool {
        self.total() > 0 && self.failed() == 0
    }
}

/// Runs every test of `catalog` whose full name contains `filter` (all when `None`).
pub fn run_tests(catalog: &Catalog, filter: Option<&str>, coverage: bool) -> TestSummary {
    run_tests_with_limits(catalog, filter, coverage, &Limits::default())
}

/// [`run_tests`] with each test bounded by `limits` (its time budget is `check_timeout`).
pub fn run_tests_with_limits(catalog: &Catalog, filter: Option<&str>, coverage: bool, limits: &Limits) -> TestSummary {
    let mut summary = TestSummary::default();
    let mut cov: BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for test_file in catalog.test_files() {
        let names: Vec<String> = test_rule_names(&test_file.text)
            .into_iter()
            .filter(|n| filter.is_none_or(|f| format!("data.{}.{n}", test_file.package).contains(f)))
            .collect();
        if names.is_empty() {
            continue;
        }
        let full = |n: &str| format!("data.{}.{n}", test_file.package);
        let engine = test_engine(catalog, test_file, coverage, limits);
        let mut engine = match engine {
            Ok(e) => e,
            Err(msg) => {
                for n in &names {
                    summary.results.push(TestResult {
                        name: full(n),
                        file: test_file.source.clone(),
                        outcome: TestOutcome::Error(msg.clone()),
                        duration: Duration::ZERO,
                    });
                }
                continue;
            }
        };
        for n in &names {
            let started = Instant::now();
            if let Some(interval) = std::num::NonZeroU32::new(64) {
                engine.set_execution_timer_config(ExecutionTimerConfig {
                    limit: limits.check_timeout,
                    check_interval: interval,
                });
            }
            let outcome = match engine.eval_rule(full(n)) {
                Ok(regorus::Value::Bool(true)) => TestOutcome::Pass,
                Ok(_) => TestOutcome::Fail,
                Err(e) => match e.downcast_ref::<regorus::LimitError>() {
                    Some(regorus::LimitError::TimeLimitExceeded { .. }) => TestOutcome::Error(format!(
                        "the test exceeded its time limit of {} s and was stopped",
                        limits.check_timeout.as_secs_f64()
                    )),
                    _ => TestOutcome::Error(e.to_string()),
                },
            };
            summary.results.push(TestResult {
                name: full(n),
                file: test_file.source.clone(),
                outcome,
                duration: started.elapsed(),
            });
        }
        if coverage {
            if let Ok(report) = engine.get_coverage_report() {
                for f in report.files {
                    let entry = cov.entry(f.path).or_default();
                    entry.0.extend(f.covered);
                    entry.1.extend(f.not_covered);
                }
            }
        }
    }
    if coverage {
        let test_sources: BTreeSet<&str> = catalog.test_files().iter().map(|t| t.source.as_str()).collect();
        let policy_files: Vec<&str> = catalog
            .libs()
            .iter()
            .map(|l| l.source.as_str())
            .chain(catalog.checks().iter().map(|c| c.file.source.as_str()))
            .collect();
        let mut files = Vec::new();
        for path in policy_files {
            if test_sources.contains(path) {
                continue;
            }
            let (covered, not_covered) = cov.remove(path).unwrap_or_default();
            let not_covered: Vec<u32> = not_covered.difference(&covered).copied().collect();
            let total = covered.len() + not_covered.len();
            let percent = if total == 0 { 100.0 } else { covered.len() as f64 * 100.0 / total as f64 };
            files.push(FileCoverage {
                file: path.to_owned(),
                covered_lines: covered.len(),
                not_covered_lines: not_covered,
                percent,
            });
        }
        files.sort_by(|a, b| a.file.cmp(&b.file));
        summary.coverage = Some(files);
    }
    summary
}

/// An engine with the libraries, the check the file tests (if any) and the test file.
fn test_engine(
    catalog: &Catalog,
    test_file: &RegoFile,
    coverage: bool,
    limits: &Limits,
) -> Result<regorus::Engine, String> {
    let mut engine = base_engine(catalog, None, limits)?;
    let tested = catalog.checks().iter().find(|c| c.test.as_ref().is_some_and(|t| t.source == test_file.source));
    // Regorus does not detect a function that calls itself: it would overflow the stack.
    let files = catalog
        .libs()
        .iter()
        .chain(tested.map(|c| &c.file))
        .chain([test_file])
        .map(|f| (f.source.as_str(), f.text.as_str()));
    if let Some(cycle) = super::deps::recursion_in(files) {
        return Err(cycle);
    }
    if let Some(check) = tested {
        engine
            .add_policy(check.file.source.clone(), check.file.text.clone())
            .map_err(|e| format!("{} does not parse: {e}", check.file.source))?;
    }
    engine
        .add_policy(test_file.source.clone(), test_file.text.clone())
        .map_err(|e| format!("{} does not parse: {e}", test_file.source))?;
    engine.set_enable_coverage(coverage);
    engine.eval_query("true".to_owned(), false).map_err(|e| format!("does not compile: {e}"))?;
    Ok(engine)
}

/// Names of the test rules declared in a test file: rules at the start of a line whose name
/// starts with `test_`, in file order, without duplicates (a rule with several bodies is one
/// test). Regorus has no public API to list rules, and test heads are one-line by convention.
pub fn test_rule_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let rest = line[name.len()..].trim_start();
        let is_head = rest.is_empty()
            || rest.starts_with("if")
            || rest.starts_with('{')
            || rest.starts_with(":=")
            || rest.starts_with('=');
        if is_head && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `opa test`-style text: failing (or, with `verbose`, all) tests grouped by file, then the
/// totals, then coverage when it was collected.
pub fn render_text(summary: &TestSummary, verbose: bool) -> String {
    let mut out = String::new();
    let mut current_file: Option<&str> = None;
    for r in &summary.results {
        let pass = r.outcome == TestOutcome::Pass;
        if pass && !verbose {
            continue;
        }
        if current_file != Some(r.file.as_str()) {
            if current_file.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}:", r.file);
            current_file = Some(r.file.as_str());
        }
        let status = match &r.outcome {
            TestOutcome::Pass => "PASS",
            TestOutcome::Fail => "FAIL",
            TestOutcome::Error(_) => "ERROR",
        };
        let _ = writeln!(out, "{}: {status} ({})", r.name, format_duration(r.duration));
        if let TestOutcome::Error(msg) = &r.outcome {
            for line in msg.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if current_file.is_some() {
        let _ = writeln!(out, "{}", "-".repeat(80));
    }
    let (total, passed, failed) = (summary.total(), summary.passed(), summary.failed());
    if failed == 0 {
        let _ = writeln!(out, "PASS: {passed}/{total}");
    } else {
        if passed > 0 {
            let _ = writeln!(out, "PASS: {passed}/{total}");
        }
        let errors = summary.errors();
        if failed > errors {
            let _ = writeln!(out, "FAIL: {}/{total}", failed - errors);
        }
        if errors > 0 {
            let _ = writeln!(out, "ERROR: {errors}/{total}");
        }
    }
    if let Some(files) = &summary.coverage {
        let _ = writeln!(out, "\nCOVERAGE:");
        let width = files.iter().map(|f| f.file.len()).max().unwrap_or(0);
        let (mut cov, mut all) = (0usize, 0usize);
        for f in files {
            let total = f.covered_lines + f.not_covered_lines.len();
            cov += f.covered_lines;
            all += total;
            let _ = write!(out, "  {:<width$}  {:>6.2}% ({}/{})", f.file, f.percent, f.covered_lines, total);
            if verbose && !f.not_covered_lines.is_empty() {
                let lines: Vec<String> = f.not_covered_lines.iter().map(u32::to_string).collect();
                let _ = write!(out, "  not covered: {}", lines.join(","));
            }
            out.push('\n');
        }
        let percent = if all == 0 { 100.0 } else { cov as f64 * 100.0 / all as f64 };
        let _ = writeln!(out, "  {:<width$}  {percent:>6.2}% ({cov}/{all})", "total");
    }
    out
}

fn format_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        format!("{:.1}µs", ns as f64 / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{:.1}ms", ns as f64 / 1e6)
    } else {
        format!("{:.2}s", ns as f64 / 1e9)
    }
}

/// `policy list`: one line per check (id, severity, collection, title), sorted by id.
pub fn render_list(catalog: &Catalog) -> String {
    let rows: Vec<[&str; 4]> = catalog
        .checks()
        .iter()
        .map(|c| [c.meta.id.as_str(), c.meta.severity.as_str(), c.meta.collection.as_str(), c.meta.title.as_str()])
        .collect();
    let header = ["ID", "SEVERITY", "COLLECTION", "TITLE"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let _ = writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only rule heads at the start of a line named test_* are tests, each once.
    #[test]
    fn discovers_test_rules() {
        let text = "package x_test\n\ntest_pass_a if {\n}\ntest_pass_a if true\n  test_indented if true\ntest_fail_b := true\nnot_a_test if true\ntest_helper(x) := x\n";
        assert_eq!(test_rule_names(text), vec!["test_pass_a", "test_fail_b"]);
    }

    /// The summary line follows `opa test`: PASS n/n when green, FAIL k/n otherwise.
    #[test]
    fn render_text_summarises_like_opa() {
        let r = |name: &str, outcome| TestResult {
            name: name.into(),
            file: "f.rego".into(),
            outcome,
            duration: Duration::from_micros(1200),
        };
        let green = TestSummary { results: vec![r("data.a.test_x", TestOutcome::Pass)], coverage: None };
        assert_eq!(render_text(&green, false), "PASS: 1/1\n");
        assert!(render_text(&green, true).contains("data.a.test_x: PASS (1.2ms)"));
        let red = TestSummary {
            results: vec![r("data.a.test_x", TestOutcome::Pass), r("data.a.test_y", TestOutcome::Fail)],
            coverage: None,
        };
        let text = render_text(&red, false);
        assert!(text.contains("f.rego:\ndata.a.test_y: FAIL (1.2ms)\n"), "{text}");
        assert!(text.ends_with("PASS: 1/2\nFAIL: 1/2\n"), "{text}");
        assert!(!red.is_success());
    }

    /// The builtin catalog's own Rego tests all pass (the integration test repeats this with
    /// coverage; this one keeps `cargo test --lib policy::` meaningful).
    #[test]
    fn builtin_rego_tests_pass() {
        let catalog = Catalog::builtin().unwrap();
        let summary = run_tests(&catalog, None, false);
        assert!(summary.is_success(), "{}", render_text(&summary, false));
    }

    /// The Rego tests' `data.baseline` (`policies/lib/testing_baseline.rego`) is the shipped
    /// baseline's prod view for account 123456789012, generated, so the policies are tested
    /// against what the tool ships; a difference names the first key that differs.
    /// Regenerate with `FLOWFORGE_REGENERATE=1 cargo test --lib testing_baseline`.
    #[test]
    fn testing_baseline_is_the_shipped_prod_view() {
        let view = crate::baseline::Baseline::builtin().unwrap().env_view("prod", "123456789012", "aws").unwrap();
        let want_json = view.to_json();
        let want = format!(
            "# GENERATED from baselines/flowforge.yaml by src/policy/testing.rs\n\
             # (`FLOWFORGE_REGENERATE=1 cargo test --lib testing_baseline`): the prod view of account\n\
             # 123456789012 as `flowforge-audit` builds it, for the Rego unit tests. Do not edit.\n\
             package flowforge.lib.testing\n\nbaseline := {}\n",
            serde_json::to_string_pretty(&want_json).unwrap()
        );
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/lib/testing_baseline.rego");
        if std::env::var_os("FLOWFORGE_REGENERATE").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let got = std::fs::read_to_string(path).unwrap_or_default();
        if got == want {
            return;
        }
        let got_json: serde_json::Value = got
            .split_once("baseline := ")
            .and_then(|(_, json)| serde_json::from_str(json).ok())
            .unwrap_or(serde_json::Value::Null);
        panic!(
            "{path} differs from the shipped baseline's prod view at `{}`; regenerate with \
             FLOWFORGE_REGENERATE=1 cargo test --lib testing_baseline",
            first_difference(&got_json, &want_json, "data.baseline")
        );
    }

    /// The path of the first value that differs between two JSON documents.
    fn first_difference(got: &serde_json::Value, want: &serde_json::Value, at: &str) -> String {
        use serde_json::Value;
        match (got, want) {
            (Value::Object(g), Value::Object(w)) => {
                let keys: BTreeSet<&String> = g.keys().chain(w.keys()).collect();
                keys.into_iter()
                    .find(|k| g.get(*k) != w.get(*k))
                    .map(|k| {
                        first_difference(
                            g.get(k).unwrap_or(&Value::Null),
                            w.get(k).unwrap_or(&Value::Null),
                            &format!("{at}.{k}"),
                        )
                    })
                    .unwrap_or_else(|| at.to_owned())
            }
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => (0..g.len())
                .find(|i| g[*i] != w[*i])
                .map(|i| first_difference(&g[i], &w[i], &format!("{at}[{i}]")))
                .unwrap_or_else(|| at.to_owned()),
            _ => at.to_owned(),
        }
    }

    /// `policy list` is sorted by id and aligned.
    #[test]
    fn render_list_is_sorted() {
        let catalog = Catalog::builtin().unwrap();
        let text = render_list(&catalog);
        let ids: Vec<&str> = text.lines().skip(1).map(|l| l.split_whitespace().next().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(text.starts_with("ID "));
    }
}
