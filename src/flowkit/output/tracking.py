"""The tracking answers as a table (rich in a terminal, plain when piped), JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from flowkit.i18n import check_lang, translator
from flowkit.lang.sla import describe, parse_duration
from flowkit.tracking.views import Alert, InstanceView, OnTime, Stage, Status, TimerView


@cache
def opportunity_words(lang: str) -> dict[str, str]:
    """The column names and words of the opportunity tables (list, status, show) in `lang`."""
    t = translator(lang)
    return {
        "id": t.pgettext("opportunities", "ID"),
        "name": t.pgettext("opportunities", "Opportunity"),
        "customer": t.pgettext("opportunities", "Customer"),
        "node": t.pgettext("opportunities", "Current stage"),
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
    "expected_close",
    "next_action",
    "owner",
    "risk",
    "risk_note",
    "state",
)
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


def listing_rows(views: Sequence[InstanceView], lang: str) -> list[dict[str, str]]:
    w = opportunity_words(lang)
    return [
        {
            "id": str(v.id),
            "name": v.name,
            "customer": v.customer,
            "node": v.node_name,
            "expected_close": v.expected_close.isoformat() if v.expected_close else "",
            "next_action": v.next_action,
            "owner": v.owner_name,
            "risk": w["yes"] if v.risk else w["no"],
            "risk_note": v.risk_note,
            "state": w.get(v.state, v.state),
        }
        for v in views
    ]


def worded(status: Status, lang: str) -> Status:
    """`status` with its customers' lines named in `lang`: the engine gives their kind
    (maintenance, review, upkeep) as the node, and the grade and allowed delay as data."""
    if not any(a.customer_id for a in status.alerts):
        return status
    alerts = tuple(_customer_line(a, lang) if a.customer_id else a for a in status.alerts)
    return replace(status, alerts=alerts)


def _customer_line(alert: Alert, lang: str) -> Alert:
    t = translator(lang)
    kind = customer_timer_names(lang).get(alert.node, alert.node)
    name = kind + (t.gettext(" (grade {grade})").format(grade=alert.grade) if alert.grade else "")
    sla = alert.sla
    if alert.node == "upkeep":  # the engine gives the allowed delay, canonical
        within = describe(parse_duration(alert.sla), check_lang(lang))
        sla = t.gettext("enter the follow-up within {within}").format(within=within)
    elif alert.node == "review":
        sla = t.pgettext("customer timer", "customer value review")
    return replace(alert, name=name, node_name=kind, sla=sla)


@cache
def customer_timer_names(lang: str) -> dict[str, str]:
    """What a customer's timers are called, by kind."""
    t = translator(lang)
    return {
        "maintenance": t.pgettext("customer timer", "maintenance"),
        "review": t.pgettext("customer timer", "review"),
        "upkeep": t.pgettext("customer timer", "late follow-up entry"),
    }


def status_rows(status: Status, lang: str) -> list[dict[str, str]]:
    w = opportunity_words(lang)
    return [
        {
            "id": a.customer_id or str(a.instance_id),
            "name": a.name,
            "customer": a.customer,
            "node": a.node_name,
            "lane": a.lane_name or a.lane,
            "owner": a.owner_name,
            "sla": a.sla + (f" ({a.done}/{a.required})" if a.kind == "cadence" else ""),
            "due": local_time(a.due_at),
            "late_business": span(a.late_business, lang, a.day_length),
            "late_clock": span(a.late_clock, lang),
            "risk": (w["yes"] + (f": {a.risk_note}" if a.risk_note else "")) if a.risk else w["no"],
        }
        for a in status.alerts
    ]


def span(delta: timedelta, lang: str, workday: timedelta | None = None) -> str:
    """A signed length for people: '2天3小时' overdue, '剩余 5小时' still left; with
    `workday`, working time in working days: '8个工作日2小时'."""
    t = translator(lang)
    seconds = int(delta.total_seconds())
    negative = seconds < 0
    seconds = abs(seconds)
    day = int(workday.total_seconds()) if workday else 86400
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if workday:
        day_part = t.npgettext("span", "{n} business day", "{n} business days", days)
    else:
        day_part = t.pgettext("span", "{n}d")
    parts = [(days, day_part), (hours, t.pgettext("span", "{n}h"))]
    parts.append((minutes, t.pgettext("span", "{n}m")))
    shown = [unit.format(n=n) for n, unit in parts if n][:2] or [parts[2][1].format(n=0)]
    text = shown[0] if len(shown) == 1 else t.pgettext("span", "{first} {second}").format(
        first=shown[0], second=shown[1]
    )
    return t.pgettext("span", "left {span}").format(span=text) if negative else text


RICH_ROWS = 300  # more rows than this print plain even in a terminal (rich is slow on them)


def table(
    rows: list[dict[str, str]],
    columns: Sequence[str],
    lang: str,
    tty: bool,
    words: Mapping[str, str] | None = None,
) -> str:
    """A rich table in a terminal; plain aligned columns when piped (or very long)."""
    w = words or opportunity_words(lang)
    if not tty or len(rows) > RICH_ROWS:
        return plain(rows, columns, w)
    from rich import box
    from rich.console import Console
    from rich.table import Table

    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        grid.add_column(w[column], overflow="fold")
    for row in rows:
        grid.add_row(*(row[c] for c in columns))
    out = io.StringIO()
    Console(file=out, force_terminal=True, highlight=False).print(grid)
    return out.getvalue()


def plain(rows: list[dict[str, str]], columns: Sequence[str], words: Mapping[str, str]) -> str:
    """Columns padded to their widest cell, Chinese characters counted two wide."""
    lines = [[words[c] for c in columns], *([row[c] for c in columns] for row in rows)]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(columns))]
    return "".join(
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(line)).rstrip()
        + "\n"
        for line in lines
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded to `width` columns, Chinese characters counted two wide."""
    return text + " " * max(0, width - _width(text))


FUNNEL_COLUMNS = ("node", "name", "entered", "completed", "conversion", "median", "closed", "here")
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
        }
        for s in stages
    ]


def render(
    rows: list[dict[str, str]],
    columns: Sequence[str],
    fmt: str,
    lang: str,
    tty: bool,
    words: Mapping[str, str] | None = None,
) -> str:
    """Rows as `--format` asks: a table (rich in a terminal), CSV, or JSON."""
    if fmt == "json":
        return as_json(rows)
    if fmt == "csv":
        return as_csv(rows, columns, lang, words)
    return table(rows, columns, lang, tty, words)


def as_csv(
    rows: list[dict[str, str]],
    columns: Sequence[str],
    lang: str,
    words: Mapping[str, str] | None = None,
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([(words or opportunity_words(lang))[c] for c in columns])
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return out.getvalue()


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


def as_json(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, indent=2) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Status):
        return {
            "as_of": value.as_of.isoformat(),
            "breached": value.breached,
            "at_risk": value.at_risk,
            # the grade is in a customer line's worded name, as it was before it had a field
            "alerts": [
                {k: _plain(v) for k, v in asdict(a).items() if k != "grade"} for a in value.alerts
            ],
        }
    if isinstance(value, (Alert, InstanceView)) or hasattr(value, "__dataclass_fields__"):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def local_time(instant: datetime) -> str:
    from flowkit.lang.times import zone

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


def instance_text(v: InstanceView, lang: str, now: datetime) -> str:
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
    for t, repeats in _runs(v.timers):
        due = local_time(t.due_at) if t.due_at else heads["waits"].format(anchor=t.anchor)
        count = f" {t.done}/{t.required}" if t.kind == "cadence" else ""
        late = ""
        if t.due_at and t.state == "running":
            late = "  " + span(now - t.due_at, lang)  # overdue, or what is left
        more = "  " + heads["repeats"].format(count=repeats) if repeats > 1 else ""
        lines.append(f"  [{word(t.state)}] {t.node_name}: {t.sla}{count} → {due}{late}{more}")
        lines += [f"      {line}" for line in t.why]
    lines.append("")
    lines.append(heads["history"])
    for e in v.history:
        detail = ", ".join(
            f"{word(k)}={word(val)}" for k, val in e.data.items() if val not in (None, "", {})
        )
        kind, node = pad(word(e.kind), 10), pad(e.node_name or e.node or "", 12)
        lines.append(f"  {e.seq:>3} {local_time(e.at)} {kind} {node} {detail}")
    return "\n".join(lines) + "\n"
