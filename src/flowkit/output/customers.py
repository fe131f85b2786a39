"""Customer answers for people: the profile page, lists, completeness and value tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from flowkit.access.people import person_name
from flowkit.customers.queries import Completeness, CustomerView, ListedCustomer, Value
from flowkit.model.customer import SIZE_NAMES, STAGE_NAMES, CustomerRules
from flowkit.output import tracking
from flowkit.output.formats import Listing, Page

if TYPE_CHECKING:
    from flowkit.customers.audits import Sample
    from flowkit.customers.book import GradeChange
    from flowkit.store import SampledRow

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "id": "编号",
        "name": "客户名称",
        "industry": "所属行业",
        "size": "客户规模",
        "stage": "合作阶段",
        "grade": "客户等级",
        "owner": "负责人",
        "tags": "标签",
        "completeness": "完整度",
        "key": "编号",
        "customers": "客户数",
        "complete": "完整档案",
        "rate": "档案完整率",
        "average": "平均完整度",
        "missing": "缺失字段",
        "person": "负责人",
        "team": "团队",
        "won": "成交客户数",
        "buyers": "下单客户数",
        "repurchase": "复购率",
        "repeat_orders": "订单复购率",
        "referral": "转介绍率",
        "referred": "转介绍客户数",
        "referred_won": "转介绍成交数",
        "revenue": "订单金额(元)",
    },
    "en": {
        "id": "ID",
        "name": "Customer",
        "industry": "Industry",
        "size": "Size",
        "stage": "Stage",
        "grade": "Grade",
        "owner": "Owner",
        "tags": "Tags",
        "completeness": "Complete",
        "key": "ID",
        "customers": "Customers",
        "complete": "Complete profiles",
        "rate": "Completeness rate",
        "average": "Average",
        "missing": "Missing",
        "person": "Owner",
        "team": "Team",
        "won": "Won",
        "buyers": "Buyers",
        "repurchase": "Repurchase rate",
        "repeat_orders": "Repeat orders",
        "referral": "Referral rate",
        "referred": "Referred in",
        "referred_won": "Referred won",
        "revenue": "Order revenue",
    },
}
LIST_COLUMNS = ("id", "name", "industry", "size", "stage", "grade", "owner", "tags", "completeness")


def list_rows(
    rows: Sequence[ListedCustomer], name_of: Callable[[str], str], lang: str
) -> list[dict[str, str]]:
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "industry": r["industry"],
            "size": SIZE_NAMES.get(r["size"] or "", "") if lang == "zh-CN" else (r["size"] or ""),
            "stage": STAGE_NAMES[r["stage"]] if lang == "zh-CN" else r["stage"],
            "grade": r["grade"] or "",
            "owner": name_of(r["owner"]),
            "tags": "、".join(r.get("tags", ())),
            "completeness": f"{r['completeness']}%",
        }
        for r in rows
    ]


def check_rows(
    lines: Sequence[Completeness], by: str, rules: CustomerRules, lang: str
) -> tuple[list[dict[str, str]], tuple[str, ...]]:
    if by == "customer":
        labels = _labels(rules)
        rows = [
            {
                "key": c.key,
                "name": c.name,
                "completeness": f"{c.average:.0f}%",
                "missing": "、".join(labels.get(m, m) for m in c.missing),
            }
            for c in lines
        ]
        return rows, ("key", "name", "completeness", "missing")
    rows = [
        {
            "key": c.key,
            "name": c.name,
            "customers": str(c.customers),
            "complete": str(c.complete),
            "rate": f"{c.rate:.1f}%",
            "average": f"{c.average:.1f}%",
        }
        for c in lines
    ]
    return rows, ("key", "name", "customers", "complete", "rate", "average")


# The first columns of a value line, by what a line is: its key, then its name if it has one.
VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "customer": ("key", "name"),
    "owner": ("key", "person"),
    "team": ("key", "team"),
    "grade": ("grade",),
}
VALUE_FIGURES = (
    "customers",
    "won",
    "buyers",
    "repurchase",
    "repeat_orders",
    "referral",
    "referred",
    "referred_won",
    "revenue",
)


def value_listing(lines: Sequence[Value], by: str, lang: str) -> Listing:
    """`flowkit customer value` as a table or CSV (a rate with nobody to measure is "-" in a
    table and an empty cell in CSV), or as JSON with the counts as numbers and rates as
    fractions, null when their denominator is zero."""
    columns = (*VALUE_KEYS[by], *VALUE_FIGURES)
    return Listing(
        columns,
        WORDS[lang],
        rows=lambda fmt: _value_rows(lines, by, fmt),
        records=map(_value_json, lines),
    )


def _value_rows(lines: Sequence[Value], by: str, fmt: str) -> list[dict[str, str]]:
    empty = "" if fmt == "csv" else "-"
    first, *named = VALUE_KEYS[by]
    rows = []
    for v in lines:
        rows.append(
            {first: v.key}
            | {column: v.name for column in named}
            | {
                "customers": str(v.customers),
                "won": str(v.won),
                "buyers": str(v.buyers),
                "repurchase": _percent(v.repurchase_rate, empty),
                "repeat_orders": _percent(v.repeat_order_share, empty),
                "referral": _percent(v.referral_rate, empty),
                "referred": str(v.referred),
                "referred_won": str(v.referred_won),
                "revenue": f"{v.revenue:.2f}" if fmt == "csv" else f"{v.revenue:,.0f}",
            }
        )
    return rows


def _value_json(v: Value) -> dict[str, Any]:
    def fraction(rate: float | None) -> float | None:
        return None if rate is None else round(rate, 4)

    return {
        "key": v.key,
        "name": v.name,
        "customers": v.customers,
        "won": v.won,
        "buyers": v.buyers,
        "repeat_buyers": v.repeat_buyers,
        "orders": v.orders,
        "won_referrers": v.won_referrers,
        "referred": v.referred,
        "referred_won": v.referred_won,
        "revenue": round(v.revenue, 2),
        "repurchase_rate": fraction(v.repurchase_rate),
        "repeat_order_share": fraction(v.repeat_order_share),
        "referral_rate": fraction(v.referral_rate),
    }


def _percent(rate: float | None, empty: str) -> str:
    return empty if rate is None else f"{100 * rate:.1f}%"


def customer_listing(rows: list[dict[str, str]], columns: Sequence[str], lang: str) -> Listing:
    """`customer list` and `customer check`: JSON has the same cells as the table."""
    return Listing(columns, WORDS[lang], rows=lambda fmt: rows)


def profile_page(view: CustomerView, book: Any, lang: str) -> Page:
    """`flowkit customer show`: the profile as the template lays it out, or the record."""
    return Page(text=lambda: profile_text(view, book, lang), record=view)


def profile_text(view: CustomerView, book: Any, lang: str) -> str:
    """`flowkit customer show`: the standard profile, as the template lays it out."""
    c = view.customer
    labels = _labels(book.rules)
    lines = [
        f"{c.id} {c.name}  [{STAGE_NAMES[c.stage]}] 等级 {c.grade or '-'}  "
        f"负责人 {person_name(book.people, c.owner)}",
        f"  基础信息: 行业 {c.industry or '-'}; 规模 {SIZE_NAMES.get(c.size or '', '-')} "
        f"{c.employees}/{c.revenue_band}; 地址 {c.address or '-'}; "
        f"首次接触 {c.first_contact or '-'}",
        f"  需求关键词: {'、'.join(c.keywords) or '-'}",
        f"  需求与特征: 痛点 {c.pain_points or '-'}; 采购需求 {c.needs or '-'}; "
        f"预算 {c.budget or '-'}",
    ]
    if c.values:
        shown = (f"{labels.get(k, k)} {_shown(book.rules, k, v)}" for k, v in c.values.items())
        lines.append("  " + "; ".join(shown))
    for contact in c.contacts:
        parts = [contact.title, contact.mobile, contact.email, contact.role]
        lines.append(f"  联系人: {contact.name} " + " ".join(p for p in parts if p))
    lines.append(f"  标签: {'、'.join(c.tags) or '-'}")
    missing = "、".join(labels.get(m, m) for m in view.missing)
    lines.append(f"  档案完整度: {view.completeness}%" + (f"（缺: {missing}）" if missing else ""))
    for o in c.orders:
        lines.append(f"  订单: {o.date} {o.product} {o.amount:,.0f}元 {o.terms}".rstrip())
    for p in c.payments:
        lines.append(f"  回款: {p.date} {p.amount:,.0f}元 {p.note}".rstrip())
    for issue in c.after_sales:
        lines.append(f"  售后: {issue.date} {issue.issue} — {issue.resolution or '处理中'}")
    rate = c.repurchase_rate()
    if rate is not None:
        lines.append(f"  订单复购率: {rate:.0%}（{len(c.orders)}笔订单）")
    if c.referred_by:
        lines.append(f"  转介绍来源: {c.referred_by}")
    if view.referrals:
        won = sum(r["stage"] == "won" for r in view.referrals)
        names = "、".join(f"{r['id']} {r['name']}" for r in view.referrals)
        lines.append(f"  转介绍: {len(view.referrals)} 位客户（{won} 位已成交）: {names}")
    if view.timers:
        lines.append("维护与复评:")
    for t in view.timers:
        if t["state"] in ("running", "late"):
            due = tracking.local_time(t["due_at"])
            state, kind = _WORDS.get(t["state"], t["state"]), _WORDS.get(t["kind"], t["kind"])
            lines.append(f"  [{state}] {kind}: {t['sla']} {t['done']}/{t['required']} → {due}")
    if view.follow_ups:
        lines.append("跟进记录:")
    for f in view.follow_ups[-20:]:
        late = "  (补录)" if f["late_seconds"] > 86400 else ""
        lines.append(
            f"  {tracking.local_time(f['at'])} {_WORDS.get(f['method'], f['method'])} "
            f"{f['content']} / "
            f"{f['feedback'] or '-'} / {f['next_step'] or '-'} ({f['owner']}){late}"
        )
    for deal in view.opportunities:
        state = _WORDS.get(deal["state"], deal["state"])
        lines.append(f"商机: #{deal['id']} {deal['name']} ({deal['process_id']}) {state}")
    for a in view.audits:
        lines.append(f"抽查: {a['week']} {a['result'] or '未检查'} {a['note']}")
    if view.history:
        lines.append("变更记录:")
    for change in view.history[-20:]:
        what = "; ".join(
            _changed(key, old, new, labels) for key, (old, new) in change["changes"].items()
        )
        when = tracking.local_time(change["recorded_at"])
        who = f" ({change['actor']})" if change["actor"] else ""
        kind = _WORDS.get(change["kind"], change["kind"])
        lines.append(f"  {when} {kind}{who} {what}".rstrip())
    return "\n".join(lines) + "\n"


def _changed(key: str, old: Any, new: Any, labels: dict[str, str]) -> str:
    """One changed field in a line: short values shown (a stage or size by its Chinese
    name), long ones (contacts) named."""
    label = labels.get(key, key)
    if isinstance(old, list | dict) or isinstance(new, list | dict):
        return f"{label} 已更新"
    names = {"stage": STAGE_NAMES, "size": SIZE_NAMES}.get(key, {})
    before = names.get(old, old) if old not in (None, "") else "-"
    after = names.get(new, new) if new not in (None, "") else "-"
    return f"{label}: {before} → {after}"


def _shown(rules: CustomerRules, key: str, value: Any) -> str:
    """A rules field's value as people read it: 清晰 for the enum value `clear`."""
    field = next((f for f in rules.fields if f.id == key), None)
    return field.display(str(value)) if field is not None else str(value)


# What a profile's timers, follow-ups, deals and changes are called in Chinese.
_WORDS = {
    **tracking.SHOW_WORDS["zh-CN"],
    "maintenance": "客户维护",
    "review": "客户价值复评",
    "open": "进行中",
    "won": "成交",
    "lost": "丢单",
    "resolved": "已解决",
    "added": "建档",
    "edited": "修改",
    "graded": "评级",
    "merged": "合并",
    "opportunity": "新商机",
}


def _labels(rules: CustomerRules) -> dict[str, str]:
    from flowkit.customers.completeness import LABELS

    return {**LABELS, **{f.id: f.label or f.id for f in rules.fields}}


# Listings for tools of commands that speak to people in sentences (`table` prints those
# sentences): their CSV headings are the field names, the same in every language.
GRADE_COLUMNS = ("customer_id", "name", "before", "after", "why")
AUDIT_COLUMNS = ("customer_id", "name", "owner", "result", "note")


def grade_listing(changes: Sequence[GradeChange], lines: Iterable[str]) -> Listing:
    """`flowkit customer grade`: the grades shown (those that move, or all with
    --explain), each with the rules' reasons."""
    return Listing(
        GRADE_COLUMNS,
        {c: c for c in GRADE_COLUMNS},
        rows=lambda fmt: (
            {
                "customer_id": c.customer_id,
                "name": c.name,
                "before": c.before or "",
                "after": c.after,
                "why": "\n".join(c.why),
            }
            for c in changes
        ),
        records=changes,
        text=lambda: lines,
    )


def _audit_cells(row: SampledRow) -> dict[str, str]:
    return {
        "customer_id": row["customer_id"],
        "name": row["name"],
        "owner": row["owner"],
        "result": row["result"] or "",
        "note": row["note"] or "",
    }


def audit_listing(sample: Sample, lines: Iterable[str]) -> Listing:
    """`flowkit audit sample`: the week's sampled profiles; JSON has the sample's week,
    team, rate and population around them."""
    return Listing(
        AUDIT_COLUMNS,
        {c: c for c in AUDIT_COLUMNS},
        rows=lambda fmt: (_audit_cells(row) for row in sample.rows),
        records=sample.rows,
        head={
            "week": sample.week,
            "team": sample.team,
            "rate": sample.rate,
            "population": sample.population,
        },
        text=lambda: lines,
    )
