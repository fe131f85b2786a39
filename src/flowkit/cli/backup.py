"""`flowkit backup` and `flowkit restore`: a consistent copy of the tracking database, for
cron, and bringing one back safely."""

from __future__ import annotations

from pathlib import Path

import click

from flowkit.cli.session import Session, pass_session, say


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_session
def backup(session: Session, *, target: Path) -> None:
    """Copy the SQLite database into TARGET, a new file, while others may write.

    The template asks for regular backups of customer data (定期备份数据). The copy
    is consistent even mid-write (SQLite's online backup) and never overwrites a
    file. A PostgreSQL database is backed up with pg_dump instead.

    \b
    Example:
      flowkit backup backups/flowkit-$(date +%F).db
    """
    from flowkit.messages import msg
    from flowkit.store import Store

    store = Store.open(session.db, upgrade_schema=False)  # copied as it is, even if older
    try:
        size = store.backup(target)
    finally:
        store.close()
    say(msg("backed up to {target} ({size:,} bytes)", target=target, size=size))


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
