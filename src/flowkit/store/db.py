"""Opening the database: an embedded SQLite file by default, PostgreSQL by URL.

The schema is brought to the newest Alembic revision when the store opens, so a fresh
folder needs no set-up step and an older database is upgraded in place. Alembic itself
is imported only then: a database already at `HEAD` is told by one read of its
`alembic_version` table, which keeps every command on an up-to-date database (nearly
all of them) from paying a tenth of a second to import it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.errors import StoreError
from flowkit.messages import msg

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

DEFAULT_FILE = "flowkit.db"
SQLITE_PREFIX = "sqlite:///"
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision under migrations/versions/: a new migration changes it (a test
# checks it against Alembic's own answer).
HEAD = "0005"


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
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        _check_folder(url)
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
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}  # wait for a concurrent writer, then retry
    return {"pool_pre_ping": True}


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
