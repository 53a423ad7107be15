//! Every test that needs the moto AWS emulator, in one test binary (one build, one link): a module
//! per area, helpers written once in `harness` (and the repository-wide ones in `tests/common`).
//!
//! Needs moto: `scripts/setup-moto.sh` (the tests fail, never skip, without it).

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod harness;

mod action;
mod attest;
mod backups;
mod collect;
mod compute;
mod drift;
mod evidence;
mod faults;
mod iam;
mod iam_graph;
mod network;
mod org;
mod perf;
mod perimeter;
mod scan;
mod securityhub;
