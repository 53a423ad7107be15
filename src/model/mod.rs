//! The normalised inventory snapshot and the audit result types.
//!
//! Everything after collection works on these types only: the live collector writes a
//! [`Snapshot`], the engine reads one, and an auditor can re-run the engine offline on a
//! saved file. This module imports no other module of the crate but the leaf [`crate::diag`],
//! through which a malformed snapshot file is reported like every other input.
//!
//! Normalisation rules (documented in `docs/snapshot.md`, enforced by the JSON Schema in
//! `schemas/snapshot.schema.json`):
//! - every resource carries `arn`, `id`, `name`, `region`, `account_id` and `tags` (a map);
//! - policy documents are stored parsed ([`PolicyDocument`]): `Action`, `NotAction`,
//!   `Resource`, `NotResource` are always arrays, `Principal` is always a map of arrays,
//!   condition keys are lower-cased and condition values are arrays of strings;
//! - an optional configuration that is not set (no bucket policy, no encryption rule) is
//!   `null`, never an error; a call that failed is recorded in `collection_errors`.

mod compliance;
mod drift;
mod findings;
mod meta;
mod policy_doc;
mod report;
mod snapshot;

pub use compliance::*;
pub use drift::*;
pub use findings::*;
pub use meta::*;
pub use policy_doc::*;
pub use report::*;
pub use snapshot::*;
