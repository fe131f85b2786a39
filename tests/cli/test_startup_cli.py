"""What a read-only command imports: no Alembic, no validation (networkx, jsonschema), no
cryptography (a status reads no encrypted field) once the database is up to date and the
processes are in the compiled cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Runs `flowkit ARGS` in this interpreter, then says which of these modules it imported.
PROBE = """
import json, sys
from flowkit.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    watched = ("alembic", "networkx", "jsonschema", "flowkit.validate", "cryptography")
    print(json.dumps({m: m in sys.modules for m in watched}), file=sys.stderr)
"""


def _imported(args: list[str], cache: Path) -> dict[str, bool]:
    env = {**os.environ, "FLOWKIT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    found: dict[str, bool] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def test_status_on_an_up_to_date_database_imports_no_alembic_nor_validation(
    processes: Path, tmp_path: Path
) -> None:
    args = ["--db", str(tmp_path / "t.db"), "--processes", str(processes), "status"]
    first = _imported(args, tmp_path / "cache")
    assert first["alembic"] and first["networkx"]  # a new database, processes not cached yet
    again = _imported(args, tmp_path / "cache")
    assert again == dict.fromkeys(again, False)
    assert _imported([*args, "--format", "json"], tmp_path / "cache") == again


def test_an_edited_process_is_validated_again(processes: Path, tmp_path: Path) -> None:
    args = ["--db", str(tmp_path / "t.db"), "--processes", str(processes), "list"]
    _imported(args, tmp_path / "cache")
    path = processes / "complaint-handling.yaml"
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert _imported(args, tmp_path / "cache")["flowkit.validate"]
    assert not _imported(args, tmp_path / "cache")["flowkit.validate"]
