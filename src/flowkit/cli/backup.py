"""`flowkit backup` and `flowkit restore`: a consistent copy of the tracking database, for
cron, and bringing one back safely."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from flowkit.cli.session import Session, pass_session, say

if TYPE_CHECKING:
    from flowkit.store.crypto import Key


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--verify",
    is_flag=True,
    help="Restore TARGET into a scratch database and compare it with its manifest "
    "(an existing TARGET is verified, not overwritten).",
)
@pass_session
def backup(session: Session, *, target: Path, verify: bool) -> None:
    """Copy the database into TARGET, a new file, while others may write.

    The template asks for regular backups of customer data (定期备份数据). The copy
    is consistent even mid-write (SQLite's online backup; on PostgreSQL pg_dump from
    one snapshot), never overwrites a file, is readable by its owner only and keeps
    encrypted fields encrypted. Beside it, TARGET.manifest.json holds each table's row
    count and checksum (authenticated with the configured key). --verify restores the
    backup into a scratch database (a temporary file; on PostgreSQL a database created
    on the --db server and dropped after) and compares; with the key configured it also
    opens every encrypted value.

    \b
    Examples:
      flowkit backup backups/flowkit-$(date +%F).db --verify
      flowkit backup backups/flowkit-2026-12-01.db --verify   # check an older backup
    """
    from flowkit.messages import msg
    from flowkit.store import Store
    from flowkit.store.crypto import key_from_env
    from flowkit.store.verify import back_up

    key = key_from_env()
    if not (verify and target.exists()):
        store = Store.open(session.db, upgrade_schema=False)  # copied as it is, even if older
        try:
            size = back_up(store, target, key)
        finally:
            store.close()
        say(msg("backed up to {target} ({size:,} bytes)", target=target, size=size))
    if verify:
        _verify(target, key, session.db)


def _verify(target: Path, key: Key | None, db: str | None) -> None:
    from flowkit.errors import Findings
    from flowkit.messages import msg
    from flowkit.store.verify import verify

    done = verify(target, key, db)
    for problem in done.problems:
        say(msg("{target}: {problem}", target=target, problem=problem), err=True)
    if done.problems:
        say(msg("{target} does NOT restore as it was backed up", target=target), err=True)
        raise Findings()
    say(
        msg(
            "verified {target}: restored into a scratch database, {tables} tables and "
            "{rows:,} rows match its manifest",
            target=target,
            tables=done.tables,
            rows=done.rows,
        )
    )
    if done.opened is not None:
        say(
            msg(
                "every encrypted value of its {n:,} customer profiles opens with key {key}",
                n=done.opened,
                key=done.key_id,
            )
        )
    elif done.key_id is not None:
        say(
            msg(
                "its customer profiles are encrypted (key {key}); set FLOWKIT_KEY_FILE to "
                "check that they open",
                key=done.key_id,
            )
        )


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@pass_session
def restore(session: Session, *, source: Path) -> None:
    """Bring back the SQLite database from SOURCE, a file `flowkit backup` made.

    The backup is checked first (SQLite's integrity check, a schema this flowkit knows);
    the database as it is now is kept beside it (NAME.before-restore-TIME.db), then the
    backup is written in through SQLite itself — never a file copy, which a leftover
    -wal file would silently undo — and the result checked against the backup. An older
    backup's schema is brought up to date.

    \b
    Example:
      flowkit restore backups/flowkit-2026-12-01.db
    """
    from flowkit.messages import msg
    from flowkit.store import Store

    store = Store.open(session.db, upgrade_schema=False)  # replaced as it is
    try:
        live = Path(store.engine.url.database or "flowkit.db")
        stamp = session.now().strftime("%Y%m%dT%H%M%S")
        done = store.restore(
            source, live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}")
        )
    finally:
        store.close()
    Store.open(session.db).close()  # an older backup's schema, brought up to date
    say(
        msg(
            "restored {source}: {opportunities:,} opportunities, {customers:,} customers; "
            "the database as it was is kept in {kept}",
            source=source,
            opportunities=done.counts["instances"],
            customers=done.counts["customers"],
            kept=done.kept,
        )
    )
