#!/usr/bin/env bash
# The main job on the shipped examples: set up, then validate every shipped process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/flowkit validate processes/
