"""Did you mean …? One guess and one wording for every misspelt name."""

from __future__ import annotations

from flowkit.lang.spelling import closest, did_you_mean


def test_the_closest_choice_is_offered_in_one_wording() -> None:
    assert did_you_mean("consultnat", ["consultant", "manager"]) == "did you mean 'consultant'?"
    assert did_you_mean("zzz", ["consultant", "manager"]) is None


def test_a_wrong_case_wins_over_a_closer_spelling() -> None:
    assert closest("SALES", ["SALE", "sales"]) == "sales"
    assert closest("asia/shanghai", ["Asia/Singapore", "Asia/Shanghai"]) == "Asia/Shanghai"


def test_the_cutoff_decides_how_far_a_guess_may_go() -> None:
    assert closest("bussines", ["business"], 0.75) == "business"
    assert closest("week", ["weekday"], 0.9) is None
    assert closest("week", ["weekday"]) == "weekday"


def test_any_iterable_of_choices() -> None:
    assert closest("hour", {"hours": "hours"}) == "hours"
    assert closest("x", ()) is None
