"""The store a command holds: transactions through SQLAlchemy, and a direct way to read.

`Store.open` connects as it always has (the schema brought up to date), except for a
SQLite file already at the newest revision: that is told by one read through the
standard library's sqlite3 (`store.direct`), and SQLAlchemy's engine is made only when
something asks for it — a write, a `read()`, a past moment's status. A current status
reads through `reading()`, which on such a file is the direct reader and never imports
SQLAlchemy at all; on PostgreSQL, or any other file, it is a `Tx` like every read.
"""

from __future__ import annotations

import copy
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

    from sqlalchemy import Connection, Engine

    from flowkit.store.copies import Restored
    from flowkit.store.crypto import KeySource
    from flowkit.store.reading import Reads
    from flowkit.store.rows import NewLogEntry
    from flowkit.store.security import Policies
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
        # Connected with a service login (the web server's pooled one, org.yaml's
        # `service_logins:`): each transaction names the person it is for
        # (`acting_for`), and PostgreSQL's policies hold it to that person's rows.
        self.service_login: str | None = None
        self._person: str | None = None

    @property
    def pooled(self) -> bool:
        """Connected with a service login: each transaction names its person."""
        return self.service_login is not None

    def acting_for(self, person: str) -> Store:
        """This store (its engine and connections) with each transaction naming `person`
        to PostgreSQL, when connected with a service login; else this store itself. A
        system account (`system:…`) is named as no one: on a service login it sees no row
        under the policies."""
        if not self.pooled:
            return self
        twin = copy.copy(self)
        twin._person = "" if person.startswith("system:") else person
        return twin

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
        from flowkit.store.verify import refuse_existing

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
        refuse_existing(target)
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
                self._name_person(conn)
                _hold_key(conn)
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

    def sync_access(self, wanted: Policies) -> bool:
        """PostgreSQL's row-security tables made to hold `wanted` (by the owner of the
        tables; see `store.security`); whether anything changed."""
        from flowkit.store.security import sync

        with self.engine.begin() as conn:
            return sync(conn, wanted)

    def log(self, entries: list[NewLogEntry]) -> None:
        """Append audit-log entries in a transaction of their own: a refusal, a read or an
        export (writes log theirs in their own transaction, `Tx.log`)."""
        with self.engine.begin() as conn:
            from flowkit.store.auditlog import AuditLogQueries

            self._name_person(conn)
            AuditLogQueries(conn).add(entries)

    def _name_person(self, conn: Connection) -> None:
        """On a service login, the person this transaction is for (`flowkit.person`, set
        for the transaction only, so a pooled connection carries nobody into the next)."""
        if self.pooled:
            from sqlalchemy import text

            conn.execute(
                text("SELECT set_config('flowkit.person', :person, true)"),
                {"person": self._person or ""},
            )

    @contextmanager
    def read(self) -> Iterator[Tx]:
        from flowkit.store.store import Tx

        try:
            with self.engine.connect() as conn:
                self._name_person(conn)
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

    def refresh_statistics(self) -> bool:
        """The query planner's statistics (ANALYZE) gathered when missing, and on SQLite
        again when the timers have since doubled or halved; whether they were. Without
        them the planner reads one consultant's timers through the index of all warned
        timers (25 ms for 500 deals among 100,000) instead of through their deals (2 ms).
        A server runs this at start and with each scheduled pass, so a long-lived database
        keeps a good plan; a full ANALYZE takes about 0.25 s per 100,000 deals. PostgreSQL's
        autovacuum keeps them current once it has run; until then (a database just
        loaded) nothing has been analysed, and the tables are analysed here."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    stale = _never_analysed(conn)
                elif conn.dialect.name == "sqlite":
                    stale = _sqlite_stale(conn)
                else:
                    return False
                if stale:
                    conn.exec_driver_sql(stale)
                    conn.commit()
                return bool(stale)
        except DBAPIError as e:  # a damaged file, say: the database's own words, exit 2
            raise StoreError(msg("database error: {problem}", problem=str(e.orig).strip())) from e

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


def _hold_key(conn: Connection) -> None:
    """On PostgreSQL, the first thing a write does: hold the key in use until it commits.

    A write reads which key the profiles are sealed with, then seals with it; were the key
    rotated in between, its values would be sealed with the old key after the rotation had
    re-sealed everything (and its blind index computed under the old one). A lock on the
    `encryption` table that only `keys rotate`/`keys encrypt` contend for (ROW SHARE
    against their EXCLUSIVE: `CustomerQueries.hold_for_reseal`) keeps the two apart: a
    write that began before a rotation finishes before it starts; one that begins during
    it waits, then reads the new key. Taken before anything else, so a write never holds
    a customer table a rotation is waiting for. SQLite has one writer at a time anyway."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import text

        conn.execute(text("LOCK TABLE encryption IN ROW SHARE MODE"))


_CONFLICT = msg("another command changed this opportunity at the same time; nothing was written")
_RETRY = msg("run the command again: it will act on the current state")
_BUSY = msg(
    "the database is busy: another command kept it locked for 30 seconds; nothing was written"
)
_RETRY_LATER = msg("run the command again once the other one (an import, a backup) is done")


def _sqlite_stale(conn: Connection) -> str:
    """ANALYZE when SQLite has no statistics, or the timers have doubled or halved since."""
    from sqlalchemy.exc import OperationalError

    counted = conn.exec_driver_sql("SELECT count(*) FROM timers").scalar() or 0
    try:
        stat = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'timers' LIMIT 1"
        ).scalar()
    except OperationalError:  # no sqlite_stat1 yet: never analysed
        stat = None
    recorded = int(str(stat).split()[0]) if stat else None
    if recorded is None and not counted:  # nothing to learn from no timers (a new file)
        return ""
    if recorded is not None and recorded // 2 <= counted <= recorded * 2:
        return ""
    return "ANALYZE"


def _never_analysed(conn: Connection) -> str:
    """ANALYZE of flowkit's tables when PostgreSQL has never analysed the timers (by hand
    or by autovacuum); a login that does not own them is skipped by PostgreSQL itself."""
    from flowkit.store.tables import metadata

    found = conn.exec_driver_sql(
        "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM pg_stat_user_tables"
        " WHERE relid = to_regclass('timers')"
    ).scalar()
    if not found:
        return ""
    quote = conn.dialect.identifier_preparer.quote
    return "ANALYZE " + ", ".join(quote(name) for name in sorted(metadata.tables))
