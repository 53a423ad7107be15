#!/usr/bin/env bash
# Prowler vs the IAM corpus, on moto (docs/comparison-prowler.md). Needs a moto venv
# (FLOWFORGE_MOTO_VENV, as scripts/setup-moto.sh makes it) and Prowler in its own venv
# (PROWLER_VENV, default /work/prowler-venv: python3 -m venv "$PROWLER_VENV" && "$PROWLER_VENV"/bin/pip install prowler).
# Loopback only. Output: $OUT/prowler-iam.csv and the comparison table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-50917}
# shellcheck source=moto-env.sh
. "$here/moto-env.sh"
"$MOTO_VENV/bin/python" "$here/seed_corpus.py"
"$PROWLER_VENV/bin/prowler" aws --service iam -f us-east-1 -M csv json-ocsf --output-directory "$OUT" \
  --output-filename prowler-iam --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
python3 "$here/table.py" "$OUT/prowler-iam.csv"
