"""Each measure of the monthly review against the hand-computed November of
tests/review/fixture_month.py (its docstring says what happened, day by day)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.access.guard import Access, Actor
from flowkit.access.rules import Role
from flowkit.errors import InputError
from flowkit.review import MEASURES, History, measure, month_of
from flowkit.review import measures as m
from flowkit.review.scorecard import scorecard
from flowkit.tracking import Tracker
from tests.review.fixture_month import november

CN = ZoneInfo("Asia/Shanghai")
NOVEMBER = month_of("2026-11", CN)


@pytest.fixture
def month(tracker: Tracker) -> History:
    november(tracker)
    return History.of(tracker, NOVEMBER)


def _rates(lines: tuple[m.Rate, ...]) -> dict[str, tuple[int, int, int]]:
    return {r.key: (r.done, r.total, r.extra) for r in lines}


def test_profile_completeness_per_person_team_and_missing_field(month: History) -> None:
    found = m.profile_completeness(month)
    # C2 went to han.meimei in December and a fifth profile came then: November's end counts
    # C1, C2 for li.lei, C3 for han.meimei, C4 for huang.lei
    assert _rates(found.people) == {
        "li.lei": (1, 2, 0),
        "han.meimei": (1, 1, 0),
        "huang.lei": (0, 1, 0),
    }
    assert _rates(found.teams) == {"east-1": (2, 3, 0), "south-2": (0, 1, 0)}
    assert (found.overall.done, found.overall.total, found.overall.rate) == (2, 4, 0.5)
    assert found.missing == (
        ("address", "注册地址", 2),
        ("annual_budget", "年度预算", 1),
        ("decision_chain", "决策链", 1),
    )


def test_on_time_is_credited_to_who_did_the_step(month: History) -> None:
    found = m.on_time(month)
    # D2 was screened late by han.meimei, not its owner li.lei; D3 was on time thanks to its
    # pause; D4 and D6 were closed at 线索初筛 before due (the owner's); D5 is overdue at the
    # month's end and huang.lei's by then (reassigned on 11-10)
    assert _rates(found.people) == {
        "li.lei": (2, 2, 0),
        "han.meimei": (2, 3, 0),
        "huang.lei": (0, 0, 1),
    }
    (screening,) = found.nodes
    assert (screening.key, screening.name) == (
        "standard-sales/lead_screening",
        "标准销售流程 / 线索初筛",
    )
    assert (screening.done, screening.total, screening.extra) == (4, 5, 1)
    assert found.overall.rate == 0.8


def test_cadence_counts_visits_against_the_weeks_that_ended(month: History) -> None:
    found = m.cadence(month)
    # D1's weeks at 商机跟进 ending 11-09, 11-16, 11-23, 11-30: 2, 1, 2, 0 visits of 2 each;
    # D3's first week was cut short by its loss (not counted)
    assert _rates(found.people) == {"li.lei": (5, 8, 2)}
    assert found.overall.rate == 5 / 8


def test_conversion_per_stage_and_the_ends_count_early_losses(month: History) -> None:
    found = m.conversion(month)
    stages = {s.node: (s.entered, s.moved_on, s.closed, s.won) for s in found.stages}
    assert stages == {
        "lead_capture": (6, 6, 0, 0),
        "lead_screening": (6, 3, 2, 1),  # D1, D2, D3 moved on; D4 lost, D6 won there
        "opportunity_followup": (2, 0, 1, 0),
        "won": (1, 0, 1, 1),
        "lost_invalid": (1, 0, 1, 0),  # D2, advanced into it
        "lost_deal": (2, 0, 2, 0),  # D4 lost at 线索初筛, D3 at 商机跟进: both 丢单
    }
    assert [s.node for s in found.stages][-3:] == ["won", "lost_invalid", "lost_deal"]
    assert (found.leads, found.won, found.lead_to_won) == (6, 1, 1 / 6)


def test_median_and_90th_percentile_time_in_stage(month: History) -> None:
    found = {d.node: d for d in m.stage_times(month)}
    assert (found["lead_capture"].count, found["lead_capture"].median) == (6, timedelta(hours=1))
    screening = found["lead_screening"]
    # D1 5 hours, D2 48 hours, D3 53 hours (a pause is still time the deal sat there)
    assert (screening.count, screening.median, screening.p90) == (
        3,
        timedelta(hours=48),
        timedelta(hours=53),
    )


def test_pipeline_at_the_months_end_as_it_was_then(month: History) -> None:
    found = m.pipeline(month)
    stages = {s.node: (s.count, s.value, s.probability, s.weighted) for s in found.stages}
    # D5 moved on and D1's amount changed in December: November keeps them as they were
    assert stages == {
        "lead_screening": (1, 300_000.0, 0.05, 15_000.0),
        "opportunity_followup": (1, 200_000.0, 0.2, 40_000.0),
    }
    assert (found.count, found.value, found.weighted) == (2, 500_000.0, 55_000.0)


def test_won_and_lost_count_and_value(month: History) -> None:
    found = m.outcomes(month)
    overall = found.overall
    assert (overall.won, overall.won_value, overall.lost, overall.lost_value) == (
        1,
        50_000.0,
        3,
        330_000.0,
    )
    people = {o.key: (o.won, o.won_value, o.lost, o.lost_value) for o in found.people}
    assert people == {"han.meimei": (1, 50_000.0, 1, 100_000.0), "li.lei": (0, 0.0, 2, 230_000.0)}


def test_lost_reasons_from_the_vocabulary_ranked(month: History) -> None:
    found = m.lost_reasons(month)
    assert [(r.code, r.name, r.count, r.value, r.notes) for r in found] == [
        ("competitor", "选择竞品", 1, 150_000.0, ("客户选择了竞品A",)),
        ("price", "价格过高", 1, 100_000.0, ()),
        ("invalid_lead", "无效线索", 1, 80_000.0, ()),  # the reason of the end D2 reached
    ]


def test_old_free_text_is_read_as_other(tracker: Tracker) -> None:
    from tests.conftest import cst

    deal = tracker.start(
        "standard-sales",
        name="旧商机",
        customer="旧客户",
        owner="li.lei",
        now=cst("2026-11-02T09:00"),
        fields={"segment": "sme", "amount": "10000"},
    )
    with tracker.store.write() as tx:  # as a close before the vocabulary was declared
        row = tx.instance(deal)
        assert row is not None
        tx.update_instance(deal, row["revision"], {"state": "lost", "node": None})
        closed = cst("2026-11-03T09:00")
        data = {"outcome": "lost", "reason": "客户需求取消"}
        tx.add_events(
            deal,
            row["last_seq"],
            [
                {
                    "kind": "closed",
                    "at": closed,
                    "recorded_at": closed,
                    "node": "lead_capture",
                    "data": data,
                }
            ],
        )
    (reason,) = m.lost_reasons(History.of(tracker, NOVEMBER))
    assert (reason.code, reason.name, reason.count, reason.notes) == (
        "other",
        "其他",
        1,
        ("客户需求取消",),
    )


def test_customers_by_industry_size_grade_stage_and_tag(month: History) -> None:
    found = m.distribution(month)
    assert found.total == 4
    shares = {d: {s.value: s.count for s in v} for d, v in found.by.items()}
    assert shares["industry"] == {"制造业": 2, "零售业": 1, "服务业": 1}
    assert shares["grade"] == {"A": 2, "C": 2}
    assert shares["size"] == {"large": 2, "individual": 1, "sme": 1}
    assert shares["tags"] == {"高预算": 2}


def test_grade_migrations_of_the_month(month: History) -> None:
    assert m.grade_migrations(month) == (m.Migration("B", "A", 1),)
    assert m.grade_migrations(History.of(month.tracker, NOVEMBER.next())) == ()


def test_spot_checks_per_owner_when_checked(month: History) -> None:
    assert _rates(m.spot_checks(month)) == {"li.lei": (1, 2, 1), "huang.lei": (1, 1, 0)}


def test_a_grade_traits_against_the_rest(month: History) -> None:
    found = m.traits(month)
    assert (found.a_count, found.rest_count) == (2, 2)
    first = {(t.dimension, t.value): (t.a_share, t.rest_share) for t in found.traits}
    assert first[("industry", "制造业")] == (1.0, 0.0)
    assert first[("tag", "高预算")] == (1.0, 0.0)
    assert found.traits[-1].lift == 0.0  # all four are 潜在客户: no difference, last


def test_the_scorecard_weighs_the_declared_kpis(month: History) -> None:
    rules = month.tracker.definitions.customers
    assert rules is not None and rules.kpis is not None
    cards = {s.person: s for s in scorecard(month, rules.kpis)}
    # consultants: 档案完整率 40%, 节点准时率 60%
    assert cards["li.lei"].score == pytest.approx(100 * (0.4 * 0.5 + 0.6 * 1.0))
    assert cards["han.meimei"].score == pytest.approx(100 * (0.4 * 1.0 + 0.6 * 2 / 3))
    # nothing settled for huang.lei: his score is his completeness alone
    assert cards["huang.lei"].score == pytest.approx(0.0)
    li = {c.measure: c for c in cards["li.lei"].cells}
    assert (li["cadence"].rate, li["cadence"].weight, li["cadence"].met) == (0.625, 0.0, False)
    assert li["on_time"].met is True and cards["li.lei"].role == "consultant"


def test_a_consultant_sees_their_own_numbers_a_manager_their_team(month: History) -> None:
    tracker = month.tracker
    tracker.access = Access(tracker.people, Actor("li.lei", Role.CONSULTANT, "user"))
    own = History.of(tracker, NOVEMBER)
    assert {r.key for r in m.on_time(own).people} == {"li.lei"}
    assert m.outcomes(own).overall.lost == 2 and m.conversion(own).leads == 4  # D1, D2, D3, D5
    assert m.pipeline(own).count == 1  # D1: D5 was huang.lei's at the month's end
    tracker.access = Access(tracker.people, Actor("wang.fang", Role.MANAGER, "user"))
    team = History.of(tracker, NOVEMBER)
    assert {r.key for r in m.on_time(team).people} == {"li.lei", "han.meimei"}
    assert _rates(m.profile_completeness(team).teams) == {"east-1": (2, 3, 0)}
    asked = History.of(tracker, NOVEMBER, ["han.meimei", "huang.lei"])  # not hers: left out
    assert asked.owners == frozenset({"han.meimei"})


def test_an_unknown_measure_is_named_with_the_known(tracker: Tracker) -> None:
    with pytest.raises(InputError) as caught:
        measure(tracker, "ontime", NOVEMBER)
    assert "unknown measure 'ontime'" in caught.value.message
    assert "on-time" in str(caught.value.hint_msg)


def test_a_past_month_is_recomputed_exactly_after_later_work(tracker: Tracker) -> None:
    from tests.review.fixture_month import december

    ids = november(tracker, then=False)
    before = {name: found(History.of(tracker, NOVEMBER)) for name, found in MEASURES.items()}
    december(tracker, ids)
    after = {name: found(History.of(tracker, NOVEMBER)) for name, found in MEASURES.items()}
    assert after == before


@given(
    due=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(CN)
    ),
    length=st.sampled_from(["month", "quarter", "week", "day"]),
    month=st.integers(1, 12),
)
def test_the_periods_nobody_settled_end_where_settling_would_end_them(
    due: datetime, length: str, month: int
) -> None:
    from flowkit.calendar.periods import add_months
    from flowkit.review.measures import _followers

    since = datetime(2026, month, 1, tzinfo=CN)
    until = add_months(since, 1)
    expected, end = [], due
    while True:  # chained one period at a time, as `timers.cadence.roll` does
        step = {"month": 1, "quarter": 3}.get(length)
        end = add_months(end, step) if step else end + timedelta(days=7 if length == "week" else 1)
        if end >= until:
            break
        if end >= since:
            expected.append(end)
    assert list(_followers(due, length, CN, since, until)) == expected
