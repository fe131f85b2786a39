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


def _at_once(commands: list[list[str]], env: dict[str, str]) -> list[tuple[int, str, str]]:
    """Run `commands` as separate processes started together; their exit codes and output."""
    runs = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    return [(p.wait(timeout=120), *p.communicate()) for p in runs]


# Each writes one item of its own; afterwards every command that said it succeeded must have
# its item on file, and every other one must have been refused as a conflict or busy database.
TAGS = ("高预算", "决策链复杂", "竞品对比中", "价格敏感", "转介绍客户")  # customers.yaml's
FAMILIES = {
    "log": (
        lambda i: ["log", "1", "--method", "phone", "--content", f"电话{i}", "--by", "sun.li"],
        lambda shown: sum(e["kind"] == "follow_up" for e in shown["history"]),
    ),
    "customer-log": (
        lambda i: ["customer", "log", "C00001", "--method", "visit", "--content", f"拜访{i}"],
        lambda shown: len(shown["follow_ups"]),
    ),
    "tag": (
        lambda i: ["customer", "tag", "C00001", TAGS[i]],
        lambda shown: len(shown["customer"]["tags"]),
    ),
    "set": (
        lambda i: ["set", "1", "--field", f"amount={100000 + i}"],
        lambda shown: sum(e["kind"] == "updated" for e in shown["history"]),
    ),
    "order": (
        lambda i: ["customer", "edit", "C00001", "--order", f"产品{i},{1000 + i},2026-11-2{i}"],
        lambda shown: len(shown["customer"]["orders"]),
    ),
    "payment": (
        lambda i: ["customer", "edit", "C00001", "--payment", f"2026-11-2{i},{100 + i}"],
        lambda shown: len(shown["customer"]["payments"]),
    ),
    "contact": (
        lambda i: ["customer", "edit", "C00001", "--contact", f"联系人{i},经理,1390000000{i}"],
        lambda shown: len(shown["customer"]["contacts"]),
    ),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_concurrent_commands_land_whole_or_are_refused(
    db_url: str, tmp_path: Path, family: str
) -> None:
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    env = {**os.environ, "FLOWKIT_NOW": "2026-11-27T10:00"}
    setup = [
        ["customer", "add", "上海宏达", "--owner", "li.lei"],
        [
            "start",
            "standard-sales",
            "--name",
            "A",
            "--customer",
            "上海宏达",
            "--owner",
            "li.lei",
            "--field",
            "segment=sme",
            "--at",
            "2026-11-27T09:00",
        ],
    ]
    for args in setup:
        subprocess.run(_flowkit(db_url, processes, *args), env=env, check=True, capture_output=True)
    command, count = FAMILIES[family]
    results = _at_once([_flowkit(db_url, processes, *command(i)) for i in range(5)], env)
    for code, _, err in results:
        assert code == 0 or (
            code == 2 and ("someone else" in err or "busy" in err or "at the same time" in err)
        ), err
    what = ["show", "1"] if family in ("log", "set") else ["customer", "show", "C00001"]
    shown = json.loads(
        subprocess.run(
            _flowkit(db_url, processes, *what, "--format", "json"),
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert count(shown) == sum(code == 0 for code, _, _ in results) >= 1
