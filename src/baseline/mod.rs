//! The expected-architecture file: parse, validate (all problems at once), per-environment view.
