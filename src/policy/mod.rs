//! The policy catalog: loading, METADATA parsing, the regorus wrapper and the Rego test runner.
