//! Reading a Terraform state (format version 4, a local `.tfstate` file): the managed
//! resource instances with their addresses and attributes, every malformed resource reported
//! at its position (`T...` codes). Data sources are skipped. What the resources mean is the
//! other files' concern.

use std::path::Path;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::diag::{self, Code, Problem};

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TfStateError {
    #[error("cannot read the Terraform state {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
    /// Every problem found (`T...` codes), in file order.
    #[error("{}", diag::render("the Terraform state", problems))]
    Invalid { problems: Vec<Problem> },
}

/// One resource instance of the state.
#[derive(Debug, Clone, PartialEq)]
pub struct TfResource {
    /// `module.net.aws_subnet.private["a"]`.
    pub address: String,
    pub resource_type: String,
    pub attributes: serde_json::Map<String, Value>,
}

/// A parsed state file (managed resources only).
#[derive(Debug, Clone, PartialEq)]
pub struct TfState {
    pub source: String,
    pub terraform_version: Option<String>,
    pub resources: Vec<TfResource>,
}

impl TfState {
    pub fn load(path: impl AsRef<Path>) -> Result<TfState, TfStateError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = crate::fsio::read_to_string(path)
            .map_err(|source| TfStateError::Io { path: name.clone(), error: source })?;
        Self::parse(&text, &name)
    }

    /// Parses state text; `name` labels the file in every problem. Every malformed resource
    /// is reported, each at its position; only an unknown format version stops the reading
    /// early (its shape is not one this reader knows). A UTF-8 byte order mark is accepted.
    pub fn parse(text: &str, name: &str) -> Result<TfState, TfStateError> {
        /// The top-level members this reader uses, as raw text so that each keeps its position.
        #[derive(serde::Deserialize)]
        struct Top<'a> {
            #[serde(borrow)]
            version: Option<&'a RawValue>,
            #[serde(borrow)]
            terraform_version: Option<&'a RawValue>,
            #[serde(borrow)]
            resources: Option<&'a RawValue>,
        }
        let text = diag::strip_bom(text);
        let invalid = |problems: Vec<Problem>| TfStateError::Invalid { problems };
        let at = |code: Code, raw: &RawValue, message: String| match diag::offset_in(text, raw.get()) {
            Some(offset) => Problem::at_offset(code, name, text, offset, message),
            None => Problem::in_file(code, name, message),
        };
        let top: Top = serde_json::from_str(text).map_err(|e| {
            let (code, message) = if e.is_data() {
                (Code::TfStateShape, format!("not a Terraform state: {}", strip_position(&e)))
            } else {
                (Code::TfStateJson, format!("not a Terraform state file (invalid JSON): {}", strip_position(&e)))
            };
            invalid(vec![Problem::new(code, name, e.line(), e.column(), message)])
        })?;
        let mut problems = Vec::new();
        match top.version {
            Some(v) if v.get().trim() == "4" => {}
            Some(v) => {
                return Err(invalid(vec![at(
                    Code::TfStateVersion,
                    v,
                    format!(
                        "Terraform state format version {} is not supported (expected 4; run `terraform state pull` with Terraform >= 0.12)",
                        v.get().trim()
                    ),
                )]))
            }
            None => problems.push(Problem::new(
                Code::TfStateShape,
                name,
                1,
                1,
                "no `version` field (not a Terraform state?)",
            )),
        }
        // A state always has `resources` (`[]` when empty): without it, an empty expected
        // architecture would make every live resource "unmanaged" and hide a wrong file.
        let list: Vec<&RawValue> = match top.resources {
            None => {
                problems.push(Problem::new(
                    Code::TfStateShape,
                    name,
                    1,
                    1,
                    "no `resources` array (not a Terraform state, or a truncated one)",
                ));
                Vec::new()
            }
            Some(raw) => match serde_json::from_str(raw.get()) {
                Ok(items) => items,
                Err(_) => {
                    problems.push(at(Code::TfStateShape, raw, "`resources` must be an array".into()));
                    Vec::new()
                }
            },
        };
        let mut resources = Vec::new();
        for (i, raw) in list.into_iter().enumerate() {
            match resource(i, raw) {
                Ok(mut instances) => resources.append(&mut instances),
                Err(message) => problems.push(at(Code::TfStateShape, raw, message)),
            }
        }
        if !problems.is_empty() {
            diag::sort(&mut problems);
            return Err(invalid(problems));
        }
        let terraform_version = top.terraform_version.and_then(|v| serde_json::from_str::<String>(v.get()).ok());
        Ok(TfState { source: name.to_owned(), terraform_version, resources })
    }
}

/// serde_json's message without its " at line L column C" tail (the problem carries those).
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// The managed instances of `resources[i]`, or what is wrong with it.
fn resource(i: usize, raw: &RawValue) -> Result<Vec<TfResource>, String> {
    let r: Value = serde_json::from_str(raw.get()).map_err(|e| format!("resources[{i}]: {}", strip_position(&e)))?;
    let field =
        |k: &str| r.get(k).and_then(Value::as_str).ok_or_else(|| format!("resources[{i}]: missing string `{k}`"));
    let mode = field("mode")?;
    let ty = field("type")?;
    let rname = field("name")?;
    if mode != "managed" {
        return Ok(Vec::new());
    }
    let base = match r.get("module").and_then(Value::as_str) {
        Some(m) => format!("{m}.{ty}.{rname}"),
        None => format!("{ty}.{rname}"),
    };
    let instances = r
        .get("instances")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("resources[{i}] ({base}): missing `instances` array"))?;
    let mut out = Vec::new();
    for (j, inst) in instances.iter().enumerate() {
        let attributes = inst
            .get("attributes")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| format!("resources[{i}].instances[{j}] ({base}): missing `attributes` object"))?;
        let address = match inst.get("index_key") {
            Some(Value::String(k)) => format!("{base}[{k:?}]"),
            Some(Value::Number(n)) => format!("{base}[{n}]"),
            _ => base.clone(),
        };
        out.push(TfResource { address, resource_type: ty.to_owned(), attributes });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../tests/data/tfstate/unit.tfstate");

    fn state() -> TfState {
        TfState::parse(FIXTURE, "unit.tfstate").unwrap()
    }

    /// Addresses carry module and index keys; data sources are skipped.
    #[test]
    fn parses_addresses() {
        let tf = state();
        let addrs: Vec<&str> = tf.resources.iter().map(|r| r.address.as_str()).collect();
        assert!(addrs.contains(&"module.lake.aws_s3_bucket.layer[\"gold\"]"), "{addrs:?}");
        assert!(!addrs.iter().any(|a| a.contains("aws_caller_identity")));
    }

    /// Only format 4 is read; anything else is a clear error, never a silent empty state.
    #[test]
    fn bad_state_files_are_errors() {
        let e = TfState::parse(r#"{"version": 3, "modules": []}"#, "old.tfstate").unwrap_err().to_string();
        assert!(e.contains("old.tfstate:1:13: error[T002]") && e.contains("version 3"), "{e}");
        let e = TfState::parse("{\"version\": 4,\n \"resources\": [", "cut.tfstate").unwrap_err().to_string();
        assert!(e.contains("\n  cut.tfstate:2:") && e.contains("error[T001]"), "{e}");
        let e = TfState::parse(r#"{"version": 4, "resources": [{"mode": "managed", "type": "aws_vpc"}]}"#, "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x:1:30: error[T003]: resources[0]: missing string `name`"), "{e}");
    }

    /// A state without `resources` was accepted as an empty state, making every live resource
    /// "unmanaged" instead of refusing a wrong or truncated file.
    #[test]
    fn tfstate_without_resources_is_refused() {
        for text in [r#"{"version": 4}"#, r#"{"version": 4, "resources": null}"#] {
            let e = TfState::parse(text, "s.tfstate").unwrap_err().to_string();
            assert!(e.contains("s.tfstate:1:1: error[T003]: no `resources` array"), "{e}");
        }
        assert!(TfState::parse(r#"{"version": 4, "resources": []}"#, "s.tfstate").is_ok());
    }

    /// Every malformed resource is listed, each at its own line, not only the first.
    #[test]
    fn every_malformed_resource_is_listed() {
        let text = "{\"version\": 4, \"resources\": [\n {\"mode\": \"managed\"},\n {\"mode\": \"managed\", \"type\": \"aws_vpc\", \"name\": \"v\"}\n]}";
        let Err(TfStateError::Invalid { problems }) = TfState::parse(text, "s.tfstate") else { panic!("accepted") };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3], "{problems:?}");
    }

    /// A UTF-8 byte order mark (as Windows editors write) was refused as invalid JSON.
    #[test]
    fn tfstate_with_byte_order_mark_is_accepted() {
        let with_bom = format!("\u{feff}{FIXTURE}");
        assert_eq!(TfState::parse(&with_bom, "unit.tfstate").unwrap(), state());
    }
}
