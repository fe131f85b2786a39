"""The tracking answers as a table (rich in a terminal, plain when piped), JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from flowkit.tracking.views import Alert, InstanceView, OnTime, Stage, Status, TimerView

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


RICH_ROWS = 300  # more rows than this print plain even in a terminal (rich is slow on them)


def table(
    rows: list[dict[str, str]],
    columns: Sequence[str],
    lang: str,
    tty: bool,
    words: Mapping[str, str] | None = None,
) -> str:
    """A rich table in a terminal; plain aligned columns when piped (or very long)."""
    w = words or WORDS[lang]
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
    writer.writerow([(words or WORDS[lang])[c] for c in columns])
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return out.getvalue()


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


def as_json(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, indent=2) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, Status):
        return {
            "as_of": value.as_of.isoformat(),
            "breached": value.breached,
            "at_risk": value.at_risk,
            "alerts": [_plain(a) for a in value.alerts],
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
