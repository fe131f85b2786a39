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


@click.command()
@click.argument("person")
@click.option("--to", "target", required=True, metavar="PERSON", help="Who takes them over.")
@click.option("--customers-only", is_flag=True, help="Move the customers; leave the opportunities.")
@click.option("--dry-run", is_flag=True, help="List what would move; write nothing.")
@pass_session
def handover(
    session: Session, *, person: str, target: str, customers_only: bool, dry_run: bool
) -> None:
    """Hand a person's customers and open opportunities over to another (人员交接).

    When someone leaves (or changes teams), their customer profiles and their open and
    paused opportunities move to PERSON --to, in one transaction: each profile's history
    gets a line "handed over", each opportunity an `assigned` event, and their timers keep
    running. Closed opportunities stay with the person who worked them. Managers hand over
    within their team; the handover is in the audit log with its counts.

    \b
    Example:
      flowkit handover zhang.wei --to han.meimei --dry-run
      flowkit handover zhang.wei --to han.meimei
    """
    from flowkit.access.handover import hand_over
    from flowkit.access.holdings import owned
    from flowkit.cli.session import say
    from flowkit.messages import msg

    done = hand_over(
        session.tracker(),
        person,
        target,
        now=session.now(),
        customers_only=customers_only,
        dry_run=dry_run,
    )
    for moved in done.moved:
        if moved.kind == "customer":
            say(msg("  customer {id} {name}", id=moved.id, name=moved.name))
        else:
            say(msg("  opportunity {id} {name}", id=moved.id, name=moved.name))
    counts = owned(done.count("customer"), done.count("opportunity"))
    if dry_run:
        say(
            msg(
                "would hand {owned} of {person} over to {target} (dry run: nothing written)",
                owned=counts,
                person=person,
                target=target,
            )
        )
    else:
        say(
            msg(
                "handed {owned} of {person} over to {target}",
                owned=counts,
                person=person,
                target=target,
            )
        )
