"""The delivery guarantee as a property: for any sequence of status changes and notification
passes — passes whose network fails, passes killed after a message went out — no notice
(subject, escalation level, recipient, channel) is ever delivered twice, and after every
pass that ran on a working network each notice due at that moment has been delivered,
except those a killed pass left unknown (it may have sent them: never sent again).

The notices "due" are the oracle's: the planner asked with an empty ledger."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.notify import planning, run_pass, snapshot
from flowkit.notify.passes import log
from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker
from tests.conftest import ROOT
from tests.notify.helpers import T0, Receiver, at_contract, config, rule

OWNERS = ("li.lei", "han.meimei", "huang.lei", "lin.xiaoyu")
MANAGERS = {"li.lei": "wang.fang", "han.meimei": "wang.fang", "huang.lei": "chen.jing"}
CONFIG = config(
    rule("breach", escalate=("4个工作小时", "1个工作日"), via=("hook",)),
    rule("at-risk", via=("hook",)),
)


class Killed(BaseException):
    """The process dying after the server got the message, before it was recorded."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("exactly-once") / "template.db"
    tracker = _tracker(path)
    for owner in OWNERS:
        at_contract(tracker, owner, f"{owner}的合同")
    tracker.store.close()
    yield path


def _tracker(path: Path) -> Tracker:
    definitions = Definitions.load([ROOT / "processes"])
    store = Store.open(str(path))
    return Tracker(store, definitions, definitions.org, definitions.calendars)


step = st.one_of(
    st.tuples(
        st.just("pass"),
        st.integers(min_value=0, max_value=20),  # hours later
        st.sampled_from(["ok", "ok", "down", "refused", "killed"]),
    ),
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=20), st.sampled_from(OWNERS)),
)


@settings(deadline=timedelta(seconds=20))
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_no_notice_twice_and_none_missed(template: Path, steps: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "f.db"
        shutil.copyfile(template, db)
        tracker = _tracker(db)
        try:
            _run(tracker, steps)
        finally:
            tracker.store.close()


def _run(tracker: Tracker, steps: list[tuple[str, int, str]]) -> None:
    now = T0 + timedelta(hours=50)  # the deadlines are T0 + 57 h
    receiver = Receiver()
    deals = {r.owner: r.id for r in _open(tracker)}
    for kind, hours, what in [*steps, ("pass", 0, "ok")]:
        now += timedelta(hours=hours)
        if kind == "advance":
            if what in deals and what in MANAGERS:
                tracker.advance(deals.pop(what), now=now, by=MANAGERS[what])
            continue
        receiver.answer = _network(what, receiver)
        with suppress(Killed):
            run_pass(tracker, CONFIG, now, network=receiver.network())
        delivered = receiver.delivered()
        assert max(delivered.values(), default=0) <= 1, "a notice went out twice"
        if what == "ok":
            missing = _due(tracker, now) - set(delivered) - _unknown(tracker)
            assert not missing, f"due and not delivered after a healthy pass: {missing}"


def _network(what: str, receiver: Receiver) -> object:
    def answer(request: httpx.Request) -> httpx.Response:
        if what == "down":
            return httpx.Response(503)
        if what == "refused":
            raise httpx.ConnectError("refused", request=request)
        if what == "killed":
            receiver.bodies.append(json.loads(request.content))
            raise Killed()
        return httpx.Response(200)

    return answer


def _due(tracker: Tracker, now: object) -> set[tuple[str, int, str, str]]:
    snap = snapshot.read(tracker, CONFIG, now)  # type: ignore[arg-type]
    assert tracker.people is not None
    plan = planning.plan(snap, CONFIG, tracker.people, set())
    return {n.key for d in plan.deliveries for n in d.notices}


def _unknown(tracker: Tracker) -> set[tuple[str, int, str, str]]:
    return {
        (r["subject"], r["level"], r["recipient"], r["channel"])
        for r in log(tracker, None)
        if r["state"] in ("sending", "unknown")
    }


def _open(tracker: Tracker) -> Iterator[object]:
    from flowkit.store import StatusFilter
    from flowkit.tracking.queries import listing

    return iter(listing(tracker, StatusFilter(states=("open",))))
