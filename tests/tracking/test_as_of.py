"""`status --as-of` a past moment answers as things stood then: later pauses, follow-ups,
closes, reassignments and risk flags do not rewrite it."""

from __future__ import annotations

from flowkit.customers.book import CustomerBook
from flowkit.store import StatusFilter
from flowkit.tracking import Tracker, status
from flowkit.tracking.queries import Alert
from tests.conftest import cst
from tests.customers.test_book import HONGDA
from tests.tracking.test_slas import _at_followup, _to_contract_signing

NOW = cst("2025-10-20T10:00")


def _signing(tracker: Tracker, as_of: str, where: StatusFilter | None = None) -> list[Alert]:
    found = status(tracker, cst(as_of), where or StatusFilter(states=("open",)), now=NOW)
    return [a for a in found.alerts if a.node == "contract_signing"]


def test_a_later_pause_does_not_hide_a_breach_of_the_moment_before(tracker: Tracker) -> None:
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-09-30T16:00")
    tracker.pause(instance, "客户内部审批", now=cst("2025-10-13T10:00"))
    tracker.resume(instance, now=cst("2025-10-20T09:00"))
    (then,) = _signing(tracker, "2025-10-13T09:30")  # due 10-11 16:00, not yet paused
    assert then.breached and then.due_at == cst("2025-10-11T16:00")
    assert _signing(tracker, "2025-10-15T12:00") == []  # paused: the clock stood still
    (now,) = _signing(tracker, "2025-10-20T10:00")  # resumed: due later by the pause
    assert now.due_at == cst("2025-10-17T15:00")


def test_a_deal_closed_since_is_still_late_at_the_moment_before(tracker: Tracker) -> None:
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-09-30T16:00")
    tracker.close(instance, won=False, reason="competitor", now=cst("2025-10-14T10:00"))
    assert [a.instance_id for a in _signing(tracker, "2025-10-13T09:30")] == [instance]
    assert _signing(tracker, "2025-10-14T11:00") == []


def test_the_owner_and_risk_flag_are_those_of_the_moment(tracker: Tracker) -> None:
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-09-30T16:00")
    first = _signing(tracker, "2025-10-13T09:30")[0].owner
    other = next(p.id for p in tracker.people.people_in("consultant") if p.id != first)
    tracker.assign(instance, other, now=cst("2025-10-14T10:00"))
    tracker.set_risk(instance, True, note="客户预算冻结", now=cst("2025-10-14T11:00"))
    (then,) = _signing(tracker, "2025-10-13T09:30", StatusFilter(owners=(first,)))
    assert (then.owner, then.risk, then.risk_note) == (first, False, "")
    assert _signing(tracker, "2025-10-13T09:30", StatusFilter(owners=(other,))) == []
    (now,) = _signing(tracker, "2025-10-20T10:00", StatusFilter(owners=(other,)))
    assert (now.owner, now.risk, now.risk_note) == (other, True, "客户预算冻结")


def test_a_cadence_counts_only_the_follow_ups_made_by_then(tracker: Tracker) -> None:
    now = cst("2026-11-27T10:00")
    instance = _at_followup(tracker, "2026-11-16T09:00", "2026-11-16T09:00")  # 每周2次上门拜访
    for at in ("2026-11-17T10:00", "2026-11-22T15:00"):
        tracker.log(instance, method="visit", content="上门拜访", now=now, at=cst(at))

    def week_one(as_of: str) -> list[tuple[int, int, bool]]:
        alerts = status(tracker, cst(as_of), StatusFilter(), now=now).alerts
        return [
            (a.done, a.required, a.breached)
            for a in alerts
            if a.instance_id == instance and a.due_at == cst("2026-11-23T09:00")
        ]

    assert week_one("2026-11-22T12:00") == [(1, 2, False)]  # one visit so far: at risk
    assert week_one("2026-11-22T16:00") == []  # the second visit met the week


def test_follow_ups_recorded_out_of_order_count_from_when_they_were_made(
    tracker: Tracker,
) -> None:
    instance = _at_followup(tracker, "2026-11-16T09:00", "2026-11-16T09:00")  # 每周2次上门拜访
    for at, recorded in (
        ("2026-11-22T15:00", "2026-11-23T09:00"),
        ("2026-11-17T10:00", "2026-11-24T09:00"),
    ):
        tracker.log(instance, method="visit", content="上门拜访", now=cst(recorded), at=cst(at))
    alerts = status(tracker, cst("2026-11-20T12:00"), StatusFilter(), now=cst("2026-11-27T10:00"))
    week_one = [
        (a.done, a.required)
        for a in alerts.alerts
        if a.instance_id == instance and a.due_at == cst("2026-11-23T09:00")
    ]
    assert week_one == [(1, 2)]  # the 11-17 visit, entered last, had been made by then


def test_a_customers_month_is_answered_as_it_stood(tracker: Tracker, book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=cst("2026-11-02T10:00"))
    book.grade([cid], now=cst("2026-11-02T10:00"), apply=True)  # A: 每月1次拜访 from 11-02
    later = cst("2026-12-20T10:00")
    at = cst("2026-11-25T15:00")
    book.log(cid, method="visit", content="高层拜访", now=later, at=at, by="wang.fang")

    def maintenance(as_of: str) -> list[tuple[int, bool]]:
        found = status(tracker, cst(as_of), StatusFilter(), now=later, customers=book.rules)
        return [(a.done, a.breached) for a in found.alerts if a.node == "maintenance"]

    # before the visit, the month was short and past its warning: at risk, 0 of 1
    assert maintenance("2026-11-24T10:00") == [(0, False)]
    assert maintenance("2026-11-26T10:00") == []  # the visit met it


def test_a_customer_handed_over_since_is_listed_under_its_owner_then(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([HONGDA], now=cst("2026-11-02T10:00"))  # owner li.lei
    book.grade([cid], now=cst("2026-11-02T10:00"), apply=True)
    book.edit(cid, {"owner": "han.meimei"}, now=cst("2026-12-10T10:00"))
    now = cst("2026-12-20T10:00")

    def owners(as_of: str, who: str) -> list[str]:
        found = status(
            tracker, cst(as_of), StatusFilter(owners=(who,)), now=now, customers=book.rules
        )
        return [a.owner for a in found.alerts if a.node == "maintenance"]

    assert owners("2026-12-05T10:00", "li.lei") == ["li.lei"]  # late, and still his then
    assert owners("2026-12-05T10:00", "han.meimei") == []
    # today hers: November short (breached) and December past its warning (at risk)
    assert owners("2026-12-20T10:00", "han.meimei") == ["han.meimei", "han.meimei"]
