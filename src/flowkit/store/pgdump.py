"""Backups of a PostgreSQL database: `flowkit backup` and `--verify` through PostgreSQL's
own pg_dump and pg_restore (each called in one function here), in their custom format.

- **Backing up.** One REPEATABLE READ transaction exports its snapshot, fingerprints every
  table of flowkit's schema in it (rows and a SHA-256 of their text, `fingerprint`), and
  pg_dump copies the schema from that same snapshot (`--snapshot`): the manifest describes
  exactly what the dump holds, however many commands wrote meanwhile. Row security is off
  for both (`row_security = off`): a login whose rows the policies would narrow is refused
  by PostgreSQL rather than given a partial backup. Encrypted fields stay sealed: the dump
  is of the stored values.
- **Verifying.** A scratch database (`flowkit_verify_…`, created by the login and dropped
  afterwards, whatever happens) receives the dump through pg_restore, in one transaction
  that stops at the first error; its tables are fingerprinted the same way and compared
  with the manifest, and with the key at hand every sealed value is opened.

The client tools must be of the server's major version or newer (pg_dump refuses an older
one, and says so). flowkit has no backup format of its own for PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.errors import StoreError
from flowkit.messages import msg
from flowkit.private import create_private

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

Fingerprint = dict[str, dict[str, Any]]  # table -> {"rows": n, "sha256": hex}
MAGIC = b"PGDMP"  # how a custom-format dump begins
# The text of a row the same on any server and session: what the fingerprint hashes.
_STABLE = (
    "SET LOCAL row_security = off",
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 3",
    "SET LOCAL bytea_output = 'hex'",
)


def is_dump(path: Path) -> bool:
    """Whether `path` is a pg_dump custom-format file."""
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def dump(engine: Engine, target: Path) -> tuple[Fingerprint, str]:
    """The schema flowkit's tables are in, copied into the new file `target` (private)
    from one snapshot; the fingerprint of that snapshot and the schema's name."""
    from sqlalchemy import text

    partial = target.with_name(f".{target.name}.partial")
    repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, conn.begin():
        snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        tables = fingerprint(conn, schema)
        create_private(partial, replace=True)  # customer data: its owner's only
        try:
            _tool(
                "pg_dump",
                ["--format=custom", f"--snapshot={snapshot}", f"--schema={schema}"],
                ["--no-owner", "--no-privileges", f"--file={partial}"],
                url=engine.url,
            )
            os.link(partial, target)  # fails rather than overwrite a file made meanwhile
        finally:
            partial.unlink(missing_ok=True)
    return tables, schema


def fingerprint(conn: Connection, schema: str) -> Fingerprint:
    """Per table of `schema`, its row count and a SHA-256 of its rows' text in order."""
    from sqlalchemy import text

    for statement in _STABLE:
        conn.execute(text(statement))
    names = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
        {"s": schema},
    )
    quote = conn.dialect.identifier_preparer.quote_identifier
    found: Fingerprint = {}
    for (table,) in names.all():  # names from the catalogue, quoted
        where = f"{quote(schema)}.{quote(table)}"
        rows = conn.execution_options(yield_per=1000).execute(
            text(f'SELECT t::text FROM {where} t ORDER BY t::text COLLATE "C"')
        )
        digest, count = hashlib.sha256(), 0
        for (row,) in rows:
            digest.update(row.encode("utf-8"))
            digest.update(b"\n")
            count += 1
        found[str(table)] = {"rows": count, "sha256": digest.hexdigest()}
    return found


class Scratch:
    """A database on `engine`'s server made for one verification, with the dump `backup`
    restored into it; dropped when the `with` block ends, however it ends."""

    def __init__(self, engine: Engine, backup: Path, schema: str) -> None:
        self.engine, self.backup, self.schema = engine, backup, schema
        self.name = f"flowkit_verify_{uuid.uuid4().hex[:12]}"

    @property
    def url(self) -> str:
        """The scratch database, with the restored schema first on the search path."""
        url = self.engine.url.set(database=self.name).update_query_dict(
            {"options": f"-csearch_path={self.schema}"}
        )
        return url.render_as_string(hide_password=False)

    def __enter__(self) -> Scratch:
        self._create()
        try:
            self._restore()
        except BaseException:
            self._drop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self._drop()

    def fingerprint(self) -> Fingerprint:
        from sqlalchemy import create_engine

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn, conn.begin():
                return fingerprint(conn, self.schema)
        finally:
            engine.dispose()

    def _create(self) -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        except DBAPIError as e:
            login = self.engine.url.username or "?"
            if getattr(e.orig, "sqlstate", None) == "42501":  # insufficient privilege
                raise StoreError(
                    msg(
                        "the login {login} may not create the scratch database a backup is "
                        "restored into to verify it",
                        login=login,
                    ),
                    msg(
                        "verify as a login that may (ALTER ROLE {login} CREATEDB, or the "
                        "administrators')",
                        login=login,
                    ),
                ) from e
            raise StoreError(
                msg("cannot create a scratch database: {problem}", problem=str(e.orig).strip())
            ) from e
        # a fresh database has a `public` schema; a dump of `public` creates it again
        self._in_scratch(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    def _restore(self) -> None:
        _tool(
            "pg_restore",
            ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"],
            [f"--dbname={self.name}", str(self.backup)],
            url=self.engine.url,
        )

    def _in_scratch(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()

    def _drop(self) -> None:
        from sqlalchemy import text

        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


def _tool(name: str, *args: list[str], url: URL) -> None:
    """Run PostgreSQL's `name` (pg_dump, pg_restore) as the login of `url`: its password
    and server through the environment, never on a command line others can read."""
    env = {**os.environ, **_libpq_env(url)}
    command = [name, *(a for part in args for a in part)]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as e:
        raise StoreError(
            msg("{tool} is not installed: flowkit backs PostgreSQL up with it", tool=name),
            msg("install PostgreSQL's client tools of the server's version (postgresql-client)"),
        ) from e
    if done.returncode != 0:
        raise StoreError(
            msg(
                "{tool} failed: {problem}",
                tool=name,
                problem=done.stderr.strip() or f"exit {done.returncode}",
            ),
            msg("its client tools must be of the server's major version or newer"),
        )


def _libpq_env(url: URL) -> dict[str, str]:
    found = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    return {k: str(v) for k, v in found.items() if v}
