"""The two databases tests run on: an SQLite file, and the PostgreSQL server when one
answers (FLOWKIT_TEST_PG, default the local test database). Without it those tests skip
and say why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flowkit.store.db import database_url

PG_URL = os.environ.get("FLOWKIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = ("timers", "events", "instances", "process_versions", "alembic_version")


def _pg_reason() -> str | None:
    try:
        engine = create_engine(database_url(PG_URL))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as e:  # any failure means: no server to test against here
        return f"PostgreSQL not reachable at {PG_URL}: {str(e).splitlines()[0]}"
    return None


PG_SKIP = _pg_reason()


def reset_pg() -> None:
    engine = create_engine(database_url(PG_URL))
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database of `kind` ("sqlite" or "postgresql"), emptied afterwards."""
    if kind == "sqlite":
        yield str(folder / "flowkit.db")
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    reset_pg()
    yield PG_URL
    reset_pg()
