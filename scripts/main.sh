#!/usr/bin/env bash
# The main job on the shipped examples: set up, validate every shipped process, publish the
# handbook (handbook/index.html) and the diagrams as PNG, then fill a fresh demo database
# (demo.db, embedded SQLite) with realistic opportunities and show what is late right now.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/flowkit validate processes/
.venv/bin/flowkit render processes/ -o handbook
.venv/bin/flowkit render processes/ --format png -o handbook-diagrams
rm -f demo.db demo.db-wal demo.db-shm
.venv/bin/flowkit --db demo.db demo
.venv/bin/flowkit --db demo.db status --limit 20
# demo accounts for the workspace: one random password, kept out of git, readable by you only
(umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))' > demo-passwords.txt)
for person in li.lei wang.fang; do
  .venv/bin/flowkit --db demo.db user set-password "$person" --stdin < demo-passwords.txt
done
echo "open handbook/index.html (printable: handbook/manual.html); PNG diagrams in handbook-diagrams/"
echo "the demo: .venv/bin/flowkit --db demo.db list | status | show ID"
echo "the workspace: .venv/bin/flowkit --db demo.db serve, then http://127.0.0.1:8000"
echo "  log in as li.lei (consultant) or wang.fang (manager), password in demo-passwords.txt"
