//! Shared support for the emulator-backed tests: a moto server per test ([`moto`]) and a
//! FlowForge-shaped account seeded through the SDK, with one drift per policy area
//! ([`seed`]).
#![allow(dead_code)]

pub mod moto;
pub mod seed;
