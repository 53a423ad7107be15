//! IAM-style policy documents (identity, trust, bucket, secret and endpoint policies),
//! stored parsed and normalised so that Rego never parses a JSON string and never has to
//! ask "is this a string or an array?".
//!
//! Normal form: `Statement`, `Action`, `NotAction`, `Resource`, `NotResource` are arrays;
//! `Principal` / `NotPrincipal` are maps of arrays (`"*"` becomes `{"AWS": ["*"]}`, which IAM
//! treats as the same principal); condition operators keep their spelling, condition keys are
//! lower-cased (IAM compares them case-insensitively) and values are arrays of strings
//! (`false` becomes `"false"`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PolicyDocument {
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "Statement", default, deserialize_with = "exact")]
    pub statement: Vec<Statement>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: String,
    /// Null in identity policies.
    #[serde(rename = "Principal", default, deserialize_with = "exact_principal")]
    pub principal: Option<BTreeMap<String, Vec<String>>>,
    #[serde(rename = "NotPrincipal", default, deserialize_with = "exact_principal")]
    pub not_principal: Option<BTreeMap<String, Vec<String>>>,
    #[serde(rename = "Action", default, deserialize_with = "exact")]
    pub action: Vec<String>,
    #[serde(rename = "NotAction", default, deserialize_with = "exact")]
    pub not_action: Vec<String>,
    #[serde(rename = "Resource", default, deserialize_with = "exact")]
    pub resource: Vec<String>,
    #[serde(rename = "NotResource", default, deserialize_with = "exact")]
    pub not_resource: Vec<String>,
    /// operator → (lower-cased key → values).
    #[serde(rename = "Condition", default, deserialize_with = "exact_condition")]
    pub condition: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

// Read from a snapshot, a list grows by doubling from four slots and keeps its spare
// capacity: a one-action statement held four strings' room, a one-statement document four
// statements' (216 bytes each). Documents are most of a snapshot's lists (every role's trust
// and inline policies, every bucket and secret policy), so their lists are cut to their length
// as they are read (issue 24: about a sixth of the typed snapshot's memory).

/// A list cut to its length.
fn exact<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let mut list = Vec::<T>::deserialize(d)?;
    list.shrink_to_fit();
    Ok(list)
}

/// A list of strings cut to its length, as a map's value.
struct ExactStrings(Vec<String>);

impl<'de> Deserialize<'de> for ExactStrings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        exact(d).map(ExactStrings)
    }
}

fn exact_principal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BTreeMap<String, Vec<String>>>, D::Error> {
    let map = Option::<BTreeMap<String, ExactStrings>>::deserialize(d)?;
    Ok(map.map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

/// A statement's `Condition`: operator → (lower-cased key → values).
type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn exact_condition<'de, D: Deserializer<'de>>(d: D) -> Result<Conditions, D::Error> {
    let map = BTreeMap::<String, BTreeMap<String, ExactStrings>>::deserialize(d)?;
    Ok(map.into_iter().map(|(op, keys)| (op, keys.into_iter().map(|(k, v)| (k, v.0)).collect())).collect())
}

/// Why a raw policy document could not be normalised.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyDocError {
    #[error("policy document is not valid JSON: {0}")]
    Json(String),
    #[error("policy document: {0}")]
    Shape(String),
}

impl PolicyDocument {
    /// Parses a policy document as AWS returns it: a JSON string, URL-encoded when it comes
    /// from IAM (detected by a leading `%7B`), with scalars where arrays are allowed.
    pub fn parse_aws(text: &str) -> Result<Self, PolicyDocError> {
        let trimmed = text.trim();
        let decoded;
        let json = if trimmed.starts_with('%') {
            decoded = percent_encoding::percent_decode_str(trimmed)
                .decode_utf8()
                .map_err(|e| PolicyDocError::Json(format!("bad URL encoding: {e}")))?
                .into_owned();
            decoded.as_str()
        } else {
            trimmed
        };
        let value: Value = serde_json::from_str(json).map_err(|e| PolicyDocError::Json(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Normalises an already decoded JSON value in AWS's loose shape.
    pub fn from_value(value: &Value) -> Result<Self, PolicyDocError> {
        let obj = value.as_object().ok_or_else(|| PolicyDocError::Shape("expected a JSON object".into()))?;
        let statements = match obj.get("Statement") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            Some(other) => {
                return Err(PolicyDocError::Shape(format!("Statement must be an object or array, found {other}")))
            }
        };
        let statement = statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| statement_from_value(s).map_err(|e| PolicyDocError::Shape(format!("Statement[{i}]: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PolicyDocument {
            version: obj.get("Version").and_then(Value::as_str).map(str::to_owned),
            id: obj.get("Id").and_then(Value::as_str).map(str::to_owned),
            statement,
        })
    }
}

fn statement_from_value(value: &Value) -> Result<Statement, String> {
    let obj = value.as_object().ok_or("expected an object")?;
    let effect = obj.get("Effect").and_then(Value::as_str).ok_or("missing Effect")?.to_owned();
    if effect != "Allow" && effect != "Deny" {
        return Err(format!("Effect must be Allow or Deny, found {effect:?}"));
    }
    let condition = match obj.get("Condition") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(ops)) => {
            let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
            for (op, keys) in ops {
                let keys = keys.as_object().ok_or_else(|| format!("Condition.{op} must be an object"))?;
                let entry = out.entry(op.clone()).or_default();
                for (key, vals) in keys {
                    entry.entry(key.to_ascii_lowercase()).or_default().extend(strings(vals, "Condition value")?);
                }
            }
            out
        }
        Some(_) => return Err("Condition must be an object".into()),
    };
    Ok(Statement {
        sid: obj.get("Sid").and_then(Value::as_str).map(str::to_owned),
        effect,
        principal: principal(obj.get("Principal"))?,
        not_principal: principal(obj.get("NotPrincipal"))?,
        action: opt_strings(obj.get("Action"), "Action")?,
        not_action: opt_strings(obj.get("NotAction"), "NotAction")?,
        resource: opt_strings(obj.get("Resource"), "Resource")?,
        not_resource: opt_strings(obj.get("NotResource"), "NotResource")?,
        condition,
    })
}

fn principal(value: Option<&Value>) -> Result<Option<BTreeMap<String, Vec<String>>>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "*" => Ok(Some(BTreeMap::from([("AWS".to_owned(), vec!["*".to_owned()])]))),
        Some(Value::String(s)) => Err(format!("Principal string must be \"*\", found {s:?}")),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), strings(v, "Principal")?)))
            .collect::<Result<BTreeMap<_, _>, String>>()
            .map(Some),
        Some(_) => Err("Principal must be \"*\" or an object".into()),
    }
}

fn opt_strings(value: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => strings(v, what),
    }
}

/// A scalar or array of scalars as strings (booleans and numbers keep their JSON spelling).
fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    fn one(v: &Value, what: &str) -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(format!("{what} must be a string or array of strings, found {other}")),
        }
    }
    match value {
        Value::Array(items) => items.iter().map(|v| one(v, what)).collect(),
        v => Ok(vec![one(v, what)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: a stored document read back from a snapshot holds its lists at their length
    /// (serde would leave room for four), with the same values.
    #[test]
    fn lists_read_from_a_snapshot_are_cut_to_their_length() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:securetransport":["true"]}}}]}"#;
        let doc: PolicyDocument = serde_json::from_str(text).unwrap();
        let s = &doc.statement[0];
        assert_eq!(doc.statement.capacity(), 1);
        assert_eq!((s.action.capacity(), s.resource.capacity()), (1, 1));
        assert_eq!(s.principal.as_ref().unwrap()["AWS"].capacity(), 1);
        assert_eq!(s.condition["Bool"]["aws:securetransport"].capacity(), 1);
        let again: PolicyDocument = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(again, doc);
        assert_eq!(s.action, ["s3:GetObject"]);
        assert_eq!(s.condition["Bool"]["aws:securetransport"], ["true"]);
        assert!(s.not_principal.is_none() && s.not_action.is_empty());
    }

    /// IAM returns URL-encoded documents with scalar fields; both must normalise.
    #[test]
    fn url_encoded_scalar_document_is_normalised() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22%2A%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";
        let doc = PolicyDocument::parse_aws(raw).unwrap();
        assert_eq!(doc.statement.len(), 1);
        let s = &doc.statement[0];
        assert_eq!(s.action, vec!["sts:AssumeRole"]);
        assert_eq!(s.principal.as_ref().unwrap()["AWS"], vec!["*"]);
        assert!(s.resource.is_empty());
    }

    /// Condition keys are case-insensitive in IAM; booleans become strings.
    #[test]
    fn condition_keys_lowercased_and_values_stringified() {
        let doc = PolicyDocument::parse_aws(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
        )
        .unwrap();
        assert_eq!(doc.statement[0].condition["Bool"]["aws:securetransport"], vec!["false"]);
    }

    /// A malformed document is an error that says where, not a panic or an empty policy.
    #[test]
    fn bad_effect_is_reported_with_statement_index() {
        let err = PolicyDocument::parse_aws(r#"{"Statement":[{"Effect":"Allow"},{"Effect":"Maybe"}]}"#).unwrap_err();
        assert!(err.to_string().contains("Statement[1]"), "{err}");
    }
}
