#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), one subcommand per step, so that it can be run
# and tested outside GitHub (tests/emulator/action.rs runs it against the moto emulator).
#
#   install  download the pinned release binary for this runner, check its SHA-256 (and its
#            minisign signature when `minisign` and the repository's release.pub are there),
#            put it on the PATH
#   scan     run `flowforge-audit scan` with the action's inputs; the reports, the SARIF and the
#            evidence bundle are written whatever the gate says, and the run is added to the
#            trend in `history` (which action.yml restores from and saves to the cache);
#            exit 1 (gate failed) is recorded for `gate`, exit 2 (error) stops here
#   gate     fail when the gate failed (and `fail-on-gate` is true)
#
# Where it downloads from is the repository in Cargo.toml (the action's own checkout has it:
# the one setting, docs/install.md), `<repository>/releases/download/<version>/`; the version
# is the `version` input, by default the action's own (Cargo.toml's `version`).
# FLOWFORGE_AUDIT_RELEASES replaces the download base (a mirror; the tests use a file:// URL).
#
# Inputs come as INPUT_* variables (action.yml maps them); outputs go to $GITHUB_OUTPUT,
# the PATH addition to $GITHUB_PATH, as GitHub Actions defines them.
set -euo pipefail

action_dir=$(cd "$(dirname "$0")/.." && pwd)
field() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" "$action_dir/Cargo.toml" | head -n 1; }
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
out_file=${GITHUB_OUTPUT:-/dev/null}

target() {
  local os arch
  case "$(uname -s)" in
    Linux) os=unknown-linux-musl ;;
    Darwin) os=apple-darwin ;;
    *) echo "flowforge-audit action: no release binary for $(uname -s) (Linux and macOS only)" >&2; exit 2 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "flowforge-audit action: no release binary for $(uname -m) (x86_64 and aarch64 only)" >&2; exit 2 ;;
  esac
  echo "$arch-$os"
}

install() {
  local version base asset dir
  version=${INPUT_VERSION:-}
  [ -n "$version" ] || version="v$(field version)"
  base=${FLOWFORGE_AUDIT_RELEASES:-"$(field repository)/releases/download"}
  asset="flowforge-audit-$(target)"
  dir="$temp/flowforge-audit/$version"
  mkdir -p "$dir"
  (
    cd "$dir"
    curl -fsSL --retry 3 -o "$asset" "$base/$version/$asset"
    curl -fsSL --retry 3 -o "$asset.sha256" "$base/$version/$asset.sha256"
    if ! sha256sum -c "$asset.sha256" >&2; then
      echo "flowforge-audit action: $asset does not match its SHA-256 file: refusing to run it" >&2
      exit 2
    fi
    if command -v minisign >/dev/null && [ -f "$action_dir/release.pub" ]; then
      curl -fsSL --retry 3 -o "$asset.minisig" "$base/$version/$asset.minisig"
      minisign -Vm "$asset" -p "$action_dir/release.pub" >&2
    fi
    chmod 0755 "$asset"
    mkdir -p bin
    mv "$asset" bin/flowforge-audit
  )
  echo "$dir/bin" >> "${GITHUB_PATH:-/dev/null}"
  "$dir/bin/flowforge-audit" --version >&2
  echo "path=$dir/bin/flowforge-audit" >> "$out_file"
  echo "version=$version" >> "$out_file"
}

scan() {
  local bin=${FLOWFORGE_AUDIT_BIN:-flowforge-audit}
  local env=${INPUT_ENVIRONMENT:?the action needs the environment input (dev, qa, uat, prod)}
  local out=${INPUT_OUT:-flowforge-audit}
  local args=(scan --env "$env" --format "${INPUT_FORMAT:-all}" --out "$out/reports"
              --save-snapshot "$out/snapshot.json" --evidence "$out/evidence")
  [ -n "${INPUT_REGION:-}" ] && args+=(--region "$INPUT_REGION")
  [ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
  [ -n "${INPUT_WAIVERS:-}" ] && [ -f "$INPUT_WAIVERS" ] && args+=(--waivers "$INPUT_WAIVERS")
  [ -n "${INPUT_TFSTATE:-}" ] && args+=(--tfstate "$INPUT_TFSTATE")
  [ -n "${INPUT_IAC_DIR:-}" ] && args+=(--iac-dir "$INPUT_IAC_DIR")
  [ -n "${INPUT_HISTORY:-}" ] && args+=(--history "$INPUT_HISTORY")
  local key_file=""
  if [ -n "${INPUT_SIGN_KEY:-}" ]; then
    key_file="$temp/flowforge-audit-evidence.key"
    (umask 077 && printf '%s\n' "$INPUT_SIGN_KEY" > "$key_file")
    args+=(--sign-key "$key_file")
  fi
  if [ -n "${INPUT_ARGS:-}" ]; then
    # Extra options, split on whitespace as a shell would (no quoting).
    read -r -a extra <<< "$INPUT_ARGS"
    args+=("${extra[@]}")
  fi
  if [ -e "$out/evidence" ]; then
    echo "flowforge-audit action: $out/evidence exists; give each run its own out directory" >&2
    exit 2
  fi
  mkdir -p "$out"
  set +e
  "$bin" "${args[@]}"
  local code=$?
  set -e
  [ -n "$key_file" ] && rm -f "$key_file"
  echo "exit-code=$code" >> "$out_file"
  echo "reports=$out/reports" >> "$out_file"
  echo "evidence=$out/evidence" >> "$out_file"
  if [ -n "${INPUT_HISTORY:-}" ]; then
    echo "history=$INPUT_HISTORY" >> "$out_file"
  fi
  if [ -f "$out/reports/flowforge-audit.sarif" ]; then
    echo "sarif=$out/reports/flowforge-audit.sarif" >> "$out_file"
  fi
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/reports/flowforge-audit.md" ]; then
    cat "$out/reports/flowforge-audit.md" >> "$GITHUB_STEP_SUMMARY"
  fi
  # 0 and 1 are verdicts: the next steps publish the reports; 2 is an error.
  [ "$code" -le 1 ] || exit "$code"
}

gate() {
  local code=${INPUT_EXIT_CODE:?gate needs the exit code of the scan step}
  if [ "$code" = 0 ]; then
    echo "flowforge-audit: gate passed"
  elif [ "${INPUT_FAIL_ON_GATE:-true}" = true ]; then
    echo "flowforge-audit: gate failed for ${INPUT_ENVIRONMENT:-the environment} (the job summary and the reports say why)" >&2
    exit 1
  else
    echo "flowforge-audit: gate failed (fail-on-gate is false: not failing the job)" >&2
  fi
}

case "${1:-}" in
  install) install ;;
  scan) scan ;;
  gate) gate ;;
  target) target ;;
  *) echo "usage: github-action.sh install|scan|gate|target" >&2; exit 2 ;;
esac
