//! The one YAML field toolkit: how every YAML input (baseline, waivers, policy METADATA, the
//! configuration file) turns the positioned tree of [`super::yaml`] into its valid form,
//! reporting *every* problem at once.
//!
//! The model is cargo-deny's configuration (`src/cfg.rs`, `src/licenses/cfg.rs` with
//! toml-span's table helper): the reader gives a raw form, and a validator takes each key it
//! knows out of a [`Table`], which is how a key is declared: once, where it is read. A key
//! asked for with [`Table::req`] and absent is a missing key; a key present that nothing asked
//! for is an unknown key, reported when the table goes out of scope with the closest known key
//! ("did you mean") and the full list. So an allowed-key list cannot drift from the lookups:
//! there is none to keep.
//!
//! A validator reports through a [`Ctx`] and carries on with the siblings (each helper returns
//! `None` for what it rejected), so one pass finds every problem. The codes are the input
//! kind's ([`Codes`]): `B...` for the baseline, `W...` for waivers, `M...` for METADATA,
//! `C...` for the configuration file, and `Y003` wherever a value is YAML the reader refuses.
//! Positions are the file's: YAML read out of another file (METADATA in a Rego comment) is
//! placed back with [`Embedded`].
//!
//! The generic messages are one phrasing for every input, ``PATH: expected a string, found a
//! list``, ``PATH: missing key `K` ``, ``unknown key `K` in PATH: did you mean `L`? expected one
//! of ...``, where PATH is the dotted path of the value (`architecture.vpc.name`,
//! `waivers[2].owner`); `docs/diagnostics.md` shows them to users.

use std::cell::RefCell;
use std::fmt::Display;

use super::yaml::{Pos, RawNode, RawValue};
use super::{Code, Problem};

/// The codes one input kind reports its field problems with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codes {
    /// A key the format does not have.
    pub unknown_key: Code,
    /// A required key that is absent.
    pub missing_key: Code,
    /// A value of the wrong YAML type.
    pub wrong_type: Code,
    /// A value of the right type that is not allowed.
    pub invalid_value: Code,
    /// An empty or blank string where text is required.
    pub empty: Code,
}

/// Where the lines of YAML embedded in another file are: YAML line `l` is the file's line
/// `first_line + l`, and its columns are shifted right by `prefixes[l - 1]` characters (the
/// comment markers cut off before parsing).
#[derive(Debug, Clone, Default)]
pub struct Embedded {
    pub first_line: usize,
    pub prefixes: Vec<usize>,
}

/// One file's validation: its label, its codes, and the problems found so far.
///
/// Shared by reference (`&Ctx`) with every helper and every open [`Table`]; problems are
/// collected inside.
#[derive(Debug)]
pub struct Ctx<'f> {
    file: &'f str,
    codes: Codes,
    /// How messages name the top level ("the top level", or the block's name).
    root: &'static str,
    embedded: Option<Embedded>,
    problems: RefCell<Vec<Problem>>,
    /// Every table read: its path and the keys asked for, in order (for tests that compare
    /// the keys a validator knows with a document or a serialised form).
    tables: RefCell<Vec<(String, Vec<&'static str>)>>,
}

impl<'f> Ctx<'f> {
    pub fn new(file: &'f str, codes: Codes) -> Ctx<'f> {
        Ctx {
            file,
            codes,
            root: "the top level",
            embedded: None,
            problems: RefCell::default(),
            tables: RefCell::default(),
        }
    }

    /// The same, for YAML cut out of another file (see [`Embedded`]).
    pub fn embedded(file: &'f str, codes: Codes, embedded: Embedded) -> Ctx<'f> {
        Ctx { embedded: Some(embedded), ..Ctx::new(file, codes) }
    }

    /// Names the top level `name` in messages (``METADATA: missing key `title` ``).
    pub fn root_named(self, name: &'static str) -> Ctx<'f> {
        Ctx { root: name, ..self }
    }

    /// A path as messages show it: the top level's name for the root.
    pub fn shown<'p>(&self, path: &'p str) -> &'p str {
        if path.is_empty() {
            self.root
        } else {
            path
        }
    }

    /// The file's label, as problems name it.
    pub fn file(&self) -> &'f str {
        self.file
    }

    pub fn codes(&self) -> Codes {
        self.codes
    }

    /// The file's line and column of a YAML position.
    pub fn position(&self, pos: Pos) -> (usize, usize) {
        match (&self.embedded, pos.line) {
            (None, _) => (pos.line, pos.col),
            (Some(e), 0) => (e.first_line, 0),
            (Some(e), l) => (e.first_line + l, pos.col + e.prefixes.get(l - 1).copied().unwrap_or(0)),
        }
    }

    /// Reports a problem at a YAML position.
    pub fn report(&self, code: Code, pos: Pos, message: impl Into<String>) {
        let (line, col) = self.position(pos);
        self.problems.borrow_mut().push(Problem::new(code, self.file, line, col, message));
    }

    /// Reports a problem the YAML reader gave (a syntax error), placed in the file.
    pub fn report_read_error(&self, mut problem: Problem) {
        if self.embedded.is_some() {
            (problem.line, problem.col) = self.position(Pos { line: problem.line, col: problem.col });
        }
        self.problems.borrow_mut().push(problem);
    }

    /// A value that is not allowed ([`Codes::invalid_value`]) at `node`.
    pub fn invalid(&self, node: &RawNode, message: impl Into<String>) {
        self.report(self.codes.invalid_value, node.pos, message);
    }

    /// A value of the wrong type at `node`, or YAML the reader refuses there (an alias, an
    /// unknown tag: [`Code::YamlUnsupported`], so the fix points at the YAML, not the format).
    pub fn wrong_type(&self, node: &RawNode, message: impl Into<String>) {
        self.refuse(node, self.codes.wrong_type, message);
    }

    /// A value refused with `code`, or with [`Code::YamlUnsupported`] when the value is YAML
    /// the reader refuses.
    pub fn refuse(&self, node: &RawNode, code: Code, message: impl Into<String>) {
        let code = match node.value {
            RawValue::Unsupported(_) => Code::YamlUnsupported,
            _ => code,
        };
        self.report(code, node.pos, message);
    }

    /// "`path`: expected `what`, found ..." at `node`.
    pub fn expected(&self, node: &RawNode, path: &str, what: &str) {
        self.wrong_type(node, format!("{}: expected {what}, found {}", self.shown(path), node.value.type_name()));
    }

    /// How many problems were found so far.
    pub fn problem_count(&self) -> usize {
        self.problems.borrow().len()
    }

    /// Every problem found, in reading order.
    pub fn into_problems(self) -> Vec<Problem> {
        let mut problems = self.problems.take();
        super::sort(&mut problems);
        problems
    }

    /// The valid form when nothing was found wrong; else every problem. A validator that
    /// rejected something without saying why would be a bug: `fallback` is reported then.
    pub fn finish<T>(self, value: Option<T>, fallback: &str) -> Result<T, Vec<Problem>> {
        match value {
            Some(v) if self.problem_count() == 0 => Ok(v),
            _ => {
                if self.problem_count() == 0 {
                    self.report(self.codes.invalid_value, Pos { line: 1, col: 1 }, fallback);
                }
                Err(self.into_problems())
            }
        }
    }

    /// The tables read so far: path and keys asked for, in reading order.
    pub fn tables(&self) -> Vec<(String, Vec<&'static str>)> {
        self.tables.borrow().clone()
    }

    // ------------------------------------------------------------------ mappings

    /// A mapping whose keys the validator names ([`Table::req`], [`Table::opt`], ...);
    /// `None` (reported) when `node` is not a mapping.
    pub fn table<'c, 'n>(&'c self, node: &'n RawNode, path: &str) -> Option<Table<'c, 'f, 'n>> {
        let entries = self.entries(node, path)?;
        Some(Table { cx: self, pos: node.pos, path: path.to_owned(), entries, asked: RefCell::default() })
    }

    /// A mapping whose keys are names the file's author chose (environments, tiers, roles):
    /// its entries in file order; `None` (reported) when `node` is not a mapping. A key that
    /// is not a string is reported and left out.
    pub fn entries<'n>(&self, node: &'n RawNode, path: &str) -> Option<Vec<Entry<'n>>> {
        let RawValue::Map(pairs) = &node.value else {
            self.expected(node, path, "a mapping");
            return None;
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match &k.value {
                RawValue::Str(key) => out.push(Entry { key: key.as_str(), key_pos: k.pos, value: v }),
                other => self
                    .wrong_type(k, format!("{}: keys must be strings, found {}", self.shown(path), other.type_name())),
            }
        }
        Some(out)
    }

    /// Reports `key` (at `pos`) as unknown in `path`, with the closest of `known` and the list.
    pub fn unknown_key(&self, key: &str, pos: Pos, path: &str, known: &[&str]) {
        let hint = suggest(key, known).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
        let message =
            format!("unknown key `{key}` in {}: {hint}expected one of {}", self.shown(path), known.join(", "));
        self.report(self.codes.unknown_key, pos, message);
    }

    // ------------------------------------------------------------------ values

    /// A non-blank string.
    pub fn string(&self, node: &RawNode, path: &str) -> Option<String> {
        match &node.value {
            RawValue::Str(s) if s.trim().is_empty() => {
                self.report(self.codes.empty, node.pos, format!("{}: must not be empty", self.shown(path)));
                None
            }
            RawValue::Str(s) => Some(s.clone()),
            _ => {
                self.expected(node, path, "a string");
                None
            }
        }
    }

    pub fn boolean(&self, node: &RawNode, path: &str) -> Option<bool> {
        match &node.value {
            RawValue::Bool(b) => Some(*b),
            _ => {
                self.expected(node, path, "a boolean (true or false)");
                None
            }
        }
    }

    /// A non-negative integer that fits 32 bits.
    pub fn count(&self, node: &RawNode, path: &str) -> Option<u32> {
        match &node.value {
            RawValue::Int(i) => u32::try_from(*i).ok().or_else(|| {
                self.invalid(node, format!("{}: expected a non-negative integer, found {i}", self.shown(path)));
                None
            }),
            _ => {
                self.expected(node, path, "a non-negative integer");
                None
            }
        }
    }

    /// A list (not empty when `non_empty`): its items.
    pub fn seq<'n>(&self, node: &'n RawNode, path: &str, non_empty: bool) -> Option<&'n [RawNode]> {
        match &node.value {
            RawValue::Seq(items) if non_empty && items.is_empty() => {
                self.invalid(node, format!("{}: must not be empty", self.shown(path)));
                None
            }
            RawValue::Seq(items) => Some(items),
            _ => {
                self.expected(node, path, "a list");
                None
            }
        }
    }

    /// A list whose items `f` validates (given each item and its path, `path[i]`); `None` when
    /// the list or any item was rejected (every item is still checked).
    pub fn list<T>(
        &self,
        node: &RawNode,
        path: &str,
        non_empty: bool,
        mut f: impl FnMut(&RawNode, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = self.seq(node, path, non_empty)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match f(item, &format!("{path}[{i}]")) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Reports the second and later occurrences of a value (`code`: the kind's duplicate code).
    pub fn no_duplicates<T: Ord + Display>(&self, code: Code, items: &[(T, Pos)], path: &str, what: &str) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut ok = true;
        for (item, pos) in items {
            if !seen.insert(item) {
                self.report(code, *pos, format!("{path}: duplicate {what} `{item}`"));
                ok = false;
            }
        }
        ok
    }
}

/// One entry of a mapping: a string key with its position, and its value.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'n> {
    pub key: &'n str,
    pub key_pos: Pos,
    pub value: &'n RawNode,
}

/// A mapping being validated: each key the format has is declared by asking for it, once.
/// When the table is dropped, every key present that nothing asked for is reported as unknown.
///
/// Ask for every key before returning early, or a key that is known but was not asked for
/// yet would be reported as unknown (the tests of each input cover its early exits).
pub struct Table<'c, 'f, 'n> {
    cx: &'c Ctx<'f>,
    pos: Pos,
    path: String,
    entries: Vec<Entry<'n>>,
    asked: RefCell<Vec<&'static str>>,
}

impl<'n> Table<'_, '_, 'n> {
    /// The mapping's position.
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// The mapping's path (empty at the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of one of its keys.
    pub fn key_path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn ask(&self, key: &'static str) -> Option<&'n RawNode> {
        let mut asked = self.asked.borrow_mut();
        if !asked.contains(&key) {
            asked.push(key);
        }
        self.entries.iter().find(|e| e.key == key).map(|e| e.value)
    }

    /// Declares an optional key: its value, if present.
    pub fn get(&self, key: &'static str) -> Option<&'n RawNode> {
        self.ask(key)
    }

    /// Declares a key: whether it is present.
    pub fn has(&self, key: &'static str) -> bool {
        self.ask(key).is_some()
    }

    /// Declares a required key: its value, or `None` with a missing-key problem.
    pub fn required(&self, key: &'static str) -> Option<&'n RawNode> {
        let node = self.ask(key);
        if node.is_none() {
            let message = format!("{}: missing key `{key}`", self.cx.shown(&self.path));
            self.cx.report(self.cx.codes.missing_key, self.pos, message);
        }
        node
    }

    /// A required key validated by `f` (given the value and its path).
    pub fn req<T>(&self, key: &'static str, f: impl FnOnce(&'n RawNode, &str) -> Option<T>) -> Option<T> {
        self.required(key).and_then(|n| f(n, &self.key_path(key)))
    }

    /// An optional key validated by `f`: `Some(None)` when absent, `None` when rejected.
    pub fn opt<T>(&self, key: &'static str, f: impl FnOnce(&'n RawNode, &str) -> Option<T>) -> Option<Option<T>> {
        match self.ask(key) {
            None => Some(None),
            Some(n) => f(n, &self.key_path(key)).map(Some),
        }
    }

    /// An optional key validated by `f`, `default` when absent.
    pub fn or<T>(&self, key: &'static str, default: T, f: impl FnOnce(&'n RawNode, &str) -> Option<T>) -> Option<T> {
        self.opt(key, f).map(|v| v.unwrap_or(default))
    }
}

impl Drop for Table<'_, '_, '_> {
    fn drop(&mut self) {
        let asked = self.asked.take();
        for e in &self.entries {
            if !asked.contains(&e.key) {
                self.cx.unknown_key(e.key, e.key_pos, &self.path, &asked);
            }
        }
        self.cx.tables.borrow_mut().push((std::mem::take(&mut self.path), asked));
    }
}

/// `path.key`, or `key` at the top level.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest of `known` within edit distance 2, for "did you mean".
pub fn suggest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    known.iter().map(|k| (distance(key, k), *k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::yaml::parse;

    const CODES: Codes = Codes {
        unknown_key: Code::BaselineUnknownKey,
        missing_key: Code::BaselineMissingKey,
        wrong_type: Code::BaselineWrongType,
        invalid_value: Code::BaselineInvalidValue,
        empty: Code::BaselineInvalidValue,
    };

    #[derive(Debug, PartialEq)]
    struct Server {
        name: String,
        port: u32,
        tls: bool,
    }

    fn server(cx: &Ctx, node: &RawNode) -> Option<Server> {
        let t = cx.table(node, "server")?;
        let name = t.req("name", |n, p| cx.string(n, p));
        let port = t.or("port", 80, |n, p| cx.count(n, p));
        let tls = t.or("tls", false, |n, p| cx.boolean(n, p));
        Some(Server { name: name?, port: port?, tls: tls? })
    }

    fn run(text: &str) -> Result<Server, Vec<String>> {
        let root = parse(text, "t.yaml").unwrap();
        let cx = Ctx::new("t.yaml", CODES);
        let s = server(&cx, &root);
        cx.finish(s, "invalid").map_err(|ps| ps.iter().map(ToString::to_string).collect())
    }

    /// A key is declared once, where it is read: required keys missing, unknown keys (with
    /// the closest known one) and wrong types are all reported in one pass, in file order.
    #[test]
    fn every_problem_of_a_table_is_reported_at_once() {
        assert_eq!(run("name: web\n"), Ok(Server { name: "web".into(), port: 80, tls: false }));
        assert_eq!(
            run("prot: 8080\ntls: yes please\ncolour: blue\n").unwrap_err(),
            [
                "t.yaml:1:1: error[B001]: unknown key `prot` in server: did you mean `port`? expected one of name, port, tls",
                "t.yaml:1:1: error[B002]: server: missing key `name`",
                "t.yaml:2:6: error[B003]: server.tls: expected a boolean (true or false), found a string",
                "t.yaml:3:1: error[B001]: unknown key `colour` in server: expected one of name, port, tls",
            ]
        );
        assert_eq!(
            run("name: \"  \"\nport: -1\n").unwrap_err(),
            [
                "t.yaml:1:7: error[B004]: server.name: must not be empty",
                "t.yaml:2:7: error[B004]: server.port: expected a non-negative integer, found -1",
            ]
        );
        assert_eq!(run("[1]\n").unwrap_err(), ["t.yaml:1:1: error[B003]: server: expected a mapping, found a list"]);
    }

    /// YAML the reader refuses (an alias, an unknown tag) is reported as such where a value
    /// was expected, not as a wrong type of the format.
    #[test]
    fn refused_yaml_has_the_yaml_code() {
        let errs = run("name: !env web\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("t.yaml:1:7: error[Y003]: server.name: expected a string, found a value with the unknown YAML tag `!env`"), "{errs:?}");
    }

    /// The keys a table declared are recorded with its path, in the order asked.
    #[test]
    fn tables_record_their_keys() {
        let root = parse("name: a\n", "t.yaml").unwrap();
        let cx = Ctx::new("t.yaml", CODES);
        let _ = server(&cx, &root);
        assert_eq!(cx.tables(), [("server".to_owned(), vec!["name", "port", "tls"])]);
    }

    /// Embedded YAML (METADATA in a Rego comment) is placed in the enclosing file.
    #[test]
    fn embedded_positions_are_shifted() {
        let cx = Ctx::embedded("p.rego", CODES, Embedded { first_line: 10, prefixes: vec![2, 4] });
        assert_eq!(cx.position(Pos { line: 2, col: 3 }), (12, 7));
        assert_eq!(cx.position(Pos { line: 0, col: 0 }), (10, 0));
    }

    /// "Did you mean" must point at the right key, not any key.
    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggest("requirments", &["requirements", "gate"]), Some("requirements"));
        assert_eq!(suggest("zzz", &["requirements", "gate"]), None);
    }
}
