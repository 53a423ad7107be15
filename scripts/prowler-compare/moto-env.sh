# Sourced by run.sh, run-network.sh, run-resources.sh and run-graph.sh: starts moto on loopback port $PORT
# (stopped when the script exits) and points the AWS SDKs, Prowler's included, at it.
# Needs FLOWFORGE_MOTO_VENV; sets MOTO_VENV, PROWLER_VENV (default /work/prowler-venv) and OUT.
MOTO_VENV=${FLOWFORGE_MOTO_VENV:?set FLOWFORGE_MOTO_VENV}
PROWLER_VENV=${PROWLER_VENV:-/work/prowler-venv}
export OUT=${OUT:-$(mktemp -d)}
"$MOTO_VENV/bin/python" "$(dirname "${BASH_SOURCE[0]}")/../moto_server.py" -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
moto=$!
trap 'kill $moto' EXIT
sleep 3
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
