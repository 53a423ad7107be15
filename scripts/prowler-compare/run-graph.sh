#!/usr/bin/env bash
# Prowler vs flowforge-audit on the privilege-escalation graph corpus (the cases of
# tests/data/corpus/iam-graph/ marked `seed`), both on one seeded moto
# (docs/comparison-prowler.md, "Privilege-escalation graph corpus"). Needs FLOWFORGE_MOTO_VENV,
# cargo, and Prowler in PROWLER_VENV (default /work/prowler-venv), as run.sh. Loopback only,
# dummy credentials. Seeding is the test suite's own (tests/support/seed_corpus_iam_graph.rs,
# run through the ignored test iam_graph::seed_graph_account).
# Output in $OUT: graph-cases.json (case -> principal, labels), flowforge/flowforge-audit.json,
# prowler-graph.csv; the comparison table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PORT=${PORT:-50920}
# shellcheck source=moto-env.sh
. "$here/moto-env.sh"
cd "$repo"
if ! FLOWFORGE_SEED_ENDPOINT="$AWS_ENDPOINT_URL" FLOWFORGE_GRAPH_CASES_OUT="$OUT/graph-cases.json" \
  cargo test --quiet --test emulator iam_graph::seed_graph_account -- --ignored --exact --nocapture >"$OUT/seed.log" 2>&1; then
  cat "$OUT/seed.log" >&2; echo "seeding failed" >&2; exit 2
fi
grep "seeded" "$OUT/seed.log" >&2 || true
# Exit 1 is the gate failing on the escalations, as intended; 2 or more is an error.
status=0
cargo run --quiet --bin flowforge-audit -- scan --env prod --endpoint-url "$AWS_ENDPOINT_URL" --region us-east-1 \
  --no-progress --format json --out "$OUT/flowforge" >"$OUT/flowforge.log" 2>&1 || status=$?
if [[ $status -gt 1 ]]; then cat "$OUT/flowforge.log" >&2; echo "scan failed (exit $status)" >&2; exit 2; fi
checks=$(python3 "$here/table_graph.py" --checks)
# shellcheck disable=SC2086
"$PROWLER_VENV/bin/prowler" aws --checks $checks -f us-east-1 -M csv --output-directory "$OUT" \
  --output-filename prowler-graph --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
[[ -s "$OUT/prowler-graph.csv" ]] || { tail -20 "$OUT/prowler.log" >&2; echo "Prowler wrote no findings" >&2; exit 2; }
python3 "$here/table_graph.py" "$OUT/graph-cases.json" "$OUT/flowforge/flowforge-audit.json" "$OUT/prowler-graph.csv"
