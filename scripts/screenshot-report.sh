#!/usr/bin/env bash
#! Regenerates docs/images/report-prod-drifted.png, the README's picture of the HTML report:
#! evaluates the shipped drifted example with the current build and catalog, and screenshots
#! the report in headless Chromium (`apt-get install -y chromium`). Run it after any change to
#! the HTML report, the catalog or the examples, so the picture never shows a stale hash
#! (docs/images/report-prod-drifted.txt records the catalog it shows; tests/readme.rs checks it).
#! Usage: scripts/screenshot-report.sh [BINARY]   (default: cargo run --no-default-features)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "headless Chromium is needed: apt-get install -y chromium (or set CHROMIUM)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then run=("$1"); else run=(cargo run --quiet --no-default-features --); fi
# The drifted example fails its gate (exit 1): that is the picture.
set +e
"${run[@]}" evaluate --snapshot examples/snapshots/prod-drifted.json --env prod --format html --quiet --out "$work/out"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "evaluate exited $code, expected 1 (the drifted example fails its gate)" >&2; exit 2; }
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size=1400,1800 --screenshot="$work/shot.png" "file://$work/out/flowforge-audit.html" >/dev/null 2>&1
mkdir -p docs/images
mv "$work/shot.png" docs/images/report-prod-drifted.png
# What the picture shows, for tests/readme.rs to notice when the catalog moves on without it.
"${run[@]}" --version | grep '^policy catalog sha256: ' > docs/images/report-prod-drifted.txt
echo "docs/images/report-prod-drifted.png regenerated"
