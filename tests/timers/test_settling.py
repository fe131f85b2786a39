"""One settling path for opportunity and customer timers, told apart by their key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from flowkit.calendar import Calendar, get_calendar
from flowkit.timers.settling import CUSTOMER, OPPORTUNITY, Keyed, due, periods, settled
from tests.conftest import cst

START = cst("2026-11-02T09:00")
WEEK = timedelta(days=7)
AS_OF = START + 2 * WEEK + timedelta(days=3)  # two weeks over, the third running


def _calendar(name: str) -> Calendar:
    return get_calendar("24x7")


def _period(**keys: Any) -> dict[str, Any]:
    return {
        "sla": "每周1次拜访",
        "calendar": "24x7",
        "required": 1,
        "method": "visit",
        "period": "week",
        "done": 0,
        "state": "running",
        "started_at": START,
        "due_at": START + WEEK,
        "warn_at": START + WEEK / 2,
        "ended_at": None,
        **keys,
    }


def _opportunity(instance: int, node: str = "follow", **keys: Any) -> dict[str, Any]:
    own = {"id": instance, "instance_id": instance, "node": node, "kind": "cadence"}
    return _period(**{**own, "business": False, "data_until": None, "anchor": None, **keys})


def _customer(customer: str, **keys: Any) -> dict[str, Any]:
    own = {"id": int(customer[1:]), "customer_id": customer, "kind": "maintenance"}
    return _period(**{**own, "lane": "manager", **keys})


@pytest.mark.parametrize(
    ("make", "keyed"), [(_opportunity, OPPORTUNITY), (_customer, CUSTOMER)], ids=["opp", "cust"]
)
def test_both_kinds_settle_the_same_way_and_keep_their_own_keys(make: Any, keyed: Keyed) -> None:
    timer = make(1) if keyed is OPPORTUNITY else make("C1")
    found = periods(_calendar, [timer], AS_OF, keyed)
    assert [(p["state"], p["started_at"], p["due_at"]) for p in found] == [
        ("late", START, START + WEEK),
        ("missed", START + WEEK, START + 2 * WEEK),
        ("running", START + 2 * WEEK, START + 3 * WEEK),
    ]
    assert all(p.keys() == timer.keys() for p in found)  # no node on a customer's, kind kept
    assert {p["kind"] for p in found} == {keyed.kind}


def test_a_late_period_makes_the_next_short_one_missed_only_under_its_own_key() -> None:
    late = _customer("C1", state="late", due_at=START, started_at=START - WEEK)
    found = periods(_calendar, [late, _customer("C1", id=9), _customer("C2")], AS_OF, CUSTOMER)
    first = {(p["customer_id"], p["started_at"]): p["state"] for p in found}
    assert first["C1", START] == "missed"  # C1 is already behind
    assert first["C2", START] == "late"
    nodes = [_opportunity(1, state="late"), _opportunity(1, "other"), _opportunity(2)]
    nodes[0]["due_at"] = START
    by_node = {
        (p["instance_id"], p["node"], p["started_at"]): p["state"]
        for p in periods(_calendar, nodes, AS_OF)
    }
    assert by_node[1, "other", START] == "late"  # another node of the same opportunity
    assert by_node[2, "follow", START] == "late"


def test_the_store_and_the_reader_settle_alike() -> None:
    for keyed, timer in ((OPPORTUNITY, _opportunity(1)), (CUSTOMER, _customer("C1"))):
        ((stored, update, rows),) = due([timer], AS_OF, get_calendar("24x7"), keyed)
        assert stored is timer
        read = periods(_calendar, [timer], AS_OF, keyed)
        assert read[0] == {**timer, **update}
        assert [(r["state"], r["due_at"]) for r in rows] == [
            (p["state"], p["due_at"]) for p in read[1:]
        ]


def test_only_the_kind_that_repeats_is_settled() -> None:
    review = _customer("C1", kind="review")
    assert list(due([review], AS_OF, get_calendar("24x7"), CUSTOMER)) == []
    assert periods(_calendar, [review], AS_OF, CUSTOMER) == [review]
    deadline = _opportunity(1, kind="deadline")
    assert list(due([deadline], AS_OF, get_calendar("24x7"), OPPORTUNITY)) == []


def test_alert_rows_read_whole_only_when_a_period_is_over() -> None:
    asked: list[list[int]] = []

    def whole(ids: list[int]) -> dict[int, dict[str, Any]]:
        asked.append(ids)
        return {1: _opportunity(1)}

    fresh = _opportunity(2, started_at=AS_OF, due_at=AS_OF + WEEK, warn_at=AS_OF + WEEK / 2)
    assert settled(_calendar, [fresh], AS_OF, whole=whole) == []  # not yet warned
    assert asked == []
    partial = {k: _opportunity(1)[k] for k in ("id", "kind", "state", "due_at", "calendar")}
    partial |= {"instance_id": 1, "node": "follow"}
    listed = settled(_calendar, [partial], AS_OF, whole=whole)
    assert asked == [[1]]
    # the missed week is history, the running one not yet past its warning
    assert [(p["state"], p["due_at"]) for p in listed] == [("late", START + WEEK)]
