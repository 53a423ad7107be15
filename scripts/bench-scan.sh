#!/usr/bin/env bash
# Benchmark of a live scan against the moto emulator: seeds N buckets, N IAM roles, N
# security groups, N of each perimeter kind (web ACLs, certificates, alarms, SNS topics,
# log groups), N SSM parameters, N KMS keys and N DB snapshots (default 1000 each; see
# scripts/bench_seed.py), runs the release `flowforge-audit scan` under
# /usr/bin/time -v, and prints wall time, peak RSS, the API calls by operation and the calls
# per resource against the minimum the snapshot needs; then times Prowler on the same moto when
# it is installed (scripts/prowler-compare/time-scan.sh). The last line on stdout is the result
# as JSON: {"bench":"scan_resources","per_kind":N,"wall_s":..,"cpu_s":..,"peak_rss_mb":..,
# "resources":..,"calls":..,"calls_per_resource":..,"minimum_per_resource":..,"prowler_wall_s":..}.
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
(cd "$REPO_ROOT" && cargo run --quiet "${PROFILE[@]}" --example api_minimum -- "$WORK/snapshot.json" "$WORK/calls.json" "$WORK/summary.json")

PROWLER=""
if PROWLER="$("$REPO_ROOT/scripts/prowler-compare/time-scan.sh" "$ENDPOINT")"; then
  echo "== Prowler on the same account: $PROWLER s wall"
else
  echo "== Prowler not run: no ratio"
  PROWLER=""
fi
python3 - "$N" "$WORK/time.txt" "$WORK/summary.json" "$PROWLER" <<'PY'
import json, re, sys
n, time, summary, prowler = int(sys.argv[1]), open(sys.argv[2]).read(), json.load(open(sys.argv[3])), sys.argv[4]
def field(name):
    return re.search(rf"{re.escape(name)}: (.*)", time).group(1).strip()
clock = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
wall = sum(x * 60 ** i for i, x in enumerate(reversed(clock)))
res = max(summary["resources"], 1)
r = {"bench": "scan_resources", "per_kind": n, "wall_s": round(wall, 2),
     "cpu_s": round(float(field("User time (seconds)")) + float(field("System time (seconds)")), 2),
     "peak_rss_mb": int(field("Maximum resident set size (kbytes)")) // 1024,
     "resources": summary["resources"], "calls": summary["calls"],
     "calls_per_resource": round(summary["calls"] / res, 3), "minimum_per_resource": round(summary["minimum"] / res, 3),
     "collection_errors": summary["collection_errors"]}
if prowler:
    r["prowler_wall_s"] = float(prowler)
    r["prowler_ratio"] = round(r["prowler_wall_s"] / r["wall_s"], 1)
print(json.dumps(r))
PY
