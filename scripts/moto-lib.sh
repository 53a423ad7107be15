# Sourced by the scripts that run moto (demo-scan.sh, bench-scan.sh, bench-scan-prod.sh):
# `moto_start` starts the emulator on a free loopback port and waits until it answers,
# setting ENDPOINT and MOTO_PID (its log is MOTO_LOG); `moto_stop` stops it and removes the
# log. `moto_start_many K` starts K of them (ENDPOINTS and MOTO_PIDS, arrays in start order)
# and `moto_stop_many` stops them all (scripts/bench-org.sh, one moto per core behind a routing
# proxy). The caller sets VENV (the virtualenv scripts/setup-moto.sh installed) and calls
# moto_stop from its EXIT trap. Every AWS call then goes to 127.0.0.1.

moto_start() {
  local port
  port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  ENDPOINT="http://127.0.0.1:$port"
  MOTO_LOG="$(mktemp)"
  # scripts/moto_server.py: moto_server with its per-request log off, its dispatch remembered
  # and a larger listen backlog (the file says why), as the tests start it.
  MOTO_EC2_LOAD_DEFAULT_AMIS=false "$VENV/bin/python" "$(dirname "${BASH_SOURCE[0]}")/moto_server.py" \
    -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$ENDPOINT/moto-api/data.json" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "moto did not answer on $ENDPOINT; its log:" >&2
  cat "$MOTO_LOG" >&2
  return 1
}

moto_stop() {
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  rm -f "$MOTO_LOG"
}

moto_start_many() {
  ENDPOINTS=()
  MOTO_PIDS=()
  MOTO_LOGS=()
  local i
  for ((i = 0; i < $1; i++)); do
    if ! moto_start; then
      MOTO_PIDS+=("$MOTO_PID")
      MOTO_LOGS+=("$MOTO_LOG")
      return 1
    fi
    ENDPOINTS+=("$ENDPOINT")
    MOTO_PIDS+=("$MOTO_PID")
    MOTO_LOGS+=("$MOTO_LOG")
  done
}

moto_stop_many() {
  local i
  for i in "${!MOTO_PIDS[@]}"; do
    MOTO_PID="${MOTO_PIDS[$i]}" MOTO_LOG="${MOTO_LOGS[$i]}" moto_stop
  done
}
