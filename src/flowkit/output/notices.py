"""Notices in words: what a breach, a warning, an escalation or a digest says to a person,
in their language, short enough for a chat.

`compose` turns a delivery (`flowkit.notify.records`) into `Composed`: a title and, per
person told, blocks of lines — one block per notice, each line plain text with at most a
link and an emphasis, so each channel writes it in its own syntax (markdown for the chat
robots, plain text and HTML for email). A timer's block says what is late, the deadline
in working time and clock time, how late, the node's action standard in one line and
whom to contact, and links to the workspace when a base URL is configured. A customer's
contact person is shown only when the rule says so (`contacts: true`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING

from flowkit.i18n import translator
from flowkit.model import Org
from flowkit.notify.records import Delivery, Notice, Weekly, item_key
from flowkit.output.formats import Listing
from flowkit.output.tracking import span, worded_line
from flowkit.tracking.views import Alert

if TYPE_CHECKING:
    from flowkit.store import NoticeRow

DIGEST_ITEMS = 10  # items a digest lists before "… and N more"
FOLD = 3  # more new timers than this for one person in one message are listed, not spelled out


@dataclass(frozen=True)
class Line:
    """One line of a message: text, optionally a link and emphasis."""

    text: str
    url: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Block:
    """What one notice says (or several, listed together)."""

    notices: tuple[Notice, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Section:
    """What one person is told in a message (a group message has a section per person)."""

    recipient: str
    name: str
    mobile: str  # "" when org.yaml has none
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Composed:
    title: str
    lang: str
    sections: tuple[Section, ...]
    group: bool  # read by a whole group chat


@dataclass(frozen=True)
class Context:
    """What the words need besides the notices."""

    org: Org
    tz: tzinfo
    base_url: str = ""
    actions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    contacts: Mapping[str, str] = field(default_factory=dict)


def compose(delivery: Delivery, ctx: Context, group: bool, items: int = DIGEST_ITEMS) -> Composed:
    """The delivery's message in its language: a section per person told, a block per
    notice — or, past `FOLD` new timers of one person, one block listing them; a list
    shows at most `items` lines, then how many more."""
    lang = delivery.lang
    mine: dict[str, list[Notice]] = {}
    for notice in delivery.notices:
        mine.setdefault(notice.recipient, []).append(notice)
    people = tuple(
        Section(
            person,
            _name(ctx.org, person),
            _mobile(ctx.org, person),
            blocks(found, ctx, lang, items),
        )
        for person, found in mine.items()
    )
    return Composed(title(delivery, ctx.org), lang, people, group)


def blocks(
    notices: list[Notice], ctx: Context, lang: str, items: int = DIGEST_ITEMS
) -> tuple[Block, ...]:
    """One person's blocks: digests each on their own, timers each or listed together."""
    timers = [n for n in notices if n.kind in ("breach", "at-risk")]
    found = [block(n, ctx, lang, items) for n in notices if n not in timers]
    if len(timers) > FOLD:
        found.insert(0, Block(tuple(timers), folded_lines(timers, ctx, lang, items)))
    else:
        found[:0] = [block(n, ctx, lang, items) for n in timers]
    return tuple(found)


def title(delivery: Delivery, org: Org) -> str:
    """A message's title (an email's subject, a DingTalk message's title)."""
    t = translator(delivery.lang)
    kinds = {n.kind for n in delivery.notices}
    count = len(delivery.notices)
    if kinds == {"weekly"}:
        return t.gettext("Weekly team review")
    if kinds == {"daily"}:
        return t.gettext("Your work for today")
    breached = sum(1 for n in delivery.notices if n.kind == "breach")
    if breached:
        return t.ngettext("{n} deadline passed", "{n} deadlines passed", breached).format(
            n=breached
        )
    return t.ngettext("{n} deadline is near", "{n} deadlines are near", count).format(n=count)


def block(notice: Notice, ctx: Context, lang: str, items: int = DIGEST_ITEMS) -> Block:
    if notice.kind == "weekly" and notice.weekly is not None:
        return Block((notice,), weekly_lines(notice.weekly, ctx, lang, items))
    if notice.kind in ("daily", "weekly"):
        return Block((notice,), digest_lines(notice, ctx, lang, items))
    return Block((notice,), timer_lines(notice, ctx, lang))


def folded_lines(notices: list[Notice], ctx: Context, lang: str, items: int) -> tuple[Line, ...]:
    """Many new timers of one person at once: a count, then one line each (escalations
    say their level), worst first, at most `items`."""
    t = translator(lang)
    ranked = sorted(notices, key=lambda n: (n.kind != "breach", -n.items[0].late_clock))
    breached = sum(1 for n in notices if n.kind == "breach")
    head = t.gettext("{breached} overdue, {risk} due soon").format(
        breached=breached, risk=len(notices) - breached
    )
    found = [Line(head, strong=True)]
    for notice in ranked[:items]:
        line = _digest_line(worded_line(notice.items[0], lang), ctx, lang)
        if notice.level:
            line = Line(
                t.gettext("{line} (escalated, level {level})").format(
                    line=line.text, level=notice.level
                ),
                line.url,
            )
        found.append(line)
    found += _more(len(ranked) - items, ctx.base_url, "/workbench", lang)
    return tuple(found)


def timer_lines(notice: Notice, ctx: Context, lang: str) -> tuple[Line, ...]:
    """A breach, a warning or an escalation of one timer."""
    t = translator(lang)
    line = worded_line(notice.items[0], lang)
    what = f"{_subject(line)} · {line.node_name or line.node}"
    if notice.kind == "at-risk":
        head = t.gettext("[Due soon] {what}").format(what=what)
    elif notice.level:
        head = t.gettext("[Escalated, level {level}] {what}").format(level=notice.level, what=what)
    else:
        head = t.gettext("[Overdue] {what}").format(what=what)
    found = [Line(head, strong=True)]
    owner = _name(ctx.org, line.owner)
    due = _due(line, ctx.tz)
    found.append(
        Line(
            t.gettext("Owner {owner} · due {due} ({sla})").format(
                owner=owner, due=due, sla=line.sla
            )
        )
    )
    if line.breached:
        found.append(
            Line(
                t.gettext("Late by {business} of working time ({clock} by the clock)").format(
                    business=span(line.late_business, lang, line.day_length),
                    clock=span(line.late_clock, lang),
                )
            )
        )
    else:
        found.append(
            Line(
                t.gettext("{left} of working time left").format(
                    left=span(-line.late_business, lang, line.day_length)
                )
            )
        )
    key = (line.process_id, line.node) if line.instance_id else ("", f"{line.node}:{line.grade}")
    action = ctx.actions.get(key, "")
    if action:
        found.append(Line(t.gettext("Action standard: {action}").format(action=_one_line(action))))
    contact = _contact(notice, line, ctx, lang)
    if contact:
        found.append(Line(contact))
    if notice.contacts and item_key(notice.items[0]) in ctx.contacts:
        person = ctx.contacts[item_key(notice.items[0])]
        found.append(Line(t.gettext("Customer contact: {person}").format(person=person)))
    url = _url(ctx.base_url, line)
    if url:
        found.append(Line(_open_words(line, lang), url))
    return tuple(found)


def digest_lines(
    notice: Notice, ctx: Context, lang: str, items: int = DIGEST_ITEMS
) -> tuple[Line, ...]:
    """A person's (or a manager's team's) late and at-risk timers, worst first."""
    t = translator(lang)
    lines = sorted(notice.items, key=lambda a: (not a.breached, -a.late_clock))
    breached = sum(1 for a in lines if a.breached)
    head = t.gettext("{breached} overdue, {risk} due soon").format(
        breached=breached, risk=len(lines) - breached
    )
    found = [Line(head, strong=True)]
    for alert in lines[:items]:
        found.append(_digest_line(worded_line(alert, lang), ctx, lang))
    found += _more(len(lines) - items, ctx.base_url, "/workbench", lang)
    return tuple(found)


def weekly_lines(
    week: Weekly, ctx: Context, lang: str, items: int = DIGEST_ITEMS
) -> tuple[Line, ...]:
    """A team's week: breaches now, profile completeness, this week's spot-check sample."""
    t = translator(lang)
    found = [
        Line(
            t.gettext("{team}, week {week}").format(team=week.team_name, week=week.week),
            strong=True,
        )
    ]
    found.append(
        Line(
            t.gettext("Deadlines: {breached} overdue, {risk} due soon").format(
                breached=week.breached, risk=week.at_risk
            )
        )
    )
    for alert in week.worst[: min(items, 5)]:
        found.append(_digest_line(worded_line(alert, lang), ctx, lang))
    rate = 100.0 * week.complete / week.profiles if week.profiles else 100.0
    found.append(
        Line(
            t.gettext("Profile completeness: {complete} of {total} complete, {rate:.0f}%").format(
                complete=week.complete, total=week.profiles, rate=rate
            )
        )
    )
    for cid, name, owner, percent in week.incomplete[:5]:
        found.append(
            Line(
                t.gettext("- {name} ({owner}): {percent}%").format(
                    name=name, owner=_name(ctx.org, owner), percent=percent
                ),
                _join(ctx.base_url, f"/customers/{cid}"),
            )
        )
    found.append(
        Line(
            t.gettext("Spot check {week}: {n} of {population} profiles ({rate:.0f}%)").format(
                week=week.week, n=len(week.sample), population=week.population, rate=week.rate * 100
            )
        )
    )
    for cid, name, owner in week.sample[:items]:
        found.append(
            Line(
                t.gettext("- {name} ({owner})").format(name=name, owner=_name(ctx.org, owner)),
                _join(ctx.base_url, f"/customers/{cid}"),
            )
        )
    found += _more(len(week.sample) - items, ctx.base_url, "/team", lang)
    return tuple(found)


def test_message(channel: str, lang: str) -> Composed:
    """What `flowkit notify test CHANNEL` sends."""
    t = translator(lang)
    text = t.gettext("flowkit test message: channel {channel} works.").format(channel=channel)
    section = Section("", "", "", (Block((), (Line(text),)),))
    return Composed(t.gettext("flowkit test message"), lang, (section,), False)


# -- helpers --------------------------------------------------------------------------


def _digest_line(line: Alert, ctx: Context, lang: str) -> Line:
    t = translator(lang)
    what = f"{_subject(line)} · {line.node_name or line.node}"
    due = _due(line, ctx.tz)
    if line.breached:
        text = t.gettext("- [late {late}] {what}, due {due}").format(
            late=span(line.late_business, lang, line.day_length), what=what, due=due
        )
    else:
        text = t.gettext("- [due soon] {what}, due {due}").format(what=what, due=due)
    return Line(text, _url(ctx.base_url, line))


def _more(n: int, base_url: str, page: str, lang: str) -> list[Line]:
    if n <= 0:
        return []
    t = translator(lang)
    return [
        Line(t.ngettext("… and {n} more", "… and {n} more", n).format(n=n), _join(base_url, page))
    ]


def _contact(notice: Notice, line: Alert, ctx: Context, lang: str) -> str:
    """Whom to contact: the owner's manager for the owner, the owner for a manager."""
    t = translator(lang)
    if notice.recipient == line.owner:
        chain = [p for p in ctx.org.reports_to(line.owner) if p.active]
        if not chain:
            return ""
        return t.gettext("Questions: contact {person}").format(person=chain[0].name)
    return t.gettext("Contact the owner, {person}").format(person=_name(ctx.org, line.owner))


def _subject(line: Alert) -> str:
    """What the timer is about: the opportunity's name, or the customer's."""
    return line.name if line.instance_id else line.customer


def _open_words(line: Alert, lang: str) -> str:
    t = translator(lang)
    return t.gettext("Open the opportunity") if line.instance_id else t.gettext("Open the customer")


def _url(base_url: str, line: Alert) -> str:
    if line.instance_id:
        return _join(base_url, f"/opportunities/{line.instance_id}")
    return _join(base_url, f"/customers/{line.customer_id}") if line.customer_id else ""


def _join(base_url: str, path: str) -> str:
    return f"{base_url}{path}" if base_url else ""


def _due(line: Alert, tz: tzinfo) -> str:
    return _local(line.due_at, tz)


@cache
def _local_cached(instant: datetime, tz: tzinfo) -> str:
    return instant.astimezone(tz).strftime("%m-%d %H:%M")


def _local(instant: datetime, tz: tzinfo) -> str:
    return _local_cached(instant, tz)


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _name(org: Org, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person else person_id


def _mobile(org: Org, person_id: str) -> str:
    person = org.person(person_id)
    return (person.mobile or "").replace(" ", "").replace("-", "") if person else ""


NOTICE_LOG_COLUMNS = (
    "updated", "state", "kind", "level", "recipient", "channel", "title", "attempts", "error",
)  # fmt: skip


@cache
def notice_log_words(lang: str) -> dict[str, str]:
    """The column names of `flowkit notify log` in `lang`."""
    t = translator(lang)
    return {
        "updated": t.pgettext("notify-log", "When"),
        "state": t.pgettext("notify-log", "State"),
        "kind": t.pgettext("notify-log", "Kind"),
        "level": t.pgettext("notify-log", "Level"),
        "recipient": t.pgettext("notify-log", "To"),
        "channel": t.pgettext("notify-log", "Channel"),
        "title": t.pgettext("notify-log", "About"),
        "attempts": t.pgettext("notify-log", "Attempts"),
        "error": t.pgettext("notify-log", "Error"),
    }


@cache
def notice_state_words(lang: str) -> dict[str, str]:
    t = translator(lang)
    return {
        "sending": t.pgettext("notify-log", "sending"),
        "sent": t.pgettext("notify-log", "sent"),
        "failed": t.pgettext("notify-log", "failed"),
        "unknown": t.pgettext("notify-log", "unknown"),
        "breach": t.pgettext("notify-log", "breach"),
        "at-risk": t.pgettext("notify-log", "at risk"),
        "daily": t.pgettext("notify-log", "daily digest"),
        "weekly": t.pgettext("notify-log", "weekly digest"),
    }


def notice_log_listing(
    rows: Sequence[NoticeRow], states: Sequence[str], org: Org, lang: str
) -> Listing:
    """`flowkit notify log`: the notices newest first, each with its state as shown
    (`states`, a notice left sending long ago being unknown)."""
    from flowkit.output.tracking import local_time

    words = notice_state_words(lang)

    def rows_of(fmt: str) -> list[dict[str, str]]:
        table = fmt == "table"
        return [
            {
                "updated": local_time(r["updated_at"]) if table else r["updated_at"].isoformat(),
                "state": words.get(state, state) if table else state,
                "kind": words.get(r["kind"], r["kind"]) if table else r["kind"],
                "level": str(r["level"]),
                "recipient": _name(org, r["recipient"]) if table else r["recipient"],
                "channel": r["channel"],
                "title": r["title"],
                "attempts": str(r["attempts"]),
                "error": r["error"],
            }
            for r, state in zip(rows, states, strict=True)
        ]

    records = [{**r, "state": state} for r, state in zip(rows, states, strict=True)]
    return Listing(NOTICE_LOG_COLUMNS, notice_log_words(lang), rows=rows_of, records=records)
