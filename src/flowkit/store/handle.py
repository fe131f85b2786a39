"""The store a command holds: transactions through SQLAlchemy, and a direct way to read.

`Store.open` connects as it always has (the schema brought up to date), except for a
SQLite file already at the newest revision: that is told by one read through the
standard library's sqlite3 (`store.direct`), and SQLAlchemy's engine is made only when
something asks for it — a write, a `read()`, a past moment's status. A current status
reads through `reading()`, which on such a file is the direct reader and never imports
SQLAlchemy at all; on PostgreSQL, or any other file, it is a `Tx` like every read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flowkit.errors import ConflictError, FlowkitError, NotPermitted, StoreError
from flowkit.messages import msg

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Engine

    from flowkit.store.copies import Restored
    from flowkit.store.crypto import KeySource
    from flowkit.store.reading import Reads
    from flowkit.store.rows import NewLogEntry
    from flowkit.store.store import Tx


class Store:
    def __init__(
        self,
        engine: Engine | None = None,
        *,
        db: str | None = None,
        direct: sqlite3.Connection | None = None,
        keys: KeySource | None = None,
    ) -> None:
        """`engine`, or the database `db` to connect to on first use, read `direct`ly
        (a current SQLite file's connection, from `store.direct.current`) meanwhile.
        `keys` gives the data key of encrypted profiles when one is first needed (by
        default FLOWKIT_KEY_FILE or FLOWKIT_KEY: `store.crypto.key_from_env`)."""
        self._engine = engine
        self._db = db
        self._direct = direct
        self._direct_thread = threading.get_ident()  # a sqlite3 connection stays in its thread
        self._per_thread = threading.local()  # the others' own (a server's worker threads)
        self.keys = keys

    @classmethod
    def open(
        cls, db: str | None = None, upgrade_schema: bool = True, keys: KeySource | None = None
    ) -> Store:
        from flowkit.store import direct

        found = direct.current(db) if upgrade_schema else None
        if found is not None:
            return cls(db=db, direct=found, keys=keys)
        from flowkit.store.db import connect

        return cls(connect(db, upgrade_schema), keys=keys)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, connected (and the schema checked) on first use."""
        if self._engine is None:
            from flowkit.store.db import connect

            self._engine = connect(self._db)
        return self._engine

    def close(self) -> None:
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        if self._engine is not None:
            self._engine.dispose()

    def backup(self, target: Path) -> int:
        """A consistent copy of a SQLite database into the new file `target`, taken while
        others may be writing (SQLite's online backup); its size in bytes. PostgreSQL has
        its own tools for this."""
        import sqlite3

        from flowkit.private import create_private

        if self.engine.dialect.name != "sqlite":
            raise StoreError(
                msg("flowkit backup copies SQLite databases"),
                msg("back up PostgreSQL with its own tools: pg_dump DBNAME > flowkit.sql"),
            )
        source = self.engine.url.database or ""
        if not Path(source).is_file():
            raise StoreError(
                msg("no database file {file} to back up", file=source or msg("(in memory)"))
            )
        if target.exists():
            raise StoreError(
                msg("{target} exists; a backup never overwrites a file", target=target)
            )
        if not target.parent.is_dir():
            raise StoreError(
                msg(
                    "cannot write {target}: the folder {folder} does not exist",
                    target=target,
                    folder=target.parent,
                )
            )
        partial = target.with_name(f".{target.name}.partial")
        raw = self.engine.raw_connection()
        try:
            create_private(partial, replace=True)  # customer data: readable by its owner only
            copy = sqlite3.connect(partial)
            try:
                raw.driver_connection.backup(copy)  # type: ignore[union-attr]
            finally:
                copy.close()
            os.link(partial, target)  # fails rather than overwrite a file made meanwhile
        finally:
            raw.close()
            partial.unlink(missing_ok=True)
        return target.stat().st_size

    def restore(self, source: Path, kept: Path) -> Restored:
        """Replace this SQLite database by the backup `source`, verified before and after;
        the database as it was is kept in the new file `kept` (see `store.copies`)."""
        from flowkit.store.copies import restore

        return restore(self.engine, source, kept)

    @contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises. With
        `dry_run` it is rolled back anyway: a command does and checks all it would do
        (`import --dry-run`), and writes nothing."""
        from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

        from flowkit.store.store import Tx

        try:
            with self.engine.connect() as conn, conn.begin() as transaction:
                yield Tx(conn, self.keys)
                if dry_run:
                    transaction.rollback()
        except NotPermitted as e:
            self.log([e.entry])  # the refusal outlives the command's rolled-back work
            raise
        except IntegrityError as e:
            raise ConflictError(_CONFLICT, _RETRY) from e
        except OperationalError as e:
            # SQLite waited its 30 s for another writer; PostgreSQL its lock_timeout
            if any(said in str(e.orig).lower() for said in ("locked", "lock timeout")):
                raise ConflictError(_BUSY, _RETRY_LATER) from e
            raise StoreError(msg("database error: {problem}", problem=str(e.orig).strip())) from e
        except StatementError as e:  # a value refused while SQLAlchemy bound it (db._json)
            if isinstance(e.orig, FlowkitError):
                raise e.orig from e
            raise

    def login(self) -> tuple[str, bool] | None:
        """PostgreSQL's login of this connection, and whether it owns flowkit's tables or is
        a superuser (the administrators' login); None on SQLite, which has no logins."""
        if self._direct is not None or self.engine.dialect.name != "postgresql":
            return None
        from sqlalchemy import text

        query = text(
            "SELECT current_user, "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "OR coalesce((SELECT tableowner FROM pg_tables WHERE tablename = 'instances' "
            "AND schemaname = current_schema()) = current_user, false)"
        )
        with self.engine.connect() as conn:
            name, owner = conn.execute(query).one()
        return str(name), bool(owner)

    def sync_access(
        self, logins: list[tuple[str, str, bool]], reach: list[tuple[str, str, str]]
    ) -> bool:
        """PostgreSQL's row-security tables made to hold `logins` and `reach` (by the owner
        of the tables; see `store.security`); whether anything changed."""
        from flowkit.store.security import sync

        with self.engine.begin() as conn:
            return sync(conn, logins, reach)

    def log(self, entries: list[NewLogEntry]) -> None:
        """Append audit-log entries in a transaction of their own: a refusal, a read or an
        export (writes log theirs in their own transaction, `Tx.log`)."""
        with self.engine.begin() as conn:
            from flowkit.store.auditlog import AuditLogQueries

            AuditLogQueries(conn).add(entries)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        from flowkit.store.store import Tx

        try:
            with self.engine.connect() as conn:
                yield Tx(conn, self.keys)
        except NotPermitted as e:
            self.log([e.entry])  # a refused read is kept too: who looked for what
            raise

    @contextmanager
    def leading(self, name: str) -> Iterator[bool]:
        """Whether this process holds the lease `name` (a schedule several server workers
        share), until the block ends: PostgreSQL's session advisory lock, held on a
        connection kept for the purpose; on SQLite an exclusive lock on a file beside the
        database. Never waits: a process that does not get it is told False and may try
        again later (the holder may have stopped)."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            key = {"key": int.from_bytes(name.encode()[:7], "big")}
            with self.engine.connect() as conn:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar())
                conn.commit()
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                        conn.commit()
            return
        import fcntl

        path = Path(self.engine.url.database or "flowkit.db").with_suffix(f".{name}.lock")
        with open(path, "a") as held:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(held, fcntl.LOCK_UN)

    @contextmanager
    def reading(self, current: bool = True) -> Iterator[Reads]:
        """What a status reads, in one snapshot: directly from a current SQLite file when
        the moment asked about is now (`current`; a past moment needs the history queries,
        which only a `Tx` has), else a `Tx`."""
        direct = self._direct_here() if current else None
        if direct is not None:
            from flowkit.store.direct import DirectReader

            with DirectReader.snapshot(direct) as reader:
                yield reader
            return
        with self.read() as tx:
            yield tx

    def _direct_here(self) -> sqlite3.Connection | None:
        """The direct connection of this thread: the store's own in the thread that opened
        it, else one per thread, opened on first use (a web server reads from many)."""
        if self._direct is None or threading.get_ident() == self._direct_thread:
            return self._direct
        found: sqlite3.Connection | None = getattr(self._per_thread, "conn", None)
        if found is None:
            from flowkit.store import direct

            found = self._per_thread.conn = direct.current(self._db)
        return found


_CONFLICT = msg("another command changed this opportunity at the same time; nothing was written")
_RETRY = msg("run the command again: it will act on the current state")
_BUSY = msg(
    "the database is busy: another command kept it locked for 30 seconds; nothing was written"
)
_RETRY_LATER = msg("run the command again once the other one (an import, a backup) is done")
