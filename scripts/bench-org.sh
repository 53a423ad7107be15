#!/usr/bin/env bash
# Benchmark of `scan --org` against the moto emulator: an organisation of N member accounts
# (default 20), each a seeded FlowForge environment, plus one member with 1,000 buckets, roles
# and security groups (scripts/bench_seed.py). Each run goes through a loopback proxy
# (scripts/latency_proxy.py) that counts the API calls; the same runs are repeated with the
# proxy adding 50 ms to every answer (a model of real AWS latency). Prints wall time, peak
# RSS and API calls of each run, and the ratio the goal is about: N accounts with latency
# take at most 3x one account with latency.
#
# Usage: scripts/bench-org.sh [N] [MAX_ACCOUNTS]   (FLOWFORGE_BENCH_BIN=path skips the release build;
# FLOWFORGE_BENCH_GOAL_ONLY=1 seeds no 1,000-resource account and runs only the two runs the
# goal compares, one account and N accounts with latency)
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

WORK="$(mktemp -d)"
# shellcheck source=scripts/moto-lib.sh
source "$REPO_ROOT/scripts/moto-lib.sh"
PROXY_PID=""
cleanup() { [[ -n "$PROXY_PID" ]] && kill "$PROXY_PID" 2>/dev/null; moto_stop; rm -rf "$WORK"; }
trap cleanup EXIT
moto_start

echo "seeding an organisation of $N FlowForge accounts and one with 1,000 resources of each kind ..."
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
(cd "$REPO_ROOT" && FLOWFORGE_SEED_ENDPOINT="$ENDPOINT" FLOWFORGE_BENCH_DIR="$WORK" FLOWFORGE_BENCH_ACCOUNTS="$N" \
  FLOWFORGE_SEED_CERT_DIR="$CERTS" \
  cargo test --quiet --test emulator_scan seed_bench_org -- --ignored --exact >/dev/null)
GOAL_ONLY="${FLOWFORGE_BENCH_GOAL_ONLY:-}"
read -r BIG BIG_KEY BIG_SECRET <"$WORK/big.txt"
if [[ -z "$GOAL_ONLY" ]]; then
  BENCH_ACCESS_KEY_ID="$BIG_KEY" BENCH_SECRET_ACCESS_KEY="$BIG_SECRET" BENCH_SEED_WORKERS=1 \
    "$VENV/bin/python" "$REPO_ROOT/scripts/bench_seed.py" "$ENDPOINT" 1000
fi
echo "seeding took $(( $(date +%s) - SEED_START )) s"
ONE="$(head -1 "$WORK/seeded.txt")"
ALL_SEEDED="$(paste -sd, "$WORK/seeded.txt")"

# CPU seconds moto (one Python process) has used so far: the emulator's own share of a run.
moto_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$MOTO_PID/stat"; }

# run NAME DELAY_MS ACCOUNTS: one `scan --org` through a fresh proxy.
run() {
  local name="$1" delay="$2" accounts="$3" port status
  port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$VENV/bin/python" "$REPO_ROOT/scripts/latency_proxy.py" "$port" "$ENDPOINT" "$delay" "$WORK/$name.calls" &
  PROXY_PID=$!
  # Wait for the proxy's port (a TCP connect, not a request: the proxy counts requests).
  "$VENV/bin/python" -c 'import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); break
    except OSError:
        time.sleep(0.1)' "$port"
  local moto_before
  moto_before="$(moto_cpu)"
  set +e
  env -i PATH="$PATH" HOME="$WORK" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    /usr/bin/time -v -o "$WORK/$name.time" \
    "$BIN" scan --org --accounts "$accounts" --baseline "$WORK/tenants.yaml" --max-accounts "$MAX_ACCOUNTS" \
      --endpoint-url "http://127.0.0.1:$port" --region us-east-1 --no-progress --quiet --format json \
      --out "$WORK/$name" >"$WORK/$name.out" 2>"$WORK/$name.err"
  status=$?
  set -e
  kill "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null || true; PROXY_PID=""
  if [[ ! -s "$WORK/$name/org-summary.json" ]]; then
    echo "$name: scan failed (exit $status):" >&2; cat "$WORK/$name.err" >&2; exit 2
  fi
  local wall rss cpu
  wall="$(grep "Elapsed (wall clock)" "$WORK/$name.time" | awk '{print $NF}')"
  rss="$(grep "Maximum resident set size" "$WORK/$name.time" | awk '{print $NF}')"
  cpu="$(grep -E "(User|System) time" "$WORK/$name.time" | awk '{s += $NF} END {printf "%.1f", s}')"
  local moto_used
  moto_used="$(awk -v a="$moto_before" -v b="$(moto_cpu)" 'BEGIN { printf "%.1f", b - a }')"
  printf '%-26s %9s wall %6s s CPU (moto %6s s) %5d MB peak RSS %6d API calls (exit %d)\n' \
    "$name" "$wall" "$cpu" "$moto_used" "$((rss / 1024))" "$(cat "$WORK/$name.calls" 2>/dev/null || echo 0)" "$status"
  echo "$wall" >"$WORK/$name.wall"
}

secs() { awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }' "$WORK/$1.wall"; }

echo
echo "== scan --org --max-accounts $MAX_ACCOUNTS (exit 1 is a gate verdict, not a failure of the benchmark)"
if [[ -z "$GOAL_ONLY" ]]; then
  run "1-account" 0 "$ONE"
  run "$N-accounts" 0 "$ALL_SEEDED"
  run "1,000-resources-account" 0 "$BIG"
  run "$N+1-accounts" 0 "$ALL_SEEDED,$BIG"
fi
run "1-account+50ms" 50 "$ONE"
run "$N-accounts+50ms" 50 "$ALL_SEEDED"
[[ -n "$GOAL_ONLY" ]] || run "$N+1-accounts+50ms" 50 "$ALL_SEEDED,$BIG"
echo
awk -v a="$(secs "$N-accounts+50ms")" -v b="$(secs "1-account+50ms")" -v n="$N" \
  'BEGIN { printf "with 50 ms latency: %d accounts / 1 account = %.2fx (goal: <= 3x)\n", n, a / b }'
