"""The two databases tests run on: an SQLite file, and the PostgreSQL server when one
answers (FLOWKIT_TEST_PG, default the local test database). Without it those tests skip
and say why."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flowkit.store.db import database_url

PG_URL = os.environ.get("FLOWKIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@cache
def pg_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here (None: they can), asked once, when the
    first of them runs: a run of the fast subset, which has none, never connects."""
    try:
        engine = create_engine(database_url(PG_URL))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as e:  # any failure means: no server to test against here
        return f"PostgreSQL not reachable at {PG_URL}: {str(e).splitlines()[0]}"
    return None


def require_postgresql() -> None:
    """Skip the test, saying why, when no PostgreSQL server answers."""
    reason = pg_reason()
    if reason is not None:
        pytest.skip(reason)


def database(kind: str, folder: Path, *, template: Path | None = None) -> Iterator[str]:
    """A fresh, empty database of `kind` ("sqlite" or "postgresql"), dropped afterwards.

    On PostgreSQL each test gets a schema of its own (through the connection's
    search_path), so test runs in parallel never see each other's tables. On SQLite,
    `template` (the `migrated_db` fixture) is copied in, so the store opens a file already
    at the newest revision instead of migrating one from nothing, about 0.1 s a test; the
    store's own tests go without it, and keep creating databases from nothing tested.
    """
    if kind == "sqlite":
        path = folder / "flowkit.db"
        if template is not None:
            shutil.copyfile(template, path)
        yield str(path)
        return
    require_postgresql()
    schema = f"flowkit_test_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        _admin(f"DROP SCHEMA {schema} CASCADE")


def _admin(statement: str) -> None:
    engine = create_engine(database_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
