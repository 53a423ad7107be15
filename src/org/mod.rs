//! Organisation scale: every account of an AWS Organization in one audit, or split over CI
//! runners.
//!
//! - [`accounts`]: which accounts (account files, shards) and which environment each is
//!   judged as;
//! - [`scan`] (feature `aws`): discovery with the management account's credentials, then the
//!   single-account pipeline of [`crate::audit`] per member account through its audit role,
//!   bounded and fair;
//! - [`summary`]: the per-account records and the organisation summary built from them alone,
//!   which is what `merge` of N shards' directories reproduces byte for byte;
//! - [`merge`]: reading the records of a run back, each verdict re-derived from the account's
//!   own report and every inconsistency between shards refused (the scan's end and `merge`).
//!
//! Nothing here schedules work across machines: a CI matrix or an AWS Batch array runs the
//! shards (`--shard I/N`), `flowforge-audit merge` joins their outputs.

pub mod accounts;
pub mod merge;
#[cfg(feature = "aws")]
pub mod scan;
pub mod summary;
