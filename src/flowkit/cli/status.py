"""The read-only tracking commands: `status`, `list` and `show`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from flowkit.cli.formats import emit, emit_page, format_option, page_format_option
from flowkit.cli.session import (
    OPPORTUNITY_ID,
    ROW_COUNT,
    Session,
    owner_filter,
    pass_session,
    said,
)
from flowkit.cli.session import lang_option as _lang_option

if TYPE_CHECKING:
    from flowkit.tracking import Tracker

lang_option = _lang_option(
    "Language of column names and words (default: flowkit --lang, else zh-CN), "
    "and of messages (else English)."
)


@click.command()
@owner_filter
@click.option("--lane", multiple=True, help="Only timers of nodes in this lane (repeatable).")
@click.option("--process", "process_id", help="Only this process.")
@click.option("--node", multiple=True, help="Only timers of this node (repeatable).")
@click.option("--breached", "only", flag_value="breached", help="Only breached timers.")
@click.option("--at-risk", "only", flag_value="risk", help="Only timers at risk, not yet breached.")
@click.option("--as-of", metavar="TIME", help="Answer for this moment instead of now.")
@click.option("--fail-on-breach", is_flag=True, help="Exit 1 when anything is breached (cron, CI).")
@click.option("--limit", type=ROW_COUNT, help="Show only the N worst (the summary counts all).")
@format_option
@lang_option
@pass_session
def status(
    session: Session,
    *,
    owner: tuple[str, ...],
    team: str | None,
    lane: tuple[str, ...],
    process_id: str | None,
    node: tuple[str, ...],
    only: str | None,
    as_of: str | None,
    fail_on_breach: bool,
    limit: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Breached and at-risk SLA timers, worst first, with a summary line.

    \b
    Example:
      flowkit status
      flowkit status --team east-1 --breached --format csv > late.csv
      flowkit --now 2026-12-01T09:00 status --fail-on-breach
    """
    from flowkit.errors import Findings
    from flowkit.lang.times import parse_time
    from flowkit.output import tracking
    from flowkit.store import StatusFilter
    from flowkit.tracking.alerting import paused_collector
    from flowkit.tracking.alerting import status_lines as query

    lang = session.language(lang)
    now = session.now()
    when = parse_time(as_of, "--as-of") if as_of else now
    where = StatusFilter(
        owners=session.owners(owner, team),
        process=process_id,
        nodes=node or None,
        states=("open",),
    )
    breached = {"breached": True, "risk": False}.get(only or "")
    tracker = session.tracker()
    with paused_collector():  # the lines, and then their cells: no cycles among them
        result = query(
            tracker,
            when,
            where,
            now=now,
            lanes=lane or None,
            breached=breached,
            customers=tracker.definitions.customers,
        )
        emit(tracking.status_listing(result, lang, limit), fmt)
    if tracker.definitions.notify is not None and when >= now:
        _warn_failing_channels(tracker)
    if fail_on_breach and result.breached:
        raise Findings()


def _warn_failing_channels(tracker: Tracker) -> None:
    """A notification channel failing since its last delivery, said after the status: the
    people it should reach are not being told (`flowkit notify log` says more)."""
    from flowkit.messages import msg
    from flowkit.notify import failing
    from flowkit.output.tracking import local_time

    for channel in failing(tracker):
        tracker.warnings.append(
            msg(
                "notification channel {channel} failing since {since}: {error}",
                channel=channel["channel"],
                since=local_time(channel["since"]),
                error=channel["error"],
            )
        )


@click.command(name="list")
@owner_filter
@click.option("--process", "process_id", help="Only this process.")
@click.option("--node", multiple=True, help="Only those at this node (repeatable).")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(["open", "paused", "won", "lost", "resolved"]),
    help="Only in this state (repeatable; default open and paused).",
)
@click.option("--all", "everything", is_flag=True, help="Every state, closed ones too.")
@click.option("--risk", "risk", flag_value=True, default=None, help="Only those flagged at risk.")
@click.option("--limit", type=ROW_COUNT, help="At most this many rows.")
@format_option
@lang_option
@pass_session
def list_(
    session: Session,
    *,
    owner: tuple[str, ...],
    team: str | None,
    process_id: str | None,
    node: tuple[str, ...],
    states: tuple[str, ...],
    everything: bool,
    risk: bool | None,
    limit: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """The progress tracking table (销售节点进度跟踪表) of opportunities.

    \b
    Example:
      flowkit list --owner li.lei
      flowkit list --all --format csv > 跟踪表.csv
    """
    from flowkit.output import tracking
    from flowkit.store import StatusFilter
    from flowkit.tracking import listing

    lang = session.language(lang)
    chosen = None if everything else (states or ("open", "paused"))
    where = StatusFilter(
        owners=session.owners(owner, team),
        process=process_id,
        nodes=node or None,
        states=chosen,
        risk=risk,
    )
    views = listing(session.tracker(), where, limit)
    emit(tracking.tracking_table(views, lang), fmt)


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@page_format_option
@lang_option
@pass_session
def show(session: Session, *, instance: int, fmt: str, lang: str | None) -> None:
    """One opportunity: its state, its timers with due times and why, its full history.

    \b
    Example:
      flowkit show 12
    """
    from flowkit.lang.times import zone
    from flowkit.output import tracking
    from flowkit.tracking import show as query

    # the deadlines' explanations in the language asked, else each process's own; their
    # instants in flowkit's zone (FLOWKIT_TZ), as every time a command shows
    view = query(
        session.tracker(), instance, session.now(), lang=session.chosen_lang(lang), tz=zone()
    )
    rules = session.tracker().customers
    methods = {m.id: m.label for m in rules.rules.methods} if rules is not None else {}
    emit_page(tracking.show_page(view, session.language(lang), session.now(), methods), fmt)


@click.command(name="on-time")
@click.option(
    "--by",
    type=click.Choice(["owner", "team", "process", "node"]),
    default="owner",
    show_default=True,
    help="One line per owner, team, process or process node.",
)
@click.option("--since", metavar="DATE", help="Start of the period (default: 30 days ago).")
@click.option("--until", metavar="DATE", help="End of the period (default: now).")
@owner_filter
@format_option
@lang_option
@pass_session
def on_time(
    session: Session,
    *,
    by: str,
    since: str | None,
    until: str | None,
    owner: tuple[str, ...],
    team: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """流程节点准时率: deadlines met on time, per owner, team, process or node.

    Counts the deadlines settled in the period (met: the node was done by its due
    instant; late: done, or the deal closed, after it) and those still open past their
    due instant at its end. A deadline counts for the person who did the step (advance
    --by), else for the opportunity's owner. Worst rate first; a line with nothing
    settled shows "-".

    \b
    Example:
      flowkit on-time --by team
      flowkit on-time --by node --since 2026-11-01 --format csv > 准时率.csv
    """
    from flowkit.output import tracking
    from flowkit.tracking.measures import on_time as query

    lang = session.language(lang)
    start, end = _period(session, since, until)
    lines = query(session.tracker(), by, start, end, session.owners(owner, team))
    emit(tracking.on_time_listing(lines, lang), fmt)


@click.command()
@click.argument("process_id", metavar="PROCESS")
@click.option("--since", metavar="DATE", help="Start of the period (default: 30 days ago).")
@click.option("--until", metavar="DATE", help="End of the period (default: now).")
@format_option
@lang_option
@pass_session
def funnel(
    session: Session,
    *,
    process_id: str,
    since: str | None,
    until: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Where deals stall or drop out: each stage of PROCESS, entered and moved on.

    For each node in declared order: how many opportunities entered it, moved on and
    were closed there in the period (default the last 30 days), how many sit there
    now and their amounts (合同金额). An end counts every deal that ended that way,
    closed from any stage (a deal lost at 线索初筛 is in 丢单). A decision routed by
    conditions counts what passed through it. Under the table: lead → won, of the
    opportunities started in the period.

    \b
    Example:
      flowkit funnel standard-sales
      flowkit funnel standard-sales --since 2026-10-01 --format csv > 漏斗.csv
    """
    from flowkit.output import tracking
    from flowkit.tracking.measures import funnel as query
    from flowkit.tracking.measures import lead_to_won

    lang = session.language(lang)
    start, end = _period(session, since, until)
    stages = query(session.tracker(), process_id, start, end)
    cohort = lead_to_won(session.tracker(), process_id, start, end)
    emit(tracking.funnel_listing(stages, lang, cohort), fmt)


def _period(session: Session, since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """--since/--until as instants: by default the 30 days up to now."""
    from flowkit.lang.times import parse_time

    end = parse_time(until, "--until") if until else session.now()
    start = parse_time(since, "--since") if since else end - timedelta(days=30)
    if start >= end:
        from flowkit.messages import msg

        raise click.BadParameter(
            said(msg("the period ends before it starts")), param_hint="--since"
        )
    return start, end
