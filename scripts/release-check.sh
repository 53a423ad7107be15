#!/usr/bin/env bash
# Before a release is built: the tag must be `v` + Cargo.toml's version, and Cargo.toml's
# `repository` (the one setting that says where releases, the SARIF help links, the action's
# downloads and `cargo binstall` point; docs/install.md) must be the repository publishing it,
# so no binary ever points its users at another place.
#
# Usage: scripts/release-check.sh REPOSITORY_URL TAG
#   e.g. scripts/release-check.sh "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" "$GITHUB_REF_NAME"
set -euo pipefail

url=${1:?usage: release-check.sh REPOSITORY_URL TAG}
tag=${2:?usage: release-check.sh REPOSITORY_URL TAG}
manifest="$(dirname "$0")/../Cargo.toml"
field() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" "$manifest" | head -n 1; }
version=$(field version)
repository=$(field repository)
status=0
if [ "$tag" != "v$version" ]; then
  echo "release-check: tag $tag is not v$version (Cargo.toml version); tag the commit that bumps it" >&2
  status=1
fi
if [ "${repository%/}" != "${url%/}" ]; then
  echo "release-check: Cargo.toml repository is $repository, but this release is published from $url;" >&2
  echo "  set repository = \"$url\" in Cargo.toml (one line: releases, SARIF help links, the action and cargo binstall follow it)" >&2
  status=1
fi
[ $status -eq 0 ] && echo "release-check: v$version from $repository"
exit $status
