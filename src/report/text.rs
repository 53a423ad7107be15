//! The one escaping policy for untrusted strings, in every output: terminal, CSV, HTML,
//! Markdown, JSON printed to a screen, and the organisation summary.
//!
//! ARNs, names, tags and messages come from the audited account (and check messages from an
//! overlay's Rego) and are attacker-controlled: an ESC sequence can recolour or clear the
//! screen, an OSC sequence can retitle the window or plant a hyperlink, a CR can overwrite
//! "gate: FAILED" with "gate: PASSED", a NUL or BEL upsets the tools that read a CSV, and a
//! bidi override can make `FAIL` read backwards in a terminal, a spreadsheet or a browser.
//! [`is_unsafe`] names those characters once; the encoders below make each of them visible
//! instead of dropping it, so the reader sees that something odd was in the data:
//! - [`terminal`] for a value printed in a line of text (`\u{1b}`, `\n`, `\u{202e}`, ...);
//! - [`terminal_lines`] for a multi-line message whose own line breaks are meant;
//! - [`document`] for a whole rendered document or a CSV cell: the same as
//!   [`terminal_lines`] (what a format's own syntax escaping leaves, this makes visible);
//! - [`json`] for JSON text printed or embedded as is (serde_json escapes C0 controls but
//!   leaves C1 controls and bidi overrides raw; `\u009b` keeps the JSON equivalent).
//!
//! Who applies it: the terminal output of `cli/` ([`terminal`]); the CSV writers (every cell,
//! [`document`]); the HTML shell `super::page` (the whole page, after `maud` escaped the
//! markup, and [`json`] on its data block); the Markdown escaper
//! ([`super::markdown::escape`], the same predicate and form). The organisation summary and the
//! diff are rendered by those same writers.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for characters that must not reach a terminal raw: C0 controls (ESC, CR, LF, TAB,
/// BEL, ...), DEL, C1 controls (U+0080–U+009F, among them the 8-bit CSI and OSC), the bidi
/// embedding, override and isolate controls, and the Unicode line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

fn encode(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value for one line of terminal output: every [`is_unsafe`] character, line breaks
/// included, written as a visible escape (`\u{1b}`, `\r`, `\n`).
pub fn terminal(s: &str) -> Cow<'_, str> {
    encode(s, false)
}

/// [`terminal`] for a multi-line message (an error listing several problems): `\n` is kept,
/// everything else unsafe is escaped.
pub fn terminal_lines(s: &str) -> Cow<'_, str> {
    encode(s, true)
}

/// A whole rendered document (HTML) or a CSV cell: every [`is_unsafe`] character but the line
/// feed written as a visible escape. Applied after the format's own escaping, so it only ever
/// touches account data (the documents' own text has no such character).
pub fn document(s: &str) -> Cow<'_, str> {
    encode(s, true)
}

/// JSON text made safe to print: every [`is_unsafe`] character left raw by the serialiser
/// becomes a `\uXXXX` escape, which is the same JSON value. (Such characters can only occur
/// inside JSON strings; the JSON structure is ASCII.)
pub fn json(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(c),
            c if is_unsafe(c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terminal escapes, title sequences, CR/LF and bidi overrides come out visible and inert.
    #[test]
    fn terminal_escapes_every_hostile_character() {
        let arn = "arn:aws:s3:::x\u{1b}[2J\u{1b}]0;pwned\u{7}\rgate: PASSED\nnext\u{9b}31m\u{202e}LIAF\u{7f}";
        let shown = terminal(arn);
        assert_eq!(
            shown,
            "arn:aws:s3:::x\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\rgate: PASSED\\nnext\\u{9b}31m\\u{202e}LIAF\\u{7f}"
        );
        assert!(!shown.chars().any(is_unsafe));
        assert_eq!(terminal_lines("a\nb\u{1b}c"), "a\nb\\u{1b}c");
        assert!(matches!(terminal("arn:aws:iam::1:role/ünïcode-ok"), Cow::Borrowed(_)));
    }

    /// The JSON form stays the same JSON value and leaves nothing unsafe raw.
    #[test]
    fn json_escapes_keep_the_value() {
        let value = serde_json::json!({"arn": "a\u{1b}]0;t\u{7}\u{9b}\u{202e}\u{2028}b", "n": "ok"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value);
    }
}
