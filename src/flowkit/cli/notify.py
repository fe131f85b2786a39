"""`flowkit notify`: one notification pass (cron), a dry run, a channel test, the log."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, lang_option, pass_session, say

if TYPE_CHECKING:
    from flowkit.messages import Message
    from flowkit.model import Org
    from flowkit.model.notify import NotifyConfig
    from flowkit.notify.records import PassReport, Sent


@click.group(invoke_without_command=True)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be sent to whom; send and record nothing."
)
@pass_session
@click.pass_context
def notify(ctx: click.Context, session: Session, *, dry_run: bool) -> None:
    """Send what is due: breaches, escalations, reminders and digests (one pass, for cron).

    Reads notify.yaml beside the processes (docs/notifications.md). Each notice goes
    once: a second run at the same time, or a run after one that was killed, sends
    nothing twice. Exit 1 when a channel failed (the others still sent).

    \b
    Example:
      flowkit notify --dry-run
      */5 * * * *  cd /srv/sales && flowkit notify
    """
    if ctx.invoked_subcommand is not None:
        if dry_run:
            raise click.UsageError("--dry-run goes with the pass itself: flowkit notify --dry-run")
        return
    from flowkit.errors import Findings
    from flowkit.notify import run_pass

    tracker = session.tracker()
    report = run_pass(tracker, _config(session), session.now(), dry_run=dry_run)
    _say_report(session, report)
    if report.failed:
        raise Findings()


@notify.command(name="test")
@click.argument("channel")
@click.option("--to", metavar="PERSON", help="For an email channel: whom to send it to.")
@lang_option("Language of the test message: zh-CN (default) or en.")
@pass_session
def test(session: Session, *, channel: str, to: str | None, lang: str | None) -> None:
    """Send a test message through CHANNEL (a channel id of notify.yaml).

    \b
    Example:
      flowkit notify test east-wecom
      flowkit notify test mail --to li.lei
    """
    from flowkit.errors import Findings
    from flowkit.messages import msg
    from flowkit.notify import send_test

    tracker = session.tracker()
    sent = send_test(
        tracker, _config(session), channel, session.now(), to=to, lang=session.language(lang)
    )
    if sent.ok:
        say(msg("sent a test message through {channel}", channel=channel))
        return
    say(msg("{channel} failed: {error}", channel=channel, error=sent.error), err=True)
    raise Findings()


@notify.command(name="log")
@click.option("--since", metavar="TIME", help="Notices changed from this time on (default 7 days).")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(["sending", "sent", "failed", "unknown"]),
    help="Only notices in this state (repeatable).",
)
@click.option("--last", type=click.IntRange(1), help="Only the last N notices.")
@format_option
@lang_option("Language of the column names: zh-CN (default) or en.")
@pass_session
def log(
    session: Session,
    *,
    since: str | None,
    states: tuple[str, ...],
    last: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """The notices sent, failing or unknown, newest first, and the failing channels.

    A notice `unknown` may have arrived: its run stopped, or the network timed out, after
    the message was handed over; it is never sent again (docs/notifications.md).

    \b
    Example:
      flowkit notify log
      flowkit notify log --state failed --state unknown --format csv > 通知异常.csv
    """
    from flowkit.lang.times import parse_time
    from flowkit.messages import msg
    from flowkit.notify import failing
    from flowkit.notify.passes import log as notices
    from flowkit.notify.passes import shown_state
    from flowkit.output.notices import notice_log_listing
    from flowkit.output.tracking import local_time

    tracker = session.tracker()
    now = session.now()
    start = parse_time(since, "--since") if since else now - timedelta(days=7)
    stored = [s for s in states if s != "unknown"] + (["sending"] if "unknown" in states else [])
    rows = notices(tracker, start, sorted(set(stored)), last)
    shown = [shown_state(r, now) for r in rows]
    if states:
        kept = [(r, s) for r, s in zip(rows, shown, strict=True) if s in states]
        rows, shown = [r for r, _ in kept], [s for _, s in kept]
    for channel in failing(tracker):
        say(
            msg(
                "channel {channel} failing since {since} ({n} failed deliveries): {error}",
                channel=channel["channel"],
                since=local_time(channel["since"]),
                n=channel["failures"],
                error=channel["error"],
            ),
            err=True,
        )
    org = tracker.people
    assert org is not None  # notices were planned from it
    emit(notice_log_listing(rows, shown, org, session.language(lang)), fmt)


def _config(session: Session) -> NotifyConfig:
    from flowkit.errors import InputError
    from flowkit.messages import msg

    definitions = session.tracker().definitions
    config = definitions.notify
    if config is None and definitions.notify_errors:
        from flowkit.tracking.definitions import InvalidDefinitions

        first = definitions.notify_errors[0]
        raise InvalidDefinitions(
            msg(
                "{where}: {problem} ({n} error(s); run flowkit validate)",
                where=first.loc,
                problem=first.message,
                n=len(definitions.notify_errors),
            ),
            definitions.notify_errors,
        )
    if config is None:
        raise InputError(
            msg("no notify.yaml beside the processes in {folder}", folder=session.processes),
            msg("declare channels and rules in notify.yaml (docs/notifications.md)"),
        )
    return config


def _say_report(session: Session, report: PassReport) -> None:
    from flowkit.messages import msg

    org = session.tracker().people
    for sent in report.sent:
        if report.dry_run:
            say(_heading(sent, org, "→"))
            for line in sent.text.rstrip().splitlines():
                click.echo(f"    {line}" if line else "")
        else:
            say(_heading(sent, org, "✓" if sent.ok else "✗"), err=not sent.ok)
    for missing in report.unrouted:
        say(
            msg(
                "not routed: {person}, {subject} ({reason})",
                person=missing.recipient,
                subject=missing.subject,
                reason=missing.reason,
            ),
            err=True,
        )
    messages = len(report.sent)
    notices = sum(s.notices for s in report.sent)
    if report.dry_run:
        say(msg("dry run: {m} message(s) with {n} notice(s) would be sent", m=messages, n=notices))
    else:
        failed = len(report.failed)
        say(
            msg(
                "{m} message(s) with {n} notice(s); {failed} failed; {settled} sent before",
                m=messages,
                n=notices,
                failed=failed,
                settled=report.settled,
            )
        )


def _heading(sent: Sent, org: Org | None, mark: str) -> Message:
    from flowkit.access.people import person_name
    from flowkit.messages import msg, words

    people = words(person_name(org, p) for p in sent.recipients)
    if sent.ok and sent.error:  # deferred by the channel's rate
        return msg(
            "{mark} {channel} to {people}: {error}",
            mark="…",
            channel=sent.channel,
            people=people,
            error=sent.error,
        )
    if not sent.ok:
        return msg(
            "{mark} {channel} to {people}: {n} notice(s), {error}",
            mark=mark,
            channel=sent.channel,
            people=people,
            n=sent.notices,
            error=sent.error,
        )
    return msg(
        "{mark} {channel} to {people}: {n} notice(s)",
        mark=mark,
        channel=sent.channel,
        people=people,
        n=sent.notices,
    )
