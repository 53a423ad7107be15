//! The expected-architecture file: parse, validate (all problems at once), per-environment view.
//!
//! A baseline (`baselines/flowforge.yaml`, documented key by key in `baselines/README.md`)
//! says what a FlowForge deployment should look like in each environment. Loading it is two
//! steps, as in cargo-deny's `cfg.rs`: [`raw`] turns text into a positioned YAML tree, then
//! `validate` turns that tree into the typed [`Baseline`], collecting *every* problem as
//! `file:line:col: message` so a person fixes the file in one pass. A valid [`Baseline`] is then
//! narrowed to one environment with [`Baseline::env_view`]: defaults merged with the
//! environment's overrides, placeholders resolved. That [`EnvView`] is what drift works on and,
//! as JSON ([`EnvView::to_json`]), what the Rego policies see as `data.baseline`.

pub mod raw;
mod types;
mod validate;
mod view;

use std::fmt;
use std::path::Path;

pub use types::*;
pub use view::EnvView;

/// The FlowForge baseline shipped with the tool.
pub const BUILTIN_BASELINE: &str = include_str!("../../baselines/flowforge.yaml");
/// How the built-in baseline is named in messages.
pub const BUILTIN_BASELINE_NAME: &str = "builtin:baselines/flowforge.yaml";

/// One validation problem, anchored in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
    }
}

/// Why a baseline could not be loaded or narrowed to an environment.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}:{col}: YAML syntax error: {message}")]
    Syntax { file: String, line: usize, col: usize, message: String },
    /// Every problem found, in file order.
    #[error("{}", render_problems(problems))]
    Invalid { problems: Vec<Problem> },
    #[error("unknown environment {env:?}: the baseline defines {}", known.join(", "))]
    UnknownEnvironment { env: String, known: Vec<String> },
}

fn render_problems(problems: &[Problem]) -> String {
    let mut out =
        format!("the baseline is invalid ({} problem{}):", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn load(path: impl AsRef<Path>) -> Result<Baseline, BaselineError> {
        let path = path.as_ref();
        let text = crate::fsio::read_to_string(path)
            .map_err(|source| BaselineError::Io { path: path.display().to_string(), source })?;
        Self::from_str_named(&text, &path.display().to_string())
    }

    /// The baseline compiled into the binary (`baselines/flowforge.yaml`).
    pub fn builtin() -> Result<Baseline, BaselineError> {
        Self::from_str_named(BUILTIN_BASELINE, BUILTIN_BASELINE_NAME)
    }

    /// Validates baseline text; `file` names it in every message.
    pub fn from_str_named(text: &str, file: &str) -> Result<Baseline, BaselineError> {
        let tree = raw::parse(text).map_err(|e| BaselineError::Syntax {
            file: file.to_owned(),
            line: e.pos.line,
            col: e.pos.col,
            message: e.message,
        })?;
        let mut baseline = validate::validate(&tree, file).map_err(|problems| BaselineError::Invalid { problems })?;
        baseline.source = file.to_owned();
        baseline.sha256 = sha256_hex(text.as_bytes());
        Ok(baseline)
    }

    /// Environment names, sorted.
    pub fn environments(&self) -> Vec<&str> {
        self.environments.keys().map(String::as_str).collect()
    }

    /// Where the baseline came from (a path or [`BUILTIN_BASELINE_NAME`]).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// SHA-256 (hex) of the baseline text as read, for report provenance.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The environment's view: defaults merged with its overrides, placeholders resolved.
    pub fn env_view(&self, env: &str, account_id: &str, partition: &str) -> Result<EnvView, BaselineError> {
        view::build(self, env, account_id, partition)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
