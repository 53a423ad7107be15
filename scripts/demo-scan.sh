#!/usr/bin/env bash
# Watch a live scan in two commands:
#   scripts/setup-moto.sh && scripts/demo-scan.sh [DRIFTS]
# Starts the moto emulator on a free loopback port, seeds a FlowForge `prod` account through
# the AWS SDK (the test suite's seeding code) with some drift, and runs `flowforge-audit scan`
# on it. DRIFTS is a comma-separated list of tls, encryption, vpc-endpoint, multi-az, iam,
# network, rotation (default: tls,iam,multi-az). Reports go to reports/demo/.
# Every AWS call goes to 127.0.0.1; the credentials are moto's dummies.
set -euo pipefail

DRIFTS="${1:-tls,iam,multi-az}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FLOWFORGE_MOTO_VENV:-$REPO_ROOT/.venv-moto}"
"$REPO_ROOT/scripts/setup-moto.sh" >/dev/null

LOG="$(mktemp)"
# shellcheck source=scripts/moto-lib.sh
source "$REPO_ROOT/scripts/moto-lib.sh"
trap 'moto_stop; rm -f "$LOG" "$LOG.seed"' EXIT
moto_start
curl -sf -X POST "$ENDPOINT/moto-api/config" -d '{"lambda": {"use_docker": false}}' >/dev/null

echo "seeding a FlowForge prod account into $ENDPOINT (drift: $DRIFTS) ..."
cd "$REPO_ROOT"
if ! FLOWFORGE_SEED_ENDPOINT="$ENDPOINT" FLOWFORGE_SEED_DRIFTS="$DRIFTS" \
  cargo test --quiet --test emulator collect::seed_demo_account -- --ignored --exact --nocapture >"$LOG.seed" 2>&1; then
  cat "$LOG.seed" >&2; echo "seeding failed" >&2; exit 2
fi
grep "injected drift" "$LOG.seed" || true

echo "scanning ..."
set +e
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  cargo run --quiet --bin flowforge-audit -- scan --env prod --endpoint-url "$ENDPOINT" --region us-east-1 \
    --format md,json,html --out reports/demo --save-snapshot reports/demo/snapshot.json
STATUS=$?
set -e
echo "exit code $STATUS (0: gate passed, 1: gate failed, 2: error); reports in reports/demo/"
exit "$STATUS"
