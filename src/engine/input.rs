//! Reading a snapshot file and its Rego input in one go.
//!
//! The policies must see the snapshot as the typed model serialises it (every field present,
//! defaults filled in), not a hand-written file that may omit fields: a missing field makes a
//! Rego rule undefined, which would read as PASS. Converting the typed snapshot costs a second
//! serialisation and parse, which dominates on large accounts. So the file's text is parsed for
//! the engine on a second core while serde parses it into the model, and that parse is used only
//! when the file is canonical: byte for byte what the model serialises to (every snapshot this
//! tool writes is). The comparison streams the serialisation against the text, without
//! allocating a copy. Anything else falls back to converting the typed snapshot.

use std::io::Write;

use crate::model::{sha256_hex, Snapshot, SnapshotError};
use crate::policy::RegoInput;

/// A snapshot file, parsed.
pub struct ParsedSnapshot {
    pub snapshot: Snapshot,
    /// Its Rego input, when the text is canonical.
    pub rego_input: Option<RegoInput>,
    /// SHA-256 (hex) of the text, for the report's provenance.
    pub sha256: String,
}

/// Parses a snapshot file's text: the model, the Rego input (when canonical) and the hash,
/// the engine's parse on a second core (it is the slower one, so the hash and the canonical
/// check fit in its shadow).
pub fn parse_snapshot(text: &str) -> Result<ParsedSnapshot, SnapshotError> {
    let (snapshot, input, sha256) = std::thread::scope(|scope| {
        let rego = scope.spawn(|| RegoInput::from_json_text(text).ok());
        let snapshot = Snapshot::from_json(text);
        let sha256 = sha256_hex(text.as_bytes());
        let canonical = snapshot.as_ref().is_ok_and(|s| is_canonical(s, text.as_bytes()));
        let input = rego.join().ok().flatten().filter(|_| canonical);
        (snapshot, input, sha256)
    });
    Ok(ParsedSnapshot { snapshot: snapshot?, rego_input: input, sha256 })
}


/// True when serialising `snapshot` the way the tool writes it gives exactly `text`.
fn is_canonical(snapshot: &Snapshot, text: &[u8]) -> bool {
    let mut cmp = Compare { expected: text, pos: 0 };
    if serde_json::to_writer_pretty(&mut cmp, snapshot).is_err() {
        return false;
    }
    let rest = &text[cmp.pos.min(text.len())..];
    rest.is_empty() || rest == b"\n"
}

/// A writer that compares what is written with `expected` and fails at the first difference.
struct Compare<'a> {
    expected: &'a [u8],
    pos: usize,
}

impl Write for Compare<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let end = self.pos + buf.len();
        if self.expected.get(self.pos..end) == Some(buf) {
            self.pos = end;
            Ok(buf.len())
        } else {
            Err(std::io::Error::other("differs"))
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Snapshot {
        Snapshot { schema_version: 1, account_id: "123456789012".into(), partition: "aws".into(), collected_at: "2026-01-01T00:00:00Z".into(), ..Default::default() }
    }

    /// A file the tool wrote is used as the engine's input directly.
    #[test]
    fn canonical_text_gives_prepared_input() {
        let mut text = serde_json::to_string_pretty(&minimal()).unwrap();
        text.push('\n');
        let p = parse_snapshot(&text).unwrap();
        assert_eq!(p.snapshot, minimal());
        assert!(p.rego_input.is_some());
    }

    /// A hand-written file that omits fields must not reach the policies as written: the
    /// missing fields would make rules undefined (a silent PASS).
    #[test]
    fn non_canonical_text_falls_back() {
        let text = r#"{"schema_version": 1, "tool_version": "", "account_id": "123456789012", "partition": "aws", "regions": [], "collected_at": "2026-01-01T00:00:00Z"}"#;
        let p = parse_snapshot(text).unwrap();
        assert_eq!(p.snapshot.account_id, "123456789012");
        assert!(p.rego_input.is_none());
    }
}
