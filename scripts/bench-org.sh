#!/usr/bin/env bash
# Benchmark of `scan --org` against the moto emulator: an organisation of N member accounts
# (default 20), each a seeded FlowForge environment, plus one member with 1,000 buckets, roles
# and security groups (scripts/bench_seed.py). Prints wall time, scanner CPU, moto CPU, the
# proxy's CPU, peak RSS and API calls of each run, and the ratio the goal is about: N accounts
# with latency take at most 3x one account with latency.
#
# One moto process per core (K = FLOWFORGE_BENCH_MOTOS, default `nproc`; 1 works) behind a
# routing proxy written in Rust (tests/support/proxy.rs, run as the ignored test
# `emulator org::bench_proxy`): moto is one GIL-bound Python process, while real AWS serves
# every account independently. The proxy sends an AssumeRole into an account to the moto that
# owns it, learns the keys it hands out and sends the requests signed with them there; the
# management account's own calls go to the first moto. The organisation is seeded through
# such a proxy without delay, which places the accounts evenly over the K motos (the last
# first) and writes the placement down; every measured run goes through a fresh proxy that
# reads it and counts the API calls, first without delay, then adding 50 ms to every answer
# (a model of real AWS latency).
#
# Usage: scripts/bench-org.sh [N] [MAX_ACCOUNTS]   (FLOWFORGE_BENCH_BIN=path skips the release build;
# FLOWFORGE_BENCH_GOAL_ONLY=1 seeds no 1,000-resource account and runs only the two runs the
# goal compares, one account and N accounts with latency; FLOWFORGE_BENCH_MOTOS=K moto
# processes; FLOWFORGE_BENCH_KEEP=DIR copies each run's org-summary.json to DIR/<run>.json, to
# compare with scripts/org-summary-diff.py; FLOWFORGE_BENCH_REPEAT=R measures each run R times)
# Loopback only: moto and the proxy listen on 127.0.0.1 and every AWS call goes there. Needs
# openssl (each tenant's self-signed load balancer certificate).
set -euo pipefail

N="${1:-20}"
MAX_ACCOUNTS="${2:-8}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FLOWFORGE_MOTO_VENV:-$REPO_ROOT/.venv-moto}"
"$REPO_ROOT/scripts/setup-moto.sh" >/dev/null

BIN="${FLOWFORGE_BENCH_BIN:-}"
if [[ -z "$BIN" ]]; then
  (cd "$REPO_ROOT" && cargo build --release --quiet --bin flowforge-audit)
  BIN="${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release/flowforge-audit"
fi

K="${FLOWFORGE_BENCH_MOTOS:-$(nproc)}"
if ! [[ "$K" =~ ^[1-9][0-9]*$ ]]; then
  echo "FLOWFORGE_BENCH_MOTOS must be a number of moto processes (1 or more), not '$K'" >&2
  exit 2
fi
REPEAT="${FLOWFORGE_BENCH_REPEAT:-1}"
if ! [[ "$REPEAT" =~ ^[1-9][0-9]*$ ]]; then
  echo "FLOWFORGE_BENCH_REPEAT must be a number of repetitions (1 or more), not '$REPEAT'" >&2
  exit 2
fi
KEEP="${FLOWFORGE_BENCH_KEEP:-}"
[[ -z "$KEEP" ]] || mkdir -p "$KEEP"

WORK="$(mktemp -d)"
# shellcheck source=scripts/moto-lib.sh
source "$REPO_ROOT/scripts/moto-lib.sh"
PROXY_PID=""
PROXY_DIR=""
cleanup() {
  if [[ -n "$PROXY_PID" ]]; then touch "$PROXY_DIR/stop"; wait "$PROXY_PID" 2>/dev/null || true; fi
  moto_stop_many
  rm -rf "$WORK"
}
trap cleanup EXIT
moto_start_many "$K"
UPSTREAMS="$(IFS=,; echo "${ENDPOINTS[*]}")"

# The routing proxy: the ignored test `bench_proxy` of the emulator tests' binary (built by
# cargo if needed, then run directly).
PROXY_BIN="$(cd "$REPO_ROOT" && cargo test --quiet --no-run --test emulator --message-format=json |
  "$VENV/bin/python" -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "emulator" and m.get("executable"):
        print(m["executable"])')"
[[ -x "$PROXY_BIN" ]] || { echo "could not build the emulator tests (the routing proxy)" >&2; exit 2; }

# proxy_start NAME DELAY_MS: a routing proxy in front of the K motos; sets PROXY_ENDPOINT.
# proxy_stop: stops it and reads its counts (PROXY_CALLS, PROXY_ROUTED per moto) and CPU
# seconds (PROXY_CPU).
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
proxy_start() {
  PROXY_DIR="$WORK/$1.proxy"
  mkdir -p "$PROXY_DIR"
  FLOWFORGE_PROXY_UPSTREAMS="$UPSTREAMS" FLOWFORGE_PROXY_DELAY_MS="$2" FLOWFORGE_PROXY_DIR="$PROXY_DIR" \
    FLOWFORGE_PROXY_ACCOUNTS="$WORK/accounts" \
    "$PROXY_BIN" org::bench_proxy --ignored --exact --quiet >"$PROXY_DIR/log" 2>&1 &
  PROXY_PID=$!
  for _ in $(seq 1 300); do
    [[ -s "$PROXY_DIR/endpoint" ]] && break
    if ! kill -0 "$PROXY_PID" 2>/dev/null; then
      echo "the routing proxy did not start; its log:" >&2; cat "$PROXY_DIR/log" >&2; exit 2
    fi
    sleep 0.2
  done
  PROXY_ENDPOINT="$(cat "$PROXY_DIR/endpoint")"
}
proxy_stop() {
  PROXY_CPU="$(proc_cpu "$(cat "$PROXY_DIR/pid")")"
  touch "$PROXY_DIR/stop"
  wait "$PROXY_PID" || { echo "the routing proxy failed; its log:" >&2; cat "$PROXY_DIR/log" >&2; exit 2; }
  PROXY_PID=""
  PROXY_CALLS="$(sed -n 1p "$PROXY_DIR/calls")"
  PROXY_ROUTED="$(sed -n 2p "$PROXY_DIR/calls")"
}

echo "moto processes: $K, behind a routing proxy"
if [[ -n "${FLOWFORGE_BENCH_GOAL_ONLY:-}" ]]; then
  echo "seeding an organisation of $N FlowForge accounts ..."
else
  echo "seeding an organisation of $N FlowForge accounts and one with 1,000 resources of each kind ..."
fi
proxy_start seed 0
SEED_START=$(date +%s)
# Each tenant's load balancer certificate (app.tNN.flowforge.example.com), self-signed, beside
# the test certificates (tests/data/perimeter/README.md).
CERTS="$WORK/certs"
mkdir -p "$CERTS"
cp "$REPO_ROOT"/tests/data/perimeter/*.pem "$CERTS/"
for i in $(seq 1 "$N"); do
  t="$(printf 't%02d' "$i")"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$CERTS/$t.key.pem" -out "$CERTS/$t.cert.pem" -days 3650 \
    -subj "/CN=app.$t.flowforge.example.com" -addext "subjectAltName=DNS:app.$t.flowforge.example.com" 2>/dev/null
done
(cd "$REPO_ROOT" && FLOWFORGE_SEED_ENDPOINT="$PROXY_ENDPOINT" FLOWFORGE_BENCH_DIR="$WORK" FLOWFORGE_BENCH_ACCOUNTS="$N" \
  FLOWFORGE_SEED_CERT_DIR="$CERTS" \
  cargo test --quiet --test emulator org::seed_bench_org -- --ignored --exact >/dev/null)
GOAL_ONLY="${FLOWFORGE_BENCH_GOAL_ONLY:-}"
read -r BIG BIG_KEY BIG_SECRET <"$WORK/big.txt"
if [[ -z "$GOAL_ONLY" ]]; then
  BENCH_ACCESS_KEY_ID="$BIG_KEY" BENCH_SECRET_ACCESS_KEY="$BIG_SECRET" BENCH_SEED_WORKERS=1 \
    "$VENV/bin/python" "$REPO_ROOT/scripts/bench_seed.py" "$PROXY_ENDPOINT" 1000
fi
proxy_stop
echo "seeding took $(( $(date +%s) - SEED_START )) s"
ONE="$(head -1 "$WORK/seeded.txt")"
ALL_SEEDED="$(paste -sd, "$WORK/seeded.txt")"

# CPU seconds the K moto processes have used so far: the emulator's own share of a run.
moto_cpu() {
  local pid total=0
  for pid in "${MOTO_PIDS[@]}"; do total="$(awk -v t="$total" -v c="$(proc_cpu "$pid")" 'BEGIN { print t + c }')"; done
  printf '%.1f' "$total"
}

# run NAME DELAY_MS ACCOUNTS: one `scan --org` through a fresh routing proxy.
run() {
  local name="$1" delay="$2" accounts="$3" status
  proxy_start "$name" "$delay"
  local moto_before
  moto_before="$(moto_cpu)"
  set +e
  env -i PATH="$PATH" HOME="$WORK" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    /usr/bin/time -v -o "$WORK/$name.time" \
    "$BIN" scan --org --accounts "$accounts" --baseline "$WORK/tenants.yaml" --max-accounts "$MAX_ACCOUNTS" \
      --endpoint-url "$PROXY_ENDPOINT" --region us-east-1 --no-progress --quiet --format json \
      --out "$WORK/$name" >"$WORK/$name.out" 2>"$WORK/$name.err"
  status=$?
  set -e
  local moto_used
  moto_used="$(awk -v a="$moto_before" -v b="$(moto_cpu)" 'BEGIN { printf "%.1f", b - a }')"
  proxy_stop
  if [[ ! -s "$WORK/$name/org-summary.json" ]]; then
    echo "$name: scan failed (exit $status):" >&2; cat "$WORK/$name.err" >&2; exit 2
  fi
  [[ -z "$KEEP" ]] || cp "$WORK/$name/org-summary.json" "$KEEP/$name.json"
  local wall rss cpu
  wall="$(grep "Elapsed (wall clock)" "$WORK/$name.time" | awk '{print $NF}')"
  rss="$(grep "Maximum resident set size" "$WORK/$name.time" | awk '{print $NF}')"
  cpu="$(grep -E "(User|System) time" "$WORK/$name.time" | awk '{s += $NF} END {printf "%.1f", s}')"
  printf '%-26s %9s wall %6s s CPU (moto %6s s, proxy %5.1f s) %5d MB peak RSS %6d API calls (per moto: %s) (exit %d)\n' \
    "$name" "$wall" "$cpu" "$moto_used" "$PROXY_CPU" "$((rss / 1024))" "$PROXY_CALLS" "$PROXY_ROUTED" "$status"
  echo "$wall" >"$WORK/$name.wall"
}

secs() { awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }' "$WORK/$1.wall"; }

echo
echo "== scan --org --max-accounts $MAX_ACCOUNTS, moto processes: $K (exit 1 is a gate verdict, not a failure of the benchmark)"
if [[ -z "$GOAL_ONLY" ]]; then
  run "1-account" 0 "$ONE"
  run "$N-accounts" 0 "$ALL_SEEDED"
  run "1,000-resources-account" 0 "$BIG"
  run "$N+1-accounts" 0 "$ALL_SEEDED,$BIG"
fi
for r in $(seq 1 "$REPEAT"); do
  suffix=""
  [[ "$REPEAT" == 1 ]] || suffix="#$r"
  run "1-account+50ms$suffix" 50 "$ONE"
  run "$N-accounts+50ms$suffix" 50 "$ALL_SEEDED"
  awk -v a="$(secs "$N-accounts+50ms$suffix")" -v b="$(secs "1-account+50ms$suffix")" -v n="$N" -v k="$K" \
    'BEGIN { printf "with 50 ms latency, moto processes: %d, %d accounts / 1 account = %.2fx (goal: <= 3x)\n", k, n, a / b }'
  secs "1-account+50ms$suffix" >>"$WORK/one.walls"
  secs "$N-accounts+50ms$suffix" >>"$WORK/all.walls"
done
# The one-account run's wall varies by a second from run to run (the SDK's random back-off
# before retrying GetEbsDefaultKmsKeyId, which moto answers with HTTP 500): with repetitions,
# the goal compares the medians.
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if [[ "$REPEAT" != 1 ]]; then
  awk -v a="$(median "$WORK/all.walls")" -v b="$(median "$WORK/one.walls")" -v n="$N" -v r="$REPEAT" \
    'BEGIN { printf "medians of %d runs: 1 account %.2f s, %d accounts %.2f s: %.2fx (goal: <= 3x)\n", r, b, n, a, a / b }'
fi
# The result as one JSON line (scripts/bench.sh collects it into benches/results.json).
awk -v a="$(median "$WORK/all.walls")" -v b="$(median "$WORK/one.walls")" -v n="$N" -v r="$REPEAT" \
  -v m="$MAX_ACCOUNTS" -v k="$K" \
  'BEGIN { printf "{\"bench\": \"org\", \"accounts\": %d, \"max_accounts\": %d, \"motos\": %d, \"delay_ms\": 50, \"repeat\": %d, \"one_wall_s\": %.2f, \"all_wall_s\": %.2f, \"ratio\": %.2f}\n", n, m, k, r, b, a, a / b }'
[[ -n "$GOAL_ONLY" ]] || run "$N+1-accounts+50ms" 50 "$ALL_SEEDED,$BIG"
