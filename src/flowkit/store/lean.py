"""The statements every opportunity command runs, run on SQLite's driver directly.

SQLAlchemy spends about 25 µs around each statement it executes (its compiled-cache
lookup, the bind processing set-up, the result object, the event dispatch); the driver
runs the same insert in 3 µs. An `advance` runs six statements, so on SQLite that was a
fifth of the command and the difference between 1,600 and 2,000 transitions a second
(issue 9, `bench/startup_bench.py transitions`).

These statements stay SQLAlchemy's: built with its Core, compiled by it for SQLite once
per set of keys given, their values converted by the columns' own bind and result
processors. Only the execution is the driver's, and what SQLAlchemy's execution does
besides is done here too: no text holds a NUL or a lone surrogate (`db.refuse_unstorable`,
the check every other statement gets from its listener), and a driver error is raised as
SQLAlchemy's own (`DBAPIError.instance`), so `Store.write` words a busy database or a broken
constraint the same either way. On PostgreSQL they run through SQLAlchemy as every other
statement does: a round trip to the server costs more than the difference.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import UpdateBase

from flowkit.store.db import refuse_unstorable

Params = Mapping[str, Any]
Process = Callable[[Any], Any]


class Lean:
    """One statement, compiled for SQLite once per set of keys its parameters carry."""

    def __init__(self, statement: UpdateBase | Select[Any]) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, ...], _Plan] = {}

    def run(self, conn: Connection, rows: Params | Sequence[Params]) -> int:
        """An insert or update for one row or, with the same keys each, for many; the rows
        it changed (an insert of one row: its new id)."""
        one = isinstance(rows, Mapping)
        given: list[Params] = [rows] if isinstance(rows, Mapping) else list(rows)
        if conn.dialect.name != "sqlite":
            result = conn.execute(self.statement, given[0] if one else given)
            if one and result.is_insert and result.inserted_primary_key:
                return int(result.inserted_primary_key[0])
            return int(result.rowcount)
        plan = self._plan(conn, tuple(given[0]))
        values = [plan.bound(row) for row in given]
        with _cursor(conn, plan.sql, values) as cursor:
            if not one:
                cursor.executemany(plan.sql, values)
                return int(cursor.rowcount)
            cursor.execute(plan.sql, values[0])
            return int(cursor.lastrowid if plan.sql.startswith("INSERT") else cursor.rowcount)

    def all(self, conn: Connection, params: Params) -> list[Sequence[Any]]:
        """A select's rows, each value as its column type reads it."""
        if conn.dialect.name != "sqlite":
            return list(conn.execute(self.statement, params).all())
        plan = self._plan(conn, tuple(params))
        values = plan.bound(params)
        with _cursor(conn, plan.sql, [values]) as cursor:
            found = cursor.execute(plan.sql, values).fetchall()
        if not plan.results:
            return found  # type: ignore[no-any-return]
        read: list[list[Any]] = [list(row) for row in found]
        for row in read:
            for i, process in plan.results:
                row[i] = process(row[i])
        return read  # type: ignore[return-value]

    def _plan(self, conn: Connection, keys: tuple[str, ...]) -> _Plan:
        plan = self._plans.get(keys)
        if plan is None:
            plan = self._plans[keys] = self._compile(conn, keys)
        return plan

    def _compile(self, conn: Connection, keys: tuple[str, ...]) -> _Plan:
        dialect = conn.dialect
        compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup or ())
        binds = [compiled.binds[name].type.dialect_impl(dialect) for name in names]
        selected = getattr(self.statement, "selected_columns", ())
        columns = [c.type.dialect_impl(dialect) for c in selected]
        return _Plan(
            compiled.string,
            itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],),
            _present((i, t.bind_processor(dialect)) for i, t in enumerate(binds)),
            {name: self._default(name, compiled.binds[name]) for name in names if name not in keys},
            _present((i, t.result_processor(dialect, None)) for i, t in enumerate(columns)),
        )

    def _default(self, column: str, bind: Any) -> Any:
        """The value of a parameter not given: a literal's of the statement itself, or
        the scalar default of a column an insert leaves out (as SQLAlchemy fills it in);
        a default computed otherwise is not run here."""
        table: Any = getattr(self.statement, "table", None)
        if table is not None and column in table.c:
            default = table.c[column].default
            if default is not None and default.is_scalar:
                return default.arg
        elif not bind.required:
            return bind.effective_value
        raise TypeError(f"{self.statement}: no value for {column}")


def begin_immediate(conn: Connection) -> None:
    """SQLite's write lock, taken now rather than at the first write (`Tx.serialize`)."""
    with _cursor(conn, "BEGIN IMMEDIATE", []) as cursor:
        cursor.execute("BEGIN IMMEDIATE")


class _Plan(NamedTuple):
    """A statement compiled for one set of keys: its SQL, its parameters in order, the
    positions whose column type converts them, the defaults of columns left out, and the
    positions of a select's rows whose column type converts them."""

    sql: str
    values: Callable[[Params], Sequence[Any]]
    processors: tuple[tuple[int, Process], ...]
    defaults: dict[str, Any]
    results: tuple[tuple[int, Process], ...]

    def bound(self, row: Params) -> list[Any]:
        """A row's values in the statement's order, as its column types store them,
        checked as every statement's parameters are."""
        values = list(self.values({**self.defaults, **row} if self.defaults else row))
        for i, process in self.processors:
            values[i] = process(values[i])
        refuse_unstorable(values)
        return values


@contextmanager
def _cursor(conn: Connection, sql: str, values: list[Any]) -> Iterator[Any]:
    """The driver's cursor of `conn`, closed after; a driver error raised as SQLAlchemy's."""
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        yield cursor
    except sqlite3.Error as e:
        raise DBAPIError.instance(sql, values, e, sqlite3.Error) from e
    finally:
        cursor.close()


def _present(pairs: Any) -> tuple[tuple[int, Process], ...]:
    return tuple((i, process) for i, process in pairs if process is not None)
