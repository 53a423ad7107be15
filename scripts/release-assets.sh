#!/usr/bin/env bash
# Turns built binaries into release assets, in place: the man pages (one per command,
# `flowforge-audit man --out`, rendered by SIGNER) as `flowforge-audit-man.tar.gz`; for it and
# each `flowforge-audit-<target>` file of DIST, its SHA-256 file (`sha256sum -c` format) and
# its minisign signature (`<file>.minisig`), then `SHA256SUMS` over all of them, signed too. Signing uses the tool
# itself (`flowforge-audit evidence sign`, minisign's format): users verify with
# `minisign -Vm FILE -p release.pub` or let `cargo binstall` do it (docs/install.md).
#
# Usage: scripts/release-assets.sh DIST SIGNER KEY
#   DIST    directory holding the binaries, named flowforge-audit-<target triple>
#   SIGNER  a flowforge-audit binary that runs on this machine
#   KEY     the release secret key (`flowforge-audit evidence keygen --out release`)
# Run by .github/workflows/release.yml; tests/install.rs runs it on a built binary.
set -euo pipefail

dist=${1:?usage: release-assets.sh DIST SIGNER KEY}
signer=${2:?usage: release-assets.sh DIST SIGNER KEY}
key=${3:?usage: release-assets.sh DIST SIGNER KEY}
signer=$(cd "$(dirname "$signer")" && pwd)/$(basename "$signer")
key=$(cd "$(dirname "$key")" && pwd)/$(basename "$key")

cd "$dist"
shopt -s nullglob
bins=()
for f in flowforge-audit-*; do
  case "$f" in
    *.sha256 | *.minisig | *.tar.gz) ;;
    *) bins+=("$f") ;;
  esac
done
if [ ${#bins[@]} -eq 0 ]; then
  echo "release-assets: no flowforge-audit-<target> binary in $dist" >&2
  exit 1
fi
# The man pages, the same for every target: a reproducible archive (sorted names, no times,
# no owners), so the same release gives the same bytes.
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
"$signer" man --out "$pages/man1" >/dev/null
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$pages" -cf - man1 | gzip -n > flowforge-audit-man.tar.gz
for f in "${bins[@]}"; do
  chmod 0755 "$f"
done
assets=("${bins[@]}" flowforge-audit-man.tar.gz)
: > SHA256SUMS
for f in "${assets[@]}"; do
  sha256sum "$f" > "$f.sha256"
  cat "$f.sha256" >> SHA256SUMS
done
"$signer" evidence sign --sign-key "$key" "${assets[@]}" SHA256SUMS
ls -l
