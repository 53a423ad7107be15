#!/usr/bin/env bash
# Prowler vs the IAM corpus, on moto (docs/comparison-prowler.md). Needs a moto venv
# (FLOWFORGE_MOTO_VENV, as scripts/setup-moto.sh makes it) and Prowler in its own venv
# (PROWLER_VENV, default /work/prowler-venv: python3 -m venv "$PROWLER_VENV" && "$PROWLER_VENV"/bin/pip install prowler).
# Loopback only. Output: $OUT/prowler-iam.csv and the comparison table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MOTO_VENV=${FLOWFORGE_MOTO_VENV:?set FLOWFORGE_MOTO_VENV}
PROWLER_VENV=${PROWLER_VENV:-/work/prowler-venv}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-50917}
"$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
moto=$!
trap 'kill $moto' EXIT
sleep 3
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
"$MOTO_VENV/bin/python" "$here/seed_corpus.py"
"$PROWLER_VENV/bin/prowler" aws --service iam -f us-east-1 -M csv json-ocsf --output-directory "$OUT" \
  --output-filename prowler-iam --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
python3 "$here/table.py" "$OUT/prowler-iam.csv"
