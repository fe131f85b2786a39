"""`flowkit audit-log`: the audit log, for auditors, admins and managers (their team)."""

from __future__ import annotations

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, lang_option, pass_session


@click.command(name="audit-log")
@click.option("--since", metavar="TIME", help="Entries from this time on (e.g. 2026-12-01).")
@click.option("--until", metavar="TIME", help="Entries before this time.")
@click.option("--actor", multiple=True, metavar="PERSON", help="Only this person's (repeatable).")
@click.option(
    "--command", "commands", multiple=True, help="Only this command's, e.g. 'customer export'."
)
@click.option("--refused", is_flag=True, help="Only the refusals.")
@click.option("--last", type=click.IntRange(1), help="Only the last N entries.")
@format_option
@lang_option("Language of the column names: zh-CN (default) or en.")
@pass_session
def audit_log(
    session: Session,
    *,
    since: str | None,
    until: str | None,
    actor: tuple[str, ...],
    commands: tuple[str, ...],
    refused: bool,
    last: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Who did what, and what was refused: the append-only audit log (数据安全).

    Every write, every export (with its filter and row count) and every refusal, oldest
    first. An auditor or admin sees all of it, a manager what their team did and what was
    done to their team's records.

    \b
    Example:
      flowkit audit-log --since 2026-12-01 --command 'customer export'
      flowkit audit-log --refused --format csv > 拒绝记录.csv
    """
    from flowkit.access.auditlog import entries
    from flowkit.lang.times import parse_time
    from flowkit.output.tracking import audit_log_listing

    tracker = session.tracker()
    rows = entries(
        tracker.store,
        tracker.access,
        since=parse_time(since, "--since") if since else None,
        until=parse_time(until, "--until") if until else None,
        actors=actor,
        commands=commands,
        outcome="refused" if refused else None,
        limit=last,
    )
    emit(audit_log_listing(rows, session.language(lang)), fmt)
