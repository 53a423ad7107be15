#!/usr/bin/env bash
# Prowler vs the network and parameter corpus (tests/data/corpus/network/), on moto
# (docs/comparison-prowler.md, "Network and parameter corpus"). Needs FLOWFORGE_MOTO_VENV and
# Prowler in PROWLER_VENV (default /work/prowler-venv), as run.sh. Loopback only.
# Output: $OUT/prowler-network.csv and the comparison table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-50918}
# shellcheck source=moto-env.sh
. "$here/moto-env.sh"
"$MOTO_VENV/bin/python" "$here/seed_network.py"
# The corpus groups and ACLs are attached to nothing: --scan-unused-services makes Prowler judge them.
checks=$("$MOTO_VENV/bin/python" "$here/table_network.py" --checks)
# shellcheck disable=SC2086
"$PROWLER_VENV/bin/prowler" aws --checks $checks --scan-unused-services -f us-east-1 -M csv \
  --output-directory "$OUT" --output-filename prowler-network --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
python3 "$here/table_network.py" "$OUT/prowler-network.csv"
