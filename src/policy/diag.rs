//! Problems found while loading a policy catalog, each naming a file and a line.
//!
//! Loading validates the whole catalog before it fails, so an author sees every problem at
//! once (as cargo-deny does for its config) instead of fixing them one run at a time.

use std::fmt;

/// One thing wrong with one policy file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file's source label: `builtin:policies/aws/s3/tls_only.rego` or a path on disk.
    pub file: String,
    /// 1-based line; the line of the `package` or `# METADATA` comment when no better one exists.
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        Problem { file: file.to_owned(), line, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The files were read but are not a valid catalog; every problem is listed, sorted.
    #[error("invalid policy catalog ({} problem(s)):\n{}", .0.len(), render_problems(.0))]
    Invalid(Vec<Problem>),
    /// A policy directory or file could not be read.
    #[error("cannot read policy path {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn render_problems(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}
