"""Authentic records (issue 12, item 7a): work on an opportunity's node — a follow-up, a
document delivered, the node completed — is accepted only from a person of the node's lane,
or from a manager whose team the owner is in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from flowkit.access.people import manages, team
from flowkit.errors import InputError
from flowkit.tracking import Tracker, show
from tests.conftest import cst

NOW = cst("2026-11-26T10:00")

# each command, as recorded by `by` on an opportunity at 线索获取 (the marketing lane)
WORK: dict[str, Callable[[Tracker, int, str], object]] = {
    "log": lambda t, i, by: t.log(i, method="phone", content="电话", now=NOW, by=by),
    "deliver": lambda t, i, by: t.deliver(i, "lead_list", now=NOW, by=by),
    "advance": lambda t, i, by: t.advance(i, now=NOW, by=by),
}


def _deal(tracker: Tracker, owner: str = "li.lei") -> int:
    return tracker.start(
        "standard-sales",
        name="CRM升级",
        customer="上海宏达",
        owner=owner,
        now=cst("2026-11-25T09:00"),
        fields={"segment": "sme"},
    )


@pytest.mark.parametrize("command", sorted(WORK))
@pytest.mark.parametrize(
    ("by", "accepted"),
    [
        ("sun.li", True),  # 市场专员: the lane's own
        ("wang.fang", True),  # li.lei's manager
        ("liu.yang", True),  # her manager: li.lei is in his team too
        ("li.lei", False),  # the owner, a consultant: not the marketing lane's work
        ("han.meimei", False),  # a colleague
        ("chen.jing", False),  # another team's manager
        ("wu.hao", False),  # 售前: another lane
    ],
)
def test_work_on_a_node_is_its_lanes_or_the_owners_managers(
    tracker: Tracker, command: str, by: str, accepted: bool
) -> None:
    deal = _deal(tracker)
    before = show(tracker, deal).history
    if accepted:
        WORK[command](tracker, deal, by)
        assert len(show(tracker, deal).history) > len(before)
        return
    said = f"'{by}' cannot act in lane 'marketing' (市场专员) where '线索获取' is done"
    with pytest.raises(InputError, match=re.escape(said)) as caught:
        WORK[command](tracker, deal, by)
    assert caught.value.hint == "pass --by one of: sun.li, zhou.jie, or the owner's manager"
    assert show(tracker, deal).history == before  # nothing written


def test_who_is_recorded_as_having_done_it(tracker: Tracker) -> None:
    deal = _deal(tracker)
    tracker.deliver(deal, "lead_list", now=NOW, by="zhou.jie")
    tracker.log(deal, method="phone", content="电话", now=NOW, by="wang.fang")
    delivered, logged = show(tracker, deal).history[-2:]
    assert (delivered.kind, delivered.data["by"]) == ("delivered", "zhou.jie")
    assert (logged.kind, logged.data["by"]) == ("follow_up", "wang.fang")


def test_a_manager_is_someone_who_leads_the_owners_team(tracker: Tracker) -> None:
    org = tracker.people
    assert org is not None
    assert manages(org, "wang.fang", "li.lei") and manages(org, "liu.yang", "huang.lei")
    assert not manages(org, "chen.jing", "li.lei")
    assert not manages(org, "li.lei", "li.lei")  # a consultant manages no one, not even himself
    assert not manages(org, "zheng.shu", "li.lei")  # an auditor is no manager
    assert team(org, "chen.jing") == {"chen.jing", "huang.lei", "lin.xiaoyu"}
    assert team(None, "li.lei") == {"li.lei"}
