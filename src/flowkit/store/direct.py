"""Reading a current SQLite file through the standard library's sqlite3: no SQLAlchemy.

`flowkit status` on SQLite spends a fifth of its time importing SQLAlchemy for one
indexed query. This reader runs the status's statements on a file already at the
newest schema revision (`current`), so that command imports no database library but
sqlite3. The statements are still SQLAlchemy's, never written twice: each is built by
its function in `store.store` or `store.customers` (the `Tx` runs the same ones),
compiled for SQLite once — by SQLAlchemy, imported then and only then — and kept in the
compiled-definitions cache (`load.cache`), keyed by flowkit's code, so an upgraded or
edited flowkit compiles them again. What SQLAlchemy's types do to values on the way in
and out is done here by kind (`instant`, `bool`, `json`, `date`): an aware instant is
stored as UTC text and read back as an aware UTC datetime, exactly as `tables.Instant`
does (tests/store/test_direct.py holds both to it, row for row).

A list parameter (`owners IN (...)`) is kept as SQLAlchemy's marker and expanded here to
as many `?` as values; every list parameter of these statements is a condition of its
own in the WHERE clause, so an empty list matches no row and is not run at all.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import import_module
from typing import Any, Final, cast

from flowkit.store.db import HEAD, SQLITE_PREFIX, database_url
from flowkit.store.reading import (
    LiveAlert,
    StatusFilter,
    activity_rows,
    filter_params,
    owned_counts,
)
from flowkit.store.rows import (
    ActivityRow,
    ChannelFailure,
    CustomerAlertRow,
    LateEntryRow,
    PinnedVersion,
    TimerRow,
)

Row = tuple[Any, ...]

# The statements this reader runs, by name: the function that builds each (its arguments
# the statement's shape, a tuple of flags).
STATEMENTS: Final = {
    "live_alerts": ("flowkit.store.store", "live_alerts_query"),
    "timers_by_id": ("flowkit.store.store", "timers_by_id_query"),
    "pinned": ("flowkit.store.store", "pinned_query"),
    "open_by_owner": ("flowkit.store.store", "open_by_owner_query"),
    "customers_by_owner": ("flowkit.store.store", "customers_by_owner_query"),
    "customer_alerts": ("flowkit.store.customers", "customer_alerts_query"),
    "late_entries": ("flowkit.store.customers", "late_entries_query"),
    "failing_channels": ("flowkit.store.notices", "failing_channels_query"),
    "node_activity": ("flowkit.store.store", "node_activity_query"),
    "owners_at": ("flowkit.store.store", "owners_at_query"),
    "first_started": ("flowkit.store.store", "first_started_query"),
}
_MARKER: Final = "__[POSTCOMPILE_"
MMAP_SIZE: Final = 1 << 30


def current(db: str | None) -> sqlite3.Connection | None:
    """A connection to `db` when it is an existing SQLite file at the newest schema
    revision (`db.HEAD`); None for anything else (PostgreSQL, a new or older file, one
    that cannot be read), which SQLAlchemy then opens, upgrades or reports on."""
    url = database_url(db)
    if not url.startswith(SQLITE_PREFIX):
        return None
    path = url.removeprefix(SQLITE_PREFIX)
    if not path or path == ":memory:" or "?" in path or not os.path.isfile(path):
        return None
    try:
        # timeout: wait for a concurrent writer, as SQLAlchemy's connections do
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        found = []
    if found != [(HEAD,)]:
        conn.close()
        return None
    # Read the file through a memory map rather than a read() call per page: half of a
    # big status's time in SQLite was the kernel copying pages (SQLite caps the size it
    # maps; pages past it are read as before, and writers are unaffected).
    conn.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
    return conn


@dataclass(frozen=True)
class Compiled:
    """A statement as SQLAlchemy compiled it for SQLite, and how to run it.

    `parts`: the SQL text cut at each list parameter (one more part than `expanding`);
    `params`: every parameter in order, by name (a list parameter once); `expanding`:
    the list parameters in order; `constants`: the values the statement holds itself
    (as stored), by name; `binds`: the kind of each value given at run time;
    `kinds`: the kind of each result column."""

    parts: tuple[str, ...]
    params: tuple[str, ...]
    expanding: tuple[str, ...]
    constants: tuple[tuple[str, Any], ...]
    binds: tuple[tuple[str, str], ...]
    kinds: tuple[str, ...]


class DirectReader:
    """The status's reads (`store.reading.Reads`) on one SQLite connection, in one
    read transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.customers = _CustomerReads(self)

    @classmethod
    @contextmanager
    def snapshot(cls, conn: sqlite3.Connection) -> Iterator[DirectReader]:
        """Every read in one transaction: the statements see one state of the file."""
        conn.execute("BEGIN")
        try:
            yield cls(conn)
        finally:
            conn.execute("ROLLBACK")  # nothing was written; ends the read transaction

    def live_alerts(self, as_of: datetime, where: StatusFilter) -> Sequence[LiveAlert]:
        """The live alerts, their two converted columns (the due instant, always set
        past a warning, and the risk flag) converted in one comprehension: this is the
        status's tens of thousands of rows."""
        shape, values = filter_params(where)
        rows, _ = self._run("live_alerts", shape, {"as_of": as_of, **values}, convert=False)
        assert statement("live_alerts", shape).kinds == _LIVE_KINDS
        parse = datetime.fromisoformat
        return [
            (i, instance, node, kind, sla, cal, parse(due + "+00:00"), state, required, done,
             data, name, customer, owner, process, digest, risk == 1, note)
            for (i, instance, node, kind, sla, cal, due, state, required, done, data,
                 name, customer, owner, process, digest, risk, note) in rows
        ]  # fmt: skip

    def timers_by_id(self, timer_ids: Sequence[int]) -> Mapping[int, TimerRow]:
        found = self.records("timers_by_id", (), {"ids": list(timer_ids)})
        return {r["id"]: cast(TimerRow, r) for r in found}

    def pinned(self, digest: str) -> PinnedVersion | None:
        found = self.records("pinned", (), {"hash": digest})
        return cast(PinnedVersion, found[0]) if found else None

    def node_activity(
        self, process_id: str, node: str, since: datetime, until: datetime
    ) -> list[ActivityRow]:
        values = {"process": process_id, "node": node, "since": since, "until": until}
        return activity_rows(self.rows("node_activity", (), values))

    def owners_at(self, process_id: str, node: str) -> list[str]:
        return [r[0] for r in self.rows("owners_at", (), {"process": process_id, "node": node})]

    def first_started(self, process_id: str) -> datetime | None:
        found = self.rows("first_started", (), {"process": process_id})
        first: datetime | None = found[0][0] if found else None
        return first

    def holdings(self, owners: Sequence[str]) -> dict[str, tuple[int, int]]:
        values = {"owners": list(owners)}
        profiles = self.rows("customers_by_owner", (), values)
        deals = self.rows("open_by_owner", (), values)
        return owned_counts(profiles, deals)

    def failing_channels(self) -> list[ChannelFailure]:
        return cast(list[ChannelFailure], self.records("failing_channels", (), {}))

    def rows(self, name: str, shape: tuple[bool, ...], values: Mapping[str, Any]) -> list[Row]:
        """The rows of the statement `name` of this `shape` for these parameter values,
        each value as SQLAlchemy's types would give it."""
        return self._run(name, shape, values)[0]

    def records(
        self, name: str, shape: tuple[bool, ...], values: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The same as dicts by column name (the names SQLAlchemy's rows have)."""
        rows, names = self._run(name, shape, values)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _run(
        self, name: str, shape: tuple[bool, ...], values: Mapping[str, Any], convert: bool = True
    ) -> tuple[list[Row], tuple[str, ...]]:
        compiled = statement(name, shape)
        if any(not values[n] for n in compiled.expanding if n in values):
            return [], ()  # an empty list matches nothing (see the module's docstring)
        sql, params = _bound(compiled, values)
        cursor = self.conn.execute(sql, params)
        names = tuple(d[0] for d in cursor.description)
        converter = _converter(compiled.kinds) if convert else None
        rows = cursor.fetchall()
        return (rows if converter is None else list(map(converter, rows))), names


class _CustomerReads:
    def __init__(self, reader: DirectReader) -> None:
        self.reader = reader

    def alerts(
        self, as_of: datetime, owners: Sequence[str] | None, current: bool
    ) -> list[CustomerAlertRow]:
        assert current, "a past moment is read through a Tx (the history queries)"
        values: dict[str, Any] = {"as_of": as_of}
        if owners is not None:
            values["owners"] = list(owners)
        found = self.reader.records("customer_alerts", (owners is not None,), values)
        return cast(list[CustomerAlertRow], found)

    def late_entries(
        self, since: datetime, until: datetime, late_seconds: int
    ) -> list[LateEntryRow]:
        values = {"since": since, "until": until, "late_seconds": late_seconds}
        return cast(list[LateEntryRow], self.reader.records("late_entries", (), values))


# -- values in and out ------------------------------------------------------------------


def instant_text(value: datetime) -> str:
    """An aware instant as SQLite keeps it (`tables.Instant`, then SQLAlchemy's SQLite
    DATETIME): UTC, no offset, always with microseconds."""
    if value.tzinfo is None:
        raise ValueError("flowkit stores aware datetimes only")
    utc = value.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}"
    )


def stored_instant(text: str) -> datetime:
    """An instant read back from SQLite: its UTC text as an aware UTC datetime (the
    offset parsed with it: `replace(tzinfo=...)` takes keywords, and is slower than
    the parse)."""
    return datetime.fromisoformat(text + "+00:00")


_BIND: Final[dict[str, Callable[[Any], Any]]] = {"instant": instant_text, "bool": int}
_RESULT: Final[dict[str, Callable[[Any], Any]]] = {
    "instant": stored_instant,
    "bool": bool,
    "json": json.loads,
    "date": date.fromisoformat,
}
_CONVERTERS: dict[tuple[str, ...], Callable[[Row], Row] | None] = {}
_LIVE_KINDS: Final = (*("plain",) * 6, "instant", *("plain",) * 9, "bool", "plain")


def _converter(kinds: tuple[str, ...]) -> Callable[[Row], Row] | None:
    """A row's values as SQLAlchemy's types give them (None: all are as SQLite gives)."""
    if kinds not in _CONVERTERS:
        steps = tuple((i, _RESULT[kind]) for i, kind in enumerate(kinds) if kind != "plain")
        _CONVERTERS[kinds] = _steps(steps) if steps else None
    return _CONVERTERS[kinds]


def _steps(steps: tuple[tuple[int, Callable[[Any], Any]], ...]) -> Callable[[Row], Row]:
    def convert(row: Row) -> Row:
        values = list(row)
        for i, step in steps:
            value = values[i]
            if value is not None:
                values[i] = step(value)
        return tuple(values)

    return convert


def _bound(compiled: Compiled, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """The SQL text with each list parameter expanded, and the parameters in order."""
    kinds = dict(compiled.binds)
    known = dict(compiled.constants)
    params: list[Any] = []
    counts: dict[str, int] = {}
    for name in compiled.params:
        if name in known:
            value = known[name]
        else:
            convert = _BIND.get(kinds[name])
            value = values[name]
            if convert is not None:
                value = (
                    [convert(v) for v in value] if name in compiled.expanding else convert(value)
                )
        if name in compiled.expanding:
            counts[name] = len(value)
            params += value
        else:
            params.append(value)
    sql = compiled.parts[0]
    for name, part in zip(compiled.expanding, compiled.parts[1:], strict=True):
        sql += ", ".join("?" * counts[name]) + part
    return sql, params


# -- compiling, once per statement, shape and flowkit ----------------------------------

_COMPILED: dict[tuple[str, tuple[bool, ...]], Compiled] = {}


def statement(name: str, shape: tuple[bool, ...]) -> Compiled:
    """The statement `name` of this `shape`, compiled: from this process, else from the
    cache, else compiled now by SQLAlchemy (and kept)."""
    key = (name, shape)
    found = _COMPILED.get(key)
    if found is None:
        from flowkit.load import cache

        slot = cache.slot("sql", name, repr(shape))
        version = cache.content_key((), "sql", name, repr(shape))
        kept = cache.read(slot, version)
        if isinstance(kept, Compiled):
            found = kept
        else:
            found = compile_statement(name, shape)
            cache.write(slot, version, found)
        _COMPILED[key] = found
    return found


def compile_statement(name: str, shape: tuple[bool, ...]) -> Compiled:
    """Build the statement `name` of this `shape` and compile it for SQLite by SQLAlchemy."""
    from sqlalchemy.dialects import sqlite

    module, function = STATEMENTS[name]
    query = getattr(import_module(module), function)(*shape)
    dialect = sqlite.dialect()
    compiled = query.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    constants, binds, expanding = [], [], []
    for bind_name in dict.fromkeys(names):
        bind = compiled.binds[bind_name]
        if bind.expanding:
            expanding.append(bind_name)
        if bind.required:  # a value given at run time
            binds.append((bind_name, _kind(bind.type)))
        else:
            process = bind.type.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
            value = [process(v) for v in bind.value] if bind.expanding else process(bind.value)
            constants.append((bind_name, value))
    text = compiled.string
    parts = [text]
    for bind_name in expanding:  # in the order they appear in the text
        head, tail = parts[-1].split(f"{_MARKER}{bind_name}]", 1)
        parts[-1:] = [head, tail]
    return Compiled(
        parts=tuple(parts),
        params=names,
        expanding=tuple(expanding),
        constants=tuple(constants),
        binds=tuple(binds),
        kinds=tuple(_kind(column.type) for column in query.selected_columns),
    )


def _kind(sql_type: Any) -> str:
    """How a value of this SQLAlchemy type goes in and out (see the module's docstring)."""
    from sqlalchemy import JSON, Boolean, Date, Integer, String

    from flowkit.store.tables import Instant

    for kind, types in (
        ("instant", (Instant,)),
        ("bool", (Boolean,)),
        ("json", (JSON,)),
        ("date", (Date,)),
        ("plain", (Integer, String)),  # Text is a String
    ):
        if isinstance(sql_type, types):
            return kind
    raise TypeError(f"the direct SQLite reader has no conversion for {sql_type!r}")
