//! flowforge-audit: audits an AWS account running FlowForge and says, with evidence,
//! whether it is compliant and how it has drifted from the expected architecture.
//!
//! Data flows one way: collect → snapshot → evaluate → findings (+ drift) → gate → render.
//!
//! - [`aws`]: the service registry and the only seam to the AWS SDK; [`collect`]: fan-out,
//!   paging, errors as data. The SDK half of both is the `aws` feature (default on): without
//!   it the crate evaluates saved snapshots and compiles no AWS crate.
//! - [`model`]: the snapshot and the result types; imports nothing else of ours.
//! - [`policy`]: the Rego catalog; [`baseline`]: the expected architecture;
//!   [`evaluate`]: every check on a snapshot; [`drift`]; [`gate`]: thresholds and waivers; [`report`]: formats.
//! - [`compliance`]: the shipped framework definitions and the per-control view of a report.
//! - [`iam_eval`]: the one IAM policy evaluation, shared by the IAM checks (as derived facts
//!   in their input) and the least-privilege drift.
//! - [`audit`]: the pipeline as a library API (options in, report out), used by every command.
//! - [`org`]: organisation scans (every account of an AWS Organization, sharded) and their summary.
//! - [`evidence`]: evidence bundles (layout, strict reading, manifest signatures).
//! - [`attest`]: evidence over a period: many bundles read together into an
//!   operating-effectiveness report (per check and framework control: operating, exceptions,
//!   gaps, time to fix), itself written as a bundle.
//! - [`cli`]: argument parsing and the subcommands; `parallel`: work spread over the cores.
//! - [`diag`]: the one problem type for every input file (codes in `docs/diagnostics.md`) and the
//!   shared positioned-YAML reader; a leaf that imports nothing of ours, so any layer can use it.
//! - [`history`]: `--history DIR`, each run's summary in a JSON Lines file, read back for the trend.
//! - `fsio`: the one bounded way to read an input file; [`iac`]: where Terraform resource
//!   blocks are in `.tf` files (SARIF locations).
//! - [`network`]: effective network reachability (security-group CIDR unions, NACL rule
//!   order, tiers by tag or name): one home for the engine's derived facts and the drift graph.
//! - [`defaults`]: the documented engine defaults applied where a parameter group is silent.
//! - [`kms_use`]: the KMS keys FlowForge resources use (the KMS checks' scope), computed once.
//! - [`securityhub`]: `--security-hub`, the one write path: the ASFF findings
//!   sent to Security Hub, earlier findings closed (the SDK half behind the `aws` feature);
//!   outside [`aws`], which stays read-only.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod attest;
pub mod audit;
pub mod aws;
pub mod baseline;
pub mod cli;
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod defaults;
pub mod diag;
pub mod drift;
pub mod evaluate;
pub mod evidence;
pub mod fsio;
pub mod gate;
pub mod history;
pub mod iac;
pub mod iam_eval;
pub mod kms_use;
pub mod model;
pub mod network;
pub mod org;
mod parallel;
pub mod policy;
pub mod report;
pub mod securityhub;
