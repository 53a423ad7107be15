#!/usr/bin/env bash
#! Benchmark: evaluates a generated 100,000-resource snapshot with the whole catalog.
#! Prints wall time and peak memory (GNU time) of three runs of `evaluate` with the JSON report,
#! then three with all seven formats. Usage: scripts/bench-evaluate.sh [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-100000}"
WORK="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
cargo build --release --quiet --bin flowforge-audit --example generate_snapshot
TARGET="${CARGO_TARGET_DIR:-target}"
"$TARGET/release/examples/generate_snapshot" scale "$N" > "$WORK/snapshot.json"
python3 - "$WORK/snapshot.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n = sum(len(v) for svc in ("ec2","s3","rds","iam","secretsmanager","config","elbv2","eks") for v in s[svc].values())
print(f"snapshot: {n} resources, {len(open(sys.argv[1]).read())/1e6:.1f} MB")
PY
# Three runs each: the first run after a pause pays for fresh memory (on this VM freed memory
# goes back to the host within seconds, and touching it again costs ~1 s of system time for
# ~800 MB); the figure reported in docs/development.md is the median.
for formats in json all; do
  echo "== evaluate --format $formats"
  for run in 1 2 3; do
    /usr/bin/time -f "run $run: wall %e s, user %U s, sys %S s, peak RSS %M KiB" "$TARGET/release/flowforge-audit" evaluate \
      --snapshot "$WORK/snapshot.json" --env prod --format "$formats" --out "$WORK/reports-$formats" --quiet >/dev/null || true
  done
done
