#!/usr/bin/env bash
#! Runs every benchmark, writes the results to benches/results.json (with the commit, the
#! machine and the date) and regenerates the performance table from it in the document that
#! holds it (README.md; tests/readme.rs fails when the table and the file differ).
#!
#! Usage: scripts/bench.sh [--only NAME,...] [--doc FILE]
#!   NAME: evaluate (100,000 resources, JSON and every format), evaluate-500mb, waivers, diff,
#!   guard, scan-prod, scan-1000, org, iam, attest. Default: all of them (about an hour on a
#!   2-core machine, most of it seeding moto); --only updates those rows and keeps the others.
#!
#! Evaluation benchmarks use the offline release build (`--no-default-features`, minutes to
#! build); the scans need the aws release build (~24 min cold). Scans are compared with Prowler
#! in the same run when it is installed in PROWLER_VENV (default /work/prowler-venv; see
#! docs/comparison-prowler.md); without it the ratio is left out. A benchmark whose script is
#! missing or fails is recorded as "not run" with the reason, never dropped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ALL="evaluate evaluate-500mb waivers diff guard scan-prod scan-1000 org iam attest"
ONLY="$ALL"
DOC=README.md
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="${2//,/ }"; shift 2 ;;
    --doc) DOC="$2"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--only NAME,...] [--doc FILE] (names: $ALL)" >&2; exit 2 ;;
  esac
done
for name in $ONLY; do
  [[ " $ALL " == *" $name "* ]] || { echo "unknown benchmark '$name' (names: $ALL)" >&2; exit 2; }
done
selected() { [[ " $ONLY " == *" $1 "* ]]; }

TARGET="${CARGO_TARGET_DIR:-target}"
WORK="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
LINES="$WORK/results.jsonl"
: >"$LINES"

# The offline and the aws build write the same target/release/flowforge-audit: each is copied
# aside once built.
needs_offline=0; needs_aws=0
for name in evaluate evaluate-500mb waivers guard; do selected "$name" && needs_offline=1; done
for name in scan-prod scan-1000 org; do selected "$name" && needs_aws=1; done
if [[ $needs_offline == 1 ]]; then
  cargo build --release --quiet --no-default-features --bin flowforge-audit --example generate_snapshot
  cp "$TARGET/release/flowforge-audit" "$WORK/flowforge-audit-offline"
fi
if [[ $needs_aws == 1 ]]; then
  cargo build --release --quiet --bin flowforge-audit
  cp "$TARGET/release/flowforge-audit" "$WORK/flowforge-audit-aws"
fi

# run NAME COMMAND-AS-DOCUMENTED -- ARGV...: runs ARGV, keeps its JSON lines (each tagged with
# the documented command); a missing script or a failure is a "not run" record.
run() {
  local name="$1" shown="$2"
  shift 3
  selected "$name" || return 0
  echo "== $name: $shown" >&2
  local status=0
  "$@" 2> >(sed "s/^/[$name] /" >&2) | python3 scripts/bench_results.py tag "$shown" >"$WORK/$name.jsonl" || status=$?
  if [[ $status -ne 0 || ! -s "$WORK/$name.jsonl" ]]; then
    python3 - "$name" "$shown" "$status" >>"$LINES" <<'PY'
import json, sys
name, shown, status = sys.argv[1], sys.argv[2], sys.argv[3]
print(json.dumps({"bench": name.replace("-", "_"), "command": shown, "status": "not run",
                  "reason": f"`{shown}` failed (exit {status}) or printed no result"}))
PY
  else
    cat "$WORK/$name.jsonl" >>"$LINES"
  fi
}

# not_run NAME SCRIPT RECORD...: the JSON records of a benchmark whose script is not here.
not_run() {
  local name="$1" script="$2"
  shift 2
  selected "$name" || return 0
  for record in "$@"; do
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(command=sys.argv[2], status="not run", reason=f"{sys.argv[2]} is not in this checkout"); print(json.dumps(r))' \
      "$record" "$script" >>"$LINES"
  done
}

OFFLINE="FLOWFORGE_BENCH_BIN=$WORK/flowforge-audit-offline"
AWS="$WORK/flowforge-audit-aws"
run evaluate "scripts/bench-evaluate.sh" -- env "$OFFLINE" BENCH_DIR="$WORK" scripts/bench-evaluate.sh 100000
run evaluate-500mb "BENCH_FORMATS=json scripts/bench-evaluate.sh 413000" -- \
  env "$OFFLINE" BENCH_DIR="$WORK" BENCH_FORMATS=json scripts/bench-evaluate.sh 413000
run waivers "scripts/bench-waivers.sh" -- env "$OFFLINE" BENCH_DIR="$WORK" scripts/bench-waivers.sh 20000 100000
run diff "cargo bench --no-default-features --bench drift_diff" -- scripts/bench-diff.sh
run guard "scripts/bench-guard.sh" -- env "$OFFLINE" scripts/bench-guard.sh --measure
run scan-prod "scripts/bench-scan-prod.sh 5" -- env FLOWFORGE_AUDIT_BIN="$AWS" scripts/bench-scan-prod.sh 5
run scan-1000 "scripts/bench-scan.sh 1000" -- env FLOWFORGE_BENCH_BIN="$AWS" scripts/bench-scan.sh 1000
run org "FLOWFORGE_BENCH_GOAL_ONLY=1 FLOWFORGE_BENCH_REPEAT=3 scripts/bench-org.sh 20 20" -- \
  env FLOWFORGE_BENCH_BIN="$AWS" FLOWFORGE_BENCH_GOAL_ONLY=1 FLOWFORGE_BENCH_REPEAT=3 scripts/bench-org.sh 20 20
if [[ -x scripts/bench-iam.sh ]]; then
  run iam "scripts/bench-iam.sh" -- scripts/bench-iam.sh
else
  not_run iam scripts/bench-iam.sh '{"bench":"iam_graph","roles":1000}' '{"bench":"iam_graph","roles":5000}' \
    '{"bench":"iam_graph","roles":20000}'
fi
if [[ -x scripts/bench-attest.sh ]]; then
  run attest "scripts/bench-attest.sh" -- scripts/bench-attest.sh
else
  not_run attest scripts/bench-attest.sh '{"bench":"attest"}'
fi

python3 scripts/bench_results.py assemble benches/results.json "$LINES"
python3 scripts/bench_results.py table benches/results.json "$DOC"
echo "wrote benches/results.json and the table in $DOC" >&2
