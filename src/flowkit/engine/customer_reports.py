"""Read-only answers about customers: one profile in full, lists, and completeness (档案完整率)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flowkit.engine.customers import CustomerBook
from flowkit.model.customer import Customer
from flowkit.store import CustomerFilter, Row


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    completeness: int  # percent
    missing: tuple[str, ...]
    follow_ups: tuple[Row, ...]
    opportunities: tuple[Row, ...]
    timers: tuple[Row, ...]
    audits: tuple[Row, ...]
    history: tuple[Row, ...] = ()  # what changed, when: added, edited, graded, merged, won
    referrals: tuple[Row, ...] = ()  # the customers this one referred (转介绍)


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


def show(book: CustomerBook, customer_id: str) -> CustomerView:
    with book.store.read() as tx:
        row, customer = book.get(tx, customer_id)
        cid = row["id"]
        opportunities = tuple(tx.customers.opportunities(cid))
        return CustomerView(
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


def find(book: CustomerBook, where: CustomerFilter, limit: int | None = None) -> list[Row]:
    """Rows for `flowkit customer list`: the real columns, tags and completeness."""
    with book.store.read() as tx:
        rows = tx.customers.find(where, limit, summary=True)
        tags = tx.customers.tags([r["id"] for r in rows])
    return [r | {"tags": tags[r["id"]]} for r in rows]


def check(book: CustomerBook, by: str, where: CustomerFilter) -> list[Completeness]:
    """Completeness per customer, owner or team, worst first; profiles scored by older rules
    are re-scored (and saved) first."""
    _refresh(book)
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
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in owners:
        groups[_group(book, r["owner"], by)].append(r)
    lines = []
    for key, members in groups.items():
        count = sum(int(m["customers"]) for m in members)
        total = sum(float(m["average"]) * int(m["customers"]) for m in members)
        complete = sum(int(m["complete"] or 0) for m in members)
        lines.append(Completeness(key, _name(book, key, by), count, complete, total / count))
    return sorted(lines, key=lambda c: (c.rate, c.key))


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
    if by == "owner":
        return owner
    people = book.tracker.people
    team = people.team_of(owner) if people is not None else None
    return team.id if team else "-"


def _name(book: CustomerBook, key: str, by: str) -> str:
    if by == "owner":
        return book.tracker.person_name(key)
    people = book.tracker.people
    if people is None:
        return key
    team = people.team_by_id.get(key)
    return team.name if team else key
