"""Grading by the rules: the grade, the rule that gave it, and the reasons in zh-CN and en."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.customers import Grading, grade, regrade
from flowkit.lang.expr import evaluate, parse
from flowkit.model import Customer, CustomerRules, GradeRule
from flowkit.validate import load_customer_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = load_customer_rules(ROOT / "processes")


def _customer(cid: str = "C0001", **kw: Any) -> Customer:
    values = {k: kw.pop(k) for k in list(kw) if k not in Customer.__dataclass_fields__}
    return Customer(cid, "上海宏达", "li.lei", values=values, **kw)


def _with(*rules: tuple[str, str | None]) -> CustomerRules:
    grades = tuple(GradeRule(g, parse(w) if w else None, f"{g}级") for g, w in rules)
    return replace(RULES, grades=grades)


def test_an_a_customer_with_every_comparison_explained() -> None:
    result = grade(
        _customer(annual_budget=1_200_000, decision_chain="clear", intent="strong"), RULES
    )
    assert result.grade == "A" and result.passed == ()
    assert result.rule is not None and (result.rule.index, result.rule.fired) == (0, True)
    assert result.lines() == [
        "C0001 评为 A 级：命中规则 1「年预算超过100万，决策链清晰，合作意愿强」",
        "  规则 1（A 级）命中：annual_budget > 1000000 and decision_chain == 'clear' "
        "and intent == 'strong'",
        "    annual_budget (年度预算) = 1,200,000 > 1,000,000 ✓",
        "    decision_chain (决策链) = clear (清晰) == clear ✓",
        "    intent (合作意愿) = strong (强) == strong ✓",
    ]


def test_a_b_customer_says_why_a_did_not_fire_in_english() -> None:
    result = grade(
        _customer(annual_budget=800_000, decision_chain="clear", needs_clarity="clear"), RULES
    )
    assert result.grade == "B"
    assert result.lines("en") == [
        "C0001 is grade B: rule 2 fired (年预算50万以上（未达A级条件），需求明确，需持续跟进)",
        "  rule 1 (A) did not fire: annual_budget (年度预算) = 800,000 > 1,000,000 ✗",
        "  rule 2 (B) fired: annual_budget >= 500000 and needs_clarity == 'clear'",
        "    annual_budget (年度预算) = 800,000 >= 500,000 ✓",
        "    needs_clarity (需求明确度) = clear (明确) == clear ✓",
    ]


def test_the_first_failing_comparison_is_named() -> None:
    result = grade(
        _customer(annual_budget=2_000_000, decision_chain="complex", intent="strong"), RULES
    )
    (first, second) = result.passed
    assert [c.text() for c in first.because] == [
        "decision_chain (决策链) = complex (复杂) == clear ✗"
    ]
    assert [c.text() for c in second.because] == ["缺少 needs_clarity (需求明确度)"]
    assert result.grade == "C"


def test_a_missing_field_makes_a_rule_not_fire() -> None:
    result = grade(_customer(decision_chain="clear", intent="strong"), RULES)
    assert result.grade == "C"
    assert result.lines() == [
        "C0001 评为 C 级：前面的规则都未命中，"
        "按默认规则 3「年预算低于50万或需求模糊，采购周期不固定」",
        "  规则 1（A 级）未命中：缺少 annual_budget (年度预算)",
        "  规则 2（B 级）未命中：缺少 annual_budget (年度预算)",
        "  规则 3（默认 C 级）命中：其余客户",
    ]
    assert result.lines("en")[1] == "  rule 1 (A) did not fire: missing: annual_budget (年度预算)"
    assert result.lines("en")[-1] == "  rule 3 (default, C) fired: every other customer"


def test_numbers_written_as_text_are_read_as_numbers() -> None:
    values = {"decision_chain": "clear", "intent": "strong"}
    assert grade(_customer(annual_budget="1,200,000", **values), RULES).grade == "A"
    assert grade(_customer(annual_budget="１２０００００", **values), RULES).grade == "A"
    assert grade(_customer(annual_budget=" ", **values), RULES).passed[0].because[0].actual is None


def test_a_value_of_the_wrong_kind_is_unknown_not_an_error() -> None:
    result = grade(_customer(annual_budget="很多", decision_chain="clear", intent="strong"), RULES)
    assert result.grade == "C"
    assert result.passed[0].because[0].text() == "annual_budget (年度预算) = '很多' > 1,000,000 ?"


def test_standard_fields_in_conditions() -> None:
    rules = _with(("A", "size == 'large' and industry in ['制造业', '金融']"), ("C", None))
    big = grade(_customer(size="large", industry="金融"), rules)
    assert big.grade == "A"
    assert big.lines()[2:] == [
        "    size (企业规模) = large (大型企业) == large ✓",
        "    industry (所属行业) = '金融' in ['制造业', '金融'] ✓",
    ]
    assert grade(_customer(size="large"), rules).passed[0].because[0].text() == (
        "缺少 industry (所属行业)"
    )


def test_or_and_not_are_explained_by_what_decided() -> None:
    rules = _with(("A", "annual_budget > 100 or intent == 'strong'"), ("B", "not (size == 'sme')"))
    result = grade(_customer(annual_budget=5, intent="weak", size="sme"), rules)
    assert result.grade is None and result.rule is None
    first, second = result.passed
    assert [c.text("en") for c in first.because] == [
        "annual_budget (年度预算) = 5 > 100 ✗",
        "intent (合作意愿) = weak (弱) == strong ✗",
    ]
    assert [c.text("en") for c in second.because] == [
        "not size (企业规模) = sme (中小企业) == sme ✓"
    ]
    assert result.lines() == [
        "C0001 未能评级：没有规则命中，规则中也没有默认等级",
        "  规则 1（A 级）未命中：annual_budget (年度预算) = 5 > 100 ✗; "
        "intent (合作意愿) = weak (弱) == strong ✗",
        "  规则 2（B 级）未命中：not size (企业规模) = sme (中小企业) == sme ✓",
    ]
    fired = grade(_customer(intent="strong"), rules)  # the budget is unknown: `or` still holds
    assert fired.grade == "A" and fired.rule is not None
    assert [c.text() for c in fired.rule.because] == ["intent (合作意愿) = strong (强) == strong ✓"]


def test_a_constant_and_a_flipped_comparison() -> None:
    rules = _with(("A", "1000 < annual_budget"), ("B", "true"))
    result = grade(_customer(annual_budget=10), rules)
    assert result.grade == "B"
    assert result.passed[0].because[0].text() == "annual_budget (年度预算) = 10 > 1,000 ✗"
    assert result.rule is not None and [c.text() for c in result.rule.because] == ["true ✓"]


def test_an_unreadable_rule_never_fires() -> None:
    rules = replace(RULES, grades=(GradeRule("A", None, parsed=False), GradeRule("C", None)))
    result = grade(_customer(), rules)
    assert result.grade == "C"
    assert result.lines("en")[1] == "  rule 1 (A) did not fire: the condition cannot be read"


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        grade(_customer(), RULES).lines("fr")


def test_regrade_names_who_would_move() -> None:
    customers = [
        _customer("C1", annual_budget=800_000, needs_clarity="clear"),
        _customer("C2", annual_budget=300_000, needs_clarity="clear"),
        _customer("C3", annual_budget=1_500_000, decision_chain="clear", intent="strong"),
    ]
    stricter = replace(
        RULES,
        grades=(
            RULES.grades[0],
            replace(
                RULES.grades[1], when=parse("annual_budget >= 1000000 and needs_clarity == 'clear'")
            ),
            RULES.grades[2],
        ),
    )
    assert regrade(customers, RULES, stricter) == [("C1", "B", "C")]
    assert regrade(customers, RULES, RULES) == []


# Properties, over customers with any subset of the grading fields filled in.

profiles = st.fixed_dictionaries(
    {},
    optional={
        "annual_budget": st.integers(0, 3_000_000) | st.sampled_from([500_000, 1_000_000]),
        "decision_chain": st.sampled_from(["clear", "complex", "unknown"]),
        "intent": st.sampled_from(["strong", "medium", "weak"]),
        "needs_clarity": st.sampled_from(["clear", "vague"]),
        "size": st.sampled_from(["large", "sme", "individual"]),
    },
)


def _graded(values: dict[str, Any]) -> tuple[Customer, Grading]:
    customer = _customer(**values)
    return customer, grade(customer, RULES)


@given(profiles)
def test_grading_is_deterministic(values: dict[str, Any]) -> None:
    customer, result = _graded(values)
    assert grade(customer, RULES) == result
    assert grade(customer, RULES).lines() == result.lines()


@given(profiles, st.sampled_from(["zh-CN", "en"]))
def test_the_explanation_names_the_rule_that_fired(values: dict[str, Any], lang: str) -> None:
    _, result = _graded(values)
    assert result.rule is not None and result.grade == result.rule.grade  # there is a default
    n = result.rule.index + 1
    headline = result.lines(lang)[0]
    assert f" {n}" in headline and result.grade in headline and result.rule.label in headline
    assert len(result.lines(lang)) == 1 + len(result.passed) + 1 + len(result.rule.because)
    assert [o.index for o in result.passed] == list(range(n - 1))
    assert all(not o.fired and o.because for o in result.passed)


@given(profiles)
def test_the_rule_that_fired_holds_and_the_earlier_ones_do_not(values: dict[str, Any]) -> None:
    _, result = _graded(values)
    assert result.rule is not None
    if result.rule.condition:
        assert all(c.holds is True for c in result.rule.because)
    for outcome in result.passed:
        assert all(c.holds is not True or c.negated for c in outcome.because)


@given(
    st.fixed_dictionaries(
        {
            "annual_budget": st.integers(0, 3_000_000),
            "decision_chain": st.sampled_from(["clear", "complex", "unknown"]),
            "intent": st.sampled_from(["strong", "medium", "weak"]),
            "needs_clarity": st.sampled_from(["clear", "vague"]),
        }
    )
)
def test_a_complete_profile_is_graded_by_plain_evaluation(values: dict[str, Any]) -> None:
    expected = next(r.grade for r in RULES.grades if r.when is None or evaluate(r.when, values))
    assert _graded(values)[1].grade == expected


@given(
    st.dictionaries(
        st.sampled_from(["annual_budget", "intent", "decision_chain"]),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    )
)
def test_odd_values_never_raise(values: dict[str, Any]) -> None:
    _, result = _graded(values)
    assert result.grade in ("A", "B", "C")
    assert result.lines("en") and result.lines("zh-CN")
