//! The regorus wrapper: compiles the catalog once and evaluates one check at a time against
//! one snapshot, returning what the check's Rego said (denies, applicability, scope).
//!
//! Each check is compiled in its own regorus engine together with the helper libraries, so a
//! check that fails to parse or compile (or whose rules error at run time) is an `Err` for that
//! check alone and never stops the others. The engines share the parsed libraries, the
//! `data.baseline` document and the converted input by reference counting, so a
//! [`CompiledCatalog`] is cheap to clone: the evaluator clones it once per worker thread.
//!
//! The rule contract of a check package (see `docs/policies.md`):
//! - `deny contains finding`, finding = `{"arn": string, "message": string, "evidence": object}`;
//! - optional `applies` (boolean): when defined and not `true`, the check does not apply;
//! - optional `not_applicable_reason` (string), reported when it does not apply;
//! - optional `in_scope contains arn`: resources of the collection outside it do not apply;
//! - optional `unknown contains {"arn": string, "reason": string}`: what the check could not
//!   judge (a field the collector could not read is `null`); UNKNOWN, never PASS;
//! - optional `pass_note contains {"arn": string, "message": string, "evidence": object}`: what
//!   a PASS of that resource carries (why a path a reviewer would worry about is closed).
//!
//! A check runs within [`Limits`]: a wall-clock budget enforced by regorus's cooperative
//! execution timer, and size bounds on the builtins that build a large value in one call
//! (which the timer cannot interrupt). Recursion, which regorus does not detect for functions
//! and which would overflow the stack, is refused before the check runs (see `deps.rs`). A
//! check over a limit is an `Err` for that check alone, with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::Value;
use serde_json::Value as Json;

use super::catalog::Catalog;

/// One violation reported by a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Deny {
    pub arn: String,
    pub message: String,
    /// The facts behind the violation; `{}` when the check gave none.
    pub evidence: Json,
}

/// What one check said about the current input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckOutput {
    /// False when the check's `applies` rule is defined and not true.
    pub applies: bool,
    /// The check's `not_applicable_reason`, when it does not apply and gives one.
    pub not_applicable_reason: Option<String>,
    /// The check's `in_scope` set, when it defines one (resources outside it do not apply).
    pub in_scope: Option<BTreeSet<String>>,
    /// Sorted by (arn, message); empty when the check does not apply.
    pub denies: Vec<Deny>,
    /// What the check says it could not judge, sorted by (arn, reason); empty when it does
    /// not apply.
    pub unknowns: Vec<Unknown>,
    /// What a PASS carries (its `pass_note` rule), sorted by (arn, message).
    pub notes: Vec<Deny>,
}

/// A resource the check could not judge, and why (its `unknown` rule).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unknown {
    pub arn: String,
    pub reason: String,
}

/// How much one check may consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock budget for all of a check's rules together (`--check-timeout`).
    pub check_timeout: Duration,
    /// Most elements `numbers.range` / `numbers.range_step` may build in one call.
    pub max_range_elements: u64,
    /// Longest string (bytes) `replace`, `strings.replace_n`, `concat` and `sprintf` may build
    /// in one call: one call can multiply its input (`replace(big, "x", big)`), and an
    /// allocation that fails aborts the process before any time limit applies.
    pub max_string_bytes: usize,
}

/// The default `--check-timeout`: the slowest builtin check takes well under a second on a
/// 100,000-resource snapshot (docs/development.md, "Performance").
pub const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Limits {
    fn default() -> Self {
        Limits { check_timeout: DEFAULT_CHECK_TIMEOUT, max_range_elements: 1_000_000, max_string_bytes: 16 << 20 }
    }
}

impl Limits {
    /// The default limits with another time budget.
    pub fn with_timeout(check_timeout: Duration) -> Limits {
        Limits { check_timeout, ..Limits::default() }
    }
}

/// Why the evaluation could not run at all (as opposed to one check failing, which is ERROR
/// data for that check). The one error type of evaluation: `evaluate::evaluate` returns it too.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("data.baseline must be a JSON object, found {0}")]
    BaselineNotObject(String),
    #[error("cannot load data.baseline into the Rego engine: {0}")]
    Data(String),
    #[error("cannot convert the snapshot to a Rego value: {0}")]
    Input(String),
    #[error("policy library: {0}")]
    Library(String),
}

/// The library rule that lists the collections an environment requires (`lib/coverage.rego`).
pub const REQUIRED_COLLECTIONS_RULE: &str = "data.flowforge.lib.coverage.required";

/// The collections the environment (`baseline`, the `data.baseline` view) requires to be
/// non-empty, from [`REQUIRED_COLLECTIONS_RULE`]; empty when the libraries do not define it or
/// do not parse (then every check is ERROR anyway). The rule runs within `limits` like a check:
/// an overlay library that recurses, runs away or errors there stops the evaluation with the
/// reason rather than hanging it or silently requiring nothing.
pub fn required_collections(
    catalog: &Catalog,
    baseline: &Json,
    limits: &Limits,
) -> Result<BTreeSet<String>, EvalError> {
    let libs = super::deps::Libraries::parse(catalog.libs().iter().map(|l| (l.source.as_str(), l.text.as_str())));
    let probe = format!("package flowforge.lib.coverage_probe\nimport rego.v1\nx := {REQUIRED_COLLECTIONS_RULE}\n");
    if let Some(cycle) = libs.analyse(("<required collections>", &probe)).recursion {
        return Err(EvalError::Library(cycle));
    }
    let data = super::rego_value::to_value(&serde_json::json!({ "baseline": baseline }))
        .map_err(|e| EvalError::Data(e.to_string()))?;
    let Ok(mut engine) = base_engine(catalog, Some(data), limits) else { return Ok(BTreeSet::new()) };
    if let Some(interval) = NonZeroU32::new(TIMER_CHECK_INTERVAL) {
        engine
            .set_execution_timer_config(ExecutionTimerConfig { limit: limits.check_timeout, check_interval: interval });
    }
    let fail = |what: String| EvalError::Library(format!("{REQUIRED_COLLECTIONS_RULE}: {what}"));
    match engine.eval_rule(REQUIRED_COLLECTIONS_RULE.to_owned()) {
        Ok(Value::Undefined) => Ok(BTreeSet::new()),
        Ok(Value::Set(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.to_string()),
                other => Err(fail(format!("must contain collection names, found {other}"))),
            })
            .collect(),
        Ok(other) => Err(fail(format!("must be a set of collection names, found {other}"))),
        Err(e) => Err(fail(e.to_string())),
    }
}

#[derive(Clone)]
struct Slot {
    package: String,
    /// The check's file, as errors name it.
    source: String,
    /// The compiled engine, or why the check cannot run.
    engine: Result<regorus::Engine, String>,
    has_applies: bool,
    has_reason: bool,
    has_in_scope: bool,
    has_unknown: bool,
    has_pass_note: bool,
}

/// Every check of a catalog, compiled, with `data.baseline` loaded.
#[derive(Clone)]
pub struct CompiledCatalog {
    slots: BTreeMap<String, Slot>,
    limits: Limits,
}

impl std::fmt::Debug for CompiledCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledCatalog").field("checks", &self.slots.keys().collect::<Vec<_>>()).finish()
    }
}

/// A snapshot already converted to the engine's representation (reference counted, so
/// handing it to several engines copies nothing).
#[derive(Clone)]
pub struct RegoInput(Value);

impl RegoInput {
    /// Converts any serialisable document (the snapshot, or a part of it) to the engine's
    /// value, exactly as its JSON serialisation would read (see [`super::rego_value`]).
    pub fn from_serialize<T: serde::Serialize + ?Sized>(value: &T) -> Result<RegoInput, EvalError> {
        super::rego_value::to_value(value).map(RegoInput).map_err(|e| EvalError::Input(e.to_string()))
    }

    /// The converted value.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// Sets the top-level field `key` of an object value (the snapshot's collections are
    /// converted apart and put in place).
    pub fn insert(&mut self, key: &str, value: Value) -> Result<(), EvalError> {
        let object = self.0.as_object_mut().map_err(|e| EvalError::Input(e.to_string()))?;
        object.insert(Value::from(key), value);
        Ok(())
    }
}

impl std::fmt::Debug for RegoInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RegoInput(..)")
    }
}

/// A regorus engine with the helper libraries and `data` loaded; `Err` when a library is
/// broken (then every check reports that error).
pub(crate) fn base_engine(catalog: &Catalog, data: Option<Value>, limits: &Limits) -> Result<regorus::Engine, String> {
    engine_with_libs(catalog, data, limits, |_| true)
}

/// [`base_engine`] with only the libraries `wanted` picks (by source label).
fn engine_with_libs(
    catalog: &Catalog,
    data: Option<Value>,
    limits: &Limits,
    wanted: impl Fn(&str) -> bool,
) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    add_bounded_builtins(&mut engine, limits, catalog.has_overlay())?;
    // `print()` output is gathered, not written to stderr: an overlay's text is untrusted
    // (`print("\u001b]0;...")` would reach the terminal raw); [`CompiledCatalog::evaluate`]
    // passes it to the log, escaped.
    engine.set_gather_prints(true);
    if let Some(data) = data {
        engine.add_data(data).map_err(|e| format!("cannot load data: {e}"))?;
    }
    for lib in catalog.libs().iter().filter(|l| wanted(&l.source)) {
        engine
            .add_policy(lib.source.clone(), lib.text.clone())
            .map_err(|e| format!("library {} does not parse: {e}", lib.source))?;
    }
    Ok(engine)
}

impl CompiledCatalog {
    /// Compiles every check of `catalog` with `data.baseline` = `baseline` (the environment
    /// view). A check that does not compile is kept and reports its error from
    /// [`CompiledCatalog::evaluate`].
    pub fn new(catalog: &Catalog, baseline: Json) -> Result<CompiledCatalog, EvalError> {
        CompiledCatalog::with_limits(catalog, baseline, Limits::default())
    }

    /// [`CompiledCatalog::new`] with the limits every check runs within.
    pub fn with_limits(catalog: &Catalog, baseline: Json, limits: Limits) -> Result<CompiledCatalog, EvalError> {
        CompiledCatalog::parse(catalog, limits).for_baseline(baseline)
    }

    /// Every check of `catalog` parsed with the helper libraries, without `data.baseline`:
    /// the part of compiling that is the same for every account. An organisation scan parses
    /// once and gives each account [`CompiledCatalog::for_baseline`] of it. A check that does
    /// not parse is kept with its error.
    ///
    /// Each check's engine holds only the libraries its rules reach ([`super::deps::Reads`]
    /// `libs`): [`CompiledCatalog::for_baseline`] prepares every engine again for each account,
    /// at a cost that grows with the modules it holds. A library that does not parse still
    /// makes every check ERROR, as when all were loaded.
    pub fn parse(catalog: &Catalog, limits: Limits) -> CompiledCatalog {
        let base = base_engine(catalog, None, &limits).map(drop);
        // Checks that reach the same libraries share one engine with them, parsed once.
        let mut with_libs: BTreeMap<&BTreeSet<String>, Result<regorus::Engine, String>> = BTreeMap::new();
        let mut slots = BTreeMap::new();
        for check in catalog.checks() {
            let source = check.file.source.clone();
            let mut slot = Slot {
                package: check.meta.package.clone(),
                source: source.clone(),
                engine: Err(String::new()),
                has_applies: false,
                has_reason: false,
                has_in_scope: false,
                has_unknown: false,
                has_pass_note: false,
            };
            slot.engine = base.clone().and_then(|()| {
                if let Some(cycle) = &check.reads.recursion {
                    return Err(format!("{source}: {cycle}"));
                }
                let mut engine = with_libs
                    .entry(&check.reads.libs)
                    .or_insert_with(|| engine_with_libs(catalog, None, &limits, |lib| check.reads.libs.contains(lib)))
                    .clone()?;
                engine.add_policy(source.clone(), check.file.text.clone()).map_err(|e| e.to_string())?;
                let declared = |e: &regorus::Engine, rule: &str| {
                    e.has_declared_rule_rooted_at(&source, rule).map_err(|e| e.to_string())
                };
                if !declared(&engine, "deny")? {
                    return Err(format!("{source}: the check declares no `deny` rule"));
                }
                slot.has_applies = declared(&engine, "applies")?;
                slot.has_reason = declared(&engine, "not_applicable_reason")?;
                slot.has_in_scope = declared(&engine, "in_scope")?;
                slot.has_unknown = declared(&engine, "unknown")?;
                slot.has_pass_note = declared(&engine, "pass_note")?;
                Ok(engine)
            });
            slots.insert(check.meta.id.clone(), slot);
        }
        CompiledCatalog { slots, limits }
    }

    /// A copy of these parsed checks with `data.baseline` = `baseline` (the environment view),
    /// each analysed and scheduled, so that a compile error is found once, here, and reported
    /// by [`CompiledCatalog::evaluate`] for that check alone.
    pub fn for_baseline(&self, baseline: Json) -> Result<CompiledCatalog, EvalError> {
        if !baseline.is_object() {
            return Err(EvalError::BaselineNotObject(baseline.to_string()));
        }
        let data = super::rego_value::to_value(&serde_json::json!({ "baseline": baseline }))
            .map_err(|e| EvalError::Data(e.to_string()))?;
        let mut out = self.clone();
        for slot in out.slots.values_mut() {
            let Ok(engine) = &mut slot.engine else { continue };
            let prepared = engine.add_data(data.clone()).map_err(|e| format!("cannot load data: {e}")).and_then(|()| {
                engine
                    .eval_query("true".to_owned(), false)
                    .map(drop)
                    .map_err(|e| format!("{} does not compile: {e}", slot.source))
            });
            if let Err(e) = prepared {
                slot.engine = Err(e);
            }
        }
        Ok(out)
    }

    /// Sets `input` to `document` (the snapshot as `model::Snapshot` serialises it). The
    /// conversion is done once and shared by every check.
    pub fn set_input<T: serde::Serialize + ?Sized>(&mut self, document: &T) -> Result<(), EvalError> {
        self.set_input_prepared(&RegoInput::from_serialize(document)?);
        Ok(())
    }

    /// Sets `input` to a converted value (shared, not copied).
    pub fn set_input_prepared(&mut self, input: &RegoInput) {
        self.set_input_value(input.0.clone());
    }

    /// Sets `input` to an already converted value (cheap: the value is reference counted).
    pub fn set_input_value(&mut self, input: Value) {
        for slot in self.slots.values_mut() {
            if let Ok(engine) = &mut slot.engine {
                engine.set_input(input.clone());
            }
        }
    }

    /// The ids of the compiled checks, sorted.
    pub fn check_ids(&self) -> Vec<String> {
        self.slots.keys().cloned().collect()
    }

    /// The compile error of a check, if it has one.
    pub fn compile_error(&self, check_id: &str) -> Option<&str> {
        self.slots.get(check_id).and_then(|s| s.engine.as_ref().err().map(String::as_str))
    }

    /// Evaluates one check against the current input. `Err` means the check is broken (does
    /// not compile, errors at run time, or returns a deny without `arn`/`message`): its
    /// results are ERROR and the other checks are unaffected.
    ///
    /// The time limit is on the check's own work: regorus's timer stops it on the wall clock,
    /// and when it stopped a check whose thread was mostly waiting for a core (a busy machine,
    /// several accounts evaluated at once) rather than working, the check runs again with a
    /// wall-clock limit stretched to what its CPU share needs ([`next_wall_limit`]). So a busy
    /// machine never turns a check into ERROR, and a runaway check is still stopped.
    pub fn evaluate(&mut self, check_id: &str) -> Result<CheckOutput, String> {
        let budget = self.limits.check_timeout;
        let mut wall = budget;
        for _ in 0..MAX_ATTEMPTS {
            let (cpu_before, started) = (thread_cpu_time(), Instant::now());
            let result = self.attempt(check_id, wall);
            self.log_prints(check_id);
            let cpu = thread_cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
            match result {
                // A stretched run that finished is held to the budget all the same, so that a
                // busy machine does not let through a check an idle one stops.
                Ok(_) if wall > budget && cpu.is_some_and(|c| c > budget) => return Err(over_time(check_id, budget)),
                Err(Stop::OverTime) => {
                    let elapsed = started.elapsed();
                    match next_wall_limit(budget, elapsed, cpu) {
                        Some(next) => {
                            tracing::info!(
                                check = check_id,
                                elapsed_ms = elapsed.as_millis() as u64,
                                cpu_ms = cpu.unwrap_or_default().as_millis() as u64,
                                next_limit_ms = next.as_millis() as u64,
                                "check stopped while waiting for a core; run again"
                            );
                            wall = next;
                        }
                        None => return Err(over_time(check_id, budget)),
                    }
                }
                Err(Stop::Failed(e)) => return Err(e),
                Ok(out) => return Ok(out),
            }
        }
        Err(over_time(check_id, budget))
    }

    /// What the check's `print()` calls wrote, to the log (`-v`), escaped like every untrusted
    /// string (an overlay's text may hold terminal controls), at most [`MAX_PRINTS`] lines of
    /// at most [`MAX_PRINT_CHARS`] characters per run.
    fn log_prints(&mut self, check_id: &str) {
        let Some(Ok(engine)) = self.slots.get_mut(check_id).map(|s| s.engine.as_mut()) else { return };
        let prints = engine.take_prints().unwrap_or_default();
        for p in prints.iter().take(MAX_PRINTS) {
            let shown: String = p.chars().take(MAX_PRINT_CHARS).collect();
            tracing::info!(check = check_id, "print: {}", crate::report::text::terminal(&shown));
        }
        if prints.len() > MAX_PRINTS {
            tracing::info!(check = check_id, "print: … and {} more lines", prints.len() - MAX_PRINTS);
        }
    }

    /// [`CompiledCatalog::evaluate`], then drops this copy's engine of the check: regorus keeps
    /// every rule value of an evaluation (the library lookups, the check's sets) until the
    /// engine evaluates again, so a copy that evaluates each check once (a worker of
    /// `evaluate::evaluate`) would otherwise hold the values of all its checks at once. A later
    /// evaluation of the check on this copy is an error.
    pub fn evaluate_once(&mut self, check_id: &str) -> Result<CheckOutput, String> {
        let out = self.evaluate(check_id);
        if let Some(slot) = self.slots.get_mut(check_id) {
            slot.engine = Err(format!("{check_id}: already evaluated by this copy of the compiled catalog"));
        }
        out
    }

    /// One run of a check's rules, all of them within `wall` of wall-clock time.
    ///
    /// `applies` (and `not_applicable_reason`) first; then `in_scope`, `deny` and `unknown` in
    /// one evaluation. regorus computes a rule once per evaluation and forgets it before the
    /// next, so a library rule these three share (the keys FlowForge uses, the facts of the
    /// resource policies) is computed once for the check instead of once per rule.
    fn attempt(&mut self, check_id: &str, wall: Duration) -> Result<CheckOutput, Stop> {
        let slot = self.slots.get_mut(check_id).ok_or_else(|| format!("unknown check {check_id}"))?;
        let pkg = format!("data.{}", slot.package);
        let engine = slot.engine.as_mut().map_err(|e| e.clone())?;
        let started = Instant::now();
        // One limit for all the rules of the check: each evaluation gets what is left of it.
        let arm = |engine: &mut regorus::Engine| -> Result<(), Stop> {
            let left = wall.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Stop::OverTime);
            }
            if let Some(interval) = NonZeroU32::new(TIMER_CHECK_INTERVAL) {
                engine.set_execution_timer_config(ExecutionTimerConfig { limit: left, check_interval: interval });
            }
            Ok(())
        };
        let failed = |what: &str, e: anyhow::Error| match e.downcast_ref::<regorus::LimitError>() {
            Some(regorus::LimitError::TimeLimitExceeded { .. }) => Stop::OverTime,
            _ => Stop::Failed(format!("{check_id}: evaluating {what}: {e}")),
        };
        let mut out = CheckOutput { applies: true, ..CheckOutput::default() };
        if slot.has_applies {
            arm(engine)?;
            let v = engine.eval_rule(format!("{pkg}.applies")).map_err(|e| failed("applies", e))?;
            out.applies = v == Value::Bool(true);
            if !out.applies {
                if slot.has_reason {
                    arm(engine)?;
                    let reason = engine
                        .eval_rule(format!("{pkg}.not_applicable_reason"))
                        .map_err(|e| failed("not_applicable_reason", e))?;
                    match reason {
                        Value::String(s) => out.not_applicable_reason = Some(s.to_string()),
                        Value::Undefined => {}
                        other => {
                            return Err(Stop::Failed(format!(
                                "{check_id}: not_applicable_reason must be a string, found {other}"
                            )))
                        }
                    }
                }
                return Ok(out);
            }
        }
        // The rules a check declares are partial sets (`contains`), defined (possibly empty)
        // whenever declared: their array is the query's one value.
        let rules: Vec<&str> = [
            (slot.has_in_scope, "in_scope"),
            (true, "deny"),
            (slot.has_unknown, "unknown"),
            (slot.has_pass_note, "pass_note"),
        ]
        .into_iter()
        .filter_map(|(declared, rule)| declared.then_some(rule))
        .collect();
        let what = rules.join(", ");
        let query = format!("[{}]", rules.iter().map(|r| format!("{pkg}.{r}")).collect::<Vec<_>>().join(", "));
        arm(engine)?;
        let results = engine.eval_query(query, false).map_err(|e| failed(&what, e))?;
        let values: Vec<Value> = match results.result.first().and_then(|r| r.expressions.first()).map(|e| &e.value) {
            Some(Value::Array(values)) if values.len() == rules.len() => values.to_vec(),
            // A rule written another way than `contains` is undefined, which makes the array
            // undefined: each rule on its own then, so the others keep their values.
            _ => {
                let mut values = Vec::new();
                for rule in &rules {
                    arm(engine)?;
                    values.push(engine.eval_rule(format!("{pkg}.{rule}")).map_err(|e| failed(rule, e))?);
                }
                values
            }
        };
        for (rule, value) in rules.iter().zip(values.iter()) {
            match *rule {
                "in_scope" => {
                    out.in_scope = Some(match value {
                        Value::Undefined => BTreeSet::new(),
                        Value::Set(items) => items
                            .iter()
                            .map(|v| match v {
                                Value::String(s) => Ok(s.to_string()),
                                other => Err(format!("{check_id}: in_scope must contain ARN strings, found {other}")),
                            })
                            .collect::<Result<_, _>>()?,
                        other => {
                            return Err(Stop::Failed(format!(
                                "{check_id}: in_scope must be a set of ARNs, found {other}"
                            )))
                        }
                    })
                }
                "deny" => {
                    out.denies = match value {
                        Value::Undefined => Vec::new(),
                        Value::Set(items) => {
                            items.iter().map(|v| to_deny(check_id, v)).collect::<Result<Vec<_>, _>>()?
                        }
                        other => {
                            return Err(Stop::Failed(format!(
                                "{check_id}: deny must be a set (`deny contains finding`), found {other}"
                            )))
                        }
                    };
                    out.denies.sort_by(|a, b| (&a.arn, &a.message).cmp(&(&b.arn, &b.message)));
                }
                "pass_note" => {
                    out.notes = match value {
                        Value::Undefined => Vec::new(),
                        Value::Set(items) => {
                            items.iter().map(|v| to_deny(check_id, v)).collect::<Result<Vec<_>, _>>()?
                        }
                        other => {
                            return Err(Stop::Failed(format!(
                                "{check_id}: pass_note must be a set (`pass_note contains {{\"arn\": ..., \"message\": ...}}`), found {other}"
                            )))
                        }
                    };
                    out.notes.sort_by(|a, b| (&a.arn, &a.message).cmp(&(&b.arn, &b.message)));
                }
                _ => {
                    out.unknowns = match value {
                        Value::Undefined => Vec::new(),
                        Value::Set(items) => {
                            items.iter().map(|v| to_unknown(check_id, v)).collect::<Result<Vec<_>, _>>()?
                        }
                        other => {
                            return Err(Stop::Failed(format!(
                                "{check_id}: unknown must be a set (`unknown contains {{\"arn\": ..., \"reason\": ...}}`), found {other}"
                            )))
                        }
                    };
                    out.unknowns.sort();
                }
            }
        }
        Ok(out)
    }
}

/// Why an attempt at a check stopped.
enum Stop {
    /// Regorus's wall-clock timer stopped it.
    OverTime,
    /// The check is broken (ERROR).
    Failed(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Stop {
        Stop::Failed(e)
    }
}

/// `print()` lines of one run of a check passed to the log, and their length, at most.
const MAX_PRINTS: usize = 20;
const MAX_PRINT_CHARS: usize = 500;

/// Runs of a check stopped while waiting for a core, at most (then it is over time).
const MAX_ATTEMPTS: usize = 3;

/// How far the wall-clock limit of a run may be stretched past the budget: under a load that
/// leaves a check less than 1/16 of a core, the check is over time after all.
const MAX_STRETCH: u32 = 16;

/// After regorus's timer stopped a run of a check that took `elapsed` of wall-clock time and
/// `cpu` of its thread's CPU time: the wall-clock limit of the next run, or `None` when the
/// check is over its `budget`. It is over when its own work filled 90% of the budget or more
/// (it was running, not waiting), when its CPU time cannot be measured (then the wall clock
/// decides, as on a machine where this cannot be told apart), or when its CPU share was so
/// small that the stretch would exceed [`MAX_STRETCH`] times the budget. Otherwise the next
/// run gets the wall-clock time that, at the CPU share seen, buys the whole budget of work,
/// with a quarter to spare.
pub(crate) fn next_wall_limit(budget: Duration, elapsed: Duration, cpu: Option<Duration>) -> Option<Duration> {
    let cpu = cpu?;
    if cpu.as_secs_f64() >= 0.9 * budget.as_secs_f64() || elapsed.is_zero() {
        return None;
    }
    let share = cpu.as_secs_f64() / elapsed.as_secs_f64();
    if share < 1.0 / f64::from(MAX_STRETCH) {
        return None;
    }
    Some(Duration::from_secs_f64(budget.as_secs_f64() / share * 1.25).min(budget.saturating_mul(MAX_STRETCH)))
}

/// This thread's CPU time so far (Linux: `/proc/thread-self/schedstat`, nanoseconds on a
/// core); `None` where it cannot be read.
pub(crate) fn thread_cpu_time() -> Option<Duration> {
    let bytes = crate::fsio::read_bounded(std::path::Path::new("/proc/thread-self/schedstat"), 4096).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

/// Work units (statements, loop iterations) between two reads of the clock: cheap enough to
/// be invisible in the benchmarks, frequent enough to stop a runaway loop within milliseconds.
const TIMER_CHECK_INTERVAL: u32 = 64;

fn over_time(check_id: &str, budget: Duration) -> String {
    format!(
        "{check_id}: the check exceeded its time limit of {} s (--check-timeout) and was stopped",
        budget.as_secs_f64()
    )
}

/// Registers size-bounded versions of the builtins that build a whole value in one call
/// (`numbers.range(1, 300000000)` took 15 s and 6.9 GB, and regorus's timer cannot stop a
/// builtin midway; `replace(big, "x", big)` asks for gigabytes at once and the failed
/// allocation aborts the process, issue 22 item 5). Regorus looks extensions up before
/// builtins, so these replace them. With an overlay (`untrusted`), `sprintf` is guarded too:
/// its output is bounded before the builtin builds it.
fn add_bounded_builtins(engine: &mut regorus::Engine, limits: &Limits, untrusted: bool) -> Result<(), String> {
    let max = limits.max_range_elements;
    let bytes = limits.max_string_bytes;
    engine
        .add_extension("numbers.range".to_owned(), 2, Box::new(move |args: Vec<Value>| bounded_range(&args, None, max)))
        .and_then(|()| {
            engine.add_extension(
                "numbers.range_step".to_owned(),
                3,
                Box::new(move |args: Vec<Value>| bounded_range(&args[..2.min(args.len())], args.get(2), max)),
            )
        })
        .and_then(|()| {
            engine.add_extension("replace".to_owned(), 3, Box::new(move |a: Vec<Value>| strings::replace(&a, bytes)))
        })
        .and_then(|()| {
            engine.add_extension(
                "strings.replace_n".to_owned(),
                2,
                Box::new(move |a: Vec<Value>| strings::replace_n(&a, bytes)),
            )
        })
        .and_then(|()| {
            engine.add_extension("concat".to_owned(), 2, Box::new(move |a: Vec<Value>| strings::concat(&a, bytes)))
        })
        .and_then(|()| {
            if untrusted {
                engine.add_extension("sprintf".to_owned(), 2, Box::new(move |a: Vec<Value>| strings::sprintf(a, bytes)))
            } else {
                Ok(())
            }
        })
        .map_err(|e| format!("cannot register the bounded builtins: {e}"))
}

mod strings;

/// `numbers.range(a, b)` (step `None`) or `numbers.range_step(a, b, step)`, as regorus computes
/// them, refusing more than `max` elements.
fn bounded_range(args: &[Value], step: Option<&Value>, max: u64) -> anyhow::Result<Value> {
    let name = if step.is_some() { "numbers.range_step" } else { "numbers.range" };
    let int = |v: &Value| -> anyhow::Result<i64> {
        match v {
            Value::Number(n) if n.is_integer() => {
                n.as_i64().ok_or_else(|| anyhow::anyhow!("{name}: {v} is out of range"))
            }
            other => anyhow::bail!("{name}: operands must be integers, found {other}"),
        }
    };
    let (Some(a), Some(b)) = (args.first(), args.get(1)) else { anyhow::bail!("{name}: two operands expected") };
    let (a, b) = (int(a)?, int(b)?);
    let step = match step.map(int).transpose()? {
        None => 1,
        Some(s) if s > 0 => s,
        Some(_) => anyhow::bail!("{name}: step must be a positive integer"),
    };
    let span = (i128::from(b) - i128::from(a)).unsigned_abs();
    let count = span / step.unsigned_abs() as u128 + 1;
    if count > u128::from(max) {
        anyhow::bail!("{name}: {count} elements exceed the bound of {max} elements per call (a check's values are bounded, see docs/policies.md)");
    }
    // In i128: every element lies between `a` and `b`, but `i * step` alone may not fit an i64.
    let dir: i128 = if b >= a { 1 } else { -1 };
    let values = (0..count)
        .map(|i| {
            let v = i128::from(a) + dir * (i as i128) * i128::from(step);
            i64::try_from(v).map(Value::from).map_err(|_| anyhow::anyhow!("{name}: {v} is out of range"))
        })
        .collect::<anyhow::Result<Vec<Value>>>()?;
    Ok(Value::from(values))
}

fn to_unknown(check_id: &str, v: &Value) -> Result<Unknown, String> {
    let Value::Object(obj) = v else {
        return Err(format!("{check_id}: an unknown must be an object {{arn, reason}}, found {v}"));
    };
    let text = |name: &str| match obj.get(&Value::from(name)).cloned().unwrap_or(Value::Undefined) {
        Value::String(s) if !s.is_empty() => Ok(s.to_string()),
        other => Err(format!("{check_id}: an unknown has no string `{name}` (found {other}) in {v}")),
    };
    Ok(Unknown { arn: text("arn")?, reason: text("reason")? })
}

fn to_deny(check_id: &str, v: &Value) -> Result<Deny, String> {
    let Value::Object(obj) = v else {
        return Err(format!("{check_id}: a deny must be an object {{arn, message, evidence}}, found {v}"));
    };
    let field = |name: &str| obj.get(&Value::from(name)).cloned().unwrap_or(Value::Undefined);
    let text = |name: &str| match field(name) {
        Value::String(s) if !s.is_empty() => Ok(s.to_string()),
        other => Err(format!("{check_id}: a deny has no string `{name}` (found {other}) in {v}")),
    };
    let evidence = match field("evidence") {
        Value::Undefined | Value::Null => Json::Object(serde_json::Map::new()),
        e => serde_json::to_value(&e).map_err(|err| format!("{check_id}: evidence is not JSON: {err}"))?,
    };
    Ok(Deny { arn: text("arn")?, message: text("message")?, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn overlay_catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let cat = Catalog::with_overlay(dir.path()).unwrap();
        (dir, cat)
    }

    fn check(id: &str, name: &str, body: &str) -> (String, String, String, String) {
        let text = format!(
            "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: {id}\n#   severity: high\n#   collection: s3.buckets\n\
             #   remediation: R\n#   frameworks: {{}}\n#   guide_section: G\n#   area: tls\npackage flowforge.aws.s3.{name}\n\nimport rego.v1\n\n{body}\n"
        );
        let test = format!("package flowforge.aws.s3.{name}_test\n\ntest_pass_x if true\n");
        (format!("aws/s3/{name}.rego"), text, format!("aws/s3/{name}_test.rego"), test)
    }

    fn input() -> Json {
        json!({"s3": {"buckets": [{"arn": "arn:aws:s3:::a", "name": "a"}, {"arn": "arn:aws:s3:::b", "name": "b"}]}})
    }

    /// A check that does not compile, and one that errors at run time, are Err for that check
    /// only; a healthy check beside them still runs.
    #[test]
    fn broken_check_is_an_error_for_that_check_only() {
        let good = check("FF-S3-901", "good", "deny contains {\"arn\": b.arn, \"message\": \"bad\", \"evidence\": {\"n\": b.name}} if { some b in input.s3.buckets; b.name == \"a\" }");
        let unsafe_var = check("FF-S3-902", "broken", "deny contains f if { f := {\"arn\": x, \"message\": \"m\"} }");
        let syntax = check("FF-S3-903", "syntax", "deny contains f if {{ ");
        let runtime = check(
            "FF-S3-904",
            "runtime",
            "deny contains f if { some b in input.s3.buckets; f := {\"arn\": b.arn, \"message\": 1 / 0} }",
        );
        let no_arn = check("FF-S3-905", "no_arn", "deny contains {\"message\": \"m\"} if true");
        let all = [good, unsafe_var, syntax, runtime, no_arn];
        let files: Vec<(&str, &str)> =
            all.iter().flat_map(|(a, b, c, d)| [(a.as_str(), b.as_str()), (c.as_str(), d.as_str())]).collect();
        let (_dir, cat) = overlay_catalog(&files);
        let mut engine = CompiledCatalog::new(&cat, json!({"environment": "prod"})).unwrap();
        engine.set_input(&input()).unwrap();
        let out = engine.evaluate("FF-S3-901").unwrap();
        assert_eq!(out.denies.len(), 1);
        assert_eq!(out.denies[0].arn, "arn:aws:s3:::a");
        assert_eq!(out.denies[0].evidence, json!({"n": "a"}));
        assert!(engine.evaluate("FF-S3-902").is_err());
        assert!(engine.evaluate("FF-S3-903").is_err());
        assert!(engine.evaluate("FF-S3-904").is_err());
        let err = engine.evaluate("FF-S3-905").unwrap_err();
        assert!(err.contains("arn"), "{err}");
        // The builtin checks still compile beside the broken ones.
        assert!(engine.compile_error("FF-S3-001").is_none(), "{:?}", engine.compile_error("FF-S3-001"));
    }

    /// Each check's engine loads only the libraries its rules reach: a check calling an
    /// overlay library gets it, a check importing a library it never uses still compiles
    /// and runs, and a library that does not parse still makes every check an ERROR, those
    /// that never call it included (as when every engine loaded every library).
    #[test]
    fn each_check_loads_the_libraries_it_reaches() {
        let lib = ("lib/probe.rego", "package flowforge.lib.probe\nimport rego.v1\nnamed(b) if b.name == \"b\"\n");
        let uses = check(
            "FF-S3-921",
            "uses_lib",
            "import data.flowforge.lib.probe\ndeny contains {\"arn\": b.arn, \"message\": \"m\"} if { some b in input.s3.buckets; probe.named(b) }",
        );
        let unused = check(
            "FF-S3-922",
            "imports_unused",
            "import data.flowforge.lib.probe\nimport data.flowforge.lib.kms\ndeny contains {\"arn\": b.arn, \"message\": \"m\"} if { some b in input.s3.buckets; b.name == \"a\" }",
        );
        let mut files = vec![lib];
        for c in [&uses, &unused] {
            files.extend([(c.0.as_str(), c.1.as_str()), (c.2.as_str(), c.3.as_str())]);
        }
        let (_dir, cat) = overlay_catalog(&files);
        let libs = |id: &str| cat.checks().iter().find(|c| c.meta.id == id).map(|c| c.reads.libs.clone()).unwrap();
        assert_eq!(libs("FF-S3-921").into_iter().collect::<Vec<_>>().len(), 1, "{:?}", libs("FF-S3-921"));
        assert!(libs("FF-S3-922").is_empty(), "{:?}", libs("FF-S3-922"));
        let mut engine = CompiledCatalog::new(&cat, json!({"environment": "prod"})).unwrap();
        engine.set_input(&input()).unwrap();
        let arns = |out: CheckOutput| out.denies.into_iter().map(|d| d.arn).collect::<Vec<_>>();
        assert_eq!(arns(engine.evaluate("FF-S3-921").unwrap()), vec!["arn:aws:s3:::b"]);
        assert_eq!(arns(engine.evaluate("FF-S3-922").unwrap()), vec!["arn:aws:s3:::a"]);

        let broken = ("lib/probe.rego", "package flowforge.lib.probe\nimport rego.v1\nnamed(b) if {{");
        files[0] = broken;
        let (_dir, cat) = overlay_catalog(&files);
        let mut engine = CompiledCatalog::new(&cat, json!({"environment": "prod"})).unwrap();
        engine.set_input(&input()).unwrap();
        for id in ["FF-S3-921", "FF-S3-922", "FF-S3-001"] {
            let err = engine.evaluate(id).unwrap_err();
            assert!(err.contains("probe.rego"), "{id}: {err}");
        }
    }

    /// `applies`, `not_applicable_reason` and `in_scope` are read per the contract.
    #[test]
    fn applies_reason_and_scope_follow_the_contract() {
        let na = check(
            "FF-S3-906",
            "gated",
            "default applies := false\napplies if data.baseline.requirements.x\nnot_applicable_reason := \"x not required\"\n\
             deny contains {\"arn\": \"a\", \"message\": \"m\"} if true",
        );
        let scoped = check(
            "FF-S3-907",
            "scoped",
            "in_scope contains b.arn if { some b in input.s3.buckets; b.name == \"b\" }\ndeny contains {\"arn\": \"arn:aws:s3:::b\", \"message\": \"m\"} if true",
        );
        let files = [
            (na.0.as_str(), na.1.as_str()),
            (na.2.as_str(), na.3.as_str()),
            (scoped.0.as_str(), scoped.1.as_str()),
            (scoped.2.as_str(), scoped.3.as_str()),
        ];
        let (_dir, cat) = overlay_catalog(&files);
        let mut engine = CompiledCatalog::new(&cat, json!({"requirements": {"x": false}})).unwrap();
        engine.set_input(&input()).unwrap();
        let out = engine.evaluate("FF-S3-906").unwrap();
        assert!(!out.applies);
        assert_eq!(out.not_applicable_reason.as_deref(), Some("x not required"));
        assert!(out.denies.is_empty());
        let out = engine.clone().evaluate("FF-S3-907").unwrap();
        assert!(out.applies);
        assert_eq!(out.in_scope, Some(BTreeSet::from(["arn:aws:s3:::b".to_owned()])));
        assert_eq!(out.denies[0].evidence, json!({}));
    }

    /// Issue 10 item 4: a recursive function (stack overflow, exit 134), a 3000³
    /// comprehension (never ends) and `numbers.range(1, 300000000)` (15 s, 6.9 GB) are each an
    /// ERROR for their check alone, with the reason, within the time limit; a healthy check
    /// beside them still runs.
    #[test]
    fn runaway_checks_are_stopped_with_the_reason() {
        let rec = check(
            "FF-S3-911",
            "recursive",
            "f(x) := f(x)\ndeny contains {\"arn\": \"a\", \"message\": sprintf(\"%v\", [f(1)])} if true",
        );
        let cube = check(
            "FF-S3-912",
            "cube",
            "n := numbers.range(1, 3000)\ndeny contains {\"arn\": \"a\", \"message\": sprintf(\"%d\", [count([1 | some a in n; some b in n; some c in n])])} if true",
        );
        let range = check(
            "FF-S3-913",
            "range",
            "deny contains {\"arn\": \"a\", \"message\": sprintf(\"%d\", [count(numbers.range(1, 300000000))])} if true",
        );
        let all = [rec, cube, range];
        let files: Vec<(&str, &str)> =
            all.iter().flat_map(|(a, b, c, d)| [(a.as_str(), b.as_str()), (c.as_str(), d.as_str())]).collect();
        let (_dir, cat) = overlay_catalog(&files);
        let limits = Limits::with_timeout(Duration::from_millis(300));
        let mut engine = CompiledCatalog::with_limits(&cat, json!({"environment": "prod"}), limits).unwrap();
        engine.set_input(&input()).unwrap();
        let started = Instant::now();
        let err = engine.evaluate("FF-S3-911").unwrap_err();
        assert!(err.contains("recursion") && err.contains("recursive.f"), "{err}");
        let err = engine.evaluate("FF-S3-912").unwrap_err();
        assert!(err.contains("exceeded its time limit of 0.3 s"), "{err}");
        let err = engine.evaluate("FF-S3-913").unwrap_err();
        assert!(err.contains("300000000 elements exceed the bound"), "{err}");
        // Stopped, not hung: at most MAX_ATTEMPTS runs of at most MAX_STRETCH budgets (a busy
        // machine stretches the runs of a check that waits for a core), and the other two
        // refused at once.
        let bound = limits.check_timeout * MAX_STRETCH * MAX_ATTEMPTS as u32 + Duration::from_secs(5);
        assert!(started.elapsed() < bound, "{:?}", started.elapsed());
        assert!(engine.evaluate("FF-S3-001").is_ok());
    }

    /// An overlay `lib/coverage.rego` that recurses or runs away stops the evaluation with the
    /// reason (it neither hangs nor silently requires nothing); the builtin one answers.
    #[test]
    fn required_collections_rule_runs_within_limits() {
        let view = json!({"environment": "prod", "requirements": {}, "architecture": {"database": {}}});
        let (_dir, cat) = overlay_catalog(&[]);
        let required = required_collections(&cat, &view, &Limits::default()).unwrap();
        assert!(required.contains("rds.db_instances") && !required.contains("eks.clusters"), "{required:?}");
        let recursive =
            "package flowforge.lib.coverage\nimport rego.v1\nf(x) := f(x)\nrequired contains y if y := f(1)\n";
        let cube = "package flowforge.lib.coverage\nimport rego.v1\nn := numbers.range(1, 3000)\n\
                    required contains sprintf(\"%d\", [count([1 | some a in n; some b in n; some c in n])])\n";
        let limits = Limits::with_timeout(Duration::from_millis(300));
        for (text, reason) in [(recursive, "recursion"), (cube, "time limit")] {
            let (_dir, cat) = overlay_catalog(&[("lib/coverage.rego", text)]);
            let err = required_collections(&cat, &view, &limits).unwrap_err().to_string();
            assert!(err.contains(reason), "{err}");
        }
    }

    /// The bounded `numbers.range` / `numbers.range_step` give what regorus's builtins give.
    #[test]
    fn bounded_ranges_match_the_builtins() {
        let (_dir, cat) = overlay_catalog(&[]);
        let mut bounded = base_engine(&cat, None, &Limits::default()).unwrap();
        let mut builtin = regorus::Engine::new();
        for q in [
            "numbers.range(1, 5)",
            "numbers.range(5, 1)",
            "numbers.range(-2, -2)",
            "numbers.range(1.5, 3)",
            "numbers.range_step(0, 10, 3)",
            "numbers.range_step(10, 0, 3)",
            "numbers.range_step(0, 10, 20)",
        ] {
            let got = bounded.eval_query(q.to_owned(), false).map(|r| format!("{:?}", r.result));
            let want = builtin.eval_query(q.to_owned(), false).map(|r| format!("{:?}", r.result));
            assert_eq!(got.ok(), want.ok(), "{q}");
        }
        assert!(bounded.eval_query("numbers.range_step(0, 10, 0)".to_owned(), false).is_err());
        // Extreme operands neither overflow nor panic (the builtin cannot compute this one).
        let q = "count(numbers.range_step(-9223372036854775808, 9223372036854775807, 4611686018427387904))";
        let got = bounded.eval_query(q.to_owned(), false).map(|r| format!("{:?}", r.result[0].expressions[0].value));
        assert_eq!(got.ok().as_deref(), Some("Number(4)"));
    }

    /// A busy machine does not make a check ERROR: a run stopped while its thread mostly
    /// waited for a core runs again with the wall-clock time its CPU share needs; a run that
    /// did its own work for (nearly) the whole budget, a share too small to wait for, or an
    /// unmeasurable CPU time, is over time.
    #[test]
    fn time_limit_is_on_the_checks_own_work() {
        let budget = Duration::from_secs(10);
        let s = Duration::from_secs;
        // A fifth of a core: the next run gets 10 s / 0.2 * 1.25.
        assert_eq!(next_wall_limit(budget, s(10), Some(s(2))), Some(s(62) + Duration::from_millis(500)));
        // Working all along: over time.
        assert_eq!(next_wall_limit(budget, s(10), Some(Duration::from_millis(9500))), None);
        // Less than 1/16 of a core: over time rather than waiting past 16 budgets.
        assert_eq!(next_wall_limit(budget, s(10), Some(Duration::from_millis(500))), None);
        // Just above 1/16: capped at 16 budgets.
        assert_eq!(next_wall_limit(budget, s(10), Some(Duration::from_millis(700))), Some(s(160)));
        assert_eq!(next_wall_limit(budget, s(10), None), None);
        assert!(thread_cpu_time().is_some() || !cfg!(target_os = "linux"), "Linux reports a thread's CPU time");
    }

    /// An organisation scan parses the catalog once and gives each account its baseline: the
    /// outputs are those of compiling with the baseline directly, and a second baseline on
    /// the same parse is not mixed with the first.
    #[test]
    fn parse_once_then_baseline_equals_compiling_with_it() {
        let gated = check(
            "FF-S3-921",
            "per_env",
            "deny contains {\"arn\": b.arn, \"message\": data.baseline.environment} if { some b in input.s3.buckets; b.name == data.baseline.bucket }",
        );
        let files = [(gated.0.as_str(), gated.1.as_str()), (gated.2.as_str(), gated.3.as_str())];
        let (_dir, cat) = overlay_catalog(&files);
        let parsed = CompiledCatalog::parse(&cat, Limits::default());
        for (env, bucket) in [("prod", "a"), ("dev", "b")] {
            let view = json!({"environment": env, "bucket": bucket});
            let mut direct = CompiledCatalog::new(&cat, view.clone()).unwrap();
            let mut shared = parsed.for_baseline(view).unwrap();
            direct.set_input(&input()).unwrap();
            shared.set_input(&input()).unwrap();
            let (a, b) = (direct.evaluate("FF-S3-921").unwrap(), shared.evaluate("FF-S3-921").unwrap());
            assert_eq!(a, b);
            assert_eq!(b.denies.len(), 1);
            assert_eq!(b.denies[0].arn, format!("arn:aws:s3:::{bucket}"));
            assert_eq!(b.denies[0].message, env);
            assert!(shared.compile_error("FF-S3-001").is_none(), "{:?}", shared.compile_error("FF-S3-001"));
        }
        assert!(parsed.for_baseline(json!([])).is_err(), "data.baseline must be an object");
    }

    /// The lead evaluates on worker threads: the engine must be Send.
    #[test]
    fn engine_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<CompiledCatalog>();
    }
}
