"""`flowkit backup --verify`: a backup restored into a scratch database and compared, table
by table, with the manifest written when it was made.

A backup is only as good as the restore it allows. A PostgreSQL database is backed up and
verified through pg_dump and pg_restore (`store.pgdump`), with the same manifest and
comparison; what follows is SQLite's way. When `flowkit backup` copies the
database it also fingerprints the copy (per table: its rows and a SHA-256 over them in
rowid order) into `TARGET.manifest.json`, authenticated with an HMAC under a key derived
from the data key when one is configured (someone who changes the backup cannot then fix
the manifest to match). Verifying restores the backup through SQLite's backup API into a
scratch file (private, deleted afterwards), checks SQLite's integrity, fingerprints the
scratch copy and compares; when the profiles are encrypted and the key is at hand, it also
opens every sealed value, proving the backup can be read with the key. The backup's values
stay sealed throughout: nothing is written decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.errors import StoreError
from flowkit.messages import Message, msg
from flowkit.private import create_private, folder_missing
from flowkit.store.crypto import Key

if TYPE_CHECKING:
    from flowkit.store.handle import Store

FORMAT = 1
Fingerprint = dict[str, dict[str, Any]]  # table -> {"rows": n, "sha256": hex}


@dataclass(frozen=True)
class Verified:
    """What verifying a backup found: `problems` empty means it restores as it was made."""

    tables: int
    rows: int
    problems: list[Message] = field(default_factory=list)
    opened: int | None = None  # profiles whose sealed values opened; None: none opened
    key_id: str | None = None  # the key the backup's profiles are sealed with (None: clear)


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def fingerprint(db: sqlite3.Connection) -> Fingerprint:
    """Per table, its row count and a SHA-256 of its rows in rowid order."""
    tables = [
        str(r[0])
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    found: Fingerprint = {}
    for table in tables:  # names read from the database's own catalogue, quoted
        digest, rows = hashlib.sha256(), 0
        quoted = '"' + table.replace('"', '""') + '"'
        for row in db.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):
            digest.update(repr(tuple(row)).encode("utf-8"))
            digest.update(b"\n")
            rows += 1
        found[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return found


def back_up(store: Store, target: Path, key: Key | None) -> int:
    """A backup of the store's database into the new file `target`, and its manifest
    beside it: SQLite's online copy, or on PostgreSQL pg_dump's (`store.pgdump`). Its
    size in bytes."""
    if store.engine.dialect.name == "postgresql":
        from flowkit.store import pgdump

        refuse_existing(target)
        tables, schema = pgdump.dump(store.engine, target)
        _write(target, key, tables, {"dialect": "postgresql", "schema": schema})
        return target.stat().st_size
    size = store.backup(target)
    write_manifest(target, key)
    return size


def write_manifest(backup: Path, key: Key | None) -> None:
    """Fingerprint the SQLite backup just made, into its manifest (private, like the
    backup). The backup is opened immutable: a read-only WAL database would otherwise
    leave -wal and -shm files beside it."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)) as db:
        tables = fingerprint(db)
    _write(backup, key, tables, {})


def _write(backup: Path, key: Key | None, tables: Fingerprint, more: dict[str, str]) -> None:
    body: dict[str, Any] = {"format": FORMAT, "tables": tables, **more}
    body["mac"] = _mac(key, tables) if key else None
    path = manifest_path(backup)
    create_private(path, replace=True)
    path.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def verify(backup: Path, key: Key | None, db: str | None = None) -> Verified:
    """Restore `backup` into a scratch database and compare it with its manifest: a
    SQLite backup into a private temporary file, a PostgreSQL one into a database made
    for the purpose on the server of `db` (`store.pgdump`)."""
    manifest = _manifest(backup)
    expected: Fingerprint = manifest["tables"]
    problems: list[Message] = []
    if manifest.get("mac") and key is not None and manifest["mac"] != _mac(key, expected):
        problems.append(msg("the manifest does not authenticate with the configured key"))
    if manifest.get("dialect") == "postgresql":
        return _verify_dump(backup, key, db, manifest, problems)
    with tempfile.TemporaryDirectory(prefix="flowkit-verify-") as folder:
        scratch = Path(folder) / "restored.db"
        create_private(scratch)
        try:
            with (
                closing(sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)) as source,
                closing(sqlite3.connect(scratch)) as copy,
            ):
                source.backup(copy)
                integrity = str(copy.execute("PRAGMA integrity_check").fetchone()[0])
                found = fingerprint(copy)
        except sqlite3.DatabaseError as e:
            raise StoreError(
                msg("{file} is not a flowkit backup: {problem}", file=backup, problem=str(e))
            ) from e
        if integrity != "ok":
            problems.append(msg("SQLite's integrity check: {problem}", problem=integrity))
        problems += _compared(expected, found)
        opened, key_id = _opened(scratch, key) if not problems else (None, None)
    rows = sum(int(t["rows"]) for t in found.values())
    return Verified(len(found), rows, problems, opened, key_id)


def _verify_dump(
    backup: Path, key: Key | None, db: str | None, manifest: dict[str, Any], problems: list[Message]
) -> Verified:
    from sqlalchemy import create_engine

    from flowkit.store import pgdump
    from flowkit.store.db import database_url

    url = database_url(db)
    if not url.startswith("postgresql"):
        raise StoreError(
            msg(
                "{file} is a PostgreSQL backup: it is verified on a PostgreSQL server", file=backup
            ),
            msg("give --db postgresql://user@host:5432/dbname, a server to restore it on"),
        )
    if not pgdump.is_dump(backup):
        raise StoreError(msg("{file} is not a flowkit backup: not a pg_dump file", file=backup))
    engine = create_engine(url)
    try:
        with pgdump.Scratch(engine, backup, str(manifest.get("schema") or "public")) as scratch:
            found = scratch.fingerprint()
            problems += _compared(manifest["tables"], found)
            opened, key_id = _opened(scratch.url, key) if not problems else (None, None)
    finally:
        engine.dispose()
    rows = sum(int(t["rows"]) for t in found.values())
    return Verified(len(found), rows, problems, opened, key_id)


def refuse_existing(target: Path) -> None:
    """A backup is written only as a new file, into a folder that exists."""
    if target.exists():
        raise StoreError(msg("{target} exists; a backup never overwrites a file", target=target))
    missing = folder_missing(target)
    if missing is not None:
        raise StoreError(missing)


def _compared(expected: Fingerprint, found: Fingerprint) -> list[Message]:
    problems = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None or got is None:
            problems.append(msg("table {table} is missing from one side", table=table))
        elif want["rows"] != got["rows"]:
            problems.append(
                msg(
                    "table {table}: {found} rows restored, {expected} backed up",
                    table=table,
                    found=got["rows"],
                    expected=want["rows"],
                )
            )
        elif want["sha256"] != got["sha256"]:
            problems.append(msg("table {table}: the rows differ from the backup's", table=table))
    return problems


def _opened(scratch: Path | str, key: Key | None) -> tuple[int | None, str | None]:
    """How many profiles of the restored copy open with `key` (None: not encrypted);
    a missing or wrong key, or a value that does not authenticate, is the store's error."""
    from flowkit.store.customers import CustomerFilter
    from flowkit.store.handle import Store

    store = Store.open(str(scratch), upgrade_schema=False, keys=lambda: key)
    try:
        with store.read() as tx:
            if not _has(tx.conn, "encryption"):
                return None, None
            key_id = tx.customers.key_id()
            if key_id is None or key is None:  # plaintext; or sealed, and no key to open them
                return None, key_id
            rows = tx.customers.find(CustomerFilter(include_merged=True))
            for row in rows:
                tx.customers.changes(row["id"])
            return len(rows), key_id
    finally:
        store.close()


def _has(conn: Any, table: str) -> bool:
    return bool(conn.dialect.has_table(conn, table))


def _manifest(backup: Path) -> dict[str, Any]:
    if not backup.is_file():
        raise StoreError(msg("no backup file {file}", file=backup))
    path = manifest_path(backup)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise StoreError(
            msg(
                "{file} has no manifest {manifest} to verify it against",
                file=backup,
                manifest=path.name,
            ),
            msg("flowkit backup writes one beside each backup it makes"),
        ) from e
    except (OSError, ValueError) as e:
        raise StoreError(
            msg("cannot read the manifest {manifest}: {problem}", manifest=path, problem=str(e))
        ) from e
    if not isinstance(body, dict) or body.get("format") != FORMAT or "tables" not in body:
        raise StoreError(msg("{manifest} is not a flowkit backup manifest", manifest=path))
    return body


def _mac(key: Key, tables: Fingerprint) -> str:
    derived = hmac.new(key.raw, b"flowkit backup manifest", hashlib.sha256).digest()
    text = json.dumps(tables, sort_keys=True).encode("utf-8")
    return hmac.new(derived, text, hashlib.sha256).hexdigest()
