//! The one positioned-YAML reader: the unvalidated form of every YAML input (baseline,
//! waivers, policy METADATA) as a tree that keeps the position of every node and key.
//!
//! Like cargo-deny's `cfg.rs`, parsing and validating are two steps: this module only turns
//! text into a tree (the one error it can give is a YAML syntax error, which stops everything);
//! each input's validator then walks the tree and reports *every* problem it finds with its
//! position. Converting saphyr's nodes into our own small tree keeps the parser crate out of
//! the validators and makes them easy to test.
//!
//! What the inputs never need is refused rather than guessed at: anchors and aliases, tags
//! other than the YAML core schema's (`!env`, `!include`, ...), and a second document. Such a
//! node becomes [`RawValue::Unsupported`], which every validator reports where it expected a
//! value, with [`Code::YamlUnsupported`] (see [`mismatch`]).

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, ScalarStyle, YamlDataOwned};

use super::{Code, Problem};

/// A position in a YAML file: 1-based line and column.
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
    /// An alias, a node with an unknown tag, or a scalar that does not match its core tag:
    /// reported, never guessed at. The text says what it is ("an alias ...").
    Unsupported(String),
}

impl RawValue {
    /// The YAML type name used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &str {
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

/// The code for "expected X, found `node`": [`Code::YamlUnsupported`] when the node is YAML
/// the readers refuse (so the fix points at the YAML, not at the format), else `wrong_type`.
pub fn mismatch(node: &RawNode, wrong_type: Code) -> Code {
    match node.value {
        RawValue::Unsupported(_) => Code::YamlUnsupported,
        _ => wrong_type,
    }
}

/// Parses YAML text into the positioned tree; `file` names it in the problem. An empty file is
/// a `Null` document. A syntax error stops the reading: what follows it cannot be trusted.
pub fn parse(text: &str, file: &str) -> Result<RawNode, Problem> {
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        // At the end of the input saphyr may point at the line after the last one: a
        // position that is not in the file is moved to the end of the text.
        let (line, col) = match e.marker().line() {
            l if l > text.split('\n').count() => super::line_col(text, text.len()),
            l => (l.max(1), e.marker().col() + 1),
        };
        Problem::new(Code::YamlSyntax, file, line, col, format!("YAML syntax error: {}", e.info()))
    })?;
    let mut docs = docs.into_iter();
    let first = match docs.next() {
        Some(doc) => convert(&doc),
        None => RawNode { pos: Pos { line: 1, col: 1 }, value: RawValue::Null },
    };
    if let Some(second) = docs.next() {
        let pos = pos_of(&second);
        return Err(Problem::new(
            Code::YamlDocuments,
            file,
            pos.line,
            pos.col,
            "this file holds one YAML document; a second one starts here (remove the `---` or the text after it)",
        ));
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
        // saphyr resolves the core schema's tags (`!!str`, `!!int`, ...) itself; what is left is
        // an application tag this tool does not define, whose meaning it would have to guess.
        YamlDataOwned::Tagged(tag, _) => {
            RawValue::Unsupported(format!("a value with the unknown YAML tag `{tag}` (tags are not supported)"))
        }
        YamlDataOwned::Alias(_) => RawValue::Unsupported("an alias (anchors and aliases are not supported)".into()),
        YamlDataOwned::BadValue => RawValue::Unsupported("a value that does not match its YAML tag".into()),
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
        let node = parse("a:\n  b: [1, \"x\"]\n", "t.yaml").unwrap();
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
        let err = parse("a: 1\na: 2\n", "t.yaml").unwrap_err();
        assert_eq!((err.code, err.line, err.file.as_str()), (Code::YamlSyntax, 2, "t.yaml"), "{err}");
    }

    /// A second document is refused in words that fit every YAML input (it once called a
    /// waiver file "a baseline file").
    #[test]
    fn second_document_is_refused_without_naming_another_format() {
        let err = parse("waivers: []\n---\nwaivers: []\n", "w.yaml").unwrap_err();
        assert_eq!((err.code, err.line), (Code::YamlDocuments, 3), "{err}");
        assert!(!err.message.contains("baseline"), "{err}");
    }

    /// Application tags (`!env`) would need a meaning the tool does not define: refused, while
    /// the core schema's tags keep working.
    #[test]
    fn unknown_tags_are_unsupported_core_tags_resolve() {
        let node = parse("a: !env prod\nb: !!str 5\nc: !custom [1]\n", "t.yaml").unwrap();
        let RawValue::Map(entries) = &node.value else { panic!("not a map") };
        assert!(matches!(&entries[0].1.value, RawValue::Unsupported(m) if m.contains("`!env`")), "{entries:?}");
        assert_eq!(entries[1].1.value, RawValue::Str("5".into()));
        assert!(matches!(&entries[2].1.value, RawValue::Unsupported(_)), "{entries:?}");
        assert_eq!(mismatch(&entries[0].1, Code::BaselineWrongType), Code::YamlUnsupported);
        assert_eq!(mismatch(&entries[1].1, Code::BaselineWrongType), Code::BaselineWrongType);
    }

    /// Found by tests/parser_properties.rs: a syntax error at the end of a one-line file
    /// was placed on line 2, outside the file.
    #[test]
    fn syntax_error_at_end_of_input_stays_inside_the_file() {
        let err = parse("%\u{1208}a", "t.yaml").unwrap_err();
        assert_eq!((err.code, err.line), (Code::YamlSyntax, 1), "{err}");
    }

    /// A UTF-8 byte order mark (Windows editors write one) is not content.
    #[test]
    fn byte_order_mark_is_accepted() {
        let node = parse("\u{feff}a: 1\n", "t.yaml").unwrap();
        let RawValue::Map(entries) = &node.value else { panic!("not a map: {node:?}") };
        assert_eq!(entries[0].0.value, RawValue::Str("a".into()));
    }
}
