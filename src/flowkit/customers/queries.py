"""Read-only answers about customers: one profile in full, lists, completeness (档案完整率)
and value (价值评估: 复购率, 转介绍率, order amounts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from typing_extensions import ReadOnly

from flowkit.access.people import person_name, team_key, team_name
from flowkit.customers.book import CustomerBook
from flowkit.model.customer import Customer
from flowkit.store import (
    AuditRow,
    CustomerChangeRow,
    CustomerFilter,
    CustomerOpportunity,
    CustomerSummary,
    CustomerTimerRow,
    FollowUpEntry,
    OwnerCompleteness,
    Referral,
    ValueCounts,
)


class ListedCustomer(CustomerSummary):
    """A line of `flowkit customer list`: the profile's real columns and its tags."""

    tags: ReadOnly[Sequence[str]]


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    completeness: int  # percent
    missing: tuple[str, ...]
    follow_ups: tuple[FollowUpEntry, ...]
    opportunities: tuple[CustomerOpportunity, ...]
    timers: tuple[CustomerTimerRow, ...]
    audits: tuple[AuditRow, ...]
    history: tuple[CustomerChangeRow, ...] = ()  # what changed, when: added, edited, graded...
    referrals: tuple[Referral, ...] = ()  # the customers this one referred (转介绍)


@dataclass(frozen=True)
class Completeness:
    """One line of `flowkit customer check`: a customer, an owner or a team."""

    key: str  # customer id, person id or team id
    name: str
    customers: int
    complete: int  # profiles with every required field
    average: float  # mean completeness, percent
    missing: tuple[str, ...] = ()  # for a customer: the keys still empty

    @property
    def rate(self) -> float:
        """档案完整率: the share of complete profiles, percent."""
        return 100.0 * self.complete / self.customers if self.customers else 100.0


@dataclass(frozen=True)
class Value:
    """One line of `flowkit customer value`: the 价值评估 of a customer, owner, team or grade.

    The counts are kept beside the rates so a line can be checked by hand and lines can be
    added up; a rate whose denominator is zero is None (no buyers, no won customers), never
    0%, because "nobody to measure" is not "measured as bad"."""

    key: str  # customer id, person id, team id or grade ("-": no team, not graded)
    name: str
    customers: int  # 客户数: live profiles (merged duplicates not counted)
    won: int  # 成交客户数: stage won
    buyers: int  # customers with at least one order
    repeat_buyers: int  # customers with two or more orders
    orders: int  # their orders
    won_referrers: int  # won customers that referred at least one customer on file
    referred: int  # 转介绍客户数: customers whose referred_by is set
    referred_won: int  # ... of them won
    revenue: float  # 订单金额合计: the sum of the order amounts, 元

    @property
    def repurchase_rate(self) -> float | None:
        """复购率: the share of customers with an order that ordered again (≥ 2 orders)."""
        return self.repeat_buyers / self.buyers if self.buyers else None

    @property
    def repeat_order_share(self) -> float | None:
        """订单复购率: the share of orders that came after a customer's first, pooled over the
        group (orders − buyers) / orders: what `Customer.repurchase_rate()` is for one."""
        return (self.orders - self.buyers) / self.orders if self.orders else None

    @property
    def referral_rate(self) -> float | None:
        """转介绍率: the share of won customers that referred at least one customer."""
        return self.won_referrers / self.won if self.won else None


HIDDEN = "***"  # a contact detail the person asking may not see (there is one)
CONTACT_FIELDS = ("contacts", "address")  # as a profile's history names them


def show(book: CustomerBook, customer_id: str) -> CustomerView:
    """One profile in full; its phones, emails and address hidden from a person whose role
    does not grant contact details on it (ops)."""
    with book.store.read() as tx:
        row, customer = book.get(tx, customer_id, "customer show")
        cid = row["id"]
        opportunities = tuple(tx.customers.opportunities(cid))
        view = CustomerView(
            customer,
            row["completeness"],
            tuple(row["missing"]),
            tuple(tx.customers.follow_ups(cid)),
            opportunities,
            tuple(tx.customers.timers(cid)),
            tuple(tx.customers.audit_history(cid)),
            tuple(tx.customers.changes(cid)),
            tuple(tx.customers.referrals(cid)),
        )
    if book.access.permits("customer contacts", row["owner"]):
        return view
    return _without_contacts(view)


def _without_contacts(view: CustomerView) -> CustomerView:
    def hidden(text: str) -> str:
        return HIDDEN if text else ""

    c = view.customer
    contacts = tuple(replace(k, mobile=hidden(k.mobile), email=hidden(k.email)) for k in c.contacts)
    history = tuple(
        CustomerChangeRow(
            **{
                **h,
                "changes": {
                    k: [HIDDEN for _ in v] if k in CONTACT_FIELDS else v
                    for k, v in h["changes"].items()
                },
            }
        )
        for h in view.history
    )
    customer = replace(c, address=hidden(c.address), contacts=contacts)
    return replace(view, customer=customer, history=history)


def find(
    book: CustomerBook, where: CustomerFilter, limit: int | None = None, offset: int = 0
) -> list[ListedCustomer]:
    """Rows for `flowkit customer list`: the real columns, tags and completeness (of the
    profiles the person acting may see)."""
    where = replace(where, owners=book.access.narrowed("customer list", where.owners))
    with book.store.read() as tx:
        rows = tx.customers.find(where, limit, offset=offset, summary=True)
        tags = tx.customers.tags([r["id"] for r in rows])
    return [{**r, "tags": tags[r["id"]]} for r in rows]


def check(book: CustomerBook, by: str, where: CustomerFilter) -> list[Completeness]:
    """Completeness per customer, owner or team, worst first; profiles scored by older rules
    are re-scored (and saved) first."""
    _refresh(book)
    where = replace(where, owners=book.access.narrowed("customer check", where.owners))
    with book.store.read() as tx:
        if by == "customer":
            rows = tx.customers.find(where, summary=True)
        else:
            owners = tx.customers.completeness_by_owner(where.owners)
    if by == "customer":
        lines = [
            Completeness(
                r["id"],
                r["name"],
                1,
                int(r["completeness"] == 100),
                float(r["completeness"]),
                tuple(r["missing"]),
            )
            for r in rows
        ]
        return sorted(lines, key=lambda c: (c.average, c.key))
    groups: dict[str, list[OwnerCompleteness]] = defaultdict(list)
    for r in owners:
        groups[_group(book, r["owner"], by)].append(r)
    lines = []
    for key, members in groups.items():
        count = sum(int(m["customers"]) for m in members)
        total = sum(float(m["average"]) * int(m["customers"]) for m in members)
        complete = sum(int(m["complete"] or 0) for m in members)
        lines.append(Completeness(key, _name(book, key, by), count, complete, total / count))
    return sorted(lines, key=lambda c: (c.rate, c.key))


def value(book: CustomerBook, by: str, where: CustomerFilter) -> list[Value]:
    """价值评估 per customer, owner, team or grade (`by`), over the owners `where` keeps.

    Counted in the database (one query grouped by owner, grade or customer); teams are
    their members' owner lines added up. An owner or team the filter names appears even
    with no customers, so asking for a team prints that team. Order: grades in the rules'
    order, ungraded last; anything else by order amounts, highest first, then by key."""
    group = "owner" if by == "team" else by
    where = replace(where, owners=book.access.narrowed("customer value", where.owners))
    with book.store.read() as tx:
        rows = tx.customers.value_counts(group, where.owners)
    if by in ("customer", "grade"):
        lines = [_value(r["key"] or "-", r.get("name") or r["key"] or "-", [r]) for r in rows]
    else:
        groups: dict[str, list[ValueCounts]] = defaultdict(list)
        for owner in where.owners or ():
            groups.setdefault(_group(book, owner, by), [])
        for r in rows:
            groups[_group(book, _owner(r), by)].append(r)
        lines = [_value(key, _name(book, key, by), members) for key, members in groups.items()]
    if by == "grade":
        order = {g: i for i, g in enumerate(book.rules.graded)}
        return sorted(lines, key=lambda v: (v.key == "-", order.get(v.key, len(order)), v.key))
    return sorted(lines, key=lambda v: (-v.revenue, v.key))


def _value(key: str, name: str, rows: list[ValueCounts]) -> Value:
    def total(counts: Sequence[int | None]) -> int:
        return sum(int(n or 0) for n in counts)

    return Value(
        key,
        name,
        total([r["customers"] for r in rows]),
        total([r["won"] for r in rows]),
        total([r["buyers"] for r in rows]),
        total([r["repeat_buyers"] for r in rows]),
        total([r["orders"] for r in rows]),
        total([r["won_referrers"] for r in rows]),
        total([r["referred"] for r in rows]),
        total([r["referred_won"] for r in rows]),
        sum(float(r["revenue"] or 0) for r in rows),
    )


def _owner(counts: ValueCounts) -> str:
    """The owner a line of value counts grouped by owner is for (every profile has one)."""
    owner = counts["key"]
    assert owner is not None, "value counts by owner have an owner"
    return owner


def _refresh(book: CustomerBook) -> None:
    """Re-score profiles whose completeness was computed by other rules than today's."""
    from flowkit.customers.completeness import completeness
    from flowkit.customers.records import from_row

    with book.store.write() as tx:
        stale = tx.customers.scored_by_other_rules(book.digest)
        tags = tx.customers.tags([r["id"] for r in stale])
        for r in stale:
            done = completeness(from_row(r, tags[r["id"]]), book.rules)
            tx.customers.rescore(r["id"], round(done.score * 100), done.missing, book.digest)


def _group(book: CustomerBook, owner: str, by: str) -> str:
    return owner if by == "owner" else team_key(book.people, owner)


def _name(book: CustomerBook, key: str, by: str) -> str:
    if by == "owner":
        return person_name(book.people, key)
    return team_name(book.people, key)
