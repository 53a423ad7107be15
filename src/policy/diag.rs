//! Why a policy catalog could not be loaded: every problem of every file, or an I/O error.
//!
//! Loading validates the whole catalog before it fails, so an author sees every problem at
//! once (as cargo-deny does for its config) instead of fixing them one run at a time. The
//! problems are the shared [`Problem`]s (`P...` codes for the layout, `M...` for METADATA).

pub use crate::diag::Problem;

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The files were read but are not a valid catalog; every problem is listed, sorted.
    #[error("{}", crate::diag::render("the policy catalog", .0))]
    Invalid(Vec<Problem>),
    /// A policy directory or file could not be read.
    #[error("cannot read policy path {path}: {}", crate::fsio::Cause(error))]
    Io { path: String, error: std::io::Error },
}
