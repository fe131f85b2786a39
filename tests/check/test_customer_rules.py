"""The customer rules checks, each on its fixture folder with the exact located message, on
models, and against grading itself: what the checks accept, grading never fails to grade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.check import CheckContext, run_customer_checks
from flowkit.check.customer_rules import _missing_gap, check_grades
from flowkit.customers import grade
from flowkit.diagnostics import CODES, Diagnostic, Location, Severity
from flowkit.lang.expr import Condition, Expr, FieldType, parse, uncovered_case
from flowkit.model import Customer, CustomerRules, Field, GradeRule, Maintenance
from flowkit.validate import validate_paths
from tests.lang.expr.support import ASSIGNMENT_VALUES, show, trees

CUSTOMERS = Path(__file__).resolve().parents[1] / "fixtures" / "customers"
CASES = sorted((CUSTOMERS / "invalid").iterdir())
RULES = "customers.yaml"

# case folder -> (file in it, line, col, code, message, hint): the one finding each case has
EXPECTED: dict[str, tuple[str, int, int, str, str, str | None]] = {
    "FK205-unknown-calendar": (
        RULES,
        3,
        11,
        "FK205",
        "unknown calendar 'china'",
        "declared calendars: 24x7, cn, weekdays",
    ),
    "FK401-condition-syntax": (
        RULES,
        14,
        26,
        "FK401",
        "cannot read condition 'annual_budget >> 1000000': unexpected '>' at column 16; "
        "expected a field or a value",
        None,
    ),
    "FK402-condition-type": (
        RULES,
        14,
        57,
        "FK402",
        "'clearr' is not a value of enum field 'decision_chain'",
        "did you mean 'clear'? (valid values: 'clear', 'complex', 'unknown')",
    ),
    "FK501-bad-cadence": (
        RULES,
        20,
        16,
        "FK501",
        "a cadence needs at least 1 follow-up per period, not '0'",
        None,
    ),
    "FK501-bad-duration": (
        RULES,
        22,
        21,
        "FK501",
        "'每季度1次' is a cadence (how often), not a duration (how long)",
        None,
    ),
    "FK901-unknown-required-key": (
        RULES,
        13,
        5,
        "FK901",
        "unknown profile key 'adress' in `required`: "
        "neither a standard profile key nor a declared field",
        "did you mean 'address'?",
    ),
    "FK902-after-default": (
        RULES,
        18,
        5,
        "FK902",
        "this rule (grade 'C') comes after the default and can never fire",
        "put the `default` rule last, and keep only one",
    ),
    "FK902-never-fires": (
        RULES,
        17,
        11,
        "FK902",
        "rule `annual_budget > 2000000 and decision_chain == 'clear'` (grade 'A') can never "
        "fire: the rules before it already match every profile it matches",
        "reorder the rules or narrow the earlier conditions",
    ),
    "FK903-missing-field": (
        RULES,
        13,
        3,
        "FK903",
        "no grading rule matches a customer whose annual_budget is not filled in",
        "add a last rule `- default: C` for every other customer, "
        "and for profiles not yet complete",
    ),
    "FK903-not-covering": (
        RULES,
        13,
        3,
        "FK903",
        "no grading rule matches a customer with annual_budget = 100000, decision_chain = 'clear'",
        "add a last rule `- default: C` for every other customer",
    ),
    "FK904-maintenance-for-no-grade": (
        RULES,
        21,
        3,
        "FK904",
        "maintenance for grade 'D', which no grading rule gives",
        "the rules give: A, C",
    ),
    "FK905-grade-without-maintenance": (
        RULES,
        16,
        5,
        "FK905",
        "grade 'C' has no maintenance: nothing says how its customers are kept",
        "add `C: {cadence: 每月1次, lane: …, action: …}` under `maintenance`",
    ),
    "FK906-unknown-lane": (
        RULES,
        20,
        29,
        "FK906",
        "unknown lane 'consultnat': no process validated with the customer rules declares it",
        "did you mean 'consultant'?",
    ),
    "FK907-duplicate-tag": (
        RULES,
        14,
        5,
        "FK907",
        "tag '高预算' is already declared on line 12",
        "declare each tag once",
    ),
    "FK908-two-rules-files": (
        "more-rules.yaml",
        2,
        1,
        "FK908",
        "a second customer rules file: the rules are already declared at {dir}/customers.yaml:1:1",
        "keep one customers.yaml for all customers; move these rules into it",
    ),
    "FK909-standard-field": (
        RULES,
        5,
        13,
        "FK909",
        "field 'industry' is a standard profile field (所属行业)",
        "conditions and `required` use the standard field as it is; give this field another id",
    ),
    "FK910-method-word": (
        RULES,
        13,
        3,
        "FK910",
        "follow-up method 'wechat': '拜访' already means method 'visit'",
        "give each word to one method (declare the built-in id to add words to it)",
    ),
    "FK911-unknown-kpi-measure": (
        RULES,
        31,
        5,
        "FK911",
        "unknown KPI measure 'profile_complete'",
        "did you mean 'profile_completeness'?",
    ),
    "FK912-weights-not-100": (
        RULES,
        32,
        5,
        "FK912",
        "the weights of 'consultant' add up to 90%, not 100%",
        "make the shares of each role add up to 100%",
    ),
    "FK913-unknown-role": (
        RULES,
        31,
        5,
        "FK913",
        "weights for unknown role 'consultnat': neither an org role nor a lane of the processes",
        "did you mean 'consultant'?",
    ),
}


def _marked(case: Path, code: str) -> tuple[Path, int]:
    for path in sorted(case.iterdir()):
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if f"<- {code}" in line:
                return path, i
    raise AssertionError(f"no line of {case.name} is marked <- {code}")


def test_every_case_has_an_expected_message() -> None:
    assert sorted(EXPECTED) == [case.name for case in CASES]


def test_every_customer_rules_code_has_a_case() -> None:
    codes = {c for c in CODES if "FK901" <= c < "FK951"}  # FK951 on: notify.yaml's
    assert codes <= {case.name.split("-")[0] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case_reports_its_code_alone_on_the_marked_line(case: Path) -> None:
    code = case.name.split("-")[0]
    report = validate_paths([case])
    assert [d.code for d in report.diagnostics] == [code], report.diagnostics
    path, line = _marked(case, code)
    assert (report.diagnostics[0].loc.file, report.diagnostics[0].loc.line) == (str(path), line)
    assert report.exit_code() == (1 if CODES[code].severity is Severity.ERROR else 0)
    assert report.exit_code(strict=True) == 1


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case_message_is_exact(case: Path) -> None:
    name, line, col, code, message, hint = EXPECTED[case.name]
    (diag,) = validate_paths([case]).diagnostics
    expected = Diagnostic(
        code,
        message.replace("{dir}", str(case)),
        Location(str(case / name), line, col),
        hint,
    )
    assert diag == expected


def test_valid_rules_and_process_have_no_findings() -> None:
    report = validate_paths([CUSTOMERS / "valid"])
    assert report.diagnostics == []
    assert report.customers is not None and report.customers.name == "客户档案规则"


# On models: the context decides what can be checked.

NUMBER = FieldType("number")


def _rules(*grades: GradeRule, **kw: Any) -> CustomerRules:
    kept = tuple(
        Maintenance(g, _cadence(), "每月1次") for g in dict.fromkeys(r.grade for r in grades)
    )
    return CustomerRules(
        fields=(Field("budget_k", NUMBER), Field("intent", FieldType("enum", ("hi", "lo")))),
        grades=grades,
        maintenance=kw.pop("maintenance", kept),
        source="customers.yaml",
        **kw,
    )


def _cadence() -> Any:
    from flowkit.lang.sla import Cadence

    return Cadence(1, "month")


def _rule(grade: str, when: str | None) -> GradeRule:
    return GradeRule(grade, parse(when) if when else None)


def _codes(rules: CustomerRules, ctx: CheckContext | None = None) -> list[str]:
    return [d.code for d in run_customer_checks(rules, ctx)]


def test_lanes_are_not_checked_without_processes() -> None:
    kept = (Maintenance("C", _cadence(), "每月1次", lane="warehouse"),)
    rules = _rules(_rule("C", None), maintenance=kept)
    assert _codes(rules) == []
    (diag,) = run_customer_checks(rules, CheckContext(lanes=frozenset({"manager", "consultant"})))
    assert (diag.code, diag.hint) == ("FK906", "the processes declare: consultant, manager")


def test_a_first_rule_that_nothing_matches() -> None:
    rules = _rules(_rule("A", "budget_k > 5 and budget_k < 3"), _rule("C", None))
    (diag,) = run_customer_checks(rules)
    assert diag.code == "FK902"
    assert diag.message.endswith("can never fire: no profile can match it")


def test_two_missing_fields_together() -> None:
    """Each field alone is covered, both together are not."""
    rules = _rules(
        _rule("A", "budget_k > 5 or intent == 'hi'"),
        _rule("B", "budget_k <= 5 or intent != 'hi'"),
    )
    (diag,) = run_customer_checks(rules)
    assert diag.message == (
        "no grading rule matches a customer whose budget_k, intent are not filled in"
    )


def test_a_missing_field_with_a_value_case() -> None:
    rules = _rules(_rule("A", "budget_k > 5 and intent == 'hi'"), _rule("B", "budget_k <= 5"))
    (diag,) = run_customer_checks(rules)
    assert diag.message == ("no grading rule matches a customer with budget_k = 6, intent = 'lo'")
    rules = _rules(_rule("A", "budget_k > 5 or intent == 'hi'"), _rule("B", "budget_k <= 5"))
    (diag,) = run_customer_checks(rules)
    assert diag.message == (
        "no grading rule matches a customer whose budget_k is not filled in (and intent = 'lo')"
    )


def test_the_stage_is_always_filled_in() -> None:
    rules = _rules(_rule("W", "stage == 'won'"), _rule("O", "stage != 'won'"))
    assert _codes(rules) == []


def test_standard_fields_type_check() -> None:
    rules = _rules(_rule("A", "size == 'big'"), _rule("C", None))
    (diag,) = run_customer_checks(rules)
    assert (diag.code, diag.message) == ("FK402", "'big' is not a value of enum field 'size'")
    assert diag.hint == "valid values: 'large', 'sme', 'individual'"


def test_an_unreadable_condition_stops_the_coverage_checks() -> None:
    broken = GradeRule("A", None, parsed=False)
    assert _codes(_rules(broken, _rule("B", "budget_k > 5"))) == []


# Checks and grading agree: accepted rules grade everyone; a named gap is a real one.

FIELDS = {"amount": FieldType("number"), "grade": FieldType("enum", ("A", "B", "C"))}
FIELDS["vip"] = FieldType("boolean")
NAMES = sorted(FIELDS)


def _random_rules(conds: list[Expr], default: bool) -> CustomerRules:
    grades = [GradeRule(f"G{i}", Condition(show(c, False, "'"), c)) for i, c in enumerate(conds)]
    if default:
        grades.append(GradeRule("Z", None))
    return CustomerRules(
        fields=tuple(Field(name, ftype) for name, ftype in FIELDS.items()),
        grades=tuple(grades),
    )


def _customer(values: dict[str, Any]) -> Customer:
    return Customer("C1", "客户", "li.lei", values=values)


profiles = st.fixed_dictionaries({}, optional={name: ASSIGNMENT_VALUES[name] for name in NAMES})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(trees(NAMES, leaves=5), min_size=1, max_size=3), st.booleans(), profiles)
def test_accepted_rules_grade_every_customer(
    conds: list[Expr], default: bool, values: dict[str, Any]
) -> None:
    rules = _random_rules(conds, default)
    gaps = [d for d in check_grades(rules, CheckContext()) if d.code == "FK903"]
    if not gaps:
        assert grade(_customer(values), rules).grade is not None
        return
    assert not default
    whens = [r.when for r in rules.grades if r.when is not None]
    case = uncovered_case(whens, rules.field_types)
    if case is None:
        found = _missing_gap(whens, rules.field_types)
        assert found is not None
        case = found[1]
    if isinstance(case, dict):  # the named case really gets no grade
        assert grade(_customer(case), rules).grade is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(trees(NAMES, leaves=5), min_size=2, max_size=3),
    st.fixed_dictionaries({name: ASSIGNMENT_VALUES[name] for name in NAMES}),
)
def test_a_rule_that_never_fires_does_not_fire_on_a_complete_profile(
    conds: list[Expr], values: dict[str, Any]
) -> None:
    rules = _random_rules(conds, default=True)
    never = [d for d in check_grades(rules, CheckContext()) if d.code == "FK902"]
    fired = grade(_customer(values), rules).rule
    assert fired is not None
    assert all(f"(grade '{fired.grade}')" not in d.message for d in never)
