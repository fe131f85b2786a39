"""Customer profiles (客户档案) in the store: the write commands and their timers.

One method per command, one transaction each, guarded by the customer's revision like the
opportunity commands. Every write recomputes the profile's completeness with the rules of
`customers.yaml`; grading starts the grade's maintenance cadence (维护策略) and the quarterly
review, which `flowkit status` reports beside the opportunities' timers; every follow-up
counts toward the maintenance cadence and is checked against the upkeep rule (recorded
within 24 hours of the contact).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict

from flowkit.access.guard import Access
from flowkit.access.people import check_owner
from flowkit.access.rules import COMMANDS, Action
from flowkit.calendar import Calendar, CalendarSpec, get_calendar
from flowkit.customers.checks import FormatError, check_follow_up, parse_email, parse_phone
from flowkit.errors import InputError
from flowkit.lang.sla import Cadence, Duration, Warn
from flowkit.messages import Message, msg, words
from flowkit.model import Org
from flowkit.model.customer import (
    AfterSale,
    Contact,
    Customer,
    CustomerRules,
    Order,
    Payment,
    SizeClass,
    Stage,
)
from flowkit.store import (
    CustomerRow,
    CustomerTimerRow,
    CustomerUpdate,
    FieldValue,
    Json,
    NewCustomerChange,
    NewCustomerTimer,
    NewFollowUp,
    NewTimer,
    ProfileColumns,
    Store,
)
from flowkit.timers import cadence, settling
from flowkit.timers.cadence import as_cadence
from flowkit.timers.terms import CADENCE_WARN, first_period, warn_at

if TYPE_CHECKING:
    from flowkit.customers.grading import Grading
    from flowkit.customers.merges import MergeReport
    from flowkit.store import Tx

NO_RULES = CustomerRules()


class ProfileChanges(TypedDict, total=False):
    """The fields of a profile an edit sets (`customers.inputs` reads them from options)."""

    name: str
    industry: str
    employees: str
    revenue_band: str
    address: str
    pain_points: str
    needs: str
    budget: str
    owner: str
    referred_by: str
    potential: str
    size: SizeClass
    stage: Stage
    first_contact: date
    keywords: tuple[str, ...]
    contacts: tuple[Contact, ...]
    tags: tuple[str, ...]
    values: Mapping[str, FieldValue]
    orders: tuple[Order, ...]
    payments: tuple[Payment, ...]
    after_sales: tuple[AfterSale, ...]


@dataclass(frozen=True)
class GradeChange:
    customer_id: str
    name: str
    before: str | None
    after: str
    grading: Grading  # which rule gave the grade and why: output/ words it (`lines(lang)`)


class CustomerBook:
    """The customers of one store, kept by the rules of one customers.yaml."""

    def __init__(
        self,
        store: Store,
        rules: CustomerRules | None,
        *,
        people: Org | None = None,
        calendars: Mapping[str, CalendarSpec] | None = None,
        access: Access | None = None,
    ) -> None:
        self.store = store
        self.rules = rules or NO_RULES
        self.people = people  # from org.yaml: who may own a profile
        self._calendars = calendars or {}
        self.digest = hashlib.sha256(repr(self.rules).encode("utf-8")).hexdigest()
        self.access = access or Access(people)  # who is acting, and what they may do
        self.warnings: list[Message] = []  # said to the user after a command (as the Tracker's)

    def acting_as(self, access: Access, store: Store | None = None) -> CustomerBook:
        """This book for another person acting (see `Tracker.acting_as`), on `store` (the
        same store naming that person to PostgreSQL) when given."""
        twin = copy.copy(self)
        twin.access = access
        twin.store = store or self.store
        twin.warnings = []
        return twin

    @cached_property
    def calendar(self) -> Calendar:
        """The calendar the rules count maintenance and follow-up entry on."""
        return get_calendar(self.rules.calendar, self._calendars)

    # reading ----------------------------------------------------------------------------
    def get(self, tx: Tx, customer_id: str, command: str) -> tuple[CustomerRow, Customer]:
        """The profile `command` acts on, if the person acting may: the one check of every
        customer command (a write's audit-log entry goes with its transaction)."""
        from flowkit.customers.records import from_row

        row = tx.customers.named(customer_id)

        def missing() -> InputError:
            hint = msg("flowkit customer list shows them")
            return InputError(msg("no customer {id}", id=customer_id), hint)

        entry = self.access.found(command, f"customer {customer_id}", row and row["owner"], missing)
        assert row is not None  # found() raised otherwise
        if COMMANDS[command] is not Action.READ:
            tx.log.add([entry])
        if row["merged_into"]:
            raise InputError(
                msg("customer {id} was merged into {into}", id=row["id"], into=row["merged_into"]),
                msg("use {into}", into=row["merged_into"]),
            )
        return row, from_row(row, tx.customers.tags([row["id"]])[row["id"]])

    # writing ----------------------------------------------------------------------------
    def add(
        self, customers: Sequence[Customer], *, now: datetime, distinct: bool = False
    ) -> list[str]:
        """New profiles (ids given to those without one); each is checked first, and one
        that looks like a customer on file (the same company name once normalised, a shared
        mobile or email: 撞单) is refused, naming it and its owner, unless the caller says
        it is `distinct` (a different company with a similar name)."""
        for customer in customers:
            self.check(customer)
        with self.store.write() as tx:
            tx.log.add(
                [
                    self.access.require("customer add", c.owner, f"customer {c.name}")
                    for c in customers
                ]
            )
            tx.serialize()  # another add of the same company waits, then finds this one
            if not distinct:
                _not_on_file(tx, customers)
            return self.insert(tx, customers, now)

    def insert(self, tx: Tx, customers: Sequence[Customer], now: datetime) -> list[str]:
        """Checked profiles into the store in bulk, with the timers of their grades."""
        from flowkit.customers.dedupe import contact_keys

        ids = iter(tx.customers.new_ids(sum(1 for c in customers if not c.id)))
        ready = [c if c.id else replace(c, id=next(ids)) for c in customers]
        for c in ready:
            self.may_own(c.id, c.name, c.owner, c.grade)
        given = [c.id for c in customers if c.id]
        taken = tx.customers.taken(given)
        _referrers_exist(tx, ready)
        if taken:
            raise InputError(msg("customer id {ids} is taken", ids=words(taken[:5])))
        tx.customers.add(
            [
                {
                    "id": c.id,
                    **self._row(c, now),
                    "created_at": now,
                    "graded_at": now if c.grade else None,
                }
                for c in ready
            ],
            {c.id: c.tags for c in ready},
            {c.id: contact_keys(c) for c in ready},  # the blind index (store.crypto)
        )
        tx.customers.add_timers([t for c in ready if c.grade for t in self._grade_timers(c, now)])
        tx.customers.add_changes([self.change(c.id, now, "added", {}) for c in ready])
        return [c.id for c in ready]

    def merge(self, primary_id: str, other_ids: Sequence[str], *, now: datetime) -> MergeReport:
        """Duplicates folded into one profile: values kept from `primary`, gaps filled from
        the others, contacts, tags and history united; the others point at it afterwards.
        Reported field by field, and recorded so that `unmerge` undoes it (`merges`)."""
        from flowkit.customers.merges import fold_in

        with self.store.write() as tx:
            kept = self.get(tx, primary_id, "customer merge")
            others = [self.get(tx, cid, "customer merge") for cid in other_ids]
            if any(o.id == kept[1].id for _, o in others):
                raise InputError(msg("{id} cannot be merged into itself", id=kept[1].id))
            return fold_in(self, tx, kept, others, (), now)

    def unmerge(self, customer_id: str, merge_id: int, *, now: datetime) -> list[str]:
        """Undo merge `merge_id` of the profile (`merges.unmerge`): the profiles that stand
        again."""
        from flowkit.customers.merges import unmerge

        return unmerge(self, customer_id, merge_id, now)

    def change(
        self, customer_id: str, now: datetime, kind: str, changes: Mapping[str, Sequence[Json]]
    ) -> NewCustomerChange:
        """A line of a profile's history: when, who (`actor`), what kind, what changed."""
        return {
            "customer_id": customer_id,
            "recorded_at": now,
            "actor": self.access.actor.id,
            "kind": kind,
            "changes": dict(changes),
        }

    def save(
        self,
        tx: Tx,
        row: CustomerRow,
        customer: Customer,
        now: datetime,
        kind: str = "edited",
        *,
        record: bool = True,
    ) -> None:
        """Write an edited profile (the caller checked it) with its tags, and what changed
        into the profile's history (unless the caller writes that line: `record` False)."""
        from flowkit.customers.dedupe import contact_keys
        from flowkit.customers.records import differences, from_row

        before = from_row(row, tx.customers.tags([row["id"]])[row["id"]])
        if (customer.owner, customer.grade) != (before.owner, before.grade):
            self.may_own(row["id"], customer.name, customer.owner, customer.grade)
        _referrers_exist(tx, [customer])
        tx.customers.update(
            row["id"], row["revision"], self._row(customer, now), customer.tags,
            contact_keys(customer),
        )  # fmt: skip
        if not record:
            return
        changed = differences(before, customer)
        if changed:
            tx.customers.add_changes([self.change(row["id"], now, kind, changed)])

    def edit(
        self,
        customer_id: str,
        changes: ProfileChanges | Callable[[Customer], ProfileChanges],
        *,
        now: datetime,
    ) -> Customer:
        """Change a profile. Changes that build on the profile (an order appended to its
        orders) are given as a function of it: it is called on the profile read in this
        command's transaction, so two edits at once never write over each other — the
        revision guard refuses the later one instead."""
        with self.store.write() as tx:
            row, before = self.get(tx, customer_id, "customer edit")
            after = replace(before, **(changes(before) if callable(changes) else changes))
            if after.owner != before.owner:  # a reassignment: the old and new owner's records
                target = f"customer {row['id']}"
                for owner in (before.owner, after.owner):
                    tx.log.add([self.access.require("customer reassign", owner, target)])
            self.check(after)
            if after.stage == "lost" and before.stage != "lost":
                self._no_open_opportunities(tx, after)
            self.save(tx, row, after, now)
        return after

    def tag(
        self, customer_id: str, add: Sequence[str], remove: Sequence[str], *, now: datetime
    ) -> Customer:
        with self.store.write() as tx:
            row, before = self.get(tx, customer_id, "customer tag")
            unknown = [t for t in remove if t not in before.tags]
            if unknown:
                raise InputError(
                    msg("{customer} has no tag {tags}", customer=before.name, tags=words(unknown))
                )
            tags = tuple(dict.fromkeys([*(t for t in before.tags if t not in remove), *add]))
            after = replace(before, tags=tags)
            self.check(after)
            self.save(tx, row, after, now)
        return after

    def log(
        self,
        customer_id: str,
        *,
        method: str,
        content: str,
        now: datetime,
        at: datetime | None = None,
        feedback: str = "",
        next_step: str = "",
        by: str | None = None,
        opportunity: int | None = None,
    ) -> None:
        """A follow-up on the customer (跟进记录); it counts toward the maintenance cadence."""
        from flowkit.customers.checks import methods_of  # the rules' own methods too

        at = at or now
        method = check_follow_up(method, content, methods_of(self.rules))
        if at > now:
            raise InputError(msg("--at {at} is in the future", at=at.isoformat()))
        with self.store.write() as tx:
            row, customer = self.get(tx, customer_id, "customer log")
            self.record_follow_up(
                tx,
                row["id"],
                method,
                content,
                feedback,
                next_step,
                self.access.doer(by, customer.owner, "customer log"),
                at,
                now,
                opportunity,
            )
            self.save(tx, row, customer, now)  # the revision guard: one writer at a time

    def record_follow_up(
        self,
        tx: Tx,
        customer_id: str,
        method: str,
        content: str,
        feedback: str,
        next_step: str,
        owner: str,
        at: datetime,
        now: datetime,
        opportunity: int | None,
        *,
        history: bool = False,
    ) -> None:
        """The follow-up row, counted into the customer's maintenance periods when `owner`
        (who followed up) is of the lane the grade names (also called by `flowkit log` on an
        opportunity of this customer).

        `history`: a record of the past moved in by an import whose file does not say when it
        was entered; the upkeep rule (log within 24 hours) judges people logging their work,
        and nobody logged these late, so they are never late entries."""
        entry: NewFollowUp = {
            "customer_id": customer_id,
            "instance_id": opportunity,
            "at": at,
            "recorded_at": now,
            "late_seconds": 0 if history else _late(now - at),
            "method": method,
            "content": content,
            "feedback": feedback,
            "next_step": next_step,
            "owner": owner,
        }
        tx.customers.add_follow_ups([entry])
        for timer in self._rolled(tx, customer_id, now):
            if timer["kind"] != "maintenance":
                continue
            if not self.in_lane(owner, timer["lane"]):
                self.warnings.append(
                    msg(
                        "the follow-up of {id} by {person} is recorded, and does not count "
                        "toward its maintenance ({sla}): that is the work of the lane {lane}",
                        id=customer_id,
                        person=owner,
                        sla=timer["sla"],
                        lane=timer["lane"],
                    )
                )
                continue
            period = as_cadence(timer)
            if cadence.counts(period, method, at):
                tx.customers.update_timer(timer, cadence.counted(period), at)
            elif cadence.caught_up(period, method, at):
                tx.customers.update_timer(timer, {"state": "missed"}, at)

    def in_lane(self, person: str, lane: str | None) -> bool:
        """Whether a follow-up by `person` counts toward a maintenance cadence the grade
        gives to `lane` (A级: 销售经理亲自跟进 — a consultant's visit is recorded, and
        does not keep an A customer): they act in that lane, or left having done so (a
        visit of the past, imported). Without an org.yaml or a lane, every visit counts."""
        if lane is None or self.people is None:
            return True
        found = self.people.person(person)
        return found is not None and lane in found.lanes

    def won(
        self,
        tx: Tx,
        customer_id: str,
        product: str,
        amount: FieldValue | None,
        at: datetime,
        now: datetime,
    ) -> None:
        """An opportunity won: an order (成交订单) on the customer, now a 成交客户."""
        row, customer = self.get(tx, customer_id, "close")
        value = float(amount) if isinstance(amount, int | float) else 0.0
        order = Order(product, value, at.astimezone(self.calendar.tz).date())
        won = replace(customer, orders=(*customer.orders, order), stage="won")
        self.save(tx, row, won, now, "won")

    def grade(
        self, customer_ids: Sequence[str] | None, *, now: datetime, apply: bool
    ) -> list[GradeChange]:
        """Grade by the rules; with `apply`, write the grades that changed (and restart the
        maintenance and review timers of every customer graded)."""
        from flowkit.customers.grading import grade as by_rules
        from flowkit.customers.records import from_row
        from flowkit.store import CustomerFilter

        if not self.rules.grades:
            raise InputError(msg("no grading rules: customers.yaml declares no `grades`"))
        changes = []
        with self.store.write() if apply else self.store.read() as tx:
            command = "customer grade" if apply else "customer show"
            rows = (
                [self.get(tx, cid, command)[0] for cid in customer_ids]
                if customer_ids
                else tx.customers.find(CustomerFilter(owners=self.access.narrowed(command, None)))
            )
            tags = tx.customers.tags([r["id"] for r in rows])
            for row in rows:
                customer = from_row(row, tags[row["id"]])
                result = by_rules(customer, self.rules)
                if result.grade is None:  # only with rules that failed FK903
                    raise InputError(msg("no grading rule gives {id} a grade", id=customer.id))
                changes.append(
                    GradeChange(customer.id, customer.name, customer.grade, result.grade, result)
                )
                if apply:
                    self.regrade(tx, row, customer, result.grade, now)
        return changes

    def regrade(
        self, tx: Tx, row: CustomerRow, customer: Customer, grade: str, now: datetime
    ) -> None:
        """Record a review: the review timer is met and starts again; a new grade also
        replaces the maintenance cadence."""
        changed = grade != customer.grade
        if changed:
            self.may_own(customer.id, customer.name, customer.owner, grade)
        for timer in tx.customers.timers(customer.id, ("running", "late")):
            if timer["kind"] == "review":
                tx.customers.update_timer(
                    timer, {"state": "met", "done": timer["required"], "ended_at": now}, now
                )
            elif changed:
                tx.customers.update_timer(timer, {"state": "stopped", "ended_at": now}, now)
        graded = replace(customer, grade=grade)
        values: CustomerUpdate = {**self._row(graded, now), "graded_at": now}
        tx.customers.update(row["id"], row["revision"], values)
        if changed:
            grades = {"grade": [customer.grade, grade]}
            tx.customers.add_changes([self.change(row["id"], now, "graded", grades)])
        fresh = self._grade_timers(graded, now)
        tx.customers.add_timers([t for t in fresh if changed or t["kind"] == "review"])

    def _grade_timers(self, customer: Customer, now: datetime) -> list[NewCustomerTimer]:
        """The maintenance cadence of the customer's grade, and the next review."""
        cal = self.calendar
        rows = []
        keep = self.rules.maintenance_for(customer.grade)
        if keep is not None:
            rows.append(
                _cadence_row(
                    customer.id, "maintenance", keep.text, keep.lane, keep.cadence, now, cal
                )
            )
        if self.rules.review is not None:
            rows.append(
                _cadence_row(
                    customer.id, "review", "客户价值评估复盘", None, self.rules.review, now, cal
                )
            )
        return rows

    def _rolled(self, tx: Tx, customer_id: str, until: datetime) -> list[CustomerTimerRow]:
        """Maintenance periods that ended by `until` settled; the open ones returned."""
        cal = self.calendar
        timers = tx.customers.timers(customer_id, ("running", "late"))
        for timer, update, new in settling.due(timers, until, cal, settling.CUSTOMER):
            tx.customers.update_timer(timer, update, until)
            tx.customers.add_timers([_customer_row(timer, r) for r in new])
        return tx.customers.timers(customer_id, ("running", "late"))

    # checks -------------------------------------------------------------------------------
    def may_own(self, customer_id: str, name: str, owner: str, grade: str | None) -> None:
        """A new hire in training is never the sole owner of a customer of the top grade
        (the rules' first: A), whether it is graded so, given to them, or handed over."""
        graded = self.rules.graded
        if self.people is None or not graded or grade != graded[0]:
            return
        person = self.people.person(owner)
        if person is None or person.mentor is None:
            return
        raise InputError(
            msg(
                "{person} is in training (mentor {mentor}) and cannot be the sole owner of "
                "{grade}-grade customer {id} {name}",
                person=owner,
                mentor=person.mentor,
                grade=grade,
                id=customer_id,
                name=name,
            ),
            msg(
                "give it to the mentor (flowkit customer edit {id} --owner {mentor}); once "
                "{person} is certified, remove their `training` from org.yaml",
                id=customer_id,
                mentor=person.mentor,
                person=owner,
            ),
        )

    def check(self, customer: Customer) -> None:
        """Refuse what the rules and the org do not allow, naming the bad value."""

        if not customer.name.strip():
            raise InputError(msg("a customer needs a name"))
        check_owner(self.people, customer.owner)
        if self.rules.tags:
            unknown = [t for t in customer.tags if t not in self.rules.tags]
            if unknown:
                raise InputError(
                    msg("unknown tag {tags}", tags=words(unknown)),
                    msg("customers.yaml declares: {tags}", tags=words(self.rules.tags)),
                )
        grades = {r.grade for r in self.rules.grades}
        if customer.grade is not None and grades and customer.grade not in grades:
            raise InputError(
                msg(
                    "unknown grade {grade!r} (grades: {grades})",
                    grade=customer.grade,
                    grades=words(sorted(grades)),
                )
            )
        for contact in customer.contacts:
            for text, parse in ((contact.mobile, parse_phone), (contact.email, parse_email)):
                if text:
                    try:
                        parse(text)
                    except FormatError as e:
                        raise InputError(
                            msg("contact {name}: {problem}", name=contact.name, problem=e.msg)
                        ) from e

    def _no_open_opportunities(self, tx: Tx, customer: Customer) -> None:
        still = tx.customers.open_opportunities(customer.id)
        if still:
            ids = words(f"#{o['id']} {o['name']}" for o in still)
            raise InputError(
                msg(
                    "{customer} cannot be 流失客户 with open opportunities: {ids}",
                    customer=customer.name,
                    ids=ids,
                ),
                msg("close them first: flowkit close ID --lost --reason ..."),
            )

    def _row(self, customer: Customer, now: datetime) -> ProfileColumns:
        from flowkit.customers.completeness import completeness
        from flowkit.customers.dedupe import company_key
        from flowkit.customers.records import to_document

        done = completeness(customer, self.rules)
        return {
            "name": customer.name.strip(),
            "name_key": company_key(customer.name),
            "owner": customer.owner,
            "industry": customer.industry,
            "size": customer.size,
            "stage": customer.stage,
            "grade": customer.grade,
            "referred_by": customer.referred_by or None,
            "completeness": round(done.score * 100),
            "missing": list(done.missing),
            "rules_digest": self.digest,
            "profile": to_document(customer),
            "updated_at": now,
        }


def _referrers_exist(tx: Tx, customers: Sequence[Customer]) -> None:
    """A 转介绍来源 names a customer on file, and not the customer itself."""
    named = {c.referred_by for c in customers if c.referred_by}
    for c in customers:
        if c.referred_by and c.referred_by == c.id:
            raise InputError(msg("{id} {name} cannot be its own referrer", id=c.id, name=c.name))
    missing = sorted(named - set(tx.customers.taken(sorted(named)))) if named else []
    if missing:
        raise InputError(msg("referred by {ids}: no such customer", ids=words(missing)))


def _cadence_row(
    customer_id: str,
    kind: str,
    text: str,
    lane: str | None,
    every: Cadence,
    start: datetime,
    cal: Calendar,
) -> NewCustomerTimer:
    start, end = first_period(start, every, cal)
    return {
        "customer_id": customer_id,
        "kind": kind,
        "sla": text,
        "lane": lane,
        "calendar": cal.name,
        "started_at": start,
        "due_at": end,
        "warn_at": warn_at(start, end, Warn(percent=CADENCE_WARN), Duration(1, "day"), cal),
        "required": every.count,
        "done": 0,
        "method": every.method,
        "period": every.code,
        "state": "running",
        "ended_at": None,
    }


def _customer_row(timer: CustomerTimerRow, period: NewTimer) -> NewCustomerTimer:
    """A maintenance period opened by settling `timer`, as the customer_timers table holds
    it."""
    return {
        "sla": period["sla"],
        "calendar": period["calendar"],
        "started_at": period["started_at"],
        "warn_at": period["warn_at"],
        "due_at": _end(period),
        "required": period["required"],
        "done": period["done"],
        "method": period["method"],
        "period": timer["period"],
        "state": period["state"],
        "ended_at": period["ended_at"],
        "customer_id": timer["customer_id"],
        "kind": "maintenance",
        "lane": timer["lane"],
    }


def _end(period: NewTimer) -> datetime:
    due = period["due_at"]
    assert due is not None, "a maintenance period has an end"
    return due


def _not_on_file(tx: Tx, customers: Sequence[Customer]) -> None:
    from flowkit.customers.dedupe import company_key, contact_keys, find_duplicates
    from flowkit.customers.records import from_row

    # only the profiles sharing a name or (by the blind index) a mobile or email are read
    candidates = tx.customers.named_like([company_key(c.name) for c in customers])
    candidates += tx.customers.sharing([k for c in customers for k in contact_keys(c)])
    rows = tx.customers.by_ids(sorted(set(candidates)))
    tags = tx.customers.tags([r["id"] for r in rows]) if rows else {}
    groups = find_duplicates(customers, [from_row(r, tags[r["id"]]) for r in rows])
    if not groups:
        return
    group = groups[0]
    raise InputError(
        msg(
            "{name} looks like a customer on file (撞单): {existing} — {reasons}",
            name=group.incoming[0].name,
            existing=words([f"{c.id} {c.name} ({c.owner or '-'})" for c in group.existing]),
            reasons=words(group.reasons),
        ),
        msg(
            "work on that profile (its owner or a manager reassigns it), or, if this is "
            "another company, add it with --distinct"
        ),
    )


def _late(delay: timedelta) -> int:
    """Seconds between a contact and its record, for the upkeep rule (late past a day): held
    to what an INTEGER column holds on both databases (68 years), since a contact logged
    from 1900 overflowed PostgreSQL's (an internal error) while SQLite kept it."""
    return min(int(delay.total_seconds()), 2**31 - 1)
