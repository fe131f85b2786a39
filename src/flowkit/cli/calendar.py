"""`flowkit calendar check | retime`: are open timers computed on real holiday data, and
moving them once it is installed."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, pass_session

if TYPE_CHECKING:
    from flowkit.tracking.holidays import Retimed, TimerRef


@click.group()
def calendar() -> None:
    """Business calendars and the data behind them."""


@calendar.command()
@format_option
@pass_session
def check(session: Session, *, fmt: str) -> None:
    """List open timers due in years the calendar's holiday data does not cover.

    Such due dates used the documented fallback (weekends and fixed-date holidays
    only) and may be wrong once the year's holidays are announced. Also lists the
    open deadlines that were computed so and that the installed data now moves
    (upgrade chinesecalendar, then `flowkit calendar retime --apply`). Exit 1 when
    any.

    \b
    Example:
      flowkit calendar check
      flowkit calendar check --format csv > 待重算.csv
    """
    from flowkit.errors import Findings
    from flowkit.output.tracking import holiday_check_listing
    from flowkit.tracking.holidays import retime, uncovered

    tracker = session.tracker()
    tz = session.now().tzinfo
    found = uncovered(tracker, session.now())
    lines = []
    for item in found:
        due = item.due_at.astimezone(tracker.calendar(item.timer.calendar).tz)
        lines.append(
            f"{_named(item.timer)} due {item.due_at.astimezone(tz):%Y-%m-%d %H:%M} "
            f"on calendar {item.timer.calendar}: no holiday data for {due.year}"
        )
    stale = [r for r in retime(tracker, session.now()) if r.moved]
    for r in stale:
        lines.append(
            f"{_named(r.timer)}: computed on holiday data up to {r.data_until}, {_move(r, tz)}"
        )
    if not found and not stale:
        lines.append("every open timer falls in years with holiday data")
    emit(holiday_check_listing(found, stale, lines), fmt)
    if found:
        click.echo(f"{len(found)} open timer(s) fall in uncovered years", err=True)
    if stale:
        click.echo(
            f"{len(stale)} open timer(s) move with the installed holiday data: "
            "flowkit calendar retime --apply",
            err=True,
        )
    if found or stale:
        raise Findings()


@calendar.command()
@click.option("--apply", "apply_", is_flag=True, help="Write the new instants (without: a plan).")
@format_option
@pass_session
def retime(session: Session, *, apply_: bool, fmt: str) -> None:
    """Move deadlines computed before the holiday data covered their year.

    After upgrading chinesecalendar (or another calendar's data), the open
    deadlines computed with the fallback are laid out again on the real holidays
    and 调休 days. Without --apply it only shows the plan; with it, each moved
    opportunity gets one `retimed` event in its history.

    \b
    Example:
      pip install -U chinesecalendar
      flowkit calendar retime
      flowkit calendar retime --apply
    """
    from flowkit.output.tracking import retime_listing
    from flowkit.tracking.holidays import retime as plan

    tz = session.now().tzinfo
    moved = [r for r in plan(session.tracker(), session.now(), apply=apply_) if r.moved]
    lines = [f"{_named(r.timer)}: {_move(r, tz)}" for r in moved]
    if not moved:
        lines.append("no open deadline was computed on older holiday data")
    elif apply_:
        lines.append(f"{len(moved)} deadline(s) moved")
    else:
        lines.append(f"{len(moved)} deadline(s) would move: --apply writes them")
    emit(retime_listing(moved, lines), fmt)


def _named(t: TimerRef) -> str:
    return f"#{t.instance_id} {t.name} ({t.process_id}): {t.node} '{t.sla}'"


def _move(r: Retimed, tz: tzinfo | None) -> str:
    def at(instant: datetime | None) -> str:
        return "-" if instant is None else f"{instant.astimezone(tz):%Y-%m-%d %H:%M}"

    return (
        f"due {at(r.due_at)} → {at(r.new_due_at)} (warning {at(r.warn_at)} → {at(r.new_warn_at)})"
    )
