//! The one positioned-YAML reader: the unvalidated form of every YAML input (baseline,
//! waivers, policy METADATA, the configuration file) as a tree that keeps the position of
//! every node and key.
//!
//! Like cargo-deny's `cfg.rs`, parsing and validating are two steps: this module only turns
//! text into a tree (the one error it can give is a YAML syntax error, which stops everything);
//! each input's validator then walks the tree with the field toolkit ([`super::fields`]) and
//! reports *every* problem it finds with its position. Converting saphyr's nodes into our own
//! small tree keeps the parser crate out of the validators and makes them easy to test.
//!
//! What the inputs never need is refused rather than guessed at: anchors and aliases, tags
//! other than the YAML core schema's (`!env`, `!include`, ...), and a second document. Such a
//! node becomes [`RawValue::Unsupported`], which every validator reports where it expected a
//! value, with [`Code::YamlUnsupported`] (see [`super::fields::Ctx::wrong_type`]).
//!
//! Nesting is bounded ([`MAX_DEPTH`], [`Code::YamlTooDeep`]): saphyr's loader recurses once
//! per level, and so do the conversion below and the drop of a tree, so ten kilobytes of
//! `- - - - … x` used to overflow the stack (issue 22, item 3). The bound is checked first,
//! on saphyr's event stream, which is produced without recursion; only a text within the
//! bound reaches the loader. Aliases count with the depth of what they would expand to.

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

/// The deepest nesting of collections (lists and mappings) the readers accept. No input of
/// this tool nests deeper than about seven (the baseline's `roles.<key>.allow[].actions`);
/// 64 leaves room for any sensible file and keeps every recursion over the tree shallow.
pub const MAX_DEPTH: usize = 64;

/// Parses YAML text into the positioned tree; `file` names it in the problem. An empty file is
/// a `Null` document. A syntax error stops the reading: what follows it cannot be trusted.
pub fn parse(text: &str, file: &str) -> Result<RawNode, Problem> {
    check_depth(text, file)?;
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

/// Refuses text whose collections nest deeper than [`MAX_DEPTH`], counting what an alias
/// would expand to. Walks saphyr's event stream (the parser keeps its own state on the heap,
/// not on the call stack), so any text can be measured; a syntax error ends the walk and is
/// left to the loader to report, with the same parser and the same position.
fn check_depth(text: &str, file: &str) -> Result<(), Problem> {
    use saphyr_parser::{BufferedInput, Event, Parser};
    use std::collections::HashMap;

    /// An open collection: its level (1 for the root) and the deepest level reached in it.
    struct Open {
        anchor: usize,
        level: usize,
        deepest: usize,
    }
    let too_deep = |span: saphyr_parser::Span| {
        Problem::new(
            Code::YamlTooDeep,
            file,
            span.start.line().max(1),
            span.start.col() + 1,
            format!(
                "lists and mappings nest more than {MAX_DEPTH} levels deep here; the readers refuse deeper nesting \
                 (no input of this tool needs more than a few levels)"
            ),
        )
    };
    let mut open: Vec<Open> = Vec::new();
    // Anchor id -> the number of collection levels the anchored node holds (0 for a scalar).
    let mut heights: HashMap<usize, usize> = HashMap::new();
    // Same construction as the loader's (`load_from_str`), so the events are the loader's.
    let parser: Parser<'_, BufferedInput<std::str::Chars<'_>>> = Parser::new_from_iter(text.chars());
    for event in parser {
        let Ok((event, span)) = event else { return Ok(()) };
        let reached = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let level = open.len() + 1;
                if level > MAX_DEPTH {
                    return Err(too_deep(span));
                }
                open.push(Open { anchor, level, deepest: level });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(done) = open.pop() else { continue };
                if done.anchor > 0 {
                    heights.insert(done.anchor, done.deepest - done.level + 1);
                }
                done.deepest
            }
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    heights.insert(anchor, 0);
                }
                open.len()
            }
            Event::Alias(anchor) => {
                let reached = open.len() + heights.get(&anchor).copied().unwrap_or(0);
                if reached > MAX_DEPTH {
                    return Err(too_deep(span));
                }
                reached
            }
            _ => continue,
        };
        if let Some(parent) = open.last_mut() {
            parent.deepest = parent.deepest.max(reached);
        }
    }
    Ok(())
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

    /// Issue 22, item 3: ten kilobytes of nested block sequences (`- - - … x`) overflowed the
    /// stack (abort, exit 134) in every YAML input. Nesting past [`MAX_DEPTH`] is now a problem
    /// at the first level too deep, found without recursion: measured on a thread with a
    /// small stack, where even a few hundred recursive levels would overflow.
    #[test]
    fn issue_22_item_3_deep_nesting_is_refused_without_recursion() {
        let block = format!("{}x\n", "- ".repeat(5000));
        let flow = format!("{}x{}\n", "[".repeat(200), "]".repeat(200));
        let mapping: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let [block, flow, mapping] = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || [block, flow, mapping].map(|t| parse(&t, "deep.yaml").map(|_| ()).unwrap_err()))
            .unwrap()
            .join()
            .expect("no stack overflow");
        // Each is placed at the first level too deep: the 65th `-`, `[` or key.
        let at = |p: &Problem| (p.code, p.line, p.col);
        assert_eq!(at(&block), (Code::YamlTooDeep, 1, 2 * MAX_DEPTH + 1), "{block}");
        assert_eq!(at(&flow), (Code::YamlTooDeep, 1, MAX_DEPTH + 1), "{flow}");
        assert_eq!(at(&mapping), (Code::YamlTooDeep, MAX_DEPTH + 1, MAX_DEPTH + 1), "{mapping}");
        assert!(block.to_string().starts_with("deep.yaml:1:129: error[Y004]: lists and mappings nest more than 64"));
    }

    /// The bound is on nesting, not on size, and sits above what any input needs: 64 levels
    /// load, 65 do not.
    #[test]
    fn nesting_up_to_the_bound_is_read() {
        let at = |n: usize| format!("{}x{}\n", "[".repeat(n), "]".repeat(n));
        let node = parse(&at(MAX_DEPTH), "t.yaml").unwrap();
        let mut depth = 0;
        let mut cur = &node;
        while let RawValue::Seq(items) = &cur.value {
            depth += 1;
            cur = &items[0];
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(parse(&at(MAX_DEPTH + 1), "t.yaml").unwrap_err().code, Code::YamlTooDeep);
        let wide = format!("[{}]\n", vec!["[1]"; 10_000].join(", "));
        assert!(parse(&wide, "t.yaml").is_ok(), "width is not depth");
    }

    /// An alias counts with what it would expand to: anchors chained so that each adds depth
    /// would otherwise build a tree far deeper than the text (the loader copies anchored
    /// nodes). Aliases are refused later anyway (Y003); this keeps the loading itself bounded.
    #[test]
    fn aliases_count_with_their_expanded_depth() {
        let half = MAX_DEPTH / 2 + 1;
        let text =
            format!("a: &a {}x{}\nb: {}*a{}\n", "[".repeat(half), "]".repeat(half), "[".repeat(half), "]".repeat(half));
        assert_eq!(parse(&text, "t.yaml").unwrap_err().code, Code::YamlTooDeep);
        let shallow = "a: &a [1]\nb: [*a]\n";
        assert!(parse(shallow, "t.yaml").is_ok());
    }
}
