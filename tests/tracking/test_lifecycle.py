"""An opportunity's life: start, advance by outcome and conditions, pause, close."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from flowkit.errors import ConflictError, InputError
from flowkit.tracking import Definitions, Tracker, show
from tests.conftest import FIXTURES, cst

NOW = cst("2026-11-27T10:00")


def start(tracker: Tracker, at: str = "2026-11-23T09:00", **fields: str) -> int:
    return tracker.start(
        "standard-sales",
        name="CRM升级",
        customer="上海宏达",
        owner=_owner(tracker),
        now=NOW,
        at=cst(at),
        fields={"segment": "large", "amount": "280000", **fields},
    )


def _owner(tracker: Tracker) -> str:
    people: Any = tracker.people
    return "li.lei" if people is None else next(p.id for p in people.people_in("consultant"))


def _by(tracker: Tracker, lane: str) -> str | None:
    people: Any = tracker.people
    return None if people is None else next(p.id for p in people.people_in(lane))


def test_start_enters_the_first_task_with_its_timer(tracker: Tracker) -> None:
    view = show(tracker, start(tracker))
    assert (view.node, view.state, view.customer) == ("lead_capture", "open", "上海宏达")
    assert view.fields == {"segment": "large", "amount": 280000}
    assert [e.kind for e in view.history] == ["started", "entered"]


def test_deadline_and_warning_are_stored_when_the_node_is_entered(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, at=cst("2026-11-23T11:00"), by=_by(tracker, "marketing"))
    timer = next(t for t in show(tracker, instance).timers if t.node == "lead_screening")
    assert timer.due_at == cst("2026-11-24T11:00")  # 24小时内: clock time
    assert timer.warn_at == cst("2026-11-24T07:00")  # 提前4小时


def test_a_node_with_outcomes_needs_one_and_names_them(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, at=cst("2026-11-23T11:00"), by=_by(tracker, "marketing"))
    with pytest.raises(InputError) as missing:
        tracker.advance(instance, now=NOW, by=_by(tracker, "consultant"))
    assert "--outcome 有效 | 无效" in missing.value.message
    with pytest.raises(InputError) as wrong:
        tracker.advance(instance, now=NOW, outcome="好", by=_by(tracker, "consultant"))
    assert "choose one of: 有效, 无效" in wrong.value.message


@pytest.mark.parametrize(
    ("fields", "reached"),
    [
        ({"amount": "50000"}, "manager_approval"),
        ({"amount": "500000", "segment": "large"}, "key_account_approval"),
        ({"amount": "500000", "segment": "sme"}, "legal_review"),
    ],
)
def test_a_decision_routes_on_the_fields(
    tracker: Tracker, fields: dict[str, str], reached: str
) -> None:
    instance = start(tracker, **fields)
    steps = [("marketing", None), ("consultant", "有效"), ("consultant", "达成意向")]
    for lane, outcome in steps:
        tracker.advance(instance, now=NOW, outcome=outcome, by=_by(tracker, lane))
    assert tracker.advance(instance, now=NOW, by=_by(tracker, "manager")) == reached
    kinds = [e.kind for e in show(tracker, instance).history]
    assert "routed" in kinds  # passed through the decision 审批路径


def test_an_end_node_closes_the_opportunity(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, by=_by(tracker, "marketing"))
    assert (
        tracker.advance(instance, now=NOW, outcome="无效", by=_by(tracker, "consultant")) == "lost"
    )
    view = show(tracker, instance)
    assert (view.state, view.node) == ("lost", None)
    with pytest.raises(InputError, match="closed"):
        tracker.log(instance, method="phone", content="再联系", now=NOW)


def test_leaving_a_node_settles_its_deadline(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, at=cst("2026-11-23T11:00"), by=_by(tracker, "marketing"))
    late = cst("2026-11-25T09:00")  # 24h window ended 11-24 11:00
    tracker.advance(instance, now=NOW, at=late, outcome="有效", by=_by(tracker, "consultant"))
    timer = next(t for t in show(tracker, instance).timers if t.node == "lead_screening")
    assert (timer.state, timer.ended_at) == ("missed", late)


def test_pause_stops_the_clock(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, at=cst("2026-11-23T11:00"), by=_by(tracker, "marketing"))
    tracker.pause(instance, "客户出差", now=NOW, at=cst("2026-11-23T15:00"))
    with pytest.raises(InputError, match="paused"):
        tracker.advance(instance, now=NOW, outcome="有效", by=_by(tracker, "consultant"))
    tracker.resume(instance, now=NOW, at=cst("2026-11-24T15:00"))
    timer = next(t for t in show(tracker, instance).timers if t.node == "lead_screening")
    assert timer.state == "running"
    assert timer.due_at == cst("2026-11-24T11:00") + timedelta(hours=24)  # a 24h clock timer


def test_close_from_any_node_needs_a_reason(tracker: Tracker) -> None:
    instance = start(tracker)
    with pytest.raises(InputError, match="reason"):
        tracker.close(instance, False, " ", now=NOW)
    with pytest.raises(InputError) as caught:  # not a code of the process's lost_reasons
        tracker.close(instance, False, "客户选择了竞品", now=NOW)
    assert "'客户选择了竞品' is not a lost reason of process 'standard-sales'" in (
        caught.value.message
    )
    assert "competitor (选择竞品)" in caught.value.message
    tracker.close(instance, False, "选择竞品", now=NOW, note="客户选择了竞品A")  # by its name
    view = show(tracker, instance)
    assert (view.state, view.node) == ("lost", None)
    assert view.history[-1].data == {
        "outcome": "lost",
        "reason": "选择竞品",
        "code": "competitor",
        "note": "客户选择了竞品A",
    }
    assert all(t.state != "running" for t in view.timers)


def test_times_must_be_real(tracker: Tracker) -> None:
    instance = start(tracker)
    with pytest.raises(InputError, match="in the future"):
        tracker.log(instance, method="phone", content="x", now=NOW, at=NOW + timedelta(hours=1))
    with pytest.raises(InputError, match="before"):
        tracker.advance(instance, now=NOW, at=cst("2026-11-01T09:00"), by=_by(tracker, "marketing"))


def test_a_node_is_not_left_before_the_work_recorded_on_it(tracker: Tracker) -> None:
    instance = start(tracker)
    marketing = _by(tracker, "marketing")
    tracker.log(
        instance, method="phone", content="电话", now=NOW, at=cst("2026-11-25T15:00"), by=marketing
    )
    with pytest.raises(InputError) as caught:
        tracker.advance(instance, now=NOW, at=cst("2026-11-24T09:00"), by=marketing)
    assert caught.value.message == (
        "--at 2026-11-24T09:00:00+08:00 is before the follow-up recorded on its current node "
        "(2026-11-25T15:00:00+08:00)"
    )
    with pytest.raises(InputError, match="before the follow-up"):
        tracker.close(instance, False, "competitor", now=NOW, at=cst("2026-11-24T09:00"))
    assert [e.kind for e in show(tracker, instance).history][-1] == "follow_up"  # nothing written
    tracker.advance(instance, now=NOW, at=cst("2026-11-25T16:00"), by=marketing)  # after: fine


def test_guarded_advance_refuses_when_someone_moved_it(tracker: Tracker) -> None:
    instance = start(tracker)
    tracker.advance(instance, now=NOW, by=_by(tracker, "marketing"))
    with pytest.raises(ConflictError, match="lead_screening"):
        tracker.advance(instance, now=NOW, expect_node="lead_capture", by=_by(tracker, "marketing"))


def test_unknown_process_field_and_value_are_named(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="unknown process 'nope'"):
        tracker.start("nope", name="a", customer="b", owner=_owner(tracker), now=NOW)
    with pytest.raises(InputError, match="no field 'budget'"):
        start(tracker, budget="1")
    with pytest.raises(InputError, match="one of large, sme, individual"):
        start(tracker, segment="huge")


def test_people_must_be_declared_and_act_in_their_lanes(tracker: Tracker) -> None:
    with pytest.raises(InputError) as unknown:
        tracker.start(
            "standard-sales",
            name="a",
            customer="b",
            owner="li.le",
            now=NOW,
            fields={"segment": "sme"},
        )
    assert "'li.le' is not a person in org.yaml" in unknown.value.message
    assert "li.lei" in (unknown.value.hint or "")  # did you mean
    instance = start(tracker)
    with pytest.raises(InputError) as lane:
        tracker.advance(instance, now=NOW, by="li.lei")  # a consultant, at 线索获取 (marketing)
    assert "cannot act in lane 'marketing' (市场专员)" in lane.value.message
    assert "zhou.jie" in (lane.value.hint or "")
    assert show(tracker, instance).node == "lead_capture"  # nothing written


def test_an_edited_process_does_not_change_running_opportunities(
    tracker: Tracker, processes: Path
) -> None:
    from flowkit.tracking import Definitions

    before = start(tracker)
    path = processes / "standard-sales.yaml"
    path.write_text(path.read_text("utf-8").replace("name: 线索获取", "name: 线索收集"), "utf-8")
    tracker.definitions = Definitions.load([processes])
    after = start(tracker)
    assert show(tracker, before).node_name == "线索获取"  # pinned to the text it started on
    assert show(tracker, after).node_name == "线索收集"


# -- a new hire in training wins a deal only with their mentor (issue 12, item 9) ------------


@pytest.fixture
def trainee(tracker: Tracker, processes: Path) -> Tracker:
    """The tracker's store, with li.lei in training (mentor wang.fang) in org.yaml, and the
    one-node process `mini` beside the shipped ones."""
    org = processes / "org.yaml"
    line = "    email: li.lei@example.com\n"
    org.write_text(
        org.read_text("utf-8").replace(line, line + "    training: {mentor: wang.fang}\n")
    )
    shutil.copyfile(FIXTURES / "valid" / "minimal.yaml", processes / "mini.yaml")
    definitions = Definitions.load([processes])
    person = definitions.org.person("li.lei") if definitions.org else None
    assert person is not None and person.in_training
    return Tracker(tracker.store, definitions, definitions.org, definitions.calendars)


@pytest.mark.parametrize(
    ("mentor", "refusal"),
    [
        (None, "li.lei is in training: opportunity 1 is won only with their mentor, wang.fang"),
        ("chen.jing", "li.lei is in training: opportunity 1 is won only with their mentor"),
        ("wang.fang", None),
    ],
)
def test_a_new_hire_wins_a_deal_only_with_their_mentor(
    trainee: Tracker, mentor: str | None, refusal: str | None
) -> None:
    deal = start(trainee)
    if refusal is not None:
        with pytest.raises(InputError, match=re.escape(refusal)) as caught:
            trainee.close(deal, True, "签约", now=NOW, mentor=mentor)
        assert caught.value.hint == "add --mentor wang.fang (it is recorded with the win)"
        assert show(trainee, deal).state == "open"
        return
    trainee.close(deal, True, "签约", now=NOW, mentor=mentor)
    closed = show(trainee, deal).history[-1]
    assert closed.kind == "closed" and closed.data["mentor"] == "wang.fang"


def test_a_mentor_is_named_only_on_a_win_of_a_new_hire(trainee: Tracker) -> None:
    lost, other = start(trainee), start(trainee)
    trainee.close(lost, False, "预算取消", now=NOW)  # losing needs no mentor
    with pytest.raises(InputError, match=re.escape("won only with their mentor, wang.fang")):
        trainee.close(other, False, "预算取消", now=NOW, mentor="chen.jing")  # a wrong one
    trainee.close(other, False, "预算取消", now=NOW, mentor="wang.fang")  # the right one
    assert "mentor" not in show(trainee, other).history[-1].data  # only a win records it
    theirs = trainee.start(
        "standard-sales",
        name="ERP",
        customer="杭州云帆",
        owner="han.meimei",
        now=NOW,
        fields={"segment": "sme"},
    )
    with pytest.raises(
        InputError, match=re.escape("han.meimei is not in training: leave out --mentor")
    ):
        trainee.close(theirs, True, "签约", now=NOW, mentor="wang.fang")
    trainee.close(theirs, True, "签约", now=NOW)
    assert "mentor" not in show(trainee, theirs).history[-1].data


def test_an_advance_that_wins_a_new_hires_deal_needs_the_mentor_too(trainee: Tracker) -> None:
    deal = trainee.start("mini", name="续约", customer="上海宏达", owner="li.lei", now=NOW)
    with pytest.raises(InputError, match=re.escape("won only with their mentor, wang.fang")):
        trainee.advance(deal, now=NOW)
    assert show(trainee, deal).node == "work"
    assert trainee.advance(deal, now=NOW, mentor="wang.fang") == "won"
    closed = show(trainee, deal).history[-1]
    assert (closed.kind, closed.data) == ("closed", {"outcome": "won", "mentor": "wang.fang"})
