"""What a database holds, to tell that a refused write changed nothing, on either backend.

On SQLite a test compares the file itself (its bytes, or `iterdump`); a PostgreSQL schema has
no file, so `rows` reads every table of flowkit's schema (`flowkit.store.tables`) in primary
key order: equal rows, equal databases. Sequences are left out on purpose: PostgreSQL spends
a sequence number on an insert that is rolled back, and no row remembers it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, select, text

from flowkit.store import Store
from flowkit.store.db import database_url
from flowkit.store.tables import metadata

Rows = list[tuple[str, list[tuple[Any, ...]]]]


def rows(url: str) -> Rows:
    """Every table's rows, tables in dependency order, rows by primary key."""
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return [
                (
                    table.name,
                    [
                        tuple(r)
                        for r in conn.execute(select(table).order_by(*table.primary_key.columns))
                    ],
                )
                for table in metadata.sorted_tables
            ]
    finally:
        engine.dispose()


def emptied(url: str) -> None:
    """Every table of a PostgreSQL schema emptied and its ids started again: a database as
    new, without migrating another schema from nothing (half a second each). A new schema
    is migrated first."""
    Store.open(url).close()
    names = ", ".join(t.name for t in metadata.sorted_tables)
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
