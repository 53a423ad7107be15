#!/usr/bin/env bash
#! Times `scan` of an emulated FlowForge prod account: starts moto on a free loopback port,
#! seeds the account once (the test suite's seeding code, drift `tls`), runs the scan RUNS
#! times, then Prowler once against the same moto when it is installed
#! (scripts/prowler-compare/time-scan.sh). moto answers GetEbsDefaultKmsKeyId and
#! apprunner:ListServices with HTTP 500, so this also shows what calls that keep failing cost
#! the scan (retries). Prints each run on stderr and one JSON line on stdout:
#! {"bench":"scan_prod","wall_s":MEDIAN,"walls_s":[...],"prowler_wall_s":X,"prowler_ratio":Y}.
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
: >"$OUT/walls"
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$BIN" scan --env prod --endpoint-url "$ENDPOINT" --region us-east-1 --format json --out "$OUT" -q "$@" \
    >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  python3 -c "print(f'run $run: {($end - $start):.2f} s wall')" >&2
  python3 -c "print(f'{($end - $start):.3f}')" >>"$OUT/walls"
done
[[ -s "$OUT/flowforge-audit.json" ]] || { echo "the scan wrote no report" >&2; exit 2; }
PROWLER=""
if PROWLER="$(scripts/prowler-compare/time-scan.sh "$ENDPOINT")"; then
  echo "Prowler on the same account: $PROWLER s wall" >&2
else
  echo "Prowler not run: no ratio" >&2
  PROWLER=""
fi
python3 - "$OUT/walls" "$PROWLER" "$*" <<'PY'
import json, statistics, sys
walls = [float(l) for l in open(sys.argv[1]) if l.strip()]
r = {"bench": "scan_prod", "wall_s": round(statistics.median(walls), 2), "walls_s": walls}
if sys.argv[3]:
    r["options"] = sys.argv[3]
if sys.argv[2]:
    r["prowler_wall_s"] = float(sys.argv[2])
    r["prowler_ratio"] = round(r["prowler_wall_s"] / r["wall_s"], 1)
print(json.dumps(r))
PY
