#!/usr/bin/env bash
#! Times `scan` of an emulated FlowForge prod account: starts moto on a free loopback port,
#! seeds the account once (the test suite's seeding code, drift `tls`), then runs the scan
#! RUNS times and prints each run's wall time. moto answers GetEbsDefaultKmsKeyId with HTTP
#! 500, so this shows what one call that keeps failing costs the whole scan (retries).
#! usage: scripts/bench-scan-prod.sh [RUNS] [extra scan options, e.g. --max-attempts 1]
#! The binary is $FLOWFORGE_AUDIT_BIN, or target/release/flowforge-audit built here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-5}"
shift || true
VENV="${FLOWFORGE_MOTO_VENV:-$PWD/.venv-moto}"
scripts/setup-moto.sh >/dev/null
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${FLOWFORGE_AUDIT_BIN:-}"
if [[ -z $BIN ]]; then
  cargo build --release --quiet --bin flowforge-audit
  BIN="$TARGET/release/flowforge-audit"
fi
# shellcheck source=scripts/moto-lib.sh
source scripts/moto-lib.sh
OUT="$(mktemp -d)"
trap 'moto_stop; rm -rf "$OUT"' EXIT
moto_start
FLOWFORGE_SEED_ENDPOINT="$ENDPOINT" FLOWFORGE_SEED_DRIFTS=tls \
  cargo test --quiet --test emulator collect::seed_demo_account -- --ignored --exact >/dev/null
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$BIN" scan --env prod --endpoint-url "$ENDPOINT" --region us-east-1 --format json --out "$OUT" -q "$@" \
    >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  python3 -c "print(f'run $run: {($end - $start):.2f} s wall')"
done
