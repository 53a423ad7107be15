#!/usr/bin/env bash
#! Deterministic performance guard (run by .ci/run): the instructions `evaluate` executes on a
#! generated 10,000-resource snapshot with the JSON report (`generate_snapshot scale 10000 10`:
#! a tenth of the tenants' resources are FlowForge's, so the checks and libraries that judge
#! FlowForge resources only work at scale too), counted by valgrind (cachegrind without cache
#! simulation, on one CPU so the work is split the same way on every machine).
#! Unlike a wall-clock time, the count does not depend on how busy the machine is: it moves by
#! about 0.001% from run to run, while a quadratic library or a needless copy of the snapshot
#! moves it by tens of percent. Fails (exit 1) when the count is above the limit in
#! benches/guard.json.
#!
#! Usage: scripts/bench-guard.sh            check against benches/guard.json
#!        scripts/bench-guard.sh --measure  print the count as one JSON line (scripts/bench.sh)
#!        scripts/bench-guard.sh --bless    set benches/guard.json to this count (after a
#!                                          deliberate change; say why in the commit)
#! FLOWFORGE_BENCH_BIN=path uses that binary instead of building the offline release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODE="${1:-check}"
GUARD=benches/guard.json
command -v valgrind >/dev/null || { echo "error: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --no-default-features --example generate_snapshot
BIN="${FLOWFORGE_BENCH_BIN:-}"
if [[ -z $BIN ]]; then
  cargo build --release --quiet --no-default-features --bin flowforge-audit
  BIN="$TARGET/release/flowforge-audit"
fi
read -r N PERCENT < <(python3 -c 'import json, sys; g = json.load(open(sys.argv[1])); print(g["resources"], g["flowforge_percent"])' "$GUARD")
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$TARGET/release/examples/generate_snapshot" scale "$N" "$PERCENT" >"$WORK/snapshot.json"
# One CPU: the evaluation uses one worker per available core, and each worker clones the
# compiled policies; pinned, every machine does the same work. No check time limit in effect:
# under valgrind a check runs ~50 times slower, and a check stopped at its limit and run again
# would count its instructions twice. The exit code is the gate's.
taskset -c 0 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
  "$BIN" evaluate --check-timeout 86400 --snapshot "$WORK/snapshot.json" --env prod --format json \
  --out "$WORK/reports" --quiet >/dev/null 2>"$WORK/valgrind.txt" || true
COUNT="$(sed -nE 's/^==[0-9]+== I *refs: *([0-9,]+).*/\1/p' "$WORK/valgrind.txt" | tr -d ,)"
[[ -n $COUNT && -s "$WORK/reports/flowforge-audit.json" ]] || {
  echo "error: the guarded run did not complete; valgrind's output:" >&2; tail -20 "$WORK/valgrind.txt" >&2; exit 2
}
ERRORS="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["by_status"]["ERROR"])' "$WORK/reports/flowforge-audit.json")"
[[ $ERRORS == 0 ]] || { echo "error: $ERRORS results are ERROR in the guarded run: it measured something else" >&2; exit 2; }
python3 - "$MODE" "$GUARD" "$COUNT" <<'PY'
import json, subprocess, sys
mode, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
guard = json.load(open(path))
if mode == "--bless":
    guard["instructions"] = count
    guard["limit"] = int(count * (1 + guard["tolerance"]))
    guard["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    with open(path, "w") as f:
        json.dump(guard, f, indent=2)
        f.write("\n")
    print(f"{path}: {count:,} instructions, limit {guard['limit']:,}")
elif mode == "--measure":
    print(json.dumps({"bench": "guard", "resources": guard["resources"], "instructions": count,
                      "limit": guard["limit"], "blessed": guard["instructions"]}))
else:
    change = count / guard["instructions"] - 1
    print(f"evaluate of {guard['resources']:,} resources: {count:,} instructions "
          f"({change:+.1%} against {guard['instructions']:,}, limit {guard['limit']:,})")
    if count > guard["limit"]:
        print(f"error: over the limit in {path}: a change made evaluation slower. Find it with "
              "`flowforge-audit evaluate -vv` (each check's time) or perf; if the cost is deliberate, "
              "run scripts/bench-guard.sh --bless and say why in the commit.", file=sys.stderr)
        sys.exit(1)
    if change < -guard["tolerance"]:
        print(f"note: {-change:.0%} fewer instructions than {path} records: "
              "scripts/bench-guard.sh --bless keeps the guard tight.")
PY
