#!/usr/bin/env bash
#! Benchmark of `attest`: a year of daily bundles for one account (365 days; ~200 results
#! each) and a quarter of daily bundles for 20 accounts (90 days × 20), from the offline
#! release build. Bundles are cloned from two real ones (`evaluate --evidence` of the shipped
#! examples) by examples/generate_bundles.rs: signed, one JSON report of 195 results each, days
#! 10-12 of every 30 drifted, day 49 of every 50 missing.
#! Prints one JSON object a line on stdout, e.g.
#!   {"bench":"attest","bundles":358,"accounts":1,"days":365,"wall_s":1.9,"cpu_s":3.1,"peak_rss_mb":41.2}
#! (wall time, CPU time (user + system) and peak resident memory of the `attest` process, GNU
#! time; the median of FLOWFORGE_BENCH_REPEAT runs, default 3). Progress goes to stderr.
#! Usage: scripts/bench-attest.sh        (BENCH_DIR=DIR keeps the generated store there)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeat="${FLOWFORGE_BENCH_REPEAT:-3}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --no-default-features --bin flowforge-audit --example generate_bundles >&2
target="${CARGO_TARGET_DIR:-target}/release"
bin="$target/flowforge-audit"
[ -x /usr/bin/time ] || { echo "GNU time is needed (/usr/bin/time)" >&2; exit 2; }

# Two real bundles to clone: the compliant and the drifted example.
rm -rf "$work/templates" "$work/key.key" "$work/key.pub"
"$bin" evidence keygen --out "$work/key" >/dev/null
for ex in compliant drifted; do
  set +e
  "$bin" evaluate --snapshot "examples/snapshots/prod-$ex.json" --env prod --format json --quiet \
      --out "$work/templates/reports-$ex" --evidence "$work/templates/$ex" --sign-key "$work/key.key" >/dev/null 2>&1
  code=$?
  set -e
  [ "$code" -le 1 ] || { echo "evaluate $ex exited $code" >&2; exit 2; }
done

run() { # days accounts from to
  local days="$1" accounts="$2" from="$3" to="$4" store="$work/store-$1x$2"
  if [ ! -d "$store" ]; then
    echo "generating $days days × $accounts accounts..." >&2
    "$target/examples/generate_bundles" "$work/templates/compliant" "$work/templates/drifted" \
        "$work/key.key" "$store" "$days" "$accounts" >/dev/null
  fi
  local bundles; bundles=$(find "$store" -name manifest.json | wc -l)
  local walls=() rss=() cpus=()
  for i in $(seq "$repeat"); do
    rm -rf "$work/out"
    set +e
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$bin" attest --bundles "$store" --env prod \
        --from "$from" --to "$to" --verify-key "$work/key.pub" --require-signature --quiet --out "$work/out" >/dev/null
    code=$?
    set -e
    [ "$code" -le 1 ] || { echo "attest exited $code" >&2; exit 2; }
    # GNU time writes "Command exited with non-zero status 1" first when attest finds gaps.
    read -r wall kib user sys < <(tail -n 1 "$work/time.txt")
    walls+=("$wall"); rss+=("$kib"); cpus+=("$(python3 -c "print($user + $sys)")")
    echo "  run $i: wall ${wall} s, user ${user} s, sys ${sys} s, peak RSS ${kib} KiB" >&2
  done
  python3 - "$bundles" "$accounts" "$days" "${walls[*]}" "${rss[*]}" "${cpus[*]}" <<'PY'
import json, statistics, sys
bundles, accounts, days = map(int, sys.argv[1:4])
walls = [float(w) for w in sys.argv[4].split()]
rss = [int(k) for k in sys.argv[5].split()]
cpus = [float(c) for c in sys.argv[6].split()]
print(json.dumps({"bench": "attest", "bundles": bundles, "accounts": accounts, "days": days,
                  "wall_s": round(statistics.median(walls), 2),
                  "cpu_s": round(statistics.median(cpus), 2),
                  "peak_rss_mb": round(statistics.median(rss) / 1024, 1)}))
PY
}

run 365 1 2025-01-01 2025-12-31
run 90 20 2025-01-01 2025-03-31
