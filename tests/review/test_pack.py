"""The pack of the hand-computed November: headlines against October, six months of trends,
the bottleneck beside its declared pain point, the scorecard."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flowkit.review import month_of
from flowkit.review.pack import build_pack
from flowkit.tracking import Tracker
from tests.conftest import cst
from tests.review.fixture_month import november


def test_the_pack_of_a_month(tracker: Tracker) -> None:
    november(tracker)
    month = month_of("2026-11", ZoneInfo("Asia/Shanghai"))
    pack = build_pack(tracker, month, cst("2026-12-02T09:00"))
    assert (pack.month.label, pack.previous.label) == ("2026-11", "2026-10")
    assert pack.months == ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
    headlines = {h.key: h for h in pack.headlines}
    on_time = headlines["on_time"]
    assert (on_time.value, on_time.previous, on_time.target, on_time.change) == (
        0.8,
        None,
        0.85,
        None,
    )
    assert (headlines["won_value"].value, headlines["won_value"].previous) == (50_000.0, 0.0)
    assert headlines["forecast"].value == 55_000.0
    assert headlines["lead_to_won"].value == 1 / 6
    trends = {t.key: t.values for t in pack.trends}
    assert trends["on_time"] == (None, None, None, None, None, 0.8)
    assert trends["pipeline"][-1] == 500_000.0 and trends["pipeline"][-2] == 0.0
    (stall,) = pack.bottlenecks
    assert (stall.node, stall.missed, stall.overdue, stall.rate) == ("lead_screening", 1, 1, 0.8)
    assert [(p.problem, p.improvement, p.status) for p in stall.pain_points] == [
        ("联系方式无效", "增加线索信息核验步骤", "proposed")
    ]
    assert stall.trend == (None, None, None, None, None, 0.8)
    assert [s.person for s in pack.scorecard] == ["han.meimei", "li.lei", "huang.lei"]
    assert pack.labels["on_time"] == "节点准时率"
