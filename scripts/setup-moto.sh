#!/usr/bin/env bash
# Installs the moto AWS emulator (pinned) into a local virtualenv for the emulator-backed
# tests, the benchmark and the demo. Idempotent: a venv that already has the pinned version
# is left alone.
#
# Where: $FLOWFORGE_MOTO_VENV, else <repo>/.venv-moto.
# Why pinned: the tests assert exact emulator answers; a new moto can change them.
set -euo pipefail

MOTO_VERSION="5.2.5"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FLOWFORGE_MOTO_VENV:-$REPO_ROOT/.venv-moto}"
PYTHON="${PYTHON:-python3}"

if [[ -x "$VENV/bin/moto_server" ]] \
  && "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('moto') == '$MOTO_VERSION' else 1)" 2>/dev/null; then
  echo "moto $MOTO_VERSION already installed in $VENV"
  exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python 3.9+ (or set PYTHON=/path/to/python3)" >&2
  exit 2
fi

echo "installing moto[server]==$MOTO_VERSION into $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# boto3 comes with moto; the benchmark's seeding script uses it.
"$VENV/bin/python" -m pip install --quiet "moto[server]==$MOTO_VERSION"
"$VENV/bin/moto_server" --help >/dev/null
echo "moto $MOTO_VERSION installed: $VENV/bin/moto_server"
