#!/usr/bin/env bash
# A release binary must run anywhere its OS runs: on Linux statically linked (no dynamic
# section, so no glibc version to match: any distribution, `FROM scratch` images), on macOS
# linked to the system's libraries only. When it can run here (`RUN=1`), it must start.
#
# Usage: scripts/release-check-binary.sh FILE [RUN]
set -euo pipefail

bin=${1:?usage: release-check-binary.sh FILE [RUN]}
run=${2:-1}
case "$(uname -s)" in
  Linux)
    if readelf -d "$bin" 2>/dev/null | grep -q 'NEEDED'; then
      echo "release-check-binary: $bin is dynamically linked:" >&2
      readelf -d "$bin" | grep NEEDED >&2
      exit 1
    fi
    if readelf -l "$bin" | grep -q 'INTERP'; then
      echo "release-check-binary: $bin asks for a program interpreter (not static)" >&2
      exit 1
    fi
    ;;
  Darwin)
    if otool -L "$bin" | tail -n +2 | grep -v -E '^\s*/(usr/lib|System/Library)/'; then
      echo "release-check-binary: $bin links a library outside the system's" >&2
      exit 1
    fi
    ;;
esac
if [ "$run" = 1 ]; then
  "$bin" --version
fi
echo "release-check-binary: $bin ($(wc -c < "$bin" | tr -d ' ') bytes) is self-contained"
