#!/usr/bin/env bash
# The main job on the shipped examples: set up, validate every shipped process, then
# publish the handbook (handbook/index.html) and the diagrams as PNG (handbook/diagrams/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/flowkit validate processes/
.venv/bin/flowkit render processes/ -o handbook
.venv/bin/flowkit render processes/ --format png -o handbook-diagrams
echo "open handbook/index.html (printable: handbook/manual.html); PNG diagrams in handbook-diagrams/"
