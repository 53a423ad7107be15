#!/usr/bin/env bash
#! Regenerates docs/images/attest-period.png, the README's picture of the HTML period report
#! (`attest`): a month of signed daily bundles evaluated from the shipped examples (drifted on
#! the 8th to the 10th, no scan on the 17th, the 23rd's bundle tampered), attested, and the
#! report screenshot in headless Chromium (`apt-get install -y chromium`).
#! Usage: scripts/screenshot-attest.sh [BINARY]   (default: cargo run --no-default-features)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "headless Chromium is needed: apt-get install -y chromium (or set CHROMIUM)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then run=("$1"); else run=(cargo run --quiet --no-default-features --); fi
"${run[@]}" evidence keygen --out "$work/ci" >/dev/null
for day in $(seq 1 30); do
  [ "$day" -eq 17 ] && continue
  example=compliant
  if [ "$day" -ge 8 ] && [ "$day" -le 10 ]; then example=drifted; fi
  at=$(printf '2026-10-%02dT02:00:00Z' "$day")
  python3 - "examples/snapshots/prod-$example.json" "$at" "$work/snapshot.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
v["collected_at"] = sys.argv[2]
json.dump(v, open(sys.argv[3], "w"))
PY
  set +e
  "${run[@]}" evaluate --snapshot "$work/snapshot.json" --env prod --format json --quiet --out "$work/reports" \
      --evidence "$work/store/prod/123456789012/${at//:/}" --sign-key "$work/ci.key" >/dev/null 2>&1
  code=$?
  set -e
  [ "$code" -le 1 ] || { echo "evaluate exited $code" >&2; exit 2; }
  rm -rf "$work/reports"
done
# The 23rd's report, edited after the run: rejected (A001), and its day a gap.
echo ' ' >> "$work/store/prod/123456789012/2026-10-23T020000Z/reports/flowforge-audit.json"
set +e
"${run[@]}" attest --bundles "$work/store" --env prod --from 2026-10-01 --to 2026-10-30 --every 1d \
    --verify-key "$work/ci.pub" --require-signature --compliance cis-aws-foundations --quiet --out "$work/period" >/dev/null
code=$?
set -e
[ "$code" -eq 1 ] || { echo "attest exited $code, expected 1 (the month has exceptions and gaps)" >&2; exit 2; }
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size=1400,1800 --screenshot="$work/shot.png" "file://$work/period/reports/flowforge-attest.html" >/dev/null 2>&1
mkdir -p docs/images
mv "$work/shot.png" docs/images/attest-period.png
echo "docs/images/attest-period.png regenerated"
