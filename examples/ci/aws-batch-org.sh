#!/usr/bin/env bash
# AWS Batch: the container command of an array job that audits the AWS Organization in N
# shards, and of the merge job that depends on it. AWS Batch schedules the shards
# (`AWS_BATCH_JOB_ARRAY_INDEX` is 0 .. N-1); S3 carries the outputs between the jobs.
#
# Submit (docs/guide.md, "Organisation scans"); the job role is the management account's audit role
# (iam/org-policy.json), the image has flowforge-audit and the AWS CLI:
#   aws batch submit-job --job-name ff-org-scan --job-queue audit --job-definition flowforge-audit \
#     --array-properties size=4 --container-overrides 'command=["scan"],environment=[{name=SHARDS,value=4},{name=RUN,value=2026-06-01}]'
#   aws batch submit-job --job-name ff-org-merge --job-queue audit --job-definition flowforge-audit \
#     --depends-on jobId=<scan job id> --container-overrides 'command=["merge"],environment=[{name=SHARDS,value=4},{name=RUN,value=2026-06-01}]'
# (`--depends-on` an array job waits for all its children.)
set -euo pipefail
: "${SHARDS:?number of shards}" "${RUN:?run name (the S3 prefix)}" "${BUCKET:=flowforge-audit-reports}"
case "${1:-}" in
  scan)
    I="${AWS_BATCH_JOB_ARRAY_INDEX:?not an array job child}"
    set +e
    flowforge-audit scan --org --shard "$I/$SHARDS" --region all --max-accounts 8 \
      --format json,md --out "/tmp/shard-$I"
    code=$?
    set -e
    [ "$code" -le 1 ] || exit "$code"          # 1 = a gate failed: the merge decides
    aws s3 cp --recursive "/tmp/shard-$I" "s3://$BUCKET/org/$RUN/shard-$I"
    ;;
  merge)
    for ((i = 0; i < SHARDS; i++)); do aws s3 cp --recursive "s3://$BUCKET/org/$RUN/shard-$i" "/tmp/shard-$i"; done
    set +e
    flowforge-audit merge /tmp/shard-* --out /tmp/summary
    code=$?
    set -e
    aws s3 cp --recursive /tmp/summary "s3://$BUCKET/org/$RUN/summary"
    exit "$code"                               # 1 when any account's gate failed
    ;;
  *) echo "usage: $0 scan|merge" >&2; exit 2 ;;
esac
