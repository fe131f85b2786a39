#!/usr/bin/env bash
# Set up with the test tools, then run the whole suite: lint, types, every test (the slow ones
# too), and flowkit's own check of the shipped processes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests bench
.venv/bin/mypy
.venv/bin/flowkit validate --strict processes/
# every test (a plain `pytest` leaves the slow ones out), in one process: the concurrency tests
# time their own writers, and a second worker beside them would only add noise
.venv/bin/python -m pytest -m "" -n 0 "$@"
