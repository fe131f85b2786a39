"""Two `flowkit advance` processes on the same opportunity at the same moment, on SQLite and
PostgreSQL: one moves it, the other is refused with a conflict, and the history has exactly
one completion."""

from __future__ import annotations

import json
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


def _flowkit(db_url: str, processes: Path, *args: str) -> list[str]:
    return [FLOWKIT, "--db", db_url, "--processes", str(processes), *args]


def test_concurrent_customer_edits_lose_no_order(db_url: str, tmp_path: Path) -> None:
    """Six `customer edit --order` at once: every edit that says it succeeded is on file, and
    every other one was refused as a conflict (exit 2); none is silently lost."""
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    env = {**os.environ, "FLOWKIT_NOW": "2026-11-27T10:00"}
    add = _flowkit(db_url, processes, "customer", "add", "上海宏达", "--owner", "li.lei")
    subprocess.run(add, env=env, check=True, capture_output=True)
    runs = [
        subprocess.Popen(
            _flowkit(
                db_url,
                processes,
                "customer",
                "edit",
                "C00001",
                "--order",
                f"产品{i},{1000 + i},2026-11-2{i}",
            ),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    results = [(p.wait(timeout=60), *p.communicate()) for p in runs]
    assert {code for code, _, _ in results} <= {0, 2}, results
    for code, _, err in results:
        assert code == 0 or "changed by someone else" in err or "busy" in err, err
    shown = subprocess.run(
        _flowkit(db_url, processes, "customer", "show", "C00001", "--format", "json"),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    landed = sum(code == 0 for code, _, _ in results)
    orders = json.loads(shown)["customer"]["orders"]
    assert landed >= 1 and len(orders) == landed, (results, orders)
