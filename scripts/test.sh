#!/usr/bin/env bash
#! Runs every test of flowforge-audit: installs, inside this checkout only, the moto AWS
#! emulator (a local virtualenv, .venv-moto), then `cargo test` — unit tests, the Rego policy
#! tests, CLI tests on the shipped examples, and the emulator-backed integration tests. Headless
#! Chromium (the HTML report test) is a prerequisite, never installed here: without it the
#! script stops before building and says how to get one (docs/development.md). Tests that need
#! moto or Chromium fail (never skip) when they are missing. Then the offline build
#! (`--no-default-features`: no AWS SDK) is built and tested too, and for both builds
#! `cargo test` must reuse `cargo build`'s dependencies (scripts/check-build-reuse.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Headless Chromium for the HTML report test: CHROMIUM, else the first browser on the PATH.
if [[ -z ${CHROMIUM:-} ]]; then
  for name in chromium chromium-browser google-chrome-stable google-chrome chrome-headless-shell; do
    if found=$(command -v "$name"); then
      CHROMIUM=$found
      break
    fi
  done
fi
if [[ -z ${CHROMIUM:-} || ! -x $CHROMIUM ]]; then
  cat >&2 <<'EOF'
error: headless Chromium (for the HTML report test) was not found: set CHROMIUM=/path/to/chrome,
or put chromium on the PATH. This script installs nothing system-wide; either
  - the distribution's package, as the machine's administrator: sudo apt-get install chromium
  - or a copy for this user only, no root:
      npx @puppeteer/browsers install chrome-headless-shell@stable
    then: CHROMIUM=<the path it printed> scripts/test.sh
(docs/development.md, "Prerequisites and the test command")
EOF
  exit 2
fi
export CHROMIUM

scripts/setup-moto.sh

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
