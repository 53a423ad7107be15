//! The unvalidated form of a baseline file: a YAML tree that keeps the position of every
//! node and key, and nothing else.
//!
//! Like cargo-deny's `cfg.rs`, parsing and validating are two steps: this module only turns
//! text into a tree (the one error it can give is a YAML syntax error, which stops everything);
//! `validate` then walks the tree and reports *every* problem it finds with its position.
//! Converting saphyr's nodes into our own small tree keeps the parser crate out of the
//! validator and makes the validator easy to test.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, ScalarStyle, YamlDataOwned};

/// A position in the baseline file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct RawNode {
    pub pos: Pos,
    pub value: RawValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    /// Entries in file order; keys keep their own position.
    Map(Vec<(RawNode, RawNode)>),
    /// An alias or a scalar saphyr could not represent: reported, never guessed at.
    Unsupported(&'static str),
}

impl RawValue {
    /// The YAML type name used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            RawValue::Null => "null",
            RawValue::Bool(_) => "a boolean",
            RawValue::Int(_) => "an integer",
            RawValue::Float(_) => "a number",
            RawValue::Str(_) => "a string",
            RawValue::Seq(_) => "a list",
            RawValue::Map(_) => "a mapping",
            RawValue::Unsupported(what) => what,
        }
    }
}

/// A YAML syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses YAML text into the positioned tree. An empty file is a `Null` document.
pub fn parse(text: &str) -> Result<RawNode, SyntaxError> {
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| SyntaxError {
        pos: Pos { line: e.marker().line(), col: e.marker().col() + 1 },
        message: e.info().to_owned(),
    })?;
    let mut docs = docs.into_iter();
    let first = match docs.next() {
        Some(doc) => convert(&doc),
        None => RawNode { pos: Pos { line: 1, col: 1 }, value: RawValue::Null },
    };
    if let Some(second) = docs.next() {
        return Err(SyntaxError {
            pos: pos_of(&second),
            message: "a baseline file holds one YAML document; found a second one".into(),
        });
    }
    Ok(first)
}

fn pos_of(node: &MarkedYamlOwned) -> Pos {
    Pos { line: node.span.start.line(), col: node.span.start.col() + 1 }
}

fn convert(node: &MarkedYamlOwned) -> RawNode {
    let value = match &node.data {
        YamlDataOwned::Value(s) => scalar(s),
        YamlDataOwned::Representation(text, style, _) => {
            if *style == ScalarStyle::Plain {
                scalar(&ScalarOwned::parse_from_cow(text.clone().into()))
            } else {
                RawValue::Str(text.clone())
            }
        }
        YamlDataOwned::Sequence(items) => RawValue::Seq(items.iter().map(convert).collect()),
        YamlDataOwned::Mapping(map) => RawValue::Map(map.iter().map(|(k, v)| (convert(k), convert(v))).collect()),
        YamlDataOwned::Tagged(_, inner) => return RawNode { pos: pos_of(node), value: convert(inner).value },
        YamlDataOwned::Alias(_) => RawValue::Unsupported("an alias (anchors and aliases are not supported)"),
        YamlDataOwned::BadValue => RawValue::Unsupported("a value that does not match its tag"),
    };
    RawNode { pos: pos_of(node), value }
}

fn scalar(s: &ScalarOwned) -> RawValue {
    match s {
        ScalarOwned::Null => RawValue::Null,
        ScalarOwned::Boolean(b) => RawValue::Bool(*b),
        ScalarOwned::Integer(i) => RawValue::Int(*i),
        ScalarOwned::FloatingPoint(f) => RawValue::Float(f.into_inner()),
        ScalarOwned::String(s) => RawValue::Str(s.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions are what every validation message is anchored on: lines and columns are 1-based.
    #[test]
    fn positions_are_one_based() {
        let node = parse("a:\n  b: [1, \"x\"]\n").unwrap();
        let RawValue::Map(entries) = &node.value else { panic!("not a map") };
        let (key, value) = &entries[0];
        assert_eq!(key.pos, Pos { line: 1, col: 1 });
        let RawValue::Map(inner) = &value.value else { panic!("not a map") };
        assert_eq!(inner[0].0.pos, Pos { line: 2, col: 3 });
        let RawValue::Seq(items) = &inner[0].1.value else { panic!("not a seq") };
        assert_eq!(items[0].value, RawValue::Int(1));
        assert_eq!(items[1].value, RawValue::Str("x".into()));
        assert_eq!(items[1].pos, Pos { line: 2, col: 10 });
    }

    /// A duplicate key must not silently override the first one.
    #[test]
    fn duplicate_key_is_a_syntax_error() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2, "{err:?}");
    }
}
