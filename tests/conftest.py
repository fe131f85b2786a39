from __future__ import annotations

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


@pytest.fixture
def processes(tmp_path: Path) -> Path:
    """A private copy of the shipped processes (tests may edit it)."""
    target = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", target)
    return target


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
