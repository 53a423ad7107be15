//! flowforge-audit: audits an AWS account running FlowForge and says, with evidence,
//! whether it is compliant and how it has drifted from the expected architecture.
//!
//! Data flows one way: collect → snapshot → evaluate → findings (+ drift) → gate → render.
//!
//! - [`aws`]: the only seam to the AWS SDK; [`collect`]: fan-out, paging, errors as data.
//! - [`model`]: the snapshot and the result types; imports nothing else of ours.
//! - [`policy`]: the Rego catalog; [`baseline`]: the expected architecture;
//!   [`engine`]: evaluation; [`drift`]; [`gate`]: thresholds and waivers; [`report`]: formats.
//! - [`cli`]: argument parsing and the subcommands; `parallel`: work spread over the cores;
//!   [`fsio`]: the one bounded way to read an input file.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod aws;
pub mod baseline;
pub mod cli;
pub mod collect;
pub mod drift;
pub mod engine;
pub mod fsio;
pub mod gate;
pub mod model;
mod parallel;
pub mod policy;
pub mod report;
