//! The policy catalog: loading, METADATA parsing, the regorus wrapper and the Rego test runner.
//!
//! Checks are Rego files (`policies/aws/<service>/<check>.rego`) compiled into the binary and
//! optionally overlaid by a `--policies DIR`. This module turns them into a validated
//! [`Catalog`], evaluates them on a snapshot with [`CompiledCatalog`] (one check at a time, a
//! broken check failing alone), and runs their Rego unit tests with [`run_tests`]. It works on
//! snapshot JSON only: it never imports `aws` or `collect`. How to write a check:
//! `docs/policies.md`.

mod catalog;
mod deps;
mod diag;
mod metadata;
mod rego;
pub mod rego_value;
pub mod selection;
mod testing;

pub use catalog::{Catalog, Check, Origin, RegoFile};
pub use deps::Reads;
pub use diag::{CatalogError, Problem};
pub use metadata::{is_valid_check_id, package_decl, parse_check_metadata, PackageDecl, AREAS, FRAMEWORKS};
pub(crate) use rego::thread_cpu_time;
pub use rego::{
    required_collections, CheckOutput, CompiledCatalog, Deny, EvalError, Limits, RegoInput, Unknown,
    DEFAULT_CHECK_TIMEOUT,
};
pub use selection::{Selection, SelectionError};
pub use testing::{
    render_list, render_text, run_tests, run_tests_with_limits, test_rule_names, FileCoverage, TestOutcome, TestResult,
    TestSummary,
};
