"""Any sequence of commands keeps the store consistent (hypothesis state machine)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from flowkit.errors import FlowkitError
from flowkit.store import StatusFilter, Store
from flowkit.tracking import Definitions, Tracker, show, status
from tests.conftest import cst

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = Definitions.load([ROOT / "processes"])
ORG = DEFINITIONS.org
assert ORG is not None
ACTORS = {
    lane.id: ORG.people_in(lane.id)[0].id for p in DEFINITIONS.current.values() for lane in p.lanes
}


class Commands(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.store = Store.open(str(self.folder / "p.db"))
        self.tracker = Tracker(self.store, DEFINITIONS, DEFINITIONS.org, DEFINITIONS.calendars)
        self.now = cst("2026-11-02T09:00")
        self.ids: list[int] = []
        self.seen: dict[datetime, list[tuple[object, ...]]] = {}  # deadline alerts by moment

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(
        process=st.sampled_from(["standard-sales", "solution-sales", "complaint-handling"]),
        amount=st.sampled_from(["5000", "150000", "900000"]),
    )
    def start(self, process: str, amount: str) -> None:
        fields = {
            "standard-sales": {"segment": "large", "amount": amount},
            "solution-sales": {"amount": amount, "discount": "10"},
            "complaint-handling": {"severity": "general"},
        }[process]
        self.ids.append(
            self.tracker.start(
                process, name="商机", customer="客户", owner="li.lei", now=self.now, fields=fields
            )
        )

    @rule(hours=st.integers(0, 200))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        instance = data.draw(st.sampled_from(self.ids))
        view = show(self.tracker, instance)
        if view.state != "open" or view.node is None:
            return
        node = DEFINITIONS.current[view.process_id].node_by_id[view.node]
        outcome = data.draw(st.sampled_from(node.outcomes)) if node.outcomes else None
        self._try(
            lambda: self.tracker.advance(
                instance, now=self.now, outcome=outcome, by=ACTORS.get(node.lane or "", "li.lei")
            )
        )

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), method=st.sampled_from(["visit", "phone"]), back=st.integers(0, 48))
    def log(self, data: st.DataObject, method: str, back: int) -> None:
        instance = data.draw(st.sampled_from(self.ids))
        at = self.now - timedelta(hours=back)
        self._try(
            lambda: self.tracker.log(instance, method=method, content="跟进", now=self.now, at=at)
        )

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), action=st.sampled_from(["pause", "resume", "close"]))
    def other(self, data: st.DataObject, action: str) -> None:
        instance = data.draw(st.sampled_from(self.ids))
        commands = {
            "pause": lambda: self.tracker.pause(instance, "客户要求", now=self.now),
            "resume": lambda: self.tracker.resume(instance, now=self.now),
            "close": lambda: self.tracker.close(instance, False, "competitor", now=self.now),
        }
        self._try(commands[action])

    @precondition(lambda self: len(self.seen) > 1)
    @rule(data=st.data())
    def look_back(self, data: st.DataObject) -> None:
        """A past moment's status is what status said at that moment (deadlines: cadence
        counts may change later through follow-ups recorded with an earlier --at)."""
        moment = data.draw(st.sampled_from(sorted(self.seen)[:-1]))
        assert _deadlines(self.tracker, moment, self.now) == self.seen[moment]

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def settle_agrees(self, data: st.DataObject) -> None:
        """What status settles in memory is what the store settles: pausing and resuming at
        the same instant settles the periods and moves nothing, so status must not change."""
        instance = data.draw(st.sampled_from(self.ids))
        if show(self.tracker, instance).state != "open":
            return
        before = _alerts_of(self.tracker, instance, self.now)
        self.tracker.pause(instance, "核对", now=self.now)
        self.tracker.resume(instance, now=self.now)
        assert _alerts_of(self.tracker, instance, self.now) == before

    def _try(self, command: Callable[[], object]) -> None:
        # refused input (closed, paused, before entry ...) writes nothing: checked below
        with contextlib.suppress(FlowkitError):
            command()

    @invariant()
    def consistent(self) -> None:
        for instance in self.ids:
            view = show(self.tracker, instance)
            assert [e.seq for e in view.history] == list(range(1, len(view.history) + 1))
            live = [t for t in view.timers if t.state in ("running", "paused", "late")]
            if view.state in ("open", "paused"):
                assert view.node is not None
                assert all(t.node == view.node for t in live), (view.node, live)
                deadlines = [t for t in live if t.kind == "deadline"]
                assert len(deadlines) <= 1
                paused = view.state == "paused"
                assert all((t.state == "paused") == paused for t in live if t.state != "late")
            else:
                assert view.node is None and live == []
        self.seen[self.now] = _deadlines(self.tracker, self.now, self.now)


def _alerts_of(tracker: Tracker, instance: int, now: datetime) -> list[tuple[object, ...]]:
    alerts = status(tracker, now, StatusFilter(states=("open",)), now=now).alerts
    return sorted(
        (a.node, a.kind, a.due_at, a.breached, a.done, a.required)
        for a in alerts
        if a.instance_id == instance
    )


def _deadlines(tracker: Tracker, as_of: datetime, now: datetime) -> list[tuple[object, ...]]:
    alerts = status(tracker, as_of, StatusFilter(states=("open",)), now=now).alerts
    return [
        (a.instance_id, a.node, a.due_at, a.breached, a.owner)
        for a in alerts
        if a.kind == "deadline"
    ]


Commands.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestCommands = Commands.TestCase
