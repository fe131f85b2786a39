"""Customer answers for people: the profile page, lists, completeness and value tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from flowkit.access.people import person_name
from flowkit.customers.merges import MergeReport
from flowkit.customers.queries import Completeness, CustomerView, ListedCustomer, Value
from flowkit.i18n import translator
from flowkit.model.customer import CustomerRules, profile_labels
from flowkit.output import tracking
from flowkit.output.formats import Listing, Page

if TYPE_CHECKING:
    from flowkit.customers.audits import OwnerAudits, Sample
    from flowkit.customers.book import GradeChange
    from flowkit.store import SampledRow


@cache
def customer_words(lang: str) -> dict[str, str]:
    """The column names of the customer tables (list, check, value) in `lang`."""
    t = translator(lang)
    return {
        "id": t.pgettext("customers", "ID"),
        "name": t.pgettext("customers", "Customer"),
        "industry": t.pgettext("customers", "Industry"),
        "size": t.pgettext("customers", "Size"),
        "stage": t.pgettext("customers", "Stage"),
        "grade": t.pgettext("customers", "Grade"),
        "owner": t.pgettext("customers", "Owner"),
        "tags": t.pgettext("customers", "Tags"),
        "completeness": t.pgettext("customers", "Complete"),
        "key": t.pgettext("customers", "ID"),
        "customers": t.pgettext("customers", "Customers"),
        "complete": t.pgettext("customers", "Complete profiles"),
        "rate": t.pgettext("customers", "Completeness rate"),
        "average": t.pgettext("customers", "Average"),
        "missing": t.pgettext("customers", "Missing"),
        "person": t.pgettext("customers", "Owner"),
        "team": t.pgettext("customers", "Team"),
        "won": t.pgettext("customers", "Won"),
        "buyers": t.pgettext("customers", "Buyers"),
        "repurchase": t.pgettext("customers", "Repurchase rate"),
        "repeat_orders": t.pgettext("customers", "Repeat orders"),
        "referral": t.pgettext("customers", "Referral rate"),
        "referred": t.pgettext("customers", "Referred in"),
        "referred_won": t.pgettext("customers", "Referred won"),
        "revenue": t.pgettext("customers", "Order revenue"),
    }


@cache
def size_names(lang: str) -> dict[str, str]:
    """A customer's size class by its code: 大型企业 for `large` (in English, the code)."""
    t = translator(lang)
    return {
        "large": t.pgettext("size", "large"),
        "sme": t.pgettext("size", "sme"),
        "individual": t.pgettext("size", "individual"),
    }


@cache
def stage_names(lang: str) -> dict[str, str]:
    """A customer's stage by its code: 成交客户 for `won` (in English, the code)."""
    t = translator(lang)
    return {
        "potential": t.pgettext("customer stage", "potential"),
        "intent": t.pgettext("customer stage", "intent"),
        "won": t.pgettext("customer stage", "won"),
        "lost": t.pgettext("customer stage", "lost"),
    }


def list_separator(lang: str) -> str:
    """What joins tags, keywords and missing fields in one cell: 、 in Chinese."""
    return translator(lang).pgettext("list", ", ")


LIST_COLUMNS = ("id", "name", "industry", "size", "stage", "grade", "owner", "tags", "completeness")


def list_rows(
    rows: Sequence[ListedCustomer], name_of: Callable[[str], str], lang: str
) -> list[dict[str, str]]:
    sizes, stages, sep = size_names(lang), stage_names(lang), list_separator(lang)
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "industry": r["industry"],
            "size": sizes.get(r["size"] or "", ""),
            "stage": stages[r["stage"]],
            "grade": r["grade"] or "",
            "owner": name_of(r["owner"]),
            "tags": sep.join(r.get("tags", ())),
            "completeness": f"{r['completeness']}%",
        }
        for r in rows
    ]


def check_rows(
    lines: Sequence[Completeness], by: str, rules: CustomerRules, lang: str
) -> tuple[list[dict[str, str]], tuple[str, ...]]:
    if by == "customer":
        labels, sep = _labels(rules, lang), list_separator(lang)
        rows = [
            {
                "key": c.key,
                "name": c.name,
                "completeness": f"{c.average:.0f}%",
                "missing": sep.join(labels.get(m, m) for m in c.missing),
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
        customer_words(lang),
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
    return Listing(columns, customer_words(lang), rows=lambda fmt: rows)


def profile_page(view: CustomerView, book: Any, lang: str) -> Page:
    """`flowkit customer show`: the profile as the template lays it out, or the record."""
    return Page(text=lambda: profile_text(view, book, lang), record=view)


def profile_text(view: CustomerView, book: Any, lang: str) -> str:
    """`flowkit customer show`: the standard profile, as the template lays it out."""
    t, c = translator(lang), view.customer
    labels, sep, said = _labels(book.rules, lang), list_separator(lang), _profile_words(lang)
    lines = [
        t.gettext("{id} {name}  [{stage}] grade {grade}  owner {owner}").format(
            id=c.id,
            name=c.name,
            stage=stage_names(lang)[c.stage],
            grade=c.grade or "-",
            owner=person_name(book.people, c.owner),
        ),
        t.gettext(
            "  Basics: industry {industry}; size {size} {employees}/{revenue_band}; "
            "address {address}; first contact {first_contact}"
        ).format(
            industry=c.industry or "-",
            size=size_names(lang).get(c.size or "", "-"),
            employees=c.employees,
            revenue_band=c.revenue_band,
            address=c.address or "-",
            first_contact=c.first_contact or "-",
        ),
        t.gettext("  Need keywords: {keywords}").format(keywords=sep.join(c.keywords) or "-"),
        t.gettext(
            "  Needs: pain points {pain_points}; purchase needs {needs}; budget {budget}"
        ).format(pain_points=c.pain_points or "-", needs=c.needs or "-", budget=c.budget or "-"),
    ]
    if c.values:
        shown = (f"{labels.get(k, k)} {_shown(book.rules, k, v)}" for k, v in c.values.items())
        lines.append("  " + "; ".join(shown))
    for contact in c.contacts:
        parts = [contact.title, contact.mobile, contact.email, contact.role]
        line = f"{contact.name} " + " ".join(p for p in parts if p)
        lines.append(t.gettext("  Contact: {contact}").format(contact=line))
    lines.append(t.gettext("  Tags: {tags}").format(tags=sep.join(c.tags) or "-"))
    missing = sep.join(labels.get(m, m) for m in view.missing)
    done = t.gettext("  Profile completeness: {percent}%").format(percent=view.completeness)
    lacking = t.gettext(" (missing: {fields})").format(fields=missing) if missing else ""
    lines.append(done + lacking)
    for o in c.orders:
        order = t.gettext("  Order: {date} {product} {amount} yuan {terms}")
        amount = f"{o.amount:,.0f}"
        lines.append(order.format(date=o.date, product=o.product, amount=amount, terms=o.terms))
        lines[-1] = lines[-1].rstrip()
    for p in c.payments:
        payment = t.gettext("  Payment: {date} {amount} yuan {note}")
        lines.append(payment.format(date=p.date, amount=f"{p.amount:,.0f}", note=p.note).rstrip())
    for issue in c.after_sales:
        resolution = issue.resolution or t.pgettext("after-sales", "in progress")
        lines.append(
            t.gettext("  After-sales: {date} {issue} — {resolution}").format(
                date=issue.date, issue=issue.issue, resolution=resolution
            )
        )
    rate = c.repurchase_rate()
    if rate is not None:
        orders = t.ngettext(
            "  Repeat-order rate: {rate} ({n} order)",
            "  Repeat-order rate: {rate} ({n} orders)",
            len(c.orders),
        )
        lines.append(orders.format(rate=f"{rate:.0%}", n=len(c.orders)))
    if c.referred_by:
        lines.append(t.gettext("  Referred by: {customer}").format(customer=c.referred_by))
    if view.referrals:
        won = sum(r["stage"] == "won" for r in view.referrals)
        names = sep.join(f"{r['id']} {r['name']}" for r in view.referrals)
        referrals = t.ngettext(
            "  Referrals: {n} customer ({won} won): {names}",
            "  Referrals: {n} customers ({won} won): {names}",
            len(view.referrals),
        )
        lines.append(referrals.format(n=len(view.referrals), won=won, names=names))
    if view.timers:
        lines.append(t.gettext("Maintenance and review:"))
    for timer in view.timers:
        if timer["state"] in ("running", "late"):
            due = tracking.local_time(timer["due_at"])
            state = said.get(timer["state"], timer["state"])
            kind = said.get(timer["kind"], timer["kind"])
            sla = timer["sla"]  # the maintenance cadence as the rules write it
            if timer["kind"] == "review":
                sla = t.pgettext("customer timer", "customer value review")
            lines.append(f"  [{state}] {kind}: {sla} {timer['done']}/{timer['required']} → {due}")
    if view.follow_ups:
        lines.append(t.gettext("Follow-ups:"))
    declared = {m.id: m.label for m in book.rules.methods}  # wechat: 微信, in every language
    for f in view.follow_ups[-20:]:
        late = t.gettext("  (entered late)") if f["late_seconds"] > 86400 else ""
        method = said.get(f["method"]) or declared.get(f["method"], f["method"])
        lines.append(
            f"  {tracking.local_time(f['at'])} {method} "
            f"{f['content']} / "
            f"{f['feedback'] or '-'} / {f['next_step'] or '-'} ({f['owner']}){late}"
        )
    for deal in view.opportunities:
        state = said.get(deal["state"], deal["state"])
        lines.append(
            t.gettext("Opportunity: #{id} {name} ({process}) {state}").format(
                id=deal["id"], name=deal["name"], process=deal["process_id"], state=state
            )
        )
    for a in view.audits:
        result = a["result"] or t.pgettext("spot check", "unchecked")
        line = t.gettext("Spot check: {week} {result} {note}")
        lines.append(line.format(week=a["week"], result=result, note=a["note"]))
    if view.history:
        lines.append(t.gettext("Changes:"))
    for change in view.history[-20:]:
        what = "; ".join(
            _changed(key, old, new, labels, lang) for key, (old, new) in change["changes"].items()
        )
        when = tracking.local_time(change["recorded_at"])
        who = f" ({change['actor']})" if change["actor"] else ""
        kind = said.get(change["kind"], change["kind"])
        lines.append(f"  {when} {kind}{who} {what}".rstrip())
    return "\n".join(lines) + "\n"


def _changed(key: str, old: Any, new: Any, labels: dict[str, str], lang: str) -> str:
    """One changed field in a line: short values shown (a stage or size by its name),
    long ones (contacts) named."""
    t, label = translator(lang), labels.get(key, key)
    if isinstance(old, list | dict) or isinstance(new, list | dict):
        return t.gettext("{field} updated").format(field=label)
    names = {"stage": stage_names(lang), "size": size_names(lang)}.get(key, {})
    before = names.get(old, old) if old not in (None, "") else "-"
    after = names.get(new, new) if new not in (None, "") else "-"
    return f"{label}: {before} → {after}"


def _shown(rules: CustomerRules, key: str, value: Any) -> str:
    """A rules field's value as people read it: 清晰 for the enum value `clear`."""
    field = next((f for f in rules.fields if f.id == key), None)
    return field.display(str(value)) if field is not None else str(value)


@cache
def _profile_words(lang: str) -> dict[str, str]:
    """What a profile's timers, follow-ups, deals and changes are called, by their code."""
    t = translator(lang)
    return {
        **tracking.show_words(lang),
        **tracking.customer_timer_names(lang),
        "open": t.pgettext("state", "open"),
        "won": t.pgettext("state", "won"),
        "lost": t.pgettext("state", "lost"),
        "resolved": t.pgettext("state", "resolved"),
        "added": t.pgettext("change", "added"),
        "edited": t.pgettext("change", "edited"),
        "graded": t.pgettext("change", "graded"),
        "merged": t.pgettext("change", "merged"),
        "handed over": t.pgettext("change", "handed over"),
        "unmerged": t.pgettext("change", "unmerged"),
        "imported": t.pgettext("change", "imported"),
        "opportunity": t.pgettext("change", "opportunity"),
    }


def merge_page(report: MergeReport, rules: CustomerRules, lang: str) -> Page:
    """`customer merge`: what was kept and what was taken from whom, field by field."""
    return Page(text=lambda: "\n".join(merge_lines(report, rules, lang)) + "\n", record=report)


def merge_lines(report: MergeReport, rules: CustomerRules, lang: str) -> list[str]:
    """The merge in lines: who went into whom, how to undo it, then one line per field."""
    t, labels = translator(lang), _labels(rules, lang)
    head = t.gettext("merged {others} into {id} {name}").format(
        others=list_separator(lang).join(report.absorbed), id=report.customer_id, name=report.name
    )
    if report.merge_id:
        undo = t.gettext("merge {n}; undo: flowkit customer unmerge {id} --merge-id {n}")
        head += f" ({undo.format(n=report.merge_id, id=report.customer_id)})"
    lines = [head]
    how = {
        "kept": t.gettext("kept from {source}"),
        "taken": t.gettext("taken from {source}"),
        "united": t.gettext("united from {source}"),
    }
    names = {"stage": stage_names(lang), "size": size_names(lang)}
    for f in report.fields:
        shown = names.get(f.field, {}).get(str(f.value), f.value)
        value = "" if isinstance(f.value, list | dict) else f": {shown}"
        said = how[f.how].format(source=f.source)
        lines.append(f"  {labels.get(f.field, f.field)}: {said}{value}")
    return lines


def _labels(rules: CustomerRules, lang: str) -> dict[str, str]:
    """Standard profile keys in `lang`, the rules' own fields by the labels they declare."""
    return {**profile_labels(lang), **{f.id: f.label or f.id for f in rules.fields}}


# Listings for tools of commands that speak to people in sentences (`table` prints those
# sentences): their CSV headings are the field names, the same in every language.
GRADE_COLUMNS = ("customer_id", "name", "before", "after", "why")
AUDIT_COLUMNS = ("customer_id", "name", "owner", "result", "note")


def grade_listing(changes: Sequence[GradeChange], lines: Iterable[str], lang: str) -> Listing:
    """`flowkit customer grade`: the grades shown (those that move, or all with
    --explain), each with the rules' reasons worded in `lang` (the book gives the
    grading itself: which rule fired and on what)."""

    def record(c: GradeChange) -> dict[str, object]:  # as JSON had it: the reasons as lines
        return {
            "customer_id": c.customer_id,
            "name": c.name,
            "before": c.before,
            "after": c.after,
            "why": c.grading.lines(lang),
        }

    def cells(c: GradeChange) -> dict[str, str]:
        return {
            "customer_id": c.customer_id,
            "name": c.name,
            "before": c.before or "",
            "after": c.after,
            "why": "\n".join(c.grading.lines(lang)),
        }

    return Listing(
        GRADE_COLUMNS,
        {c: c for c in GRADE_COLUMNS},
        rows=lambda fmt: map(cells, changes),
        records=map(record, changes),
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


AUDIT_REPORT_COLUMNS = ("owner", "name", "team", "checked", "problems", "rate")


def audit_report_listing(lines: Sequence[OwnerAudits], lang: str) -> Listing:
    """`flowkit audit report`: spot-check problems per owner of a month; the rate a percent
    in a table and CSV, a fraction in JSON."""
    t = translator(lang)
    headings = {
        "owner": t.pgettext("audit report", "Owner"),
        "name": t.pgettext("audit report", "Name"),
        "team": t.pgettext("audit report", "Team"),
        "checked": t.pgettext("audit report", "Checked"),
        "problems": t.pgettext("audit report", "Problems"),
        "rate": t.pgettext("audit report", "Problem rate"),
    }
    return Listing(
        AUDIT_REPORT_COLUMNS,
        headings,
        rows=lambda fmt: (
            {
                "owner": line.owner,
                "name": line.name,
                "team": line.team,
                "checked": str(line.checked),
                "problems": str(line.problems),
                "rate": _percent(line.rate, ""),
            }
            for line in lines
        ),
        records=[
            {
                "owner": line.owner,
                "name": line.name,
                "team": line.team,
                "checked": line.checked,
                "problems": line.problems,
                "rate": round(line.rate, 4),
            }
            for line in lines
        ],
    )


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
