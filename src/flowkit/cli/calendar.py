"""`flowkit calendar check | retime`: are open timers computed on real holiday data, and
moving them once it is installed."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, pass_session, said, say
from flowkit.messages import Message, msg

if TYPE_CHECKING:
    from flowkit.tracking.holidays import Retimed, TimerRef


@click.group()
def calendar() -> None:
    """Business calendars and the data behind them."""


@calendar.command()
@format_option
@pass_session
def check(session: Session, *, fmt: str) -> None:
    """List open timers whose due date depends on holiday data the calendar lacks.

    Only timers counted on working days (business time, 次日/T+N, 月底前, cadences
    paused over holidays) depend on it; a clock deadline (30天, 3个自然日) never
    does. Their due dates used the documented fallback (weekends and fixed-date
    holidays only) and may be wrong once the year's holidays are announced. Also
    lists the open deadlines computed so that the installed data now moves (a
    newer chinesecalendar, or the year's notice as a calendar file: then
    `flowkit calendar retime --apply`).

    Exit status, for cron: 0 nothing to do; 1 a timer to watch or to retime; 2 a
    usage or input error.

    \b
    Example:
      flowkit calendar check
      flowkit calendar check --format csv > 待重算.csv
    """
    from flowkit.errors import Findings
    from flowkit.output.tracking import holiday_check_listing
    from flowkit.tracking.holidays import disagreements, retime, uncovered

    tracker = session.tracker()
    tz = session.now().tzinfo
    found = uncovered(tracker, session.now())
    lines = []
    for item in found:
        due = item.due_at.astimezone(tracker.calendar(item.timer.calendar).tz)
        uncovered_line = msg(
            "{timer} due {due:%Y-%m-%d %H:%M} on calendar {calendar}: no holiday data for {year}",
            timer=_named(item.timer),
            due=item.due_at.astimezone(tz),
            calendar=item.timer.calendar,
            year=due.year,
        )
        lines.append(said(uncovered_line))
    stale = [r for r in retime(tracker, session.now()) if r.moved]
    for r in stale:
        stale_line = msg(
            "{timer}: computed on holiday data up to {year}, {move}",
            timer=_named(r.timer),
            year=r.data_until,
            move=_move(r, tz),
        )
        lines.append(said(stale_line))
    disagreeing = disagreements(tracker)
    for d in disagreeing:
        lines.append(
            said(
                msg(
                    "{file}: the {year} notice has {day} as {notice}, chinesecalendar as {data}",
                    file=d.file,
                    year=d.year,
                    day=d.day.isoformat(),
                    notice=_day_kind(d.notice_working),
                    data=_day_kind(d.data_working),
                )
            )
        )
    if not found and not stale and not disagreeing:
        lines.append(said(msg("every open timer falls in years with holiday data")))
    emit(holiday_check_listing(found, stale, lines, disagreeing), fmt)
    if found:
        say(msg("{n} open timer(s) fall in uncovered years", n=len(found)), err=True)
    if stale:
        say(
            msg(
                "{n} open timer(s) move with the installed holiday data: "
                "flowkit calendar retime --apply",
                n=len(stale),
            ),
            err=True,
        )
    if disagreeing:
        say(
            msg(
                "{n} day(s) differ between holiday notice files and chinesecalendar: check "
                "them against the notice, then correct the file or delete it (the package "
                "covers its year now)",
                n=len(disagreeing),
            ),
            err=True,
        )
    if found or stale or disagreeing:
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
    lines = [said(msg("{timer}: {move}", timer=_named(r.timer), move=_move(r, tz))) for r in moved]
    if not moved:
        lines.append(said(msg("no open deadline was computed on older holiday data")))
    elif apply_:
        lines.append(said(msg("{n} deadline(s) moved", n=len(moved))))
    else:
        lines.append(said(msg("{n} deadline(s) would move: --apply writes them", n=len(moved))))
    emit(retime_listing(moved, lines), fmt)


def _day_kind(working: bool) -> Message:
    return msg("a working day") if working else msg("a day off")


def _named(t: TimerRef) -> str:
    """A timer as data: the opportunity, its process, node and SLA as written."""
    return f"#{t.instance_id} {t.name} ({t.process_id}): {t.node} '{t.sla}'"


def _move(r: Retimed, tz: tzinfo | None) -> Message:
    def at(instant: datetime | None) -> str:
        return "-" if instant is None else f"{instant.astimezone(tz):%Y-%m-%d %H:%M}"

    return msg(
        "due {due} → {new_due} (warning {warn} → {new_warn})",
        due=at(r.due_at),
        new_due=at(r.new_due_at),
        warn=at(r.warn_at),
        new_warn=at(r.new_warn_at),
    )
