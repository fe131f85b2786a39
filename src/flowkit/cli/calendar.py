"""`flowkit calendar check`: are open timers computed on real holiday data?"""

from __future__ import annotations

import click

from flowkit.cli.session import Session, pass_session


@click.group()
def calendar() -> None:
    """Business calendars and the data behind them."""


@calendar.command()
@pass_session
def check(session: Session) -> None:
    """List open timers due in years the calendar's holiday data does not cover.

    Such due dates used the documented fallback (weekends and fixed-date holidays
    only) and may be wrong once the year's holidays are announced: upgrade
    chinesecalendar for timers started afterwards. Exit 1 when any.

    \b
    Example:
      flowkit calendar check
    """
    from flowkit.engine.coverage import uncovered

    found = uncovered(session.tracker(), session.now())
    for item in found:
        click.echo(
            f"#{item.instance_id} {item.name} ({item.process_id}): {item.node} "
            f"'{item.sla}' due {item.due_at.astimezone(session.now().tzinfo):%Y-%m-%d %H:%M} "
            f"on calendar {item.calendar}: no holiday data for {item.due_at.year}"
        )
    if found:
        click.echo(f"{len(found)} open timer(s) fall in uncovered years", err=True)
        raise SystemExit(1)
    click.echo("every open timer falls in years with holiday data")
