#!/usr/bin/env bash
#! Runs every test of flowforge-audit on a fresh machine: installs what the tests need (the
#! moto AWS emulator in a local virtualenv, headless Chromium for the HTML report test), then
#! `cargo test` — unit tests, the Rego policy tests, CLI tests on the shipped examples, and
#! the emulator-backed integration tests. Tests that need moto or Chromium fail (never skip)
#! when they are missing.
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

cargo test --locked "$@"
