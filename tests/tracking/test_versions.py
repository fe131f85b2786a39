"""Editing a process with opportunities running: the impact, and moving them."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowkit.errors import ConflictError, InputError
from flowkit.tracking import Definitions, Tracker, show
from flowkit.tracking.versions import migrate, plan
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")
BUMP = (("version: 1.1.0", "version: 1.2.0"),)


def _at_legal_review(tracker: Tracker) -> int:
    instance = tracker.start(
        "standard-sales",
        name="A",
        customer="B",
        owner="li.lei",
        now=NOW,
        at=cst("2026-11-20T09:00"),
        fields={"segment": "sme", "amount": "500000"},
    )
    steps = (("zhou.jie", None), ("li.lei", "有效"), ("li.lei", "达成意向"), ("wang.fang", None))
    for by, outcome in steps:
        tracker.advance(instance, now=NOW, at=cst("2026-11-20T10:00"), outcome=outcome, by=by)
    assert show(tracker, instance).node == "legal_review"
    return instance


def _edit(tracker: Tracker, processes: Path, *changes: tuple[str, str]) -> None:
    path = processes / "standard-sales.yaml"
    text = path.read_text("utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    tracker.definitions = Definitions.load([processes])


def test_a_changed_sla_is_recomputed_from_node_entry(tracker: Tracker, processes: Path) -> None:
    instance = _at_legal_review(tracker)
    _edit(tracker, processes, ("      within: 3个工作日\n", "      within: 2个工作日\n"))
    (step,) = plan(tracker)
    assert (step.node, step.count, step.sla_before, step.sla_after) == (
        "legal_review",
        1,
        "3个工作日",
        "2个工作日",
    )
    assert migrate(tracker, [step], NOW) == 1
    timers = [t for t in show(tracker, instance).timers if t.node == "legal_review"]
    assert [t.state for t in timers] == ["stopped", "running"]
    assert timers[1].due_at == cst("2026-11-24T10:00")  # from Friday 10:00, over the weekend
    assert plan(tracker) == []  # now on the current version


def test_a_removed_node_needs_a_mapping(tracker: Tracker, processes: Path) -> None:
    instance = _at_legal_review(tracker)
    _edit(
        tracker,
        processes,
        ("id: legal_review", "id: legal_check"),
        ("      - default: legal_review", "      - default: legal_check"),
    )
    (step,) = plan(tracker)
    assert not step.movable and "--map legal_review=NODE" in step.describe()
    with pytest.raises(InputError, match="has no node 'nowhere'"):
        plan(tracker, {"legal_review": "nowhere"})
    (mapped,) = plan(tracker, {"legal_review": "legal_check"})
    migrate(tracker, [mapped], NOW)
    assert show(tracker, instance).node == "legal_check"


def _at_collection(tracker: Tracker, delivered: str | None) -> int:
    """An opportunity at 售后回款 (交付后30天内), delivered at `delivered` if given."""
    instance = _at_legal_review(tracker)
    for by, outcome in (("zheng.jie", "通过"), ("li.lei", None), ("ma.li", None)):
        tracker.advance(instance, now=NOW, at=cst("2026-11-21T10:00"), outcome=outcome, by=by)
    assert show(tracker, instance).node == "collection"
    if delivered is not None:
        tracker.record_event(instance, "交付", now=NOW, at=cst(delivered))
    return instance


def test_a_changed_anchored_sla_counts_from_the_event_that_happened(
    tracker: Tracker, processes: Path
) -> None:
    instance = _at_collection(tracker, delivered="2026-11-22T10:00")
    _edit(tracker, processes, ("交付后30天内", "交付后20天内"), *BUMP)
    (step,) = plan(tracker)
    assert migrate(tracker, [step], NOW) == 1
    (timer,) = [t for t in show(tracker, instance, now=NOW).timers if t.state == "running"]
    assert timer.node == "collection" and timer.due_at == cst("2026-12-12T10:00")
    assert timer.warn_at is not None


def test_a_changed_anchored_sla_still_waits_for_an_event_not_yet_recorded(
    tracker: Tracker, processes: Path
) -> None:
    instance = _at_collection(tracker, delivered=None)
    _edit(tracker, processes, ("交付后30天内", "交付后20天内"), *BUMP)
    migrate(tracker, plan(tracker), NOW)
    (timer,) = [t for t in show(tracker, instance, now=NOW).timers if t.state == "running"]
    assert timer.due_at is None and timer.anchor == "delivered"
    tracker.record_event(instance, "交付", now=NOW, at=cst("2026-11-25T10:00"))
    (timer,) = [t for t in show(tracker, instance, now=NOW).timers if t.state == "running"]
    assert timer.due_at == cst("2026-12-15T10:00")


def test_a_migration_that_moves_a_deadline_past_the_holiday_data_says_so(
    tracker: Tracker, processes: Path
) -> None:
    instance = _at_legal_review(tracker)
    _edit(tracker, processes, ("      within: 3个工作日\n", "      within: 30个工作日\n"), *BUMP)
    tracker.warnings.clear()
    assert migrate(tracker, plan(tracker), NOW) == 1
    (said,) = tracker.warnings
    assert f"opportunity {instance}, '法务审核': due 2027-01-04 10:00" in said.text("en")


def test_a_plan_that_changed_before_it_was_applied_is_refused_whole(
    tracker: Tracker, processes: Path
) -> None:
    """Issue 10: the plan is shown, then applied in another transaction. An opportunity
    that moved on meanwhile was left on the old version without a word ('moved 1' under
    a plan of 2); now the plan is made again under the writers' lock and nothing is
    written when it differs. Applied a second time, nothing is left to do."""
    first, second = _at_legal_review(tracker), _at_legal_review(tracker)
    _edit(tracker, processes, *BUMP)
    (step,) = plan(tracker)
    assert (step.node, step.count) == ("legal_review", 2)
    tracker.advance(second, now=NOW, outcome="通过", by="zheng.jie")  # meanwhile
    with pytest.raises(ConflictError, match="changed while this command ran"):
        migrate(tracker, [step], NOW)
    assert [show(tracker, i).process_version for i in (first, second)] == ["1.1.0", "1.1.0"]
    steps = plan(tracker)
    assert migrate(tracker, steps, NOW) == 2
    assert migrate(tracker, steps, NOW) == 0  # another migrate of the same plan: nothing left
    assert [show(tracker, i).process_version for i in (first, second)] == ["1.2.0", "1.2.0"]
