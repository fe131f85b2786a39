"""The tracking answers for people and tools: each command's `Listing` (or `Page`) for
`flowkit.output.formats` to write as a table, CSV or JSON, and the words and cells they use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from functools import cache, lru_cache
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, Any, NamedTuple

from flowkit.i18n import check_lang, translator
from flowkit.lang.times import zone
from flowkit.output.formats import Listing, Page, encode
from flowkit.output.width import pad
from flowkit.tracking.views import (
    Alert,
    InstanceView,
    OnTime,
    Stage,
    Status,
    StatusLines,
    TimerView,
)

if TYPE_CHECKING:
    from flowkit.store import LogEntryRow
    from flowkit.tracking.holidays import Disagreement, Retimed, Uncovered
    from flowkit.tracking.versions import Step


@cache
def opportunity_words(lang: str) -> dict[str, str]:
    """The column names and words of the opportunity tables (list, status, show) in `lang`."""
    t = translator(lang)
    return {
        "id": t.pgettext("opportunities", "ID"),
        "name": t.pgettext("opportunities", "Opportunity"),
        "customer": t.pgettext("opportunities", "Customer"),
        "node": t.pgettext("opportunities", "Current stage"),
        "amount": t.pgettext("opportunities", "Amount (yuan)"),
        "expected_close": t.pgettext("opportunities", "Expected close"),
        "next_action": t.pgettext("opportunities", "Next key action"),
        "owner": t.pgettext("opportunities", "Owner"),
        "risk": t.pgettext("opportunities", "Risk"),
        "risk_note": t.pgettext("opportunities", "Risk description"),
        "state": t.pgettext("opportunities", "State"),
        "lane": t.pgettext("opportunities", "Lane"),
        "sla": t.pgettext("opportunities", "SLA"),
        "due": t.pgettext("opportunities", "Due"),
        "late_business": t.pgettext("opportunities", "Overdue (business)"),
        "late_clock": t.pgettext("opportunities", "Overdue (clock)"),
        "due_uncertain": t.pgettext("opportunities", "Due date uncertain"),
        "yes": t.gettext("yes"),
        "no": t.gettext("no"),
        # an opportunity's state
        "open": t.pgettext("state", "open"),
        "paused": t.pgettext("state", "paused"),
        "won": t.pgettext("state", "won"),
        "lost": t.pgettext("state", "lost"),
    }


def summary(breached: int, at_risk: int, as_of: str, lang: str) -> str:
    """The line under `flowkit status`: how many breached and at risk, as of when."""
    message = translator(lang).gettext("{breached} breached, {at_risk} at risk (as of {as_of})")
    return message.format(breached=breached, at_risk=at_risk, as_of=as_of)


@cache
def show_words(lang: str) -> dict[str, str]:
    """The words of `flowkit show` (and of a profile's timers and history) by their code:
    timer states, history entries, their details and follow-up methods. A code not here
    (or a value people typed) is shown as it is."""
    t = translator(lang)
    return {
        # a timer's state
        "running": t.pgettext("timer", "running"),
        "paused": t.pgettext("timer", "paused"),
        "late": t.pgettext("timer", "late"),
        "met": t.pgettext("timer", "met"),
        "missed": t.pgettext("timer", "missed"),
        "stopped": t.pgettext("timer", "stopped"),
        # a history entry
        "started": t.pgettext("event", "started"),
        "entered": t.pgettext("event", "entered"),
        "completed": t.pgettext("event", "completed"),
        "routed": t.pgettext("event", "routed"),
        "follow_up": t.pgettext("event", "follow_up"),
        "delivered": t.pgettext("event", "delivered"),
        "event": t.pgettext("event", "event"),
        "risk": t.pgettext("event", "risk"),
        "assigned": t.pgettext("event", "assigned"),
        "updated": t.pgettext("event", "updated"),
        "resumed": t.pgettext("event", "resumed"),
        "closed": t.pgettext("event", "closed"),
        "migrated": t.pgettext("event", "migrated"),
        "retimed": t.pgettext("event", "retimed"),
        "imported": t.pgettext("event", "imported"),
        # what a history entry holds
        "method": t.pgettext("detail", "method"),
        "content": t.pgettext("detail", "content"),
        "feedback": t.pgettext("detail", "feedback"),
        "next_step": t.pgettext("detail", "next_step"),
        "by": t.pgettext("detail", "by"),
        "outcome": t.pgettext("detail", "outcome"),
        "reason": t.pgettext("detail", "reason"),
        "document": t.pgettext("detail", "document"),
        "owner": t.pgettext("detail", "owner"),
        "from": t.pgettext("detail", "from"),
        "flag": t.pgettext("detail", "flag"),
        "note": t.pgettext("detail", "note"),
        "was": t.pgettext("detail", "was"),
        "fields": t.pgettext("detail", "fields"),
        # a follow-up's method
        "phone": t.pgettext("follow-up", "phone"),
        "visit": t.pgettext("follow-up", "visit"),
        "email": t.pgettext("follow-up", "email"),
        "other": t.pgettext("follow-up", "other"),
        "True": t.pgettext("detail", "True"),
        "False": t.pgettext("detail", "False"),
    }


def _show_lines(lang: str) -> dict[str, str]:
    t = translator(lang)
    return {
        "waits": t.gettext("(waits for {anchor})"),
        "repeats": t.gettext("(×{count}, the last shown)"),
        "sla": t.gettext("SLA:"),
        "history": t.gettext("History:"),
    }


LIST_COLUMNS = (
    "id",
    "name",
    "customer",
    "node",
    "amount",
    "expected_close",
    "next_action",
    "owner",
    "risk",
    "risk_note",
    "state",
    "due",
)
# A due date computed without holiday data for its year is marked in the table (GUESS
# before it) and said in a column of its own in CSV (JSON: a field).
LIST_CSV_COLUMNS = (*LIST_COLUMNS, "due_uncertain")
GUESS = "≈"
STATUS_COLUMNS = (
    "id",
    "name",
    "customer",
    "node",
    "lane",
    "owner",
    "sla",
    "due",
    "late_business",
    "late_clock",
    "risk",
)
STATUS_CSV_COLUMNS = (*STATUS_COLUMNS, "due_uncertain")


def guess_note(lang: str) -> str:
    """The line under a table that marks guessed due dates: what the mark means."""
    return (
        translator(lang)
        .gettext(
            "{mark} due date computed without the holiday data of its year (weekends and "
            "fixed-date holidays only): it may move once the year's holidays are known; "
            "flowkit calendar check lists them"
        )
        .format(mark=GUESS)
    )


def listing_rows(
    views: Sequence[InstanceView], lang: str, fmt: str = "table"
) -> list[dict[str, str]]:
    w = opportunity_words(lang)
    return [
        {
            "id": str(v.id),
            "name": v.name,
            "customer": v.customer,
            "node": v.node_name,
            "amount": _amount(v.fields.get("amount")),
            "expected_close": v.expected_close.isoformat() if v.expected_close else "",
            "next_action": v.next_action,
            "owner": v.owner_name,
            "risk": w["yes"] if v.risk else w["no"],
            "risk_note": v.risk_note,
            "state": w.get(v.state, v.state),
            "due": _due_cell(v.due_at, v.due_uncertain, fmt),
            "due_uncertain": w["yes"] if v.due_uncertain else w["no"],
        }
        for v in views
    ]


def _due_cell(due: datetime | None, guess: bool, fmt: str) -> str:
    if due is None:
        return ""
    text = local_time(due)
    return f"{GUESS}{text}" if guess and fmt == "table" else text


def _amount(value: object) -> str:
    """合同金额 as the tables write it: 280000, no separators (a cell Excel reads as a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value}"


def worded(status: Status, lang: str) -> Status:
    """`status` with its customers' lines named in `lang`: the engine gives their kind
    (maintenance, review, upkeep) as the node, and the grade and allowed delay as data."""
    if not any(a.customer_id for a in status.alerts):
        return status
    return replace(status, alerts=tuple(worded_line(a, lang) for a in status.alerts))


def worded_line(line: Alert, lang: str) -> Alert:
    """A status line in `lang`: a customer's line named as `worded` names it."""
    if not line.customer_id:
        return line
    name, node_name, sla = _customer_words(line.node, line.grade, line.sla, lang)
    return line._replace(name=name, node_name=node_name, sla=sla)


def _customer_words(kind: str, grade: str, sla: str, lang: str) -> tuple[str, str, str]:
    """A customer line's name, node name and SLA in `lang`, from its kind (the node),
    its grade and the SLA the engine gives."""
    t = translator(lang)
    kind_name = customer_timer_names(lang).get(kind, kind)
    name = kind_name + (t.gettext(" (grade {grade})").format(grade=grade) if grade else "")
    if kind == "upkeep":  # the engine gives the allowed delay, canonical
        from flowkit.lang.sla import describe, parse_duration  # the parser: on first use

        within = describe(parse_duration(sla), check_lang(lang))
        sla = t.gettext("enter the follow-up within {within}").format(within=within)
    elif kind == "review":
        sla = t.pgettext("customer timer", "customer value review")
    return name, kind_name, sla


@cache
def customer_timer_names(lang: str) -> dict[str, str]:
    """What a customer's timers are called, by kind."""
    t = translator(lang)
    return {
        "maintenance": t.pgettext("customer timer", "maintenance"),
        "review": t.pgettext("customer timer", "review"),
        "upkeep": t.pgettext("customer timer", "late follow-up entry"),
    }


def status_cells(lines: Iterable[Alert], lang: str, fmt: str = "table") -> Iterator[list[str]]:
    """The cells of each status line in the order of `STATUS_COLUMNS` (the table), or of
    `STATUS_CSV_COLUMNS` (CSV): a guessed due date is marked in the table's due cell, and
    said in CSV's last column.

    Tens of thousands of lines share far fewer due minutes and lengths of lateness:
    each of those is worded once per call and looked up after that (`_Spans`)."""
    w = opportunity_words(lang)
    yes, no = w["yes"], w["no"]
    minutes = _LocalMinutes(zone())
    clock = _Spans(lang, 0)
    business: dict[timedelta, _Spans] = {}  # by working day
    csv = fmt == "csv"
    for (
        instance_id, name, customer, _, _, node_name, lane, _, owner_name, sla, kind, due,
        breached, late_clock, late_business, day_length, risk, note, required, done, key,
        lane_name, _, guess,
    ) in lines:  # fmt: skip
        spans = business.get(day_length)
        if spans is None:
            spans = business[day_length] = _Spans(lang, int(day_length.total_seconds()))
        late, overdue = int(late_business.total_seconds()), int(late_clock.total_seconds())
        if not breached and overdue == 0:  # at the due instant: on time, nothing left
            late, overdue = min(late, -1), -1
        when = minutes.get(int(due.timestamp() // 60)) or minutes.word(due)
        cells = [
            key or (str(instance_id) if instance_id else "-"),  # a routine is no deal's
            name,
            customer,
            node_name,
            lane_name or lane,
            owner_name,
            sla + (f" ({done}/{required})" if kind in ("cadence", "routine") else ""),
            GUESS + when if guess and not csv else when,
            spans.get(abs(late) // 60 * 2 + (late < 0)) or spans.word(late),  # `_minutes`
            clock.get(abs(overdue) // 60 * 2 + (overdue < 0)) or clock.word(overdue),
            (yes + (f": {note}" if note else "")) if risk else no,
        ]
        if csv:
            cells.append(yes if guess else no)
        yield cells


def _minutes(seconds: int) -> int:
    """What `_span` shows of a length depends on this only (with working days of whole
    minutes): its sign and its whole minutes. (`status_cells` writes it out.)"""
    return abs(seconds) // 60 * 2 + (seconds < 0)


class _Spans(dict[int, str]):
    """`_span(seconds, lang, workday)` of many lengths, each worded once and then looked
    up by `_minutes(seconds)`."""

    def __init__(self, lang: str, workday: int) -> None:
        super().__init__()
        self.lang, self.workday = lang, workday

    def word(self, seconds: int) -> str:
        found = _span(seconds, self.lang, self.workday)
        if not self.workday % 60:  # else never kept: not one of flowkit's calendars
            self[_minutes(seconds)] = found
        return found


class _LocalMinutes(dict[int, str]):
    """`local_time` of many instants: each UTC minute (`timestamp() // 60`) written once,
    when the zone's offset is whole minutes (so the minute alone decides the text)."""

    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def word(self, instant: datetime) -> str:
        local = instant.astimezone(self.tz)
        found = local.strftime("%Y-%m-%d %H:%M")
        if local.second == instant.second:  # a whole-minute offset
            self[int(instant.timestamp() // 60)] = found
        return found


def span(delta: timedelta, lang: str, workday: timedelta | None = None) -> str:
    """A signed length for people: '2天3小时' overdue, '剩余 5小时' still left; with
    `workday`, working time in working days: '8个工作日2小时'."""
    day = int(workday.total_seconds()) if workday else 0
    return _span(int(delta.total_seconds()), lang, day)


def _span(seconds: int, lang: str, workday: int) -> str:
    """`span` of whole seconds; `workday`: seconds in a working day (0: clock days).
    At most two parts are shown, so the words are kept by those parts: a status writes
    two spans a line, and tens of thousands of lines share a few thousand spans."""
    negative = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, workday or 86400)
    hours, rest = divmod(rest, 3600)
    minutes = 0 if days and hours else rest // 60
    key = (lang, negative, workday > 0, days, hours, minutes)
    found = _SPANS.get(key)
    if found is None:
        words = _span_words(lang)
        day_part = _business_days(lang, days) if workday else words.day
        parts = [(days, day_part), (hours, words.hour), (minutes, words.minute)]
        shown = [unit.format(n=n) for n, unit in parts if n][:2] or [words.minute.format(n=0)]
        text = shown[0] if len(shown) == 1 else words.pair.format(first=shown[0], second=shown[1])
        found = _SPANS[key] = words.left.format(span=text) if negative else text
    return found


_SPANS: dict[tuple[str, bool, bool, int, int, int], str] = {}


class _SpanWords(NamedTuple):
    day: str
    hour: str
    minute: str
    pair: str  # two parts of a length: '2天3小时', '2d 3h'
    left: str


@cache
def _span_words(lang: str) -> _SpanWords:
    """The units of `span` in `lang`, looked up once: a status table has two spans a row."""
    t = translator(lang)
    return _SpanWords(
        day=t.pgettext("span", "{n}d"),
        hour=t.pgettext("span", "{n}h"),
        minute=t.pgettext("span", "{n}m"),
        pair=t.pgettext("span", "{first} {second}"),
        left=t.pgettext("span", "left {span}"),
    )


@lru_cache(maxsize=1024)
def _business_days(lang: str, n: int) -> str:
    """'{n}个工作日', '{n} business day(s)': the plural form for `n` in `lang`."""
    return translator(lang).npgettext("span", "{n} business day", "{n} business days", n)


FUNNEL_COLUMNS = (
    "node",
    "name",
    "entered",
    "completed",
    "conversion",
    "median",
    "closed",
    "here",
    "value",
)


@cache
def funnel_words(lang: str) -> dict[str, str]:
    """The column names of `flowkit funnel` in `lang`."""
    t = translator(lang)
    return {
        "node": t.pgettext("funnel", "Node"),
        "name": t.pgettext("funnel", "Stage"),
        "entered": t.pgettext("funnel", "Entered"),
        "completed": t.pgettext("funnel", "Moved on"),
        "conversion": t.pgettext("funnel", "Moved on %"),
        "median": t.pgettext("funnel", "Median time in stage"),
        "closed": t.pgettext("funnel", "Closed here"),
        "here": t.pgettext("funnel", "Here now"),
        "value": t.pgettext("funnel", "Amount (yuan)"),
    }


def funnel_rows(stages: Sequence[Stage], fmt: str, lang: str) -> list[dict[str, str]]:
    """`flowkit funnel` lines; an end node (or one nobody entered) has no rate: "-"."""
    empty = "" if fmt == "csv" else "-"
    return [
        {
            "node": s.node,
            "name": s.name,
            "entered": str(s.entered),
            "completed": str(s.completed) if s.kind != "end" else empty,
            "conversion": empty if s.conversion is None else f"{100 * s.conversion:.1f}%",
            "median": empty if s.median_time is None else span(s.median_time, lang),
            "closed": str(s.closed) if s.kind != "end" else empty,
            "here": str(s.here) if s.kind != "end" else empty,
            "value": f"{s.value:.0f}" if fmt == "csv" else f"{s.value:,.0f}",
        }
        for s in stages
    ]


ON_TIME_COLUMNS = ("key", "name", "settled", "met", "missed", "rate", "overdue")


@cache
def on_time_words(lang: str) -> dict[str, str]:
    """The column names of `flowkit on-time` in `lang`."""
    t = translator(lang)
    return {
        "key": t.pgettext("on-time", "Key"),
        "name": t.pgettext("on-time", "Name"),
        "settled": t.pgettext("on-time", "Settled"),
        "met": t.pgettext("on-time", "On time"),
        "missed": t.pgettext("on-time", "Late"),
        "rate": t.pgettext("on-time", "On-time rate"),
        "overdue": t.pgettext("on-time", "Still overdue"),
    }


def on_time_rows(lines: Sequence[OnTime], fmt: str) -> list[dict[str, str]]:
    """`flowkit on-time` lines; a rate with nothing settled is "-" (empty in CSV)."""
    empty = "" if fmt == "csv" else "-"
    return [
        {
            "key": v.key,
            "name": v.name,
            "settled": str(v.met + v.missed),
            "met": str(v.met),
            "missed": str(v.missed),
            "rate": empty if v.rate is None else f"{100 * v.rate:.1f}%",
            "overdue": str(v.overdue),
        }
        for v in lines
    ]


AUDIT_LOG_COLUMNS = ("at", "actor", "command", "target", "owner", "outcome", "detail")


@cache
def audit_log_words(lang: str) -> dict[str, str]:
    """The column names of `flowkit audit-log` in `lang`."""
    t = translator(lang)
    return {
        "at": t.pgettext("audit-log", "When"),
        "actor": t.pgettext("audit-log", "Who"),
        "command": t.pgettext("audit-log", "Command"),
        "target": t.pgettext("audit-log", "Record"),
        "owner": t.pgettext("audit-log", "Owner"),
        "outcome": t.pgettext("audit-log", "Outcome"),
        "detail": t.pgettext("audit-log", "Detail"),
    }


def audit_log_listing(rows: Sequence[LogEntryRow], lang: str) -> Listing:
    """`flowkit audit-log`: the entries as they happened; JSON keeps each entry whole."""
    t = translator(lang)
    outcomes = {
        "done": t.pgettext("audit-log", "done"),
        "refused": t.pgettext("audit-log", "refused"),
    }

    def rows_of(fmt: str) -> list[dict[str, str]]:
        return [
            {
                "at": local_time(e["at"]) if fmt == "table" else e["at"].isoformat(),
                "actor": e["actor"],
                "command": e["command"],
                "target": e["target"],
                "owner": e["owner"],
                "outcome": outcomes.get(e["outcome"], e["outcome"])
                if fmt == "table"
                else e["outcome"],
                "detail": encode(e["detail"]) if e["detail"] else "",
            }
            for e in rows
        ]

    return Listing(AUDIT_LOG_COLUMNS, audit_log_words(lang), rows=rows_of, records=rows)


def local_time(instant: datetime) -> str:
    return instant.astimezone(zone()).strftime("%Y-%m-%d %H:%M")


def _runs(timers: Sequence[TimerView]) -> list[tuple[TimerView, int]]:
    """Consecutive cadence periods alike (node, state, count) as one line: an idle week of a
    daily cadence is one 'missed ×7', not seven lines."""
    out: list[tuple[TimerView, int]] = []
    for t in timers:
        last = out[-1][0] if out else None
        alike = (
            last is not None
            and t.kind == "cadence" == last.kind
            and ((t.node, t.state, t.done) == (last.node, last.state, last.done))
        )
        if alike:
            out[-1] = (t, out[-1][1] + 1)
        else:
            out.append((t, 1))
    return out


def instance_text(
    v: InstanceView, lang: str, now: datetime, methods: Mapping[str, str] | None = None
) -> str:
    """`flowkit show`: the tracking-table facts, then timers (with why), then history."""
    w = opportunity_words(lang)
    lines = [
        f"#{v.id} {v.name} — {v.customer}",
        f"  {v.process_name} ({v.process_id} {v.process_version})",
        f"  {w['node']}: {v.node_name}  {w['state']}: {w.get(v.state, v.state)}"
        f"  {w['owner']}: {v.owner_name} ({v.owner})",
        f"  {w['expected_close']}: {v.expected_close or '-'}  {w['next_action']}: "
        f"{v.next_action or '-'}",
        f"  {w['risk']}: {w['yes'] if v.risk else w['no']}"
        + (f" — {v.risk_note}" if v.risk_note else ""),
    ]
    if v.fields:
        lines.append("  " + ", ".join(f"{k}={val}" for k, val in v.fields.items()))
    said, heads = show_words(lang), _show_lines(lang)

    def word(value: object) -> str:
        if isinstance(value, dict):  # the fields an opportunity started with
            return "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
        return said.get(str(value), str(value))

    if v.timers:
        lines.append("")
        lines.append(heads["sla"])
    guessed = False
    for t, repeats in _runs(v.timers):
        due = local_time(t.due_at) if t.due_at else heads["waits"].format(anchor=t.anchor)
        if t.uncertain and t.state in ("running", "paused", "late"):
            due, guessed = GUESS + due, True
        count = f" {t.done}/{t.required}" if t.kind == "cadence" else ""
        late = ""
        if t.due_at and t.state == "running":
            left = now - t.due_at  # overdue, or what is left (none at the due instant)
            late = "  " + span(left if left else timedelta(seconds=-1), lang)
        more = "  " + heads["repeats"].format(count=repeats) if repeats > 1 else ""
        lines.append(f"  [{word(t.state)}] {t.node_name}: {t.sla}{count} → {due}{late}{more}")
        lines += [f"      {line}" for line in t.why]
    if guessed:
        lines.append("  " + guess_note(lang))
    lines.append("")
    lines.append(heads["history"])
    for e in v.history:
        detail = ", ".join(
            f"{word(k)}={_method(val, said, methods) if k == 'method' else word(val)}"
            for k, val in e.data.items()
            if val not in (None, "", {})
        )
        kind, node = pad(word(e.kind), 10), pad(e.node_name or e.node or "", 12)
        lines.append(f"  {e.seq:>3} {local_time(e.at)} {kind} {node} {detail}")
    return "\n".join(lines) + "\n"


def _method(value: object, said: Mapping[str, str], methods: Mapping[str, str] | None) -> str:
    """A follow-up's method: a built-in one's word in the language asked (电话), else the
    label customers.yaml gives it (微信 for wechat), else its id."""
    text = str(value)
    return said.get(text) or (methods or {}).get(text, text)


def status_listing(result: Status | StatusLines, lang: str, limit: int | None = None) -> Listing:
    """`flowkit status`: the `limit` worst alerts (all by default) in every format; the
    counts (JSON's `breached`/`at_risk`, the table's summary line) always count them all.
    The customers' lines are worded in `lang` first (the engine gives their kind as data)."""
    if isinstance(result, Status):
        result = StatusLines(result.as_of, result.alerts, result.breached, result.at_risk)
    lines = result.lines[:limit]
    if any(line.customer_id for line in lines):
        lines = [worded_line(line, lang) for line in lines]
    as_of = result.as_of.strftime("%Y-%m-%d %H:%M %z")
    footer = summary(result.breached, result.at_risk, as_of, lang)
    if any(line.uncertain for line in lines):
        footer += "\n" + guess_note(lang)
    return Listing(
        STATUS_COLUMNS,
        opportunity_words(lang),
        rows=lambda fmt: (
            dict(zip(STATUS_CSV_COLUMNS if fmt == "csv" else STATUS_COLUMNS, c, strict=True))
            for c in status_cells(lines, lang, fmt)
        ),
        grid=lambda fmt: status_cells(lines, lang, fmt),
        encoded=lambda: _alert_records(lines),
        head={"as_of": result.as_of, "breached": result.breached, "at_risk": result.at_risk},
        key="alerts",
        footer=footer,
        csv_columns=STATUS_CSV_COLUMNS,
    )


# An alert for JSON, as it was before the grade had a field of its own (a customer line's
# grade is in its worded name): `Alert`'s other fields in order, written as the C encoder
# writes them (tests/output/test_status_output.py holds the two together). The fields
# from the process to the kind, and those after the lateness, are alike on many lines:
# each such run is written once (`_MIDDLE`, `_TAIL`).
_ALERT_JSON = (
    '{"instance_id":%d,"name":%s,"customer":%s,%s,"due_at":"%s","breached":%s,'
    '"late_clock":%r,"late_business":%r,%s}'
)
_MIDDLE = (
    '"process_id":%s,"node":%s,"node_name":%s,"lane":%s,"owner":%s,"owner_name":%s,'
    '"sla":%s,"kind":%s'
)
_TAIL = (
    '"day_length":%r,"risk":%s,"risk_note":%s,"required":%d,"done":%d,"customer_id":%s,'
    '"lane_name":%s,"uncertain":%s'
)


def _alert_records(lines: Iterable[Alert]) -> Iterator[str]:
    """Each status line as its JSON record: `encode` of its fields but the grade."""
    middles: dict[tuple[str, ...], str] = {}
    tails: dict[tuple[object, ...], str] = {}
    for (
        instance_id, name, customer, process_id, node, node_name, lane, owner, owner_name,
        sla, kind, due, breached, late_clock, late_business, day_length,
        risk, risk_note, required, done, customer_id, lane_name, _, guess,
    ) in lines:  # fmt: skip
        key = (process_id, node, node_name, lane, owner, owner_name, sla, kind)
        middle = middles.get(key)
        if middle is None:
            middle = middles[key] = _MIDDLE % tuple(map(_string, key))
        end = (day_length, risk, risk_note, required, done, customer_id, lane_name, guess)
        tail = tails.get(end)
        if tail is None:
            tail = tails[end] = _TAIL % (
                day_length.total_seconds(),
                "true" if risk else "false",
                _string(risk_note),
                required,
                done,
                _string(customer_id),
                _string(lane_name),
                "true" if guess else "false",
            )
        yield _ALERT_JSON % (
            instance_id,
            _string(name),
            _string(customer),
            middle,
            due.isoformat(),
            "true" if breached else "false",
            late_clock.total_seconds(),
            late_business.total_seconds(),
            tail,
        )


def tracking_table(views: Sequence[InstanceView], lang: str) -> Listing:
    """`flowkit list`: the progress tracking table; JSON has each opportunity whole."""
    return Listing(
        LIST_COLUMNS,
        opportunity_words(lang),
        rows=lambda fmt: listing_rows(views, lang, fmt),
        records=views,
        csv_columns=LIST_CSV_COLUMNS,
        footer=guess_note(lang) if any(v.due_uncertain for v in views) else "",
    )


def show_page(
    view: InstanceView, lang: str, now: datetime, methods: Mapping[str, str] | None = None
) -> Page:
    """`flowkit show`: one opportunity, with its timers and history; a follow-up's method
    by its word in `lang`, or its label in `methods` (those customers.yaml declares)."""
    return Page(text=lambda: instance_text(view, lang, now, methods), record=view)


def on_time_listing(lines: Sequence[OnTime], lang: str) -> Listing:
    return Listing(
        ON_TIME_COLUMNS,
        on_time_words(lang),
        rows=lambda fmt: on_time_rows(lines, fmt),
        records=lines,
    )


def funnel_listing(
    stages: Sequence[Stage], lang: str, cohort: tuple[int, int] | None = None
) -> Listing:
    """`flowkit funnel`; `cohort` (started, won): the lead → won line under the table."""
    footer = ""
    if cohort is not None:
        started, won = cohort
        rate = f"{100 * won / started:.1f}%" if started else "-"
        footer = (
            translator(lang)
            .pgettext(
                "funnel",
                "Lead to won: {won} of the {started} opportunities started in the period "
                "were won by its end ({rate})",
            )
            .format(won=won, started=started, rate=rate)
        )
    return Listing(
        FUNNEL_COLUMNS,
        funnel_words(lang),
        rows=lambda fmt: funnel_rows(stages, fmt, lang),
        records=stages,
        footer=footer,
    )


# Listings for tools of commands that speak to people in sentences (`table` prints those
# sentences): their CSV headings are the field names, the same in every language.
TIMER_COLUMNS = ("instance_id", "name", "process_id", "node", "sla", "calendar")
HOLIDAY_COLUMNS = (
    *("problem", *TIMER_COLUMNS, "data_until", "due_at", "new_due_at"),
    *("file", "day", "notice_working", "data_working"),
)
RETIME_COLUMNS = (
    *TIMER_COLUMNS,
    "data_until",
    "due_at",
    "new_due_at",
    "warn_at",
    "new_warn_at",
)
STEP_COLUMNS = (
    "process_id",
    "old_version",
    "new_version",
    "node",
    "node_name",
    "count",
    "target",
    "sla_before",
    "sla_after",
)


def holiday_check_listing(
    found: Sequence[Uncovered],
    stale: Sequence[Retimed],
    lines: Iterable[str],
    disagreeing: Sequence[Disagreement] = (),
) -> Listing:
    """`flowkit calendar check`: open timers due in years without holiday data
    (`uncovered`), those the installed data now moves (`stale`), and the days a holiday
    notice file and the installed data disagree on (`disagrees`)."""

    def records() -> Iterator[dict[str, object]]:
        for item in found:
            yield {"problem": "uncovered", **_timer(item.timer), "due_at": item.due_at}
        for r in stale:
            yield {
                "problem": "stale",
                **_timer(r.timer),
                "data_until": r.data_until,
                "due_at": r.due_at,
                "new_due_at": r.new_due_at,
            }
        for d in disagreeing:
            yield {
                "problem": "disagrees",
                "calendar": d.calendar,
                "data_until": d.year,
                "file": d.file,
                "day": d.day.isoformat(),
                "notice_working": d.notice_working,
                "data_working": d.data_working,
            }

    return Listing(
        HOLIDAY_COLUMNS,
        _named_by_id(HOLIDAY_COLUMNS),
        rows=lambda fmt: (_cells(r, HOLIDAY_COLUMNS) for r in records()),
        records=records(),
        text=lambda: lines,
    )


def retime_listing(moved: Sequence[Retimed], lines: Iterable[str]) -> Listing:
    """`flowkit calendar retime`: each deadline moved (or to move), from and to."""

    def records() -> Iterator[dict[str, object]]:
        for r in moved:
            yield {
                **_timer(r.timer),
                "data_until": r.data_until,
                "due_at": r.due_at,
                "new_due_at": r.new_due_at,
                "warn_at": r.warn_at,
                "new_warn_at": r.new_warn_at,
            }

    return Listing(
        RETIME_COLUMNS,
        _named_by_id(RETIME_COLUMNS),
        rows=lambda fmt: (_cells(r, RETIME_COLUMNS) for r in records()),
        records=records(),
        text=lambda: lines,
    )


def migration_listing(steps: Sequence[Step], lines: Iterable[str]) -> Listing:
    """`flowkit migrate`: the plan, one step per (process version, node); `target` is
    empty (null) where a removed node still needs a --map."""
    return Listing(
        STEP_COLUMNS,
        _named_by_id(STEP_COLUMNS),
        rows=lambda fmt: ({c: _cell(getattr(s, c)) for c in STEP_COLUMNS} for s in steps),
        records=steps,
        text=lambda: lines,
    )


def _timer(t: Any) -> dict[str, object]:
    return {c: getattr(t, c) for c in TIMER_COLUMNS}


def _named_by_id(columns: Sequence[str]) -> dict[str, str]:
    return {c: c for c in columns}


def _cells(record: dict[str, object], columns: Sequence[str]) -> dict[str, str]:
    return {c: _cell(record.get(c)) for c in columns}


def _cell(value: object) -> str:
    """A value as a CSV cell: nothing for None, ISO 8601 for an instant."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
