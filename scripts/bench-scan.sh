#!/usr/bin/env bash
# Benchmark of a live scan against the moto emulator: seeds N buckets, N IAM roles, N
# security groups, N of each perimeter kind (web ACLs, certificates, alarms, SNS topics,
# log groups), N SSM parameters, N KMS keys and N DB snapshots (default 1000 each; see
# scripts/bench_seed.py), runs the release `flowforge-audit scan` under
# /usr/bin/time -v, and prints wall time, peak RSS, the API calls by operation and the calls
# per resource against the minimum the snapshot needs.
#
# Usage: scripts/bench-scan.sh [N]      (FLOWFORGE_BENCH_BIN=path skips the release build)
# Loopback only: moto listens on 127.0.0.1 and every AWS call goes there.
set -euo pipefail

N="${1:-1000}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FLOWFORGE_MOTO_VENV:-$REPO_ROOT/.venv-moto}"
"$REPO_ROOT/scripts/setup-moto.sh" >/dev/null

BIN="${FLOWFORGE_BENCH_BIN:-}"
PROFILE=(--profile dev)
if [[ -z "$BIN" ]]; then
  (cd "$REPO_ROOT" && cargo build --release --quiet --bin flowforge-audit)
  BIN="$REPO_ROOT/target/release/flowforge-audit"
  PROFILE=(--release)
fi
# The table of calls against the minimum (examples/api_minimum.rs: the registry's figures),
# built in the binary's profile so that it reuses the library already compiled.
(cd "$REPO_ROOT" && cargo build --quiet "${PROFILE[@]}" --example api_minimum)

WORK="$(mktemp -d)"
# shellcheck source=scripts/moto-lib.sh
source "$REPO_ROOT/scripts/moto-lib.sh"
cleanup() { moto_stop; rm -rf "$WORK"; }
trap cleanup EXIT
moto_start

echo "seeding $N of each kind (scripts/bench_seed.py) into moto at $ENDPOINT ..."
SEED_START=$(date +%s)
"$VENV/bin/python" "$REPO_ROOT/scripts/bench_seed.py" "$ENDPOINT" "$N"
echo "seeding took $(( $(date +%s) - SEED_START )) s"

echo "scanning ..."
set +e
env -i PATH="$PATH" HOME="$WORK" \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
  /usr/bin/time -v -o "$WORK/time.txt" \
  "$BIN" scan --env prod --endpoint-url "$ENDPOINT" --region us-east-1 --no-progress --quiet \
    --format json --out "$WORK/reports" --save-snapshot "$WORK/snapshot.json" --api-stats "$WORK/calls.json" \
    >"$WORK/scan.out" 2>"$WORK/scan.err"
STATUS=$?
set -e
if [[ ! -s "$WORK/snapshot.json" ]]; then
  echo "scan failed (exit $STATUS):" >&2; cat "$WORK/scan.err" >&2; exit 2
fi

echo
echo "== flowforge-audit scan (exit $STATUS: the gate's verdict, not a failure of the benchmark)"
grep -E "Elapsed \(wall clock\)|Maximum resident set size|User time|System time" "$WORK/time.txt" | sed 's/^\s*/  /'
echo
echo "== API calls by operation (examples/api_minimum.rs)"
(cd "$REPO_ROOT" && cargo run --quiet "${PROFILE[@]}" --example api_minimum -- "$WORK/snapshot.json" "$WORK/calls.json")
