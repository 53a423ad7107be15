#!/usr/bin/env bash
#! Benchmark: evaluates a generated snapshot of N resources (default 100,000) with the whole
#! catalog, RUNS times (default 3) with the JSON report, then RUNS times with every format.
#! Prints each run (wall, CPU, peak RSS) on stderr and one JSON line per format set on stdout:
#! {"bench":"evaluate","formats":"json","resources":N,"snapshot_mb":X,"wall_s":MEDIAN,
#!  "walls_s":[...],"peak_rss_mb":MAX,"phases_s":{...}} (phases from the first run's `-v` log).
#! Usage: scripts/bench-evaluate.sh [N]   (BENCH_DIR=DIR keeps the snapshot and reports there;
#! BENCH_RUNS=R; BENCH_FORMATS="json all"; FLOWFORGE_BENCH_BIN=path skips the offline release build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-100000}"
RUNS="${BENCH_RUNS:-3}"
WORK="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${FLOWFORGE_BENCH_BIN:-}"
# The offline build evaluates exactly as the aws one does, and builds in minutes.
cargo build --release --quiet --no-default-features --example generate_snapshot
if [[ -z $BIN ]]; then
  cargo build --release --quiet --no-default-features --bin flowforge-audit
  BIN="$TARGET/release/flowforge-audit"
fi
if [[ ! -s "$WORK/snapshot-$N.json" ]]; then
  "$TARGET/release/examples/generate_snapshot" scale "$N" >"$WORK/snapshot-$N.json"
fi
SNAP="$WORK/snapshot-$N.json"
read -r RESOURCES MB < <(python3 - "$SNAP" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
skip = {"schema_version", "tool_version", "account_id", "partition", "regions", "collected_at", "collection_errors"}
n = sum(len(v) for k, svc in s.items() if k not in skip and isinstance(svc, dict) for v in svc.values() if isinstance(v, list))
print(n, f"{os.path.getsize(sys.argv[1]) / 1e6:.1f}")
PY
)
echo "snapshot: $RESOURCES resources, $MB MB" >&2
# Runs back to back: the first run after a pause pays for fresh memory (on this VM freed
# memory goes back to the host within seconds, and touching it again costs system time); the
# figure reported is the median.
for formats in ${BENCH_FORMATS:-json all}; do
  echo "== evaluate --format $formats" >&2
  : >"$WORK/runs-$formats.txt"
  for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/reports-$formats"
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$BIN" evaluate -v --snapshot "$SNAP" --env prod \
      --format "$formats" --out "$WORK/reports-$formats" --quiet >/dev/null 2>"$WORK/log-$formats-$run.txt" || true
    # GNU time writes "Command exited with non-zero status 1" first when the gate fails (the
    # benchmark's snapshot fails it): the figures are its last line.
    read -r wall user sys rss < <(tail -n 1 "$WORK/time.txt")
    echo "run $run: wall $wall s, user $user s, sys $sys s, peak RSS $((rss / 1024)) MB" >&2
    echo "$wall $user $sys $rss" >>"$WORK/runs-$formats.txt"
  done
  python3 - "$formats" "$RESOURCES" "$MB" "$WORK/runs-$formats.txt" "$WORK/log-$formats-1.txt" <<'PY'
import json, re, statistics, sys
formats, resources, mb, runs, log = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = [list(map(float, l.split())) for l in open(runs) if l.strip()]
walls = [r[0] for r in rows]
# Each `-v` progress line carries the time since its phase started (elapsed_ms) and a message.
phases = {}
ansi = re.compile(r"\x1b\[[0-9;]*m")
for line in open(log, errors="replace"):
    line = ansi.sub("", line)
    m = re.search(r"elapsed_ms=(\d+).*?(?:\s|:)([a-zA-Z][^=]*?)\s*$", line)
    if m and "=" not in m.group(2):
        phases[m.group(2).strip()] = int(m.group(1)) / 1000
print(json.dumps({
    "bench": "evaluate", "formats": formats, "resources": resources, "snapshot_mb": mb,
    "wall_s": statistics.median(walls), "walls_s": walls,
    "cpu_s": statistics.median(r[1] + r[2] for r in rows),
    "peak_rss_mb": round(max(r[3] for r in rows) / 1024), "phases_s": phases,
}))
PY
done
