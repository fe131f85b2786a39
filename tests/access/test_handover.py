"""Staff turnover: a person's customers and open opportunities handed over in one
transaction, with their history and their timers; people who left still owning records
flagged by the status."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from flowkit.access.guard import Access, Actor
from flowkit.access.handover import hand_over
from flowkit.access.holdings import Holding, holdings
from flowkit.access.rules import Role
from flowkit.customers.book import CustomerBook
from flowkit.customers.queries import show as show_customer
from flowkit.errors import InputError, NotPermitted
from flowkit.model import Org
from flowkit.model.customer import Customer
from flowkit.store import StatusFilter
from flowkit.tracking import Tracker, show, status
from tests.conftest import cst

NOW = cst("2026-11-02T10:00")
LATER = cst("2026-11-20T10:00")


def _left(org: Org, *people: str) -> Org:
    """The org with `people` marked inactive (they left)."""
    return replace(
        org, people=tuple(replace(p, active=p.id not in people and p.active) for p in org.people)
    )


def _as(tracker: Tracker, org: Org, actor: Actor | None = None) -> Tracker:
    """The same store and definitions, with another org.yaml and someone else acting."""
    access = Access(org, actor) if actor else Access(org)
    book = CustomerBook(
        tracker.store,
        tracker.definitions.customers,
        people=org,
        calendars=tracker.calendars,
        access=access,
    )
    return Tracker(
        tracker.store, tracker.definitions, org, tracker.calendars, customers=book, access=access
    )


def _deal(tracker: Tracker, customer: str, owner: str = "li.lei") -> int:
    return tracker.start(
        "standard-sales",
        name=f"{customer}的商机",
        customer=customer,
        owner=owner,
        now=NOW,
        fields={"segment": "sme"},
    )


@pytest.fixture
def li_leis(tracker: Tracker, book: CustomerBook) -> dict[str, object]:
    """li.lei's two customers (one graded, its maintenance running), an open, a paused and
    a won opportunity; and one of han.meimei's customers."""
    first, second = book.add(
        [Customer("", "宏达机械", "li.lei", grade="B"), Customer("", "云帆科技", "li.lei")],
        now=NOW,
    )
    (hers,) = book.add([Customer("", "南方电子", "han.meimei")], now=NOW)
    open_, paused, won = (_deal(tracker, first) for _ in range(3))
    tracker.pause(paused, "客户出差", now=NOW)
    tracker.close(won, True, "签约", now=NOW)
    return {
        "customers": (first, second),
        "hers": hers,
        "open": open_,
        "paused": paused,
        "won": won,
    }


def test_everything_in_play_moves_with_its_history_and_timers(
    tracker: Tracker, li_leis: dict[str, object]
) -> None:
    first, second = li_leis["customers"]  # type: ignore[misc]
    org = _left(tracker.people, "li.lei")  # type: ignore[arg-type]
    gone = _as(tracker, org)
    assert gone.customers is not None
    timers_before = show_customer(gone.customers, first).timers
    deal_timers = show(gone, li_leis["open"]).timers  # type: ignore[arg-type]
    done = hand_over(gone, "li.lei", "han.meimei", now=LATER)
    assert (done.count("customer"), done.count("opportunity")) == (2, 2)
    for cid in (first, second):
        view = show_customer(gone.customers, cid)
        assert view.customer.owner == "han.meimei"
        last = view.history[-1]
        assert last["kind"] == "handed over" and last["changes"] == {
            "owner": ["li.lei", "han.meimei"]
        }
    assert show_customer(gone.customers, first).timers == timers_before  # still running
    for key in ("open", "paused"):
        view = show(gone, li_leis[key])  # type: ignore[arg-type]
        assert view.owner == "han.meimei"
        assigned = view.history[-1]
        assert assigned.kind == "assigned" and assigned.data["from"] == "li.lei"
    assert show(gone, li_leis["open"]).timers == deal_timers  # type: ignore[arg-type]
    assert show(gone, li_leis["paused"]).state == "paused"  # type: ignore[arg-type]
    assert show(gone, li_leis["won"]).owner == "li.lei"  # type: ignore[arg-type]
    (entry,) = [e for e in _log(gone) if e["command"] == "handover"]
    assert entry["detail"] == {
        "to": "han.meimei",
        "customers": 2,
        "opportunities": 2,
        "customers_only": False,
    }


def test_customers_only_leaves_the_opportunities(
    tracker: Tracker, li_leis: dict[str, object]
) -> None:
    done = hand_over(tracker, "li.lei", "han.meimei", now=LATER, customers_only=True)
    assert (done.count("customer"), done.count("opportunity")) == (2, 0)
    assert show(tracker, li_leis["open"]).owner == "li.lei"  # type: ignore[arg-type]


def test_a_dry_run_lists_what_would_move_and_writes_nothing(
    tracker: Tracker, li_leis: dict[str, object]
) -> None:
    done = hand_over(tracker, "li.lei", "han.meimei", now=LATER, dry_run=True)
    assert done.dry_run and [m.kind for m in done.moved] == ["customer"] * 2 + ["opportunity"] * 2
    assert {m.id for m in done.moved} >= {str(li_leis["open"]), str(li_leis["paused"])}
    assert show(tracker, li_leis["open"]).owner == "li.lei"  # type: ignore[arg-type]
    assert [e for e in _log(tracker) if e["command"] == "handover"] == []


@pytest.mark.parametrize(
    ("source", "target", "says"),
    [
        ("li.le", "han.meimei", "'li.le' is not a person in org.yaml"),
        ("li.lei", "nobody", "'nobody' is not a person in org.yaml"),
        ("li.lei", "zhang.wei", "'zhang.wei' (张伟) is inactive and cannot be given work"),
        ("li.lei", "li.lei", "li.lei cannot hand over to themselves"),
    ],
)
def test_refused_people(
    tracker: Tracker, li_leis: dict[str, object], source: str, target: str, says: str
) -> None:
    with pytest.raises(InputError, match=re.escape(says)):
        hand_over(tracker, source, target, now=LATER)
    assert show(tracker, li_leis["open"]).owner == "li.lei"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("actor", "source", "target", "permitted"),
    [
        (Actor("li.lei", Role.CONSULTANT, "user"), "li.lei", "han.meimei", False),
        (Actor("wang.fang", Role.MANAGER, "user"), "li.lei", "han.meimei", True),
        (Actor("wang.fang", Role.MANAGER, "user"), "li.lei", "huang.lei", False),  # other team
        (Actor("chen.jing", Role.MANAGER, "user"), "li.lei", "huang.lei", False),
        (Actor("zheng.shu", Role.AUDITOR, "user"), "li.lei", "han.meimei", False),
    ],
)
def test_who_may_hand_over(
    tracker: Tracker,
    li_leis: dict[str, object],
    actor: Actor,
    source: str,
    target: str,
    permitted: bool,
) -> None:
    acting = _as(tracker, tracker.people, actor)  # type: ignore[arg-type]
    if permitted:
        assert hand_over(acting, source, target, now=LATER).count("customer") == 2
        return
    with pytest.raises(NotPermitted):
        hand_over(acting, source, target, now=LATER)
    assert show(tracker, li_leis["open"]).owner == "li.lei"  # type: ignore[arg-type]
    (refused,) = [e for e in _log(tracker) if e["command"] == "handover"]
    assert refused["outcome"] == "refused" and refused["actor"] == actor.id


def test_people_who_left_still_owning_records_are_flagged_until_handed_over(
    tracker: Tracker, li_leis: dict[str, object]
) -> None:
    gone = _as(tracker, _left(tracker.people, "li.lei"))  # type: ignore[arg-type]
    with gone.store.reading() as reads:
        assert holdings(gone, reads) == [Holding("li.lei", "李雷", 2, 2)]
    status(gone, LATER, StatusFilter(), now=LATER)
    (warning,) = gone.warnings
    assert str(warning) == (
        "li.lei (李雷) is inactive and still owns 2 customers and 2 open opportunities: "
        "flowkit handover li.lei --to PERSON"
    )
    hand_over(gone, "li.lei", "han.meimei", now=LATER)
    with gone.store.reading() as reads:
        assert holdings(gone, reads) == []


def test_the_flag_shows_only_people_within_reach(
    tracker: Tracker, li_leis: dict[str, object]
) -> None:
    org = _left(tracker.people, "li.lei")  # type: ignore[arg-type]
    for person, role, flagged in (
        ("wang.fang", Role.MANAGER, True),
        ("chen.jing", Role.MANAGER, False),
        ("han.meimei", Role.CONSULTANT, False),
    ):
        acting = _as(tracker, org, Actor(person, role, "user"))
        with acting.store.reading() as reads:
            assert bool(holdings(acting, reads)) is flagged, person


def _log(tracker: Tracker) -> list[dict[str, object]]:
    with tracker.store.read() as tx:
        from flowkit.store.auditlog import LogFilter

        return [dict(e) for e in tx.log.entries(LogFilter(None, None, None, (), None))]


def test_a_new_hire_takes_no_a_customer_over_alone(
    tracker: Tracker, book: CustomerBook, li_leis: dict[str, object]
) -> None:
    (big,) = book.add([Customer("", "华东大客户", "li.lei", grade="A")], now=NOW)
    org = tracker.people
    assert org is not None
    training = replace(
        org,
        people=tuple(
            replace(p, mentor="wang.fang") if p.id == "han.meimei" else p for p in org.people
        ),
    )
    with pytest.raises(InputError, match=f"cannot be the sole owner of A-grade customer {big}"):
        hand_over(_as(tracker, training), "li.lei", "han.meimei", now=LATER)
    assert show(tracker, li_leis["open"]).owner == "li.lei"  # type: ignore[arg-type]
    assert (
        hand_over(_as(tracker, training), "li.lei", "wang.fang", now=LATER).count("customer") == 3
    )
