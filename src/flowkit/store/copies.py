"""Restoring a SQLite database from a backup, verified before and after.

Copying a backup file over a live database is how data comes back wrong: SQLite keeps recent
writes in a `-wal` file beside the database, and a copied-over file next to an old `-wal`
file silently gets later writes replayed onto it. A restore therefore never copies files: it
checks the backup (SQLite's integrity check, a flowkit schema this flowkit knows), keeps the
database as it is now in a new file beside it (an online backup, like `flowkit backup`), then
writes the backup's pages into the live database through SQLite's own backup API — under
SQLite's locks, through its journal, so a reader sees the old database or the restored one and
no `-wal` frame outlives it — and checks the result against the backup.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from flowkit.errors import StoreError
from flowkit.messages import msg
from flowkit.private import create_private
from flowkit.store.db import HEAD

COUNTED = ("instances", "customers", "events", "follow_ups")  # compared before and after


@dataclass(frozen=True)
class Restored:
    """What a restore brought back, and where the database as it was is kept."""

    revision: str
    counts: dict[str, int]
    kept: Path


def restore(engine: Engine, source: Path, kept: Path) -> Restored:
    """Replace the SQLite database of `engine` by the backup `source`; the database as it
    was goes into the new file `kept` first."""
    if engine.dialect.name != "sqlite":
        raise StoreError(
            msg("flowkit restore restores SQLite databases"),
            msg("restore PostgreSQL with its own tools: psql DBNAME < flowkit.sql"),
        )
    revision, counts = verified(source)
    if kept.exists():
        raise StoreError(msg("{target} exists; a backup never overwrites a file", target=kept))
    raw = engine.raw_connection()
    try:
        live: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        create_private(kept)  # customer data: readable by its owner only
        with closing(sqlite3.connect(kept)) as aside:
            live.backup(aside)
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            backup.backup(live)
        if _check(live) != ("ok", revision, counts):
            raise StoreError(
                msg(
                    "the restored database does not match {source}; the database as it was "
                    "is in {kept}",
                    source=source,
                    kept=kept,
                )
            )
    finally:
        raw.close()
    return Restored(revision, counts, kept)


def verified(source: Path) -> tuple[str, dict[str, int]]:
    """The backup's schema revision and row counts, or StoreError saying why it cannot be
    restored (missing, not SQLite, damaged, not flowkit's, from a newer flowkit)."""
    if not source.is_file():
        raise StoreError(msg("no backup file {file}", file=source))
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
            integrity, revision, counts = _check(backup)
    except sqlite3.DatabaseError as e:
        raise StoreError(
            msg("{file} is not a flowkit backup: {problem}", file=source, problem=str(e))
        ) from e
    if integrity != "ok":
        raise StoreError(
            msg(
                "{file} is damaged (SQLite's integrity check: {problem})",
                file=source,
                problem=integrity,
            )
        )
    if not (revision.isdigit() and revision <= HEAD):
        raise StoreError(
            msg(
                "{file} has schema {revision}, which this flowkit (schema {head}) does not know",
                file=source,
                revision=revision,
                head=HEAD,
            ),
            msg("restore it with the flowkit that made it, or a newer one"),
        )
    return revision, counts


def _check(db: sqlite3.Connection) -> tuple[str, str, dict[str, int]]:
    """Integrity, schema revision and row counts of a flowkit database (DatabaseError when
    it is not one)."""
    integrity = str(db.execute("PRAGMA integrity_check").fetchone()[0])
    revision = str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    counts = {}
    for table in COUNTED:  # names from the constant above, never from input
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        counts[table] = (
            int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) if exists else 0
        )
    return integrity, revision, counts
