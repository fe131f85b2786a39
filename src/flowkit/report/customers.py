"""Customer answers for people: the profile page, lists and completeness tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flowkit.engine.customer_reports import Completeness, CustomerView
from flowkit.model.customer import SIZE_NAMES, STAGE_NAMES, CustomerRules
from flowkit.report import tracking

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
    },
}
LIST_COLUMNS = ("id", "name", "industry", "size", "stage", "grade", "owner", "tags", "completeness")


def list_rows(
    rows: Sequence[dict[str, Any]], name_of: Callable[[str], str], lang: str
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


def render(
    rows: list[dict[str, str]], columns: Sequence[str], fmt: str, lang: str, tty: bool
) -> str:
    if fmt == "json":
        return tracking.as_json(rows)
    if fmt == "csv":
        return tracking.as_csv(rows, columns, lang, WORDS[lang])
    return tracking.table(rows, columns, lang, tty, WORDS[lang])


def profile_text(view: CustomerView, book: Any, lang: str) -> str:
    """`flowkit customer show`: the standard profile, as the template lays it out."""
    c = view.customer
    labels = _labels(book.rules)
    lines = [
        f"{c.id} {c.name}  [{STAGE_NAMES[c.stage]}] 等级 {c.grade or '-'}  "
        f"负责人 {book.tracker.person_name(c.owner)}",
        f"  基础信息: 行业 {c.industry or '-'}; 规模 {SIZE_NAMES.get(c.size or '', '-')} "
        f"{c.employees}/{c.revenue_band}; 地址 {c.address or '-'}; "
        f"首次接触 {c.first_contact or '-'}",
        f"  需求关键词: {'、'.join(c.keywords) or '-'}",
        f"  需求与特征: 痛点 {c.pain_points or '-'}; 采购需求 {c.needs or '-'}; "
        f"预算 {c.budget or '-'}",
    ]
    if c.values:
        lines.append("  " + "; ".join(f"{labels.get(k, k)} {v}" for k, v in c.values.items()))
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
        lines.append(f"  复购率: {rate:.0%}（{len(c.orders)}笔订单）")
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
            lines.append(
                f"  [{t['state']}] {t['kind']}: {t['sla']} {t['done']}/{t['required']} → {due}"
            )
    if view.follow_ups:
        lines.append("跟进记录:")
    for f in view.follow_ups[-20:]:
        late = "  (补录)" if f["late_seconds"] > 86400 else ""
        lines.append(
            f"  {tracking.local_time(f['at'])} {f['method']} {f['content']} / "
            f"{f['feedback'] or '-'} / {f['next_step'] or '-'} ({f['owner']}){late}"
        )
    for deal in view.opportunities:
        lines.append(f"商机: #{deal['id']} {deal['name']} ({deal['process_id']}) {deal['state']}")
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
        lines.append(f"  {when} {change['kind']}{who} {what}".rstrip())
    return "\n".join(lines) + "\n"


def _changed(key: str, old: Any, new: Any, labels: dict[str, str]) -> str:
    """One changed field in a line: short values shown, long ones (contacts) named."""
    label = labels.get(key, key)
    if isinstance(old, list | dict) or isinstance(new, list | dict):
        return f"{label} 已更新"
    before = old if old not in (None, "") else "-"
    after = new if new not in (None, "") else "-"
    return f"{label}: {before} → {after}"


def _labels(rules: CustomerRules) -> dict[str, str]:
    from flowkit.customers.completeness import LABELS

    return {**LABELS, **{f.id: f.label or f.id for f in rules.fields}}
