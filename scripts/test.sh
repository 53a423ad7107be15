#!/usr/bin/env bash
#! Runs every test of flowforge-audit on a fresh machine: installs what the tests need (the
#! moto AWS emulator in a local virtualenv, headless Chromium for the HTML report test), then
#! `cargo test` — unit tests, the Rego policy tests, CLI tests on the shipped examples, and
#! the emulator-backed integration tests. Tests that need moto or Chromium fail (never skip)
#! when they are missing. Then the offline build (`--no-default-features`: no AWS SDK) is
#! built and tested too, and for both builds `cargo test` must reuse `cargo build`'s
#! dependencies (scripts/check-build-reuse.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-moto.sh

if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing Debian's chromium for the HTML report test"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "warning: chromium is missing and this is not root: run 'sudo apt-get install -y chromium' or the HTML browser test fails" >&2
  fi
fi

# The README's two commands share one build: `cargo test` compiles no dependency again.
scripts/check-build-reuse.sh

# Library, binary and integration tests (doc tests: none; benches are run by their scripts).
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --locked --lib --bins --tests --examples "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The offline build: no aws-sdk crate at all, and its own tests (the emulator tests need the
# `aws` feature and are left out by `required-features`).
aws_crates="$(cargo tree --locked --no-default-features -e normal,build --prefix none | grep '^aws-' | sort -u || true)"
if [[ -n $aws_crates ]]; then
  echo "error: the build without the aws feature still depends on: $aws_crates" >&2
  status=1
fi
scripts/check-build-reuse.sh --no-default-features || status=1
set +e
cargo test --locked --no-default-features --lib --bins --tests --examples "$@" 2>&1 | tee -a "$log"
offline=${PIPESTATUS[0]}
set -e
[[ $offline -eq 0 ]] || status=$offline

# One closing line for the whole run, summed over every test binary of both builds.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
