#!/usr/bin/env bash
#! Benchmark: the IAM evaluation (every fact the IAM checks read: effective permissions, risk
#! classes, trust, and the privilege-escalation graph with every principal's verdict, witness
#! chain and reach) on synthetic enterprise accounts (examples/bench_iam.rs). For each size
#! (roles users groups, default 1k/5k/20k roles) it generates the account once, then measures
#! one `bench_iam derive` run (reading the snapshot included) with GNU time, and prints ONE JSON
#! object per size on stdout:
#!   {"bench":"iam_graph","roles":N,"users":N,"groups":N,"wall_s":X,"peak_rss_mb":Y}
#! Details (snapshot size, verdict counts, parse/derive split) go to stderr.
#! Usage: scripts/bench-iam.sh ["ROLES USERS GROUPS" ...]   (offline release build, no AWS)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WORK="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
if [[ $# -eq 0 ]]; then
  set -- "1000 250 50" "5000 1250 250" "20000 5000 1000"
fi
cargo build --release --quiet --no-default-features --example bench_iam >&2
BIN="${CARGO_TARGET_DIR:-target}/release/examples/bench_iam"
for size in "$@"; do
  read -r roles users groups <<<"$size"
  snap="$WORK/iam-$roles.json"
  "$BIN" generate "$roles" "$users" "$groups" >"$snap"
  echo "account: $roles roles, $users users, $groups groups; $(( $(stat -c %s "$snap") / 1000000 )) MB" >&2
  timing="$WORK/time-$roles.txt"
  /usr/bin/time -v -o "$timing" "$BIN" derive "$snap"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timing")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
  python3 - "$roles" "$users" "$groups" "$wall" "$rss_kb" <<'PY'
import json, sys
roles, users, groups, wall, rss = sys.argv[1:]
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
print(json.dumps({"bench": "iam_graph", "roles": int(roles), "users": int(users), "groups": int(groups),
                  "wall_s": round(secs, 2), "peak_rss_mb": round(int(rss) / 1024, 1)}))
PY
done
