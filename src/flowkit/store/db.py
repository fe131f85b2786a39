"""Opening the database: an embedded SQLite file by default, PostgreSQL by URL.

The schema is brought to the newest Alembic revision when the store opens, so a fresh
folder needs no set-up step and an older database is upgraded in place. Alembic itself
is imported only then: a database already at `HEAD` is told by one read of its
`alembic_version` table, which keeps every command on an up-to-date database (nearly
all of them) from paying a tenth of a second to import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.errors import InputError, StoreError
from flowkit.messages import msg

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

DEFAULT_FILE = "flowkit.db"
SQLITE_PREFIX = "sqlite:///"
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision under migrations/versions/: a new migration changes it (a test
# checks it against Alembic's own answer).
HEAD = "0016"


def database_url(db: str | None) -> str:
    """`db` as a SQLAlchemy URL: a URL is kept, anything else is a SQLite file path."""
    if db is None:
        db = DEFAULT_FILE
    if not db.strip():
        raise StoreError(msg("--db is empty: give a file path or a URL"), _URL_HINT)
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            url = "postgresql+psycopg://" + db.split("://", 1)[1]  # the driver flowkit ships
            if not _database_named(url):
                raise StoreError(
                    msg(
                        "{db} names no database (postgresql://user@host:5432/dbname)",
                        db=_safe(db),
                    ),
                    _URL_HINT,
                )
            return url
        return db
    return f"{SQLITE_PREFIX}{Path(db)}"


def _database_named(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return bool(make_url(url).database)
    except ArgumentError:
        return True  # create_engine says what is wrong with it


def connect(db: str | None, upgrade_schema: bool = True) -> Engine:
    """An engine with the schema up to date (unless `upgrade_schema` is False: a backup
    copies the database as it is); every failure is a StoreError with a hint."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    url = database_url(db)
    try:
        engine = create_engine(url, future=True, **_options(url))
    except (ArgumentError, NoSuchModuleError) as e:
        raise StoreError(
            msg("cannot use database {db}: {problem}", db=_safe(url), problem=str(e)), _URL_HINT
        ) from e
    except ImportError as e:  # a driver SQLAlchemy knows, not installed
        raise StoreError(
            msg(
                "cannot use database {db}: its driver {driver} is not installed",
                db=_safe(url),
                driver=e.name or "",
            ),
            msg("run `bash scripts/setup.sh` again (it installs psycopg, PostgreSQL's driver)"),
        ) from e
    event.listen(engine, "before_cursor_execute", _refuse_unstorable)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "do_connect", _private_file)
        _check_folder(url)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _lock_wait)
    try:
        if upgrade_schema and schema_revision(engine) != HEAD:
            upgrade(engine)
    except SQLAlchemyError as e:
        engine.dispose()
        problem = msg("cannot open database {db}: {problem}", db=_safe(url), problem=_first_line(e))
        raise StoreError(problem, _URL_HINT) from e
    except BaseException:  # a newer schema, say: no connection is left open either way
        engine.dispose()
        raise
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The database's Alembic revision, read from its `alembic_version` table as Alembic
    keeps it (None: a new database, or one whose revisions Alembic should sort out)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found[0] if len(found) == 1 else None


def upgrade(engine: Engine) -> None:
    """Run the Alembic migrations up to head, in-process, on one transaction."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table, drops it and renames the copy: with the
            # foreign keys on, dropping `instances` under its events fails. Off (outside
            # the transaction, the only place SQLite takes it), checked before commit.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                _upgrade(conn, config, head)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def _upgrade(conn: Connection, config: Config, head: str | None) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            msg(
                "the database has schema revision {revision}, newer than this flowkit knows",
                revision=current,
            ),
            msg("upgrade flowkit, or point --db at another database"),
        )
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise StoreError(msg("the upgrade would break references between tables; nothing changed"))


def _options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):  # wait for a concurrent writer, then retry
        return {"connect_args": {"timeout": LOCK_WAIT_S}, "json_serializer": _json}
    return {"pool_pre_ping": True, "json_serializer": _json}


# -- text no database keeps alike: one answer on both ----------------------------------------
# PostgreSQL refuses a NUL character in text (the driver raises at the statement: an internal
# error, exit 3), SQLite keeps it: the same `start --name`, `customer show` or field value was
# refused on one and kept on the other (issue 10). A lone surrogate (a byte of the command
# line that is not UTF-8, as Python reads it: '\udcff') ended in an internal error on both,
# or was kept inside JSON by SQLite. No text holds either on purpose (the spreadsheet reader
# and the YAML loader refuse them too), so every statement is checked before it reaches
# either database, and both refuse them as input errors.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_unstorable(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    """Before any statement runs: no parameter holds a NUL or a lone surrogate. Runs on
    every statement, so the common case (flat parameters, plain text) takes one regular
    expression search per text and no generator."""
    # one statement's values, or (executemany, and SQLAlchemy's batched inserts, which say
    # `many` of one flat row too) rows of them: nested values go through `_check`
    refuse_unstorable(parameters.values() if isinstance(parameters, dict) else parameters)


def refuse_unstorable(values: Iterable[Any]) -> None:
    """`_refuse_unstorable` for one statement's values (`store.lean` runs statements
    without the listener)."""
    for value in values:
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise _refused(value)
        elif isinstance(value, dict | list | tuple):
            _check(value)


def _check(value: Any) -> None:
    """`_refused` for the first text of a nested value holding a NUL or a lone surrogate,
    in `_texts`'s order: by calls rather than generators, as an executemany of 100,000
    rows goes through here row by row."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise _refused(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)


def _texts(value: Any) -> Iterator[str]:
    """Every text in a value (a JSON value, nested parameters), keys of mappings too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _json(value: Any) -> str:
    """JSON for a column (fields, profiles, event data), its texts checked as a plain
    column's are (json.dumps would write a NUL as \\u0000 and a surrogate as \\udcff, which
    SQLite keeps and PostgreSQL's JSON refuses or keeps, but no text should hold)."""
    import json

    text = json.dumps(value)
    if "\\u0000" in text or "\\ud" in text:
        for found in _texts(value):
            if _UNSTORABLE.search(found):
                raise _refused(found)
    return text


def _refused(value: str) -> InputError:
    shown = value if len(value) <= 60 else value[:57] + "..."
    if "\x00" in value:
        return InputError(
            msg("'{text}' holds a NUL character (\\x00); no text may hold one", text=shown),
            msg("leave the character out"),
        )
    return InputError(
        msg(
            "'{text}' holds a byte that is not UTF-8 text",
            text=shown.encode("utf-8", "backslashreplace").decode("utf-8"),
        ),
        msg("type it again in a UTF-8 terminal, or save the file as UTF-8"),
    )


# How long a command waits for a lock another command holds, on both databases: SQLite's
# busy timeout (`_options`), PostgreSQL's lock_timeout (`_lock_wait`). Past it the command
# is refused as "the database is busy" (`handle.write`), never left waiting for ever behind
# a stuck transaction on one database and refused on the other (issue 10).
LOCK_WAIT_S = 30


def _lock_wait(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"SET lock_timeout = '{int(LOCK_WAIT_S * 1000)}ms'")
    cursor.close()
    dbapi_conn.commit()  # a session setting: kept when the pool rolls a transaction back


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _check_folder(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not Path(path).parent.is_dir():
        raise StoreError(
            msg(
                "cannot create database {path}: folder {folder} is missing",
                path=path,
                folder=Path(path).parent,
            )
        )


def _private_file(_dialect: Any, _record: Any, cargs: Any, _cparams: Any) -> None:
    """Before SQLite opens a file (and creates it, with the umask's mode): a new database
    is created readable by its owner only, as it will hold customer data."""
    path = str(cargs[0]) if cargs else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        from flowkit.private import create_private

        create_private(path)


def _safe(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url


def _first_line(e: Exception) -> str:
    return str(getattr(e, "orig", None) or e).strip().splitlines()[0]


_URL_HINT = msg(
    "--db takes a file path (SQLite) or a URL such as postgresql://user@host:5432/dbname; "
    "FLOWKIT_DB sets the default"
)
