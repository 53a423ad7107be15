//! Reading Terraform attribute values and comparing them with the snapshot's: the few rules
//! every section's comparison shares (what counts as equal, how a policy given as a JSON string
//! is normalised, how nested blocks are reached).

use serde_json::Value;

use crate::model::PolicyDocument;

/// A state resource's attributes.
pub(super) type Attrs = serde_json::Map<String, Value>;

/// A string attribute; "" when absent or not a string.
pub(super) fn s<'a>(attrs: &'a Attrs, k: &str) -> &'a str {
    attrs.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Values equal for drift: "" equals null; numbers compare numerically.
pub(super) fn same(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    match (a, b) {
        _ if empty(a) && empty(b) => true,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A policy given as a JSON string in the state, normalised like the snapshot's documents.
pub(super) fn policy_value(text: &str) -> Value {
    match PolicyDocument::parse_aws(text) {
        Ok(doc) => serde_json::to_value(doc).unwrap_or(Value::Null),
        Err(_) => Value::String(text.to_owned()),
    }
}

/// A snapshot policy document as a comparable value (null when there is none).
pub(super) fn doc_value(doc: Option<&PolicyDocument>) -> Value {
    doc.and_then(|d| serde_json::to_value(d).ok()).unwrap_or(Value::Null)
}

/// A list attribute (or a single non-empty string) as strings.
pub(super) fn strs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A list attribute as sorted strings (the order Terraform keeps is not the account's).
pub(super) fn sorted_strs(v: Option<&Value>) -> Vec<String> {
    let mut out = strs(v);
    out.sort();
    out
}

/// The first element of a nested block (`vpc_config`, `rule`), as Terraform stores one block.
pub(super) fn first_block<'a>(a: &'a Attrs, k: &str) -> Option<&'a Attrs> {
    a.get(k).and_then(Value::as_array).and_then(|v| v.first()).and_then(Value::as_object)
}

/// Follows a dotted path with `[i]` indexes through a JSON value; Null when absent.
pub(super) fn lookup(v: &Value, path: &str) -> Value {
    let mut cur = v;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = match cur.get(key) {
            Some(x) => x,
            None => return Value::Null,
        };
        if let Some(i) = index {
            cur = match cur.get(i) {
                Some(x) => x,
                None => return Value::Null,
            };
        }
    }
    cur.clone()
}
