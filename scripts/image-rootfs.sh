#!/usr/bin/env bash
# Builds the OCI image's file tree (Dockerfile) without a container engine, and runs the
# binary in it: proof that the static binary needs nothing but itself and the CA certificates.
#
# Usage: scripts/image-rootfs.sh STATIC_BINARY [DIR]
#   DIR (default: a temporary directory) receives the tree:
#     etc/ssl/certs/ca-certificates.crt, usr/local/bin/flowforge-audit, work/
# With root (chroot), it then runs `flowforge-audit --version` and an `evaluate` of the shipped
# drifted example inside the tree, as user 65532 (the image's), with no other file.
set -euo pipefail

bin=${1:?usage: image-rootfs.sh STATIC_BINARY [DIR]}
root=${2:-$(mktemp -d)}
repo=$(cd "$(dirname "$0")/.." && pwd)
certs=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}

"$repo/scripts/release-check-binary.sh" "$bin" 0
mkdir -p "$root/etc/ssl/certs" "$root/usr/local/bin" "$root/work"
cp "$certs" "$root/etc/ssl/certs/ca-certificates.crt"
install -m 0755 "$bin" "$root/usr/local/bin/flowforge-audit"
cp "$repo/examples/snapshots/prod-drifted.json" "$root/work/snapshot.json"
chown -R 65532:65532 "$root/work" 2>/dev/null || true
echo "image tree: $root ($(du -sk "$root" | cut -f1) KiB)"
find "$root" -type f | sed "s|^$root||" | sort

if [ "$(id -u)" != 0 ]; then
  echo "image-rootfs: not root: the tree is built, not run (chroot needs root)"
  exit 0
fi
chroot_bin=$(command -v chroot)
env -i HOME=/work "$chroot_bin" --userspec=65532:65532 "$root" /usr/local/bin/flowforge-audit --version
set +e
(cd / && env -i HOME=/work "$chroot_bin" --userspec=65532:65532 "$root" /usr/local/bin/flowforge-audit \
  evaluate --snapshot /work/snapshot.json --env prod --format json,sarif --out /work/reports --quiet)
code=$?
set -e
echo "evaluate in the image tree: exit $code (1: the drifted example fails the gate)"
ls -l "$root/work/reports"
[ "$code" = 1 ]
