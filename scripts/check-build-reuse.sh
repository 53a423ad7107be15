#!/usr/bin/env bash
#! Fails when `cargo test` after `cargo build` would compile a dependency again: the README's
#! two commands (`cargo run -- evaluate ...`, then `scripts/test.sh`) must share one build.
#! A test-only dependency that turns on a feature of a crate the binary also uses (serde_json's
#! `float_roundtrip` did) makes cargo build that crate, and everything above it up to the AWS
#! SDK, a second time; Cargo.toml asks for those features in [dependencies] too.
#!
#! How: `cargo build`, then `cargo test --no-run`, both with --message-format=json. Every
#! dependency artifact the test build uses must be a file the build produced (cargo names
#! artifacts by a hash of package, features, profile settings and dependencies), so the check
#! holds on a warm target directory too, where the second variant may already exist.
#! Arguments go to both cargo commands (e.g. --no-default-features).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cargo build --locked "$@" --message-format=json >"$dir/build.json"
cargo test --locked --no-run "$@" --message-format=json >"$dir/test.json"

python3 - "$dir/build.json" "$dir/test.json" <<'EOF'
import json, sys

def artifacts(path):
    """Dependency artifacts by package: {package id: (set of files, compiled anew?)}."""
    out = {}
    for line in open(path):
        if not line.startswith("{"):
            continue
        m = json.loads(line)
        if m.get("reason") != "compiler-artifact" or m["package_id"].startswith("path+"):
            continue
        files, fresh = out.get(m["package_id"], (set(), True))
        out[m["package_id"]] = (files | set(m["filenames"]), fresh and m["fresh"])
    return out

build, test = artifacts(sys.argv[1]), artifacts(sys.argv[2])
again = sorted(p for p, (files, _) in test.items() if p in build and not files <= build[p][0])
compiled = sum(1 for p, (_, fresh) in test.items() if p in build and not fresh)
name = lambda p: p.rsplit("#", 1)[-1]
print(f"build reuse: {len(again)} dependency crate(s) of the build compiled again for the tests "
      f"({compiled} not fresh; {sum(1 for p in test if p not in build)} test-only crate(s))")
if again:
    print("  " + " ".join(map(name, again)))
    print("  a test-only dependency turns on features of these: see `cargo tree -e features -i <crate>`"
          " and ask for the same features in Cargo.toml's [dependencies]", file=sys.stderr)
    sys.exit(1)
EOF
