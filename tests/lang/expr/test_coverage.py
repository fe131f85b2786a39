"""Coverage: exact counterexamples, the search limit, and soundness on random conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.lang.expr import (
    AfterDefault,
    BoolOp,
    Condition,
    ExprError,
    Literal_,
    Not,
    Shadowed,
    Uncovered,
    evaluate,
    first_match,
    parse,
    uncovered_case,
)
from tests.lang.expr.support import ASSIGNMENTS, FIELDS, show, trees


def uncovered(*texts: str, limit: int = 4096) -> object:
    return uncovered_case([parse(t) for t in texts], FIELDS, limit)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["amount < 100000", "amount >= 100000"], None),
        (["amount < 100000", "amount > 100000"], {"amount": 100000}),
        (["amount <= 100000", "amount > 100000"], None),
        (["amount < 100"], {"amount": 100}),
        (["amount < 1", "amount > 2"], {"amount": 1}),
        (["amount < 1", "amount > 1.5", "amount >= 1 and amount <= 1.5"], None),
        (["amount < 1", "amount > 1.5", "amount > 1 and amount <= 1.5"], {"amount": 1}),
        (["amount < 1", "amount > 1", "amount == 1"], None),
        (["amount < 1", "amount > 1", "amount == 1.5"], {"amount": 1}),
        (["amount < 1 or amount > 2", "amount in [1, 2]"], {"amount": 1.5}),
        (["count < 1 or count > 2", "count in [1, 2]"], None),
        (["count < 2.5", "count > 2"], None),
        (["count < 2.5", "count >= 3"], None),
        (["amount < 2.5", "amount >= 3"], {"amount": 2.5}),
        (["count <= 0", "count >= 2"], {"count": 1}),
        (["grade == 'A'", "grade in ['B']"], {"grade": "C"}),
        (["grade == 'A'", "grade != 'A'"], None),
        (["grade in ['A', 'B', 'C']"], None),
        (["vip", "not vip"], None),
        (["vip"], {"vip": False}),
        (["vip == true", "vip in [false]"], None),
        (["region == '华东'", "region != '华东'"], None),
        (["region in ['华东', '华南']"], {"region": "<other>"}),
        (["region == '<other>'"], {"region": "<<other>>"}),
        (["signed < '2024-01-01'", "signed > '2024-01-01'"], {"signed": "2024-01-01"}),
        (["signed <= '2024-01-01'", "signed > '2024-01-01'"], None),
        (["signed <= '2024-01-01'", "signed >= '2024-01-02'"], None),
        (["signed <= '2024-01-01'", "signed >= '2024-01-03'"], {"signed": "2024-01-02"}),
        (["true"], None),
        (["false"], {}),
        ([], {}),
    ],
)
def test_uncovered_case_one_field(texts: list[str], expected: object) -> None:
    assert uncovered(*texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["amount < 100000 and vip", "amount >= 100000", "not vip"], None),
        (["amount < 100000 and vip", "amount >= 100000"], {"amount": 99999, "vip": False}),
        (["grade == 'A' and vip", "grade != 'A'"], {"grade": "A", "vip": False}),
        (["grade == 'A' or vip", "grade != 'A' and not vip"], None),
        (["amount < 10 and count > 3", "amount >= 10", "count <= 3"], None),
        (["amount < 10 and count > 3", "amount >= 10", "count < 3"], {"amount": 9, "count": 3}),
    ],
)
def test_uncovered_case_two_fields(texts: list[str], expected: object) -> None:
    assert uncovered(*texts) == expected


def test_uncovered_case_gives_up_past_the_limit() -> None:
    texts = ["amount < 1 and count < 1", "amount >= 1 or count >= 1"]
    assert uncovered(*texts) is None
    assert uncovered(*texts, limit=3) == "unknown"
    assert uncovered("vip", limit=0) == "unknown"


def test_uncovered_case_still_returns_a_counterexample_found_within_the_limit() -> None:
    assert uncovered("amount < 1 and count < 1", limit=1) == {"amount": 1, "count": 1}


def test_uncovered_case_rejects_ill_typed_conditions() -> None:
    with pytest.raises(ExprError, match="unknown field 'zzz'"):
        uncovered("vip", "zzz")


def test_uncovered_case_integer_values_are_integers() -> None:
    result = uncovered("count < 0", "count > 0.5")
    assert result == {"count": 0}
    assert isinstance(result, dict)
    assert type(result["count"]) is int


FIELD_SUBSETS = st.lists(st.sampled_from(list(FIELDS)), min_size=1, max_size=3, unique=True)


@st.composite
def condition_sets(draw: st.DrawFn) -> tuple[list[Condition], bool]:
    names = draw(FIELD_SUBSETS)
    exprs = draw(st.lists(trees(names, leaves=4), min_size=1, max_size=3))
    catch_all = draw(st.booleans())
    if catch_all:  # the negation of all others: together they must cover everything
        exprs.append(Not(BoolOp("or", (*exprs, Literal_(False)))))
    return [parse(show(e, False, "'")) for e in exprs], catch_all


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(condition_sets(), st.lists(ASSIGNMENTS, min_size=20, max_size=20))
def test_uncovered_case_is_sound(
    drawn: tuple[list[Condition], bool], envs: list[dict[str, Any]]
) -> None:
    conds, catch_all = drawn
    result = uncovered_case(conds, FIELDS, limit=100_000)
    if catch_all:
        assert result is None
    if isinstance(result, dict):
        referenced = set().union(*(c.fields() for c in conds))
        assert set(result) == referenced
        assert not any(evaluate(c, result) for c in conds)
        if "count" in result:
            assert type(result["count"]) is int
    else:
        assert result is None
        for env in envs:
            assert any(evaluate(c, env) for c in conds), env


@given(st.dates(), st.integers(-3, 3))
def test_date_coverage_is_exact_around_a_constant(day: date, shift: int) -> None:
    constant = day.isoformat()
    conds = [parse(f"signed < '{constant}'"), parse(f"signed > '{constant}'")]
    assert uncovered_case(conds, FIELDS) == {"signed": constant}
    try:
        probe = day + timedelta(days=shift)
    except OverflowError:
        return
    covered = any(evaluate(c, {"signed": probe}) for c in conds)
    assert covered is (shift != 0)


# ---- choices tried in order: first_match ----------------------------------------------


@dataclass(frozen=True)
class _Choice:
    when: Condition | None
    default: bool = False


def _choices(*texts: str | None) -> list[_Choice]:
    """A condition per text; None is the default."""
    return [_Choice(None, True) if t is None else _Choice(parse(t)) for t in texts]


def test_first_match_finds_what_never_decides_in_order() -> None:
    choices = _choices("amount > 10 and amount < 5", "amount < 100", "amount < 50", "vip")
    assert list(first_match(choices, FIELDS)) == [
        Shadowed(0, alone=True),
        Shadowed(2, alone=False),
        Uncovered({"amount": 100, "vip": False}),
    ]


def test_after_the_default_nothing_is_reached_and_nothing_is_uncovered() -> None:
    choices = _choices("amount < 100", "amount < 50", None, "vip", None)
    assert list(first_match(choices, FIELDS)) == [
        AfterDefault(3),
        AfterDefault(4),
        Shadowed(1, alone=False),
    ]


def test_without_deciding_only_the_order_is_checked() -> None:
    choices = _choices("amount < 100", "amount < 50", None, "vip")
    assert list(first_match(choices, FIELDS, decide=False)) == [AfterDefault(3)]
    assert list(first_match(_choices("amount < 100", "amount >= 100"), FIELDS)) == []
