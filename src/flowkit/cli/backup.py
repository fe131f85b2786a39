"""`flowkit backup`: a consistent copy of the tracking database, for cron."""

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
