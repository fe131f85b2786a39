"""Reading the customer rules file: which file is one, its schema explained in place, its model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowkit.diagnostics import Location
from flowkit.lang.sla import Cadence, Duration
from flowkit.load.customer_rules import build_customer_rules, is_customers_file
from flowkit.load.schema import check_schema, customers_schema
from flowkit.load.yamlsource import Source, parse_text
from flowkit.model import CustomerRules, GradeRule, Maintenance

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "customers" / "valid" / "customers.yaml"
TEXT = VALID.read_text("utf-8")


def _source(text: str, name: str = "customers.yaml") -> Source:
    source, found = parse_text(text, name)
    assert source is not None, found
    return source


def _check(text: str) -> list[tuple[str, int, int, str, str | None]]:
    found = check_schema(_source(text), "customers")
    return [(d.code, d.loc.line, d.loc.col, d.message, d.hint) for d in found]


def _build(text: str) -> tuple[CustomerRules, list[tuple[str, int, int, str]]]:
    source = _source(text)
    assert check_schema(source, "customers") == []
    rules, found = build_customer_rules(source)
    return rules, [(d.code, d.loc.line, d.loc.col, d.message) for d in found]


def test_the_two_schema_copies_are_identical() -> None:
    shipped = json.loads((ROOT / "schemas" / "customers.schema.json").read_text("utf-8"))
    assert shipped == customers_schema()


def test_every_property_is_described() -> None:
    def described(node: object) -> bool:
        if isinstance(node, dict):
            props = node.get("properties", {})
            forms = [p for p in props.values() if p is not False]  # False: not in this form
            return all("description" in p for p in forms) and all(
                described(v) for v in node.values()
            )
        return all(described(v) for v in node) if isinstance(node, list) else True

    assert described(customers_schema())


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("processes/customers.yaml", {"flowkit": 1}, True),
        ("customers.yml", None, True),  # unreadable, but still reported as the rules file
        ("customers.yaml", {"flowkit": 1, "id": "p", "nodes": []}, True),  # the name decides
        ("rules.yaml", {"flowkit": 1, "customers": "客户档案规则"}, True),
        ("sales.yaml", {"flowkit": 1, "customers": "x", "nodes": []}, False),
        ("sales.yaml", ["customers"], False),
        ("sales.yaml", None, False),
        ("my-customers.yaml", {"flowkit": 1}, False),
    ],
)
def test_which_file_is_the_customers_file(name: str, data: object, expected: bool) -> None:
    assert is_customers_file(name, data) is expected


def test_valid_rules_pass_the_schema() -> None:
    assert _check(TEXT) == []


def test_build_converts_with_locations() -> None:
    rules, found = _build(TEXT)
    assert found == []
    assert (rules.name, rules.calendar, rules.source) == ("客户档案规则", "cn", "customers.yaml")
    assert [f.id for f in rules.fields] == ["annual_budget", "decision_chain"]
    assert rules.required == ("name", "industry", "contacts", "annual_budget")
    assert rules.tags == ("高预算", "竞品对比中")
    a, c = rules.grades
    assert (a.grade, a.label, a.default, a.parsed) == (
        "A",
        "年预算超过100万，决策链清晰",
        False,
        True,
    )
    assert a.when is not None and a.when.text.startswith("annual_budget > 1000000")
    assert a.when_loc == Location("customers.yaml", 14, 11)
    assert c == GradeRule("C", None, "其余客户") and c.default
    assert rules.maintenance[0] == Maintenance(
        "A", Cadence(1, "month", "visit"), "每月1次拜访", "manager", "销售经理亲自跟进"
    )
    assert rules.maintenance[1].loc == Location("customers.yaml", 20, 3)  # at the grade
    assert rules.maintenance_for("C") is rules.maintenance[1]
    assert rules.follow_up_within == Duration(24, "hour")
    assert rules.review == Cadence(1, "quarter")
    assert rules.at("maintenance", "C", "lane") == Location("customers.yaml", 20, 29)
    assert rules.at("tags", 1) == Location("customers.yaml", 11, 13)
    assert rules.at("grades") == Location("customers.yaml", 13, 3)
    assert rules.graded == ("A", "C")


def test_the_model_helpers() -> None:
    rules, _ = _build(TEXT)
    assert rules.label_of("annual_budget") == "年度预算"
    assert rules.label_of("address") == "注册地址"
    assert rules.label_of("nothing") == "nothing"
    assert set(rules.field_types) == {
        "industry",
        "size",
        "stage",
        "employees",
        "budget",
        "annual_budget",
        "decision_chain",
    }
    assert rules.field_types["size"].values == ("large", "sme", "individual")


def test_a_field_marked_required_is_required() -> None:
    text = TEXT.replace("label: 决策链\n", "label: 决策链\n    required: true\n")
    rules, _ = _build(text)
    assert rules.required == ("name", "industry", "contacts", "annual_budget", "decision_chain")
    text = text.replace("contacts, annual_budget]", "contacts, decision_chain, annual_budget]")
    rules, _ = _build(text)
    assert rules.required == ("name", "industry", "contacts", "decision_chain", "annual_budget")


def test_a_condition_that_does_not_parse_is_located_and_left_out() -> None:
    text = TEXT.replace("annual_budget > 1000000 and", "annual_budget >> 1000000 and")
    rules, found = _build(text)
    ((code, line, col, message),) = found
    assert (code, line, col) == ("FK401", 14, 26)
    assert message.startswith('cannot read condition "annual_budget >> 1000000 and decision_')
    assert rules.grades[0].when is None and not rules.grades[0].parsed
    assert not rules.grades[0].default


def test_a_quoted_condition_is_located_inside_the_quotes() -> None:
    text = TEXT.replace(
        "when: annual_budget > 1000000 and decision_chain == 'clear'",
        'when: "annual_budget >> 1000000"',
    )
    _, found = _build(text)
    assert [(c, line, col) for c, line, col, _ in found] == [("FK401", 14, 27)]


def test_an_unreadable_cadence_is_located_and_its_maintenance_left_out() -> None:
    rules, found = _build(TEXT.replace("cadence: 每季度1次, lane", "cadence: 每季度0次, lane"))
    assert found == [("FK501", 20, 19, "a cadence needs at least 1 follow-up per period, not '0'")]
    assert [m.grade for m in rules.maintenance] == ["A"]


def test_upkeep_phrases_are_a_duration_and_a_cadence() -> None:
    text = TEXT.replace("follow_up_within: 24小时内", "follow_up_within: 每日")
    text = text.replace("review: 每季度1次", "review: 3个工作日")
    rules, found = _build(text)
    assert [(code, line, col) for code, line, col, _ in found] == [
        ("FK501", 22, 21),
        ("FK501", 23, 11),
    ]
    assert "not a duration" in found[0][3] and "not a cadence" in found[1][3]
    assert rules.follow_up_within is None and rules.review is None


def test_an_unknown_maintenance_key_suggests_the_right_one() -> None:
    text = TEXT.replace("lane: manager,", "lnae: manager,")
    assert _check(text) == [
        ("FK101", 19, 24, "maintenance → A: unknown key 'lnae'", "did you mean 'lane'?")
    ]


def test_a_grade_in_chinese_is_refused_with_the_rule() -> None:
    ((code, line, col, message, hint),) = _check(TEXT.replace("grade: A", "grade: A级"))
    assert (code, line, col, message) == (
        "FK105",
        13,
        12,
        "grades → rule 1 → grade: 'A级' is not a valid grade",
    )
    assert (
        hint == "grades use ascii letters, digits, '_', '+' and '-', e.g. A; put words in `label`"
    )


def test_a_maintenance_grade_in_chinese_points_at_the_key() -> None:
    ((code, line, col, message, _),) = _check(TEXT.replace("  C: {cadence", "  C级: {cadence"))
    assert (code, line, col, message) == (
        "FK105",
        20,
        3,
        "maintenance → C级: 'C级' is not a valid grade",
    )


def test_a_rule_needs_a_condition_or_is_the_default() -> None:
    text = TEXT.replace("    when: annual_budget > 1000000 and decision_chain == 'clear'\n", "")
    assert _check(text) == [("FK102", 13, 5, "grades → rule 1: missing required key 'when'", None)]


def test_the_two_forms_of_a_rule_do_not_mix() -> None:
    form = (
        "One grading rule: `{grade: A, when: <condition>, label: …}`, "
        "or the fallback `{default: C, label: …}`."
    )
    assert _check(TEXT.replace("  - default: C\n", "  - default: C\n    grade: B\n")) == [
        ("FK101", 17, 5, "grades → rule 2: 'grade' does not go with 'default'", form)
    ]
    assert _check(
        TEXT.replace("    label: 年预算超过100万", "    default: C\n    label: 年预算超过100万")
    ) == [("FK101", 15, 5, "grades → rule 1: 'default' does not go with 'grade' and 'when'", form)]


def test_an_enum_field_needs_its_values() -> None:
    text = TEXT.replace("    values: [clear, complex, unknown]\n", "")
    assert _check(text) == [
        ("FK102", 6, 5, "fields → decision_chain: missing required key 'values'", None)
    ]


def test_grades_are_required_and_not_empty() -> None:
    assert _check("flowkit: 1\ncustomers: 客户档案规则\n") == [
        ("FK102", 1, 1, "the file: missing required key 'grades'", None)
    ]
    assert _check("flowkit: 1\ncustomers: 客户档案规则\ngrades: []\n") == [
        ("FK104", 3, 9, "grades: must not be an empty list", None)
    ]


def test_not_a_mapping_says_customer_rules() -> None:
    assert _check("- A\n") == [
        ("FK006", 1, 1, "the file holds a list, not a customer rules mapping", None)
    ]


def test_the_format_version_is_required() -> None:
    ((code, *_),) = _check(TEXT.replace("flowkit: 1\n", ""))
    assert code == "FK100"
