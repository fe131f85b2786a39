"""Two `flowkit advance` processes on the same opportunity at the same moment, on SQLite and
PostgreSQL: one moves it, the other is refused with a conflict, and the history has exactly
one completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker, show
from tests.conftest import cst
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
FLOWKIT = str(Path(sys.executable).with_name("flowkit"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database(request.param, tmp_path)


def test_two_advances_at_once(db_url: str, tmp_path: Path) -> None:
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    definitions = Definitions.load([processes])
    store = Store.open(db_url)
    tracker = Tracker(store, definitions, definitions.org, definitions.calendars)
    now = cst("2026-11-27T10:00")
    instance = tracker.start(
        "standard-sales",
        name="A",
        customer="B",
        owner="li.lei",
        now=now,
        at=cst("2026-11-27T09:00"),
        fields={"segment": "sme"},
    )
    env = {**os.environ, "FLOWKIT_NOW": "2026-11-27T10:00"}
    command = [
        FLOWKIT,
        "--db",
        db_url,
        "--processes",
        str(processes),
        "advance",
        str(instance),
        "--from",
        "lead_capture",
        "--by",
        "zhou.jie",
    ]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = []
    for p in runs:
        out, err = p.communicate(timeout=60)
        results.append((p.returncode, out, err))
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert "someone" in loser or "at the same time" in loser  # a conflict, said plainly
    view = show(tracker, instance)
    store.close()
    assert view.node == "lead_screening"
    assert [e.kind for e in view.history].count("completed") == 1
