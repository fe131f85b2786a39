from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flowkit.customers.book import CustomerBook
from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker
from tests.databases import database

pytest_plugins = ["tests.slow"]  # marks the slow tests a plain `pytest` leaves out

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The compiled-definitions cache of the test run (subprocesses included), never the
    user's own: a test run neither reads nor leaves entries there."""
    folder = tmp_path_factory.mktemp("flowkit-cache")
    before = os.environ.get("FLOWKIT_CACHE_DIR")
    os.environ["FLOWKIT_CACHE_DIR"] = str(folder)
    yield
    if before is None:
        del os.environ["FLOWKIT_CACHE_DIR"]
    else:
        os.environ["FLOWKIT_CACHE_DIR"] = before


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shipped() -> Path:
    return ROOT / "processes"


CST = timezone(timedelta(hours=8))


def cst(text: str) -> datetime:
    """A Beijing time written as 2025-09-30T16:00."""
    return datetime.fromisoformat(text).replace(tzinfo=CST)


@pytest.fixture(scope="session")
def _processes_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """One copy of the shipped processes for the whole run, and its pristine contents."""
    target = tmp_path_factory.mktemp("shipped") / "processes"
    shutil.copytree(ROOT / "processes", target)
    return target, _contents(target)


@pytest.fixture
def processes(_processes_copy: tuple[Path, dict[str, bytes]]) -> Iterator[Path]:
    """A copy of the shipped processes that a test may edit: put back after any test that did.

    The same folder for every test, so the compiled-definitions cache (keyed by path and
    content) validates the shipped files once a run rather than once a test."""
    target, pristine = _processes_copy
    yield target
    if _contents(target) != pristine:
        shutil.rmtree(target)
        shutil.copytree(ROOT / "processes", target)


def _contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Passwords hashed with argon2id at its cheapest in the tests: at flowkit's own cost
    (64 MiB, 3 passes) each login takes 0.1–0.3 s, and the workspace's tests log in
    hundreds of times. tests/cli/test_serve_cli.py checks flowkit's own parameters."""
    from argon2 import PasswordHasher, profiles

    from flowkit.access import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", lambda: PasswordHasher.from_parameters(profiles.CHEAPEST))
        yield


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the newest schema revision, migrated once a session:
    tests copy it rather than each migrating a new file from nothing."""
    path = tmp_path_factory.mktemp("migrated") / "flowkit.db"
    Store.open(str(path)).close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker(
    request: pytest.FixtureRequest, processes: Path, tmp_path: Path, migrated_db: Path
) -> Iterator[Tracker]:
    """A tracker on the copied processes, on each database."""
    db = database(request.param, tmp_path, template=migrated_db)
    definitions = Definitions.load([processes])
    store = Store.open(next(db))
    org, calendars = definitions.org, definitions.calendars
    book = CustomerBook(store, definitions.customers, people=org, calendars=calendars)
    yield Tracker(store, definitions, org, calendars, customers=book)
    store.close()
    next(db, None)  # empties the PostgreSQL database


@pytest.fixture
def book(tracker: Tracker) -> CustomerBook:
    """The customers of `tracker`, kept by the shipped customers.yaml."""
    assert tracker.definitions.customers is not None, "processes/customers.yaml is shipped"
    assert tracker.customers is not None
    return tracker.customers


ROUTINE = (
    "    sla:\n      cadence: 每日更新\n"
    "      per: lane  # 线索清单每个工作日由市场专员更新一次：按人考核，不按每条线索\n"
)


def per_lead_cadence(processes: Path) -> None:
    """线索获取's 每日更新 owed by each lead again, as the shipped process had it before it
    became the marketing team's routine (issue 16): for the tests of a per-opportunity
    cadence at the first node (its periods, how `show` folds them, what a command costs)."""
    path = processes / "standard-sales.yaml"
    text = path.read_text("utf-8")
    assert ROUTINE in text
    path.write_text(text.replace(ROUTINE, "    sla: 每日更新\n"), "utf-8")


@pytest.fixture
def lead_tracker(tracker: Tracker, processes: Path) -> Tracker:
    """`tracker` on the shipped processes with a per-lead 每日更新 (`per_lead_cadence`)."""
    per_lead_cadence(processes)
    tracker.definitions = Definitions.load([processes])
    return tracker
