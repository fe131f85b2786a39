#!/usr/bin/env bash
# Set up everything flowkit needs on a fresh machine: the system packages (Graphviz, a
# Chinese font; Chromium for the tests), then a virtualenv in .venv with flowkit installed
# in editable mode (plus the test tools when called with "test").
# Safe to run again: it reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
bash scripts/system-deps.sh "$extras"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "flowkit needs Python 3.11 or newer (found: $("$python" --version 2>&1))" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.flowkit-installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
if [ "$extras" = "test" ]; then
  # Bytecode for flowkit and pytest's rewritten test modules, written once here, as pip
  # compiles a package it installs: a shell with PYTHONDONTWRITEBYTECODE set never writes
  # them, so each test worker would parse and rewrite every test module on every run (2-3 s
  # of the fast subset's 30). Python and pytest notice a changed source by its mtime and size
  # and compile it again in memory; nothing else reads these files.
  env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m compileall -q src
  env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m pytest --collect-only -q -n 0 -m "" >/dev/null
fi
