//! The expected-architecture file: parse, validate (all problems at once), per-environment view.
//!
//! A baseline (`baselines/flowforge.yaml`, documented key by key in `baselines/README.md`)
//! says what a FlowForge deployment should look like in each environment. Loading it is two
//! steps, as in cargo-deny's `cfg.rs`: the shared reader [`crate::diag::yaml`] turns text into
//! a positioned YAML tree, then `validate` turns that tree into the typed [`Baseline`] with the
//! field toolkit [`crate::diag::fields`], collecting *every* problem as a [`Problem`]
//! (`file:line:col: error[B...]: message`) so a person fixes the file in one pass.
//!
//! Each section of the file has one file in each layer, under the same name: its types here
//! (`network`, `storage`, `identity`, `compute`, `perimeter`, `audit`; `environments` for
//! requirements and gates, `types` for the top level), its validation in `validate/`, its
//! architecture drift in `drift/architecture/`. A valid [`Baseline`] is then
//! narrowed to one environment with [`Baseline::env_view`]: defaults merged with the
//! environment's overrides, placeholders resolved. That [`EnvView`] is what drift works on and,
//! as JSON ([`EnvView::to_json`]), what the Rego policies see as `data.baseline`.

mod audit;
mod compute;
mod environments;
mod identity;
mod network;
mod perimeter;
pub mod scope;
mod storage;
mod types;
mod validate;
mod view;

use std::path::Path;

pub use crate::diag::Problem;

pub use audit::*;
pub use compute::*;
pub use environments::*;
pub use identity::*;
pub use network::*;
pub use perimeter::*;
pub use storage::*;
pub use types::*;
pub use view::EnvView;

/// The FlowForge baseline shipped with the tool.
pub const BUILTIN_BASELINE: &str = include_str!("../../baselines/flowforge.yaml");
/// How the built-in baseline is named in messages.
pub const BUILTIN_BASELINE_NAME: &str = "builtin:baselines/flowforge.yaml";

/// Why a baseline could not be loaded or narrowed to an environment.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
    /// Every problem found, in file order (a YAML syntax error is the only one found: the
    /// reading stops there).
    #[error("{}", crate::diag::render("the baseline", problems))]
    Invalid { problems: Vec<Problem> },
    #[error("unknown environment {env:?}: the baseline defines {}", known.join(", "))]
    UnknownEnvironment { env: String, known: Vec<String> },
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn load(path: impl AsRef<Path>) -> Result<Baseline, BaselineError> {
        let path = path.as_ref();
        let text = crate::fsio::read_to_string(path)
            .map_err(|source| BaselineError::Io { path: path.display().to_string(), error: source })?;
        Self::from_str_named(&text, &path.display().to_string())
    }

    /// The baseline compiled into the binary (`baselines/flowforge.yaml`).
    pub fn builtin() -> Result<Baseline, BaselineError> {
        Self::from_str_named(BUILTIN_BASELINE, BUILTIN_BASELINE_NAME)
    }

    /// Validates baseline text; `file` names it in every message.
    pub fn from_str_named(text: &str, file: &str) -> Result<Baseline, BaselineError> {
        let tree = crate::diag::yaml::parse(text, file).map_err(|p| BaselineError::Invalid { problems: vec![p] })?;
        let mut baseline = validate::validate(&tree, file).map_err(|problems| BaselineError::Invalid { problems })?;
        baseline.source = file.to_owned();
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

    /// The environment's view: defaults merged with its overrides, placeholders resolved.
    pub fn env_view(&self, env: &str, account_id: &str, partition: &str) -> Result<EnvView, BaselineError> {
        view::build(self, env, account_id, partition)
    }
}

impl Baseline {
    /// The environment `env` of the file, or the error naming the ones it defines.
    pub fn environment(&self, env: &str) -> Result<&Environment, BaselineError> {
        self.environments.get(env).ok_or_else(|| BaselineError::UnknownEnvironment {
            env: env.to_owned(),
            known: self.environments.keys().cloned().collect(),
        })
    }

    /// The environment a release reaches `env` from: the one before it in
    /// [`Baseline::promotion_order`]; `None` for the first one or one not in the order.
    pub fn previous_environment(&self, env: &str) -> Option<&str> {
        let i = self.promotion_order.iter().position(|e| e == env)?;
        i.checked_sub(1).map(|p| self.promotion_order[p].as_str())
    }
}
