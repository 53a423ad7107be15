#!/usr/bin/env bash
#! Runs the divan benchmark of `diff` on two 100,000-resource snapshots (benches/drift_diff.rs,
#! offline release build) and prints divan's table on stderr and the medians as one JSON line
#! on stdout: {"bench":"diff","median_s":FILES,"in_memory_s":MEMORY}.
#! Usage: scripts/bench-diff.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
cargo bench --quiet --no-default-features --bench drift_diff 2>/dev/null | tee "$OUT" >&2
python3 - "$OUT" <<'PY'
import json, re, sys
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
medians = {}
for line in open(sys.argv[1], encoding="utf-8"):
    # `├─ name  fastest │ slowest │ median │ mean │ samples │ iters`
    m = re.match(r"\W*(diff_\w+)\s+(.*)", line)
    if not m:
        continue
    cells = [c.strip() for c in m.group(2).split("│")]
    value, unit = cells[2].split()
    medians[m.group(1)] = float(value) * units[unit]
print(json.dumps({"bench": "diff", "resources": 100000,
                  "median_s": medians["diff_100k_snapshot_files"],
                  "in_memory_s": medians["diff_100k_snapshots_in_memory"]}))
PY
