#!/usr/bin/env bash
#! Formatting and lints, as CI runs them: `cargo fmt --check` and clippy with warnings as
#! errors on the library, the binary and the tests, with and without the `aws` feature.
#! Exit non-zero on the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy >/dev/null 2>&1 || true
echo "lint: cargo fmt --check"
cargo fmt --check
echo "lint: cargo clippy (default features)"
cargo clippy --locked --lib --bins --tests --examples -- -D warnings
echo "lint: cargo clippy (--no-default-features)"
cargo clippy --locked --no-default-features --lib --bins --tests -- -D warnings
