#!/usr/bin/env bash
#! Benchmark: 20,000 waivers (W) on the results of a generated 100,000-resource snapshot (N).
#! Evaluates the snapshot once without waivers, writes W waivers for its FAIL results (most by
#! exact ARN, 5% by an ARN prefix glob such as `arn:aws:s3:::tenant-data-0012*`, 0.5% by a glob
#! that starts with a wildcard, 0.5% by tag), then evaluates RUNS times (default 3) with
#! `--waivers` and reads the time of reading and applying them from the `-v` log. Prints each
#! run on stderr and one JSON line on stdout:
#! {"bench":"waivers","waivers":W,"results":R,"wall_s":MEDIAN,"parse_s":...,"apply_s":...}.
#! Usage: scripts/bench-waivers.sh [W] [N]   (BENCH_DIR, BENCH_RUNS and FLOWFORGE_BENCH_BIN as
#! for scripts/bench-evaluate.sh, whose snapshot it reuses)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
W="${1:-20000}"
N="${2:-100000}"
RUNS="${BENCH_RUNS:-3}"
WORK="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${FLOWFORGE_BENCH_BIN:-}"
cargo build --release --quiet --no-default-features --example generate_snapshot
if [[ -z $BIN ]]; then
  cargo build --release --quiet --no-default-features --bin flowforge-audit
  BIN="$TARGET/release/flowforge-audit"
fi
SNAP="$WORK/snapshot-$N.json"
[[ -s $SNAP ]] || "$TARGET/release/examples/generate_snapshot" scale "$N" >"$SNAP"
"$BIN" evaluate --snapshot "$SNAP" --env prod --format json --out "$WORK/waivers-base" --quiet >/dev/null || true
python3 - "$WORK/waivers-base/flowforge-audit.json" "$W" "$WORK/waivers.yaml" <<'PY'
import json, sys
report, count, out = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
fails = [(r["check_id"], r["resource_arn"]) for r in report["results"] if r["status"] == "FAIL"]
if len(fails) < count:
    sys.exit(f"only {len(fails)} FAIL results for {count} waivers")
step = len(fails) / count
lines = ["waivers:"]
for i in range(count):
    check, arn = fails[int(i * step)]
    if i % 200 == 1:
        selector = f'resource: "*{arn[-8:-1]}?"'          # leading wildcard: the whole check
    elif i % 200 == 2:
        selector = "tags: {team: analytics}"
    elif i % 20 == 3:
        selector = f'resource: "{arn[:-2]}*"'             # a prefix glob
    else:
        selector = f'resource: "{arn}"'
    lines += [f"  - check: {check}", f"    {selector}", f"    reason: accepted risk {i}",
              f"    owner: team-{i % 50}", f"    ticket: SEC-{i}", "    expires: 2099-12-31"]
open(out, "w").write("\n".join(lines) + "\n")
PY
: >"$WORK/waivers-runs.txt"
for run in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" evaluate -v --snapshot "$SNAP" --env prod --format json \
    --waivers "$WORK/waivers.yaml" --out "$WORK/waivers-reports" --quiet >/dev/null 2>"$WORK/waivers-log.txt" || true
  line="$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/waivers-log.txt" | grep 'waivers read and applied' || true)"
  [[ -n $line ]] || { echo "no 'waivers read and applied' line in the -v log:" >&2; tail -5 "$WORK/waivers-log.txt" >&2; exit 2; }
  total="$(sed -E 's/.*elapsed_ms=([0-9]+).*/\1/' <<<"$line")"
  read_ms="$(sed -E 's/.*read_ms=([0-9]+).*/\1/' <<<"$line")"
  echo "run $run: $W waivers read in $read_ms ms, read and applied in $total ms" >&2
  echo "$total $read_ms" >>"$WORK/waivers-runs.txt"
done
python3 - "$W" "$WORK/waivers-base/flowforge-audit.json" "$WORK/waivers-runs.txt" "$WORK/waivers-reports/flowforge-audit.json" <<'PY'
import json, statistics, sys
w, base, runs, after = int(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3], json.load(open(sys.argv[4]))
rows = [list(map(int, l.split())) for l in open(runs) if l.strip()]
total, read = statistics.median(r[0] for r in rows) / 1000, statistics.median(r[1] for r in rows) / 1000
waived = sum(1 for r in after["results"] if r["status"] == "WAIVED")
print(json.dumps({"bench": "waivers", "waivers": w, "results": len(base["results"]), "waived": waived,
                  "wall_s": total, "walls_s": [r[0] / 1000 for r in rows], "parse_s": read,
                  "apply_s": round(total - read, 3)}))
PY
