//! One diagnostics layer for every file the tool reads: baseline, waivers, policy METADATA and
//! catalog layout, Terraform state and snapshot.
//!
//! A problem in an input is data, not a Rust error (as in cargo-deny's diagnostics): each one
//! is a [`Problem`] with a stable [`Code`], a [`Severity`], the file's label, a 1-based line and
//! column (0 when unknown) and a message. Readers collect *every* problem of a file before they
//! fail, and the error types callers see wrap the list; [`render`] is the one way a list is
//! shown (a summary line, then `file:line:col: error[CODE]: message` per problem). The codes
//! are the contract with users and scripts: they are listed with their meaning and fix in
//! `docs/diagnostics.md`, and a test keeps that list, this table and the code format in step.
//!
//! This module imports no other module of ours, so that every layer (the model included) can
//! report through it. [`yaml`] is the one positioned-YAML reader the YAML inputs share, and
//! [`fields`] the one toolkit their validators declare keys and check values with.

pub mod fields;
pub mod yaml;

use std::fmt;

/// How bad a problem is: an error refuses the input (exit 2); a warning is shown and the input
/// is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// A stable diagnostic code: one letter for the input kind, three digits. Never reuse
        /// or renumber a code; retire it instead (see `docs/diagnostics.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as shown, e.g. `B001`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a problem with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    YamlSyntax = "Y001", Error, "the file is not valid YAML (including a key given twice)";
    YamlDocuments = "Y002", Error, "the file holds more than one YAML document";
    YamlUnsupported = "Y003", Error, "a YAML feature the readers refuse: an alias, an unknown tag, a value that does not match its tag";
    YamlTooDeep = "Y004", Error, "lists and mappings nested deeper than the readers accept (64 levels)";
    BaselineUnknownKey = "B001", Error, "baseline: a key (or requirement) the format does not have";
    BaselineMissingKey = "B002", Error, "baseline: a required key is missing";
    BaselineWrongType = "B003", Error, "baseline: a value of the wrong YAML type";
    BaselineInvalidValue = "B004", Error, "baseline: a value of the right type that is not allowed";
    BaselineUnknownReference = "B005", Error, "baseline: a name that refers to nothing (tier, environment, placeholder)";
    BaselineDuplicate = "B006", Error, "baseline: a value given twice in a list that must not repeat";
    WaiverUnknownKey = "W001", Error, "waivers: a key the format does not have";
    WaiverMissingKey = "W002", Error, "waivers: a required key is missing";
    WaiverWrongType = "W003", Error, "waivers: a value of the wrong YAML type";
    WaiverInvalidValue = "W004", Error, "waivers: a value of the right type that is not allowed";
    WaiverNoSelector = "W005", Error, "waivers: a waiver without `resource` or `tags`";
    PolicyPackage = "P001", Error, "policy file: no `package` declaration where one is expected";
    PolicyPackagePath = "P002", Error, "policy file: the package does not match the file's path";
    PolicyLocation = "P003", Error, "policy file: a file name or place the catalog layout does not allow";
    PolicyMissingTest = "P004", Error, "policy file: a check without its `_test.rego` file";
    PolicyOrphanTest = "P005", Error, "policy file: a test file without its check";
    PolicyDuplicateId = "P006", Error, "policy file: two checks with one id";
    PolicyTooDeep = "P007", Error, "policy file: brackets nested deeper than the parser can take in bounded time";
    MetadataMissing = "M001", Error, "METADATA: no `# METADATA` block above `package`, or an empty one";
    MetadataUnknownKey = "M002", Error, "METADATA: a key the format does not have";
    MetadataMissingKey = "M003", Error, "METADATA: a required key is missing";
    MetadataWrongType = "M004", Error, "METADATA: a value of the wrong YAML type, or empty";
    MetadataInvalidValue = "M005", Error, "METADATA: a value that is not allowed (id, severity, collection, area, control id)";
    TfStateJson = "T001", Error, "Terraform state: not valid JSON";
    TfStateVersion = "T002", Error, "Terraform state: a state format version other than 4";
    TfStateShape = "T003", Error, "Terraform state: valid JSON that is not a usable state";
    SnapshotJson = "S001", Error, "snapshot: not valid JSON";
    SnapshotVersion = "S002", Error, "snapshot: a schema_version this build does not read";
    SnapshotShape = "S003", Error, "snapshot: valid JSON that is not a snapshot (missing or mistyped field)";
    SnapshotCollectedAt = "S004", Error, "snapshot: `collected_at` is not an RFC 3339 timestamp";
    ManifestInvalid = "E001", Error, "evidence manifest: not JSON, or JSON that is not a manifest";
    ManifestVersion = "E002", Error, "evidence manifest: a bundle_version this build does not read";
    ManifestNotCanonical = "E003", Error, "evidence manifest: not in the exact form the tool writes (edited)";
    ManifestPath = "E004", Error, "evidence manifest: a file path a self-contained bundle cannot hold";
    AccountFileSyntax = "O001", Error, "account file: a line that is not `ACCOUNT_ID [ENVIRONMENT]`";
    AccountFileId = "O002", Error, "account file: not an AWS account id (12 digits)";
    AccountFileEnvironment = "O003", Error, "account file: an environment the baseline does not define";
    AccountFileDuplicate = "O004", Error, "account file: an account listed twice";
    OrgRecord = "O005", Error, "org scan output: an account record or shard file that cannot be merged";
    OrgMixedRuns = "O006", Error, "org scan output: shards of different runs (inputs, options, shard count or account list differ)";
    OrgVerdictMismatch = "O007", Error, "org scan output: an account record or report that its own report, results or snapshot contradict";
    OrgSchemaVersion = "O008", Error, "org scan output: a schema_version this build does not read";
    OrgShardInvalid = "O009", Error, "org scan output: a shard file with values the tool never writes (0 shards, an index out of range, a bad account id)";
    OrgUnlistedAccount = "O010", Error, "org scan output: an account directory the shard file does not list, or that belongs to another shard";
    ConfigUnreadable = "C001", Error, "configuration file: cannot be read (missing, a directory, unreadable, not UTF-8)";
    ConfigUnknownOption = "C002", Error, "configuration file: a key that is no option of any command";
    ConfigWrongType = "C003", Error, "configuration file: a value of the wrong YAML type, or a file that is not a mapping";
    ConfigInvalidValue = "C004", Error, "configuration file: a value the option does not accept";
    SecurityHubFinding = "H001", Error, "Security Hub upload: a finding Security Hub rejected (FailedFindings) or that could not be sent";
    SecurityHubCall = "H002", Error, "Security Hub upload: a call that failed after its retries, or credentials of another account";
    AttestNotIntact = "A001", Error, "attest: a bundle whose files do not match its manifest (tampered), or whose manifest is unusable";
    AttestSignature = "A002", Error, "attest: a bundle whose signature is invalid, by an unknown key, or missing when signatures are required";
    AttestUnreadable = "A003", Error, "attest: a bundle that cannot be read as evidence (no JSON report, report and manifest disagree, unreadable)";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one input file.
///
/// Field order is the sort order: by file, then position, so a list reads top to bottom.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The file's label: a path as given, or `builtin:...` for files compiled in.
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub col: usize,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
}

impl Problem {
    /// A problem at `line:col` (0 for unknown), with the code's severity.
    pub fn new(code: Code, file: &str, line: usize, col: usize, message: impl Into<String>) -> Problem {
        Problem { file: file.to_owned(), line, col, severity: code.severity(), code, message: message.into() }
    }

    /// A problem about the whole file (no position).
    pub fn in_file(code: Code, file: &str, message: impl Into<String>) -> Problem {
        Problem::new(code, file, 0, 0, message)
    }

    /// A problem at a byte offset of `text` (converted to line and column).
    pub fn at_offset(code: Code, file: &str, text: &str, offset: usize, message: impl Into<String>) -> Problem {
        let (line, col) = line_col(text, offset);
        Problem::new(code, file, line, col, message)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, `file:line` or `file`, as far as the position is known.
    pub fn location(&self) -> String {
        match (self.line, self.col) {
            (0, _) => self.file.clone(),
            (l, 0) => format!("{}:{l}", self.file),
            (l, c) => format!("{}:{l}:{c}", self.file),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}[{}]: {}", self.location(), self.severity.as_str(), self.code, self.message)
    }
}

/// Sorts problems into reading order and drops exact repeats (two validation paths may find
/// the same fault).
pub fn sort(problems: &mut Vec<Problem>) {
    problems.sort();
    problems.dedup();
}

/// The one rendering of a list of problems: a summary line naming `subject` and the counts,
/// then one indented line per problem.
pub fn render(subject: &str, problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts = match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    };
    let verdict = if errors > 0 { "is invalid" } else { "has warnings" };
    let mut out = format!("{subject} {verdict} ({counts}):");
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

/// 1-based line and column (in characters) of a byte offset; an offset past the end or inside
/// a character is clamped to the text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset of `part` inside `whole` when `part` is a slice of it (serde_json's borrowed
/// raw values are), else `None`.
pub fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start + part.len() <= whole.len()).then_some(start)
}

/// The text without a leading UTF-8 byte order mark. Editors on Windows write one; every
/// reader accepts it, as YAML does by specification.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Codes are the contract with users: unique, of the form `<letter><3 digits>`, the letter
    /// naming the input kind, and documented in docs/diagnostics.md, all of them and no other.
    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "code {s} is used twice");
            let mut chars = s.chars();
            let letter = chars.next().unwrap_or(' ');
            assert!("YBWPMTSEOCHA".contains(letter), "{s}: unknown kind letter");
            assert!(s.len() == 4 && chars.all(|c| c.is_ascii_digit()), "{s}: not <letter><3 digits>");
            assert!(!code.summary().is_empty(), "{s}: no summary");
        }
        let docs = include_str!("../../docs/diagnostics.md");
        // Table rows start with "| `CODE` |".
        let documented: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`').map(|(code, _)| code))
            .collect();
        let documented_set: BTreeSet<&str> = documented.iter().copied().collect();
        assert_eq!(documented.len(), documented_set.len(), "a code is documented twice");
        assert_eq!(documented_set, seen, "docs/diagnostics.md and diag::Code differ");
        for code in Code::ALL {
            let row = docs.lines().find(|l| l.starts_with(&format!("| `{code}` |"))).unwrap_or_default();
            assert!(row.contains(code.severity().as_str()), "{code}: the docs give another severity: {row}");
        }
    }

    /// The rendering scripts and people read: `file:line:col: error[CODE]: message`, the
    /// position shortened when unknown, and a summary line with the counts.
    #[test]
    fn rendering() {
        let p = Problem::new(Code::BaselineUnknownKey, "b.yaml", 3, 5, "unknown key `x`");
        assert_eq!(p.to_string(), "b.yaml:3:5: error[B001]: unknown key `x`");
        let q = Problem::new(Code::TfStateShape, "s.tfstate", 2, 0, "m");
        assert_eq!(q.to_string(), "s.tfstate:2: error[T003]: m");
        let r = Problem::in_file(Code::SnapshotVersion, "s.json", "m");
        assert_eq!(r.to_string(), "s.json: error[S002]: m");
        let mut w = p.clone();
        w.severity = Severity::Warning;
        assert_eq!(w.to_string(), "b.yaml:3:5: warning[B001]: unknown key `x`");
        assert_eq!(
            render("the baseline", std::slice::from_ref(&p)),
            format!("the baseline is invalid (1 error):\n  {p}")
        );
        assert!(render("x", &[p, q, w.clone()]).starts_with("x is invalid (2 errors, 1 warning):\n"));
        assert!(render("x", &[w]).starts_with("x has warnings (1 warning):"));
    }

    /// Positions from byte offsets are 1-based, count characters, and never panic.
    #[test]
    fn offsets_to_positions() {
        let text = "ab\nçd\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2), "ç is one character");
        assert_eq!(line_col(text, 4), (2, 1), "inside a character: clamped");
        assert_eq!(line_col(text, 99), (3, 1));
        assert_eq!(offset_in(text, &text[3..5]), Some(3));
        assert_eq!(offset_in(text, "elsewhere"), None);
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
    }
}
