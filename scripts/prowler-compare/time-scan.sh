#!/usr/bin/env bash
# Times a Prowler scan of the moto emulator at ENDPOINT, for the scan benchmarks
# (scripts/bench-scan.sh, scripts/bench-scan-prod.sh): the same account, region and moment as
# the flowforge-audit scan it is compared with. Prowler runs every check of the services our
# scanner collects (the registry in src/aws/mod.rs, under Prowler's names: `logs` is part of
# its `cloudwatch`, subnets, route tables, endpoints and flow logs of its `vpc`; it has no App
# Runner service and `sts` has no checks), in us-east-1, CSV output only. Prints the wall time in seconds; exit 3 when
# Prowler is not installed in PROWLER_VENV (default /work/prowler-venv; see
# docs/comparison-prowler.md). Loopback only.
# Usage: scripts/prowler-compare/time-scan.sh ENDPOINT
set -euo pipefail
ENDPOINT="$1"
PROWLER_VENV=${PROWLER_VENV:-/work/prowler-venv}
[[ -x "$PROWLER_VENV/bin/prowler" ]] || { echo "Prowler is not installed in $PROWLER_VENV" >&2; exit 3; }
SERVICES="ec2 vpc s3 rds iam secretsmanager config elbv2 eks ecs ecr wafv2 acm cloudwatch sns ssm cloudtrail kms"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
start=$(date +%s.%N)
# shellcheck disable=SC2086
env AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
  "$PROWLER_VENV/bin/prowler" aws --service $SERVICES -f us-east-1 -M csv --output-directory "$OUT" \
  --output-filename prowler --no-banner >"$OUT/prowler.log" 2>&1 || true  # exit 3: findings
end=$(date +%s.%N)
[[ -s "$OUT/prowler.csv" ]] || { echo "Prowler wrote no findings; its log:" >&2; tail -20 "$OUT/prowler.log" >&2; exit 2; }
echo "Prowler: $(($(wc -l <"$OUT/prowler.csv") - 1)) findings" >&2
python3 -c "print(f'{$end - $start:.2f}')"
