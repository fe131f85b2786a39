"""Deadlines computed before the holiday data covered their year are moved, once the data
is installed, to where a fresh computation on that data puts them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.calendar import registry
from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker, show
from flowkit.tracking.holidays import laid_out, retime, uncovered
from flowkit.tracking.views import TimerView
from tests.conftest import CST, cst
from tests.tracking.test_slas import _to_contract_signing

NOW = cst("2026-02-12T09:00")  # the eve of 春节 2026: Saturday 2-14 is a make-up working day


@pytest.fixture
def trackers(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Tracker, Tracker]]:
    """(as installed with data up to 2025, as upgraded to today's data) on one database."""
    import flowkit.tracking.tracker as module

    old_data = partial(registry.get_calendar, data_until=2025)
    with monkeypatch.context() as patch:
        patch.setattr(module, "get_calendar", old_data)
        old = Tracker(tracker.store, tracker.definitions, tracker.people, tracker.calendars)
        for process in tracker.definitions.current.values():
            old.calendar(process.calendar)  # kept: the old install's calendars
    yield old, tracker


def _signing(tracker: Tracker, instance: int) -> TimerView:
    return next(t for t in show(tracker, instance).timers if t.node == "contract_signing")


def test_a_deadline_on_the_fallback_moves_to_where_the_real_data_puts_it(
    trackers: tuple[Tracker, Tracker],
) -> None:
    old, new = trackers
    stale = _to_contract_signing(old, "2026-02-12T09:00", "2026-02-12T09:00")  # 3个工作日内
    fresh = _to_contract_signing(new, "2026-02-12T09:00", "2026-02-12T09:00")
    before, wanted = _signing(new, stale), _signing(new, fresh)
    assert before.due_at == cst("2026-02-16T18:00")  # the fallback: 2-14 a plain Saturday
    assert wanted.due_at == cst("2026-02-14T18:00")  # the data: 2-14 is worked (调休)
    assert uncovered(new, NOW) == []  # 2026 is covered now: only retime can tell

    (plan,) = retime(new, NOW)
    assert (plan.timer.instance_id, plan.data_until, plan.moved) == (stale, 2025, True)
    assert (plan.new_due_at, plan.new_warn_at) == (wanted.due_at, wanted.warn_at)
    assert _signing(new, stale).due_at == before.due_at  # a plan writes nothing

    retime(new, NOW, apply=True)
    after = _signing(new, stale)
    assert (after.due_at, after.warn_at) == (wanted.due_at, wanted.warn_at)
    (event,) = [e for e in show(new, stale).history if e.kind == "retimed"]
    assert event.data == {
        "contract_signing": ["2026-02-16T18:00:00+08:00", "2026-02-14T18:00:00+08:00"]
    }
    assert retime(new, NOW) == []  # marked as computed on the installed data


def test_a_deadline_the_new_data_does_not_move_is_only_marked(
    trackers: tuple[Tracker, Tracker],
) -> None:
    old, new = trackers
    instance = _to_contract_signing(old, "2026-03-10T09:00", "2026-03-10T09:00")  # plain week
    (plan,) = retime(new, cst("2026-03-10T09:00"), apply=True)
    assert not plan.moved and plan.new_due_at == _signing(new, instance).due_at
    assert retime(new, cst("2026-03-10T09:00")) == []
    assert not [e for e in show(new, instance).history if e.kind == "retimed"]


def test_timers_on_calendars_without_holiday_data_are_never_retimed(tmp_path: Path) -> None:
    definitions = Definitions.load([Path(__file__).resolve().parents[2] / "processes"])
    store = Store.open(str(tmp_path / "t.db"))
    tracker = Tracker(store, definitions, definitions.org, definitions.calendars)
    assert registry.get_calendar("weekdays").data_until is None
    assert registry.get_calendar("cn", data_until=2025).data_until == 2025
    assert retime(tracker, NOW) == []
    store.close()


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(datetime(2025, 11, 1), datetime(2026, 6, 30)).map(
        lambda t: t.replace(tzinfo=CST)
    ),
    days=st.integers(1, 40),
    hours=st.integers(0, 8),
)
def test_laying_out_again_equals_computing_on_the_new_data(
    start: datetime, days: int, hours: int
) -> None:
    old = registry.get_calendar("cn", data_until=2025)
    new = registry.get_calendar("cn")
    amount = old.day_length * days + timedelta(hours=hours)
    stale = old.shift(start, amount, True)
    since = max(datetime(2026, 1, 1, tzinfo=new.tz), start)
    assert laid_out(stale, since, old, new) == new.shift(start, amount, True)


# --- uncertain due dates: marked wherever shown, said by every command (issue 16, item 4) --

DEC_31 = cst("2026-12-31T10:00")


def _at_signing_on(tracker: Tracker, at: str) -> int:
    """An opportunity entering 合同签订 (3个工作日内, on cn) at `at`."""
    return _to_contract_signing(tracker, at, at)


def test_a_guessed_due_date_is_marked_in_show_list_and_status(tracker: Tracker) -> None:
    from flowkit.store import StatusFilter
    from flowkit.tracking import listing, status

    covered = _at_signing_on(tracker, "2026-12-21T10:00")  # due 2026-12-24: on real data
    guess = _at_signing_on(tracker, "2026-12-30T17:00")  # due in 2027: weekends only
    assert [(t.uncertain, t.due_at) for t in show(tracker, guess).timers][-1] == (
        True,
        cst("2027-01-05T17:00"),  # 1/1 is kept off (元旦 is fixed); 2027's 调休 are unknown
    )
    assert [t.uncertain for t in show(tracker, covered).timers] == [False] * len(
        show(tracker, covered).timers
    )
    listed = {v.id: (v.due_at, v.due_uncertain) for v in listing(tracker, StatusFilter())}
    assert listed[guess] == (cst("2027-01-05T17:00"), True)
    assert listed[covered] == (cst("2026-12-24T10:00"), False)
    now = cst("2027-01-05T16:00")
    lines = {
        (a.instance_id, a.node): a for a in status(tracker, now, StatusFilter(), now=now).alerts
    }
    assert lines[guess, "contract_signing"].uncertain
    assert not lines[covered, "contract_signing"].uncertain


def test_only_deadlines_that_depend_on_holiday_data_are_flagged(tracker: Tracker) -> None:
    """24小时内 is clock time: due in 2027, but no holiday can move it."""
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner="li.lei",
        now=DEC_31,
        at=DEC_31,
        fields={"segment": "large"},
    )
    tracker.advance(instance, now=DEC_31, at=DEC_31, by="zhou.jie")  # into 线索初筛: 24小时内
    (clock,) = [t for t in show(tracker, instance).timers if t.node == "lead_screening"]
    assert clock.due_at == cst("2027-01-01T10:00") and not clock.uncertain
    assert uncovered(tracker, DEC_31) == []
    tracker.advance(instance, now=DEC_31, at=DEC_31, outcome="有效", by="li.lei")
    tracker.advance(instance, now=DEC_31, at=DEC_31, outcome="达成意向", by="li.lei")
    (found,) = uncovered(tracker, DEC_31)  # 3个工作日内: 8 h on 12-31, then 2027
    assert (found.timer.node, found.due_at) == ("contract_signing", cst("2027-01-06T10:00"))


def test_each_command_that_sets_a_guessed_due_date_says_so(tracker: Tracker) -> None:
    tracker.warnings.clear()
    instance = _at_signing_on(tracker, "2026-12-24T10:00")  # due 2026-12-29 10:00: real data
    assert not tracker.warnings
    tracker.pause(instance, "客户内部审批", now=cst("2026-12-25T10:00"))
    tracker.resume(instance, now=cst("2026-12-31T10:00"))  # 36 working hours later
    (said,) = tracker.warnings
    assert said.text("en") == (
        "'合同签订' is due 2027-01-05 10:00, in a year the cn calendar has no holiday data "
        "for: weekends and fixed-date holidays only (flowkit calendar check lists such timers)"
    )
    assert _signing(tracker, instance).uncertain


def test_a_customers_weekly_visit_past_the_holiday_data_is_marked(
    tracker: Tracker, processes: Path
) -> None:
    """A maintenance cadence paused over holidays (每周1次拜访, on cn) whose period ends in
    2027 was laid out on the fallback: the customer's status line says so too."""
    from dataclasses import replace

    from flowkit.customers.book import CustomerBook
    from flowkit.store import StatusFilter
    from flowkit.tracking import Definitions, status
    from tests.customers.test_book import HONGDA

    rules = processes / "customers.yaml"
    text = rules.read_text("utf-8")
    rules.write_text(
        text.replace("A: {cadence: 每月1次拜访,", "A: {cadence: 每周1次拜访,"), "utf-8"
    )
    definitions = Definitions.load([processes])
    book = CustomerBook(tracker.store, definitions.customers, people=definitions.org)
    tracker = Tracker(tracker.store, definitions, definitions.org, definitions.calendars, book)
    now = cst("2026-12-28T10:00")
    (cid,) = book.add([replace(HONGDA, grade="A")], now=now)
    later = cst("2027-01-06T10:00")  # the week, 1/1 (元旦) skipped: due 2027-01-05 10:00
    (line,) = [
        a
        for a in status(tracker, later, StatusFilter(), now=later, customers=book.rules).alerts
        if a.customer_id == cid and a.node == "maintenance"
    ]
    assert (line.due_at, line.uncertain) == (cst("2027-01-05T10:00"), True)
