#!/usr/bin/env bash
# Prowler vs the resource-policy cases of the IAM corpus (bucket, secret, KMS key and ECR
# repository policies), on moto (docs/comparison-prowler.md). Needs FLOWFORGE_MOTO_VENV and
# Prowler in PROWLER_VENV (default /work/prowler-venv), as run.sh. Loopback only.
# Output: $OUT/prowler-resources.csv and the comparison table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-50919}
# shellcheck source=moto-env.sh
. "$here/moto-env.sh"
"$MOTO_VENV/bin/python" "$here/seed_resources.py"
checks=$(python3 "$here/table_resources.py" --checks)
# shellcheck disable=SC2086
"$PROWLER_VENV/bin/prowler" aws --checks $checks --scan-unused-services -f us-east-1 -M csv \
  --output-directory "$OUT" --output-filename prowler-resources --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
python3 "$here/table_resources.py" "$OUT/prowler-resources.csv" "$OUT/resources.json"
