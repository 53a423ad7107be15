//! The regorus wrapper: compiles the catalog once and evaluates one check at a time against
//! one snapshot, returning what the check's Rego said (denies, applicability, scope).
//!
//! Each check is compiled in its own regorus engine together with the helper libraries, so a
//! check that fails to parse or compile (or whose rules error at run time) is an `Err` for that
//! check alone and never stops the others. The engines share the parsed libraries, the
//! `data.baseline` document and the converted input by reference counting, so a
//! [`PolicyEngine`] is cheap to clone: the evaluator clones it once per worker thread.
//!
//! The rule contract of a check package (see `docs/policies.md`):
//! - `deny contains finding`, finding = `{"arn": string, "message": string, "evidence": object}`;
//! - optional `applies` (boolean): when defined and not `true`, the check does not apply;
//! - optional `not_applicable_reason` (string), reported when it does not apply;
//! - optional `in_scope contains arn`: resources of the collection outside it do not apply.

use std::collections::{BTreeMap, BTreeSet};

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
}

/// Why the engine could not be built at all (as opposed to one check failing).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("data.baseline must be a JSON object, found {0}")]
    BaselineNotObject(String),
    #[error("cannot load data.baseline into the Rego engine: {0}")]
    Data(String),
    #[error("cannot convert the snapshot to a Rego value: {0}")]
    Input(String),
}

#[derive(Clone)]
struct Slot {
    package: String,
    /// The compiled engine, or why the check cannot run.
    engine: Result<regorus::Engine, String>,
    has_applies: bool,
    has_reason: bool,
    has_in_scope: bool,
}

/// Every check of a catalog, compiled, with `data.baseline` loaded.
#[derive(Clone)]
pub struct PolicyEngine {
    slots: BTreeMap<String, Slot>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyEngine").field("checks", &self.slots.keys().collect::<Vec<_>>()).finish()
    }
}

/// A snapshot already converted to the engine's representation (reference counted, so
/// handing it to several engines copies nothing).
#[derive(Clone)]
pub struct RegoInput(Value);

impl RegoInput {
    /// Converts any serialisable document (the snapshot, or a part of it) to the engine's
    /// value, exactly as its JSON serialisation would read (see [`super::rego_value`]).
    pub fn from_serialize<T: serde::Serialize + ?Sized>(value: &T) -> Result<RegoInput, EngineError> {
        super::rego_value::to_value(value).map(RegoInput).map_err(|e| EngineError::Input(e.to_string()))
    }

    /// The converted value.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// Sets the top-level field `key` of an object value (the snapshot's collections are
    /// converted apart and put in place).
    pub fn insert(&mut self, key: &str, value: Value) -> Result<(), EngineError> {
        let object = self.0.as_object_mut().map_err(|e| EngineError::Input(e.to_string()))?;
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
pub(crate) fn base_engine(catalog: &Catalog, data: Option<Value>) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    if let Some(data) = data {
        engine.add_data(data).map_err(|e| format!("cannot load data: {e}"))?;
    }
    for lib in catalog.libs() {
        engine
            .add_policy(lib.source.clone(), lib.text.clone())
            .map_err(|e| format!("library {} does not parse: {e}", lib.source))?;
    }
    Ok(engine)
}

impl PolicyEngine {
    /// Compiles every check of `catalog` with `data.baseline` = `baseline` (the environment
    /// view). A check that does not compile is kept and reports its error from
    /// [`PolicyEngine::evaluate`].
    pub fn new(catalog: &Catalog, baseline: Json) -> Result<PolicyEngine, EngineError> {
        if !baseline.is_object() {
            return Err(EngineError::BaselineNotObject(baseline.to_string()));
        }
        let data = super::rego_value::to_value(&serde_json::json!({ "baseline": baseline }))
            .map_err(|e| EngineError::Data(e.to_string()))?;
        let base = base_engine(catalog, Some(data));
        let mut slots = BTreeMap::new();
        for check in catalog.checks() {
            let source = check.file.source.clone();
            let mut slot = Slot {
                package: check.meta.package.clone(),
                engine: Err(String::new()),
                has_applies: false,
                has_reason: false,
                has_in_scope: false,
            };
            slot.engine = base.clone().and_then(|mut engine| {
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
                // Analyse and schedule now, so that a compile error is found once, here.
                engine.eval_query("true".to_owned(), false).map_err(|e| format!("{source} does not compile: {e}"))?;
                Ok(engine)
            });
            slots.insert(check.meta.id.clone(), slot);
        }
        Ok(PolicyEngine { slots })
    }

    /// Sets `input` to `document` (the snapshot as `model::Snapshot` serialises it). The
    /// conversion is done once and shared by every check.
    pub fn set_input<T: serde::Serialize + ?Sized>(&mut self, document: &T) -> Result<(), EngineError> {
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
    pub fn evaluate(&mut self, check_id: &str) -> Result<CheckOutput, String> {
        let slot = self.slots.get_mut(check_id).ok_or_else(|| format!("unknown check {check_id}"))?;
        let pkg = format!("data.{}", slot.package);
        let engine = slot.engine.as_mut().map_err(|e| e.clone())?;
        let mut eval = |rule: &str| -> Result<Value, String> {
            engine.eval_rule(format!("{pkg}.{rule}")).map_err(|e| format!("{check_id}: evaluating {rule}: {e}"))
        };
        let mut out = CheckOutput { applies: true, ..CheckOutput::default() };
        if slot.has_applies {
            let v = eval("applies")?;
            out.applies = v == Value::Bool(true);
            if !out.applies {
                if slot.has_reason {
                    match eval("not_applicable_reason")? {
                        Value::String(s) => out.not_applicable_reason = Some(s.to_string()),
                        Value::Undefined => {}
                        other => {
                            return Err(format!("{check_id}: not_applicable_reason must be a string, found {other}"))
                        }
                    }
                }
                return Ok(out);
            }
        }
        if slot.has_in_scope {
            out.in_scope = Some(match eval("in_scope")? {
                Value::Undefined => BTreeSet::new(),
                Value::Set(items) => items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.to_string()),
                        other => Err(format!("{check_id}: in_scope must contain ARN strings, found {other}")),
                    })
                    .collect::<Result<_, _>>()?,
                other => return Err(format!("{check_id}: in_scope must be a set of ARNs, found {other}")),
            });
        }
        let denies = match eval("deny")? {
            Value::Undefined => Vec::new(),
            Value::Set(items) => items.iter().map(|v| to_deny(check_id, v)).collect::<Result<Vec<_>, _>>()?,
            other => return Err(format!("{check_id}: deny must be a set (`deny contains finding`), found {other}")),
        };
        out.denies = denies;
        out.denies.sort_by(|a, b| (&a.arn, &a.message).cmp(&(&b.arn, &b.message)));
        Ok(out)
    }
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
        let mut engine = PolicyEngine::new(&cat, json!({"environment": "prod"})).unwrap();
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
        let mut engine = PolicyEngine::new(&cat, json!({"requirements": {"x": false}})).unwrap();
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

    /// The lead evaluates on worker threads: the engine must be Send.
    #[test]
    fn engine_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<PolicyEngine>();
    }
}
