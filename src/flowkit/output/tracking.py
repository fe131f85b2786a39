"""The tracking answers for people and tools: each command's `Listing` (or `Page`) for
`flowkit.output.formats` to write as a table, CSV or JSON, and the words and cells they use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flowkit.output.formats import Listing, Page
from flowkit.output.width import pad
from flowkit.tracking.views import InstanceView, OnTime, Stage, Status, TimerView

if TYPE_CHECKING:
    from flowkit.tracking.holidays import Retimed, Uncovered
    from flowkit.tracking.versions import Step

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "id": "编号",
        "name": "商机名称",
        "customer": "客户名称",
        "node": "当前阶段",
        "expected_close": "预计成交时间",
        "next_action": "关键动作",
        "owner": "负责人",
        "risk": "风险预警",
        "risk_note": "风险描述",
        "state": "状态",
        "lane": "泳道",
        "sla": "时间要求",
        "due": "截止时间",
        "late_business": "超时(工作时间)",
        "late_clock": "超时(自然时间)",
        "yes": "是",
        "no": "否",
        "left": "剩余",
        "summary": "{breached} 项已超时，{at_risk} 项有风险（截至 {as_of}）",
        "day": "天",
        "workday": "个工作日",
        "hour": "小时",
        "minute": "分钟",
        "open": "进行中",
        "paused": "已暂停",
        "won": "成交",
        "lost": "丢单",
    },
    "en": {
        "id": "ID",
        "name": "Opportunity",
        "customer": "Customer",
        "node": "Current stage",
        "expected_close": "Expected close",
        "next_action": "Next key action",
        "owner": "Owner",
        "risk": "Risk",
        "risk_note": "Risk description",
        "state": "State",
        "lane": "Lane",
        "sla": "SLA",
        "due": "Due",
        "late_business": "Overdue (business)",
        "late_clock": "Overdue (clock)",
        "yes": "yes",
        "no": "no",
        "left": "left",
        "summary": "{breached} breached, {at_risk} at risk (as of {as_of})",
        "day": "d",
        "workday": " business days",
        "hour": "h",
        "minute": "m",
        "open": "open",
        "paused": "paused",
        "won": "won",
        "lost": "lost",
    },
}

# the words of `flowkit show`: timer states, history entries and their details
SHOW_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "running": "计时中",
        "paused": "已暂停",
        "late": "已超时",
        "met": "已达成",
        "missed": "未达成",
        "stopped": "已停止",
        "started": "开始",
        "entered": "进入",
        "completed": "完成",
        "routed": "分流",
        "follow_up": "跟进",
        "delivered": "输出文档",
        "event": "事件",
        "risk": "风险预警",
        "assigned": "转交",
        "updated": "更新",
        "resumed": "恢复",
        "closed": "关闭",
        "migrated": "迁移版本",
        "retimed": "重新计时",
        "imported": "导入",
        "method": "方式",
        "content": "内容",
        "feedback": "客户反馈",
        "next_step": "下一步",
        "by": "执行人",
        "outcome": "结果",
        "reason": "原因",
        "document": "文档",
        "owner": "负责人",
        "from": "原负责人",
        "flag": "预警",
        "note": "描述",
        "was": "原预警",
        "fields": "字段",
        "phone": "电话",
        "visit": "上门拜访",
        "email": "邮件",
        "other": "其他",
        "True": "是",
        "False": "否",
        "waits": "（等待「{anchor}」后开始计时）",
        "repeats": "（连续{count}期，显示最后一期）",
        "sla": "时间要求（SLA）:",
        "history": "历史记录:",
    },
    "en": {
        "waits": "(waits for {anchor})",
        "repeats": "(×{count}, the last shown)",
        "sla": "SLA:",
        "history": "History:",
    },
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
    w = WORDS[lang]
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


def status_rows(status: Status, lang: str) -> list[dict[str, str]]:
    w = WORDS[lang]
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
            "late_business": span(a.late_business, w, a.day_length),
            "late_clock": span(a.late_clock, w),
            "risk": (w["yes"] + (f": {a.risk_note}" if a.risk_note else "")) if a.risk else w["no"],
        }
        for a in status.alerts
    ]


def span(delta: timedelta, w: dict[str, str], workday: timedelta | None = None) -> str:
    """A signed length for people: '2天3小时' overdue, '剩余 5小时' still left; with
    `workday`, working time in working days: '8个工作日2小时'."""
    seconds = int(delta.total_seconds())
    sign = "" if seconds >= 0 else f"{w['left']} "
    seconds = abs(seconds)
    day = int(workday.total_seconds()) if workday else 86400
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    day_word = "workday" if workday else "day"
    parts = [(days, day_word), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n}{w[unit]}" for n, unit in parts if n][:2] or [f"0{w['minute']}"]
    joiner = "" if w["day"] == "天" else " "
    return sign + joiner.join(shown)


FUNNEL_COLUMNS = ("node", "name", "entered", "completed", "conversion", "median", "closed", "here")
FUNNEL_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "node": "节点",
        "name": "流程环节",
        "entered": "进入",
        "completed": "推进",
        "conversion": "推进率",
        "median": "停留时间中位数",
        "closed": "在此关闭",
        "here": "当前停留",
    },
    "en": {
        "node": "Node",
        "name": "Stage",
        "entered": "Entered",
        "completed": "Moved on",
        "conversion": "Moved on %",
        "median": "Median time in stage",
        "closed": "Closed here",
        "here": "Here now",
    },
}


def funnel_rows(stages: Sequence[Stage], fmt: str, lang: str) -> list[dict[str, str]]:
    """`flowkit funnel` lines; an end node (or one nobody entered) has no rate: "-"."""
    empty = "" if fmt == "csv" else "-"
    w = WORDS[lang]
    return [
        {
            "node": s.node,
            "name": s.name,
            "entered": str(s.entered),
            "completed": str(s.completed) if s.kind != "end" else empty,
            "conversion": empty if s.conversion is None else f"{100 * s.conversion:.1f}%",
            "median": empty if s.median_time is None else span(s.median_time, w),
            "closed": str(s.closed) if s.kind != "end" else empty,
            "here": str(s.here) if s.kind != "end" else empty,
        }
        for s in stages
    ]


ON_TIME_COLUMNS = ("key", "name", "settled", "met", "missed", "rate", "overdue")
ON_TIME_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "key": "编号",
        "name": "名称",
        "settled": "已办结节点",
        "met": "准时",
        "missed": "超时办结",
        "rate": "流程节点准时率",
        "overdue": "仍超时未办",
    },
    "en": {
        "key": "Key",
        "name": "Name",
        "settled": "Settled",
        "met": "On time",
        "missed": "Late",
        "rate": "On-time rate",
        "overdue": "Still overdue",
    },
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
    w = WORDS[lang]
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
    said = SHOW_WORDS[lang]

    def word(value: object) -> str:
        if isinstance(value, dict):  # the fields an opportunity started with
            return "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
        return said.get(str(value), str(value))

    if v.timers:
        lines.append("")
        lines.append(said["sla"])
    for t, repeats in _runs(v.timers):
        due = local_time(t.due_at) if t.due_at else said["waits"].format(anchor=t.anchor)
        count = f" {t.done}/{t.required}" if t.kind == "cadence" else ""
        late = ""
        if t.due_at and t.state == "running":
            late = "  " + span(now - t.due_at, w)  # overdue, or what is left
        more = "  " + said["repeats"].format(count=repeats) if repeats > 1 else ""
        lines.append(f"  [{word(t.state)}] {t.node_name}: {t.sla}{count} → {due}{late}{more}")
        lines += [f"      {line}" for line in t.why]
    lines.append("")
    lines.append(said["history"])
    for e in v.history:
        detail = ", ".join(
            f"{word(k)}={word(val)}" for k, val in e.data.items() if val not in (None, "", {})
        )
        kind, node = pad(word(e.kind), 10), pad(e.node_name or e.node or "", 12)
        lines.append(f"  {e.seq:>3} {local_time(e.at)} {kind} {node} {detail}")
    return "\n".join(lines) + "\n"


def status_listing(result: Status, lang: str, limit: int | None = None) -> Listing:
    """`flowkit status`: the `limit` worst alerts (all by default) in every format; the
    counts (JSON's `breached`/`at_risk`, the table's summary line) always count them all."""
    shown = Status(result.as_of, result.alerts[:limit])
    summary = WORDS[lang]["summary"].format(
        breached=result.breached,
        at_risk=result.at_risk,
        as_of=result.as_of.strftime("%Y-%m-%d %H:%M %z"),
    )
    return Listing(
        STATUS_COLUMNS,
        WORDS[lang],
        rows=lambda fmt: status_rows(shown, lang),
        records=shown.alerts,
        head={"as_of": result.as_of, "breached": result.breached, "at_risk": result.at_risk},
        key="alerts",
        footer=summary,
    )


def tracking_table(views: Sequence[InstanceView], lang: str) -> Listing:
    """`flowkit list`: the progress tracking table; JSON has each opportunity whole."""
    return Listing(
        LIST_COLUMNS, WORDS[lang], rows=lambda fmt: listing_rows(views, lang), records=views
    )


def show_page(view: InstanceView, lang: str, now: datetime) -> Page:
    """`flowkit show`: one opportunity, with its timers and history."""
    return Page(text=lambda: instance_text(view, lang, now), record=view)


def on_time_listing(lines: Sequence[OnTime], lang: str) -> Listing:
    return Listing(
        ON_TIME_COLUMNS,
        ON_TIME_WORDS[lang],
        rows=lambda fmt: on_time_rows(lines, fmt),
        records=lines,
    )


def funnel_listing(stages: Sequence[Stage], lang: str) -> Listing:
    return Listing(
        FUNNEL_COLUMNS,
        FUNNEL_WORDS[lang],
        rows=lambda fmt: funnel_rows(stages, fmt, lang),
        records=stages,
    )


# Listings for tools of commands that speak to people in sentences (`table` prints those
# sentences): their CSV headings are the field names, the same in every language.
TIMER_COLUMNS = ("instance_id", "name", "process_id", "node", "sla", "calendar")
HOLIDAY_COLUMNS = ("problem", *TIMER_COLUMNS, "data_until", "due_at", "new_due_at")
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
    found: Sequence[Uncovered], stale: Sequence[Retimed], lines: Iterable[str]
) -> Listing:
    """`flowkit calendar check`: open timers due in years without holiday data
    (`uncovered`), and those the installed data now moves (`stale`)."""

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
