"""The typed rows (`flowkit.store.rows`) say what the store really holds and hands out.

The store casts what SQLAlchemy returns to these types, so mypy can only check the engine's
keys if the types are right: each row type's keys are held to its table's columns, and the
rows of every read are compared with their type's keys on both databases.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Table

from flowkit.customers import audits
from flowkit.customers.book import CustomerBook
from flowkit.model.customer import Customer
from flowkit.store import (
    AlertRow,
    AuditFinding,
    AuditRow,
    CustomerAlertRow,
    CustomerChangeRow,
    CustomerFilter,
    CustomerOpportunity,
    CustomerRow,
    CustomerSummary,
    CustomerTimerRow,
    CustomerUpdate,
    DeadlineCounts,
    EventRow,
    FollowUpEntry,
    ImportedTimer,
    InstanceRow,
    InstanceUpdate,
    KeptTimer,
    LastWork,
    LateEntryRow,
    LiveVersion,
    NamedFollowUp,
    NamedTimerRow,
    NewAudit,
    NewCustomer,
    NewCustomerChange,
    NewCustomerTimer,
    NewEvent,
    NewFollowUp,
    NewInstance,
    NewTimer,
    NodeTraffic,
    NumberedEvent,
    OldDataDeadlineRow,
    OpportunityRef,
    OwnerCompleteness,
    PinnedVersion,
    ProfileColumns,
    Referral,
    SampledRow,
    StatusFilter,
    TimerRow,
    TimerUpdate,
    TimerValues,
    ValueCounts,
)
from flowkit.store.tables import (
    audits as audits_table,
)
from flowkit.store.tables import (
    customer_changes,
    customer_timer_history,
    customer_timers,
    customers,
    events,
    follow_ups,
    instances,
    process_versions,
    timer_history,
    timers,
)
from flowkit.tracking import Tracker
from tests.conftest import cst
from tests.tracking.test_slas import _by, _to_contract_signing

NOW = cst("2026-11-02T10:00")


def keys(row_type: Any) -> set[str]:
    """Every key a TypedDict declares, required or not, its bases' included."""
    return set(row_type.__required_keys__ | row_type.__optional_keys__)


def columns(table: Table, *without: str) -> set[str]:
    return {c.name for c in table.columns} - set(without)


@pytest.mark.parametrize(
    ("row_type", "table", "without"),
    [
        (PinnedVersion, process_versions, ()),
        (InstanceRow, instances, ()),
        (NewInstance, instances, ("id", "revision")),
        (EventRow, events, ()),
        (NumberedEvent, events, ("id",)),
        (NewEvent, events, ("id", "instance_id", "seq")),
        (TimerRow, timers, ()),
        (TimerValues, timers, ("id", "instance_id")),
        (NewTimer, timers, ("id", "instance_id")),
        (ImportedTimer, timers, ("id",)),
        (KeptTimer, timer_history, ("id", "until")),
        (KeptTimer, customer_timer_history, ("id", "until")),
        (CustomerRow, customers, ()),
        (CustomerSummary, customers, ("profile",)),
        (NewCustomer, customers, ("revision",)),
        (CustomerUpdate, customers, ("id", "created_at", "revision")),
        (CustomerTimerRow, customer_timers, ()),
        (NewCustomerTimer, customer_timers, ("id",)),
        (FollowUpEntry, follow_ups, ()),
        (NewFollowUp, follow_ups, ("id",)),
        (CustomerChangeRow, customer_changes, ()),
        (NewCustomerChange, customer_changes, ("id",)),
        (AuditRow, audits_table, ()),
        (NewAudit, audits_table, ("id", "checked_by", "checked_at")),
    ],
)
def test_a_row_type_has_the_columns_of_its_table(
    row_type: Any, table: Table, without: tuple[str, ...]
) -> None:
    assert keys(row_type) == columns(table, *without)


@pytest.mark.parametrize(
    ("update_type", "table"),
    [
        (InstanceUpdate, instances),
        (TimerUpdate, timers),
        (CustomerUpdate, customers),
        (AuditFinding, audits_table),
        (ProfileColumns, customers),
    ],
)
def test_an_update_names_columns_of_its_table(update_type: Any, table: Table) -> None:
    assert keys(update_type) <= columns(table)


def _same(rows: list[Any] | tuple[Any, ...], row_type: Any, *optional: str) -> None:
    """Every row has exactly the keys its type declares, but for those it marks optional
    (NotRequired, not known at run time: the annotations are for the type checker only);
    and there is at least one row."""
    assert rows, f"no {row_type.__name__} to compare"
    for row in rows:
        assert set(row) | set(optional) == keys(row_type), row_type.__name__


def _joined(rows: list[Any], row_type: Any, *extra: str) -> None:
    """Rows that carry `extra` columns beyond their type's (for the store's own use)."""
    assert rows, f"no {row_type.__name__} to compare"
    for row in rows:
        assert set(row) - set(extra) == keys(row_type), row_type.__name__


def test_every_read_hands_out_the_keys_its_type_declares(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([Customer(id="", name="上海宏达机械有限公司", owner="li.lei")], now=NOW)
    (other,) = book.add(
        [Customer(id="", name="苏州精工", owner="li.lei", referred_by=cid)], now=NOW
    )
    book.grade(None, now=NOW, apply=True)
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer=cid,
        owner="li.lei",
        now=NOW,
        at=NOW,
        fields={"segment": "sme", "amount": "280000"},
    )
    tracker.advance(instance, now=NOW, at=NOW, by=_by(tracker, "marketing"))
    later = NOW + timedelta(days=40)
    tracker.log(instance, method="visit", content="拜访", now=later, at=later - timedelta(days=3))
    sample = audits.sample(book, "2026-W45", "", 1.0, NOW)
    assert sample.rows

    with tracker.store.read() as tx:
        row = tx.instance(instance)
        assert row is not None
        _same([row], InstanceRow)
        _same(tx.instances(StatusFilter()), InstanceRow)
        pinned = tx.pinned(row["process_hash"])
        assert pinned is not None
        _same([pinned], PinnedVersion)
        _same(tx.events(instance), EventRow)
        _same(tx.timers(instance), TimerRow)
        _same(list(tx.timers_by_id([t["id"] for t in tx.timers(instance)]).values()), TimerRow)
        work = tx.last_work_at(instance, row["node"])
        assert work is not None
        _same([work], LastWork)
        _same(tx.alerts(later, StatusFilter(), current=True), AlertRow)
        # a past moment: the store also reads what it needs to take timers back in time
        past = tx.alerts(later - timedelta(hours=1), StatusFilter(), current=False)
        _joined(past, AlertRow, "started_at", "ended_at", "method")
        _same(tx.deadline_outcomes(NOW, later, "owner", None), DeadlineCounts, "process_id", "node")
        by_node = tx.deadline_outcomes(NOW, later, "node", None)
        _same(by_node, DeadlineCounts, "owner")
        _same(tx.node_traffic("standard-sales", NOW, later), NodeTraffic)
        _same(tx.live_versions(), LiveVersion)
        _same(tx.instances_on(row["process_hash"], str(row["node"])), InstanceRow)
        _same(tx.open_timers_due_after(NOW), NamedTimerRow)

        c = tx.customers
        found = c.get(cid)
        assert found is not None
        _same([found], CustomerRow)
        _same(c.find(CustomerFilter()), CustomerRow)
        _same(c.find(CustomerFilter(), summary=True), CustomerSummary)
        _same(c.completeness_by_owner(None), OwnerCompleteness)
        _same(c.value_counts("owner", None), ValueCounts, "name")
        _same(c.value_counts("customer", None), ValueCounts)
        _same(c.open_opportunities(cid), OpportunityRef)
        _same(c.opportunities(cid), CustomerOpportunity)
        _same(c.referrals(cid), Referral)
        _same(c.scored_by_other_rules("another digest"), CustomerRow)
        _same(c.changes(cid), CustomerChangeRow)
        _same(c.follow_ups(cid), FollowUpEntry)
        _same(c.follow_ups_of([cid]), NamedFollowUp)
        _same(c.late_entries(NOW, later, 86400), LateEntryRow)
        _same(c.timers(cid), CustomerTimerRow)
        much_later = NOW + timedelta(days=200)  # every maintenance period and review is due
        _same(c.alerts(much_later, None, current=True), CustomerAlertRow)
        _same(c.alerts(much_later, None, current=False), CustomerAlertRow)
        _same(c.audits("2026-W45", ""), SampledRow)
        _same(c.audit_history(other), AuditRow)


def test_a_deadline_on_old_holiday_data_is_read_with_its_instance(tracker: Tracker) -> None:
    instance = _to_contract_signing(tracker, "2026-11-02T09:00", "2026-11-02T09:00")
    with tracker.store.write() as tx:
        timer = next(t for t in tx.timers(instance) if t["node"] == "contract_signing")
        tx.update_timer(timer["id"], {"data_until": 2000})
        _same(tx.deadlines_on_data_before(2001), OldDataDeadlineRow)
