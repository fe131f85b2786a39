"""The customer rules in the pipeline: found among processes, checked with them and the
calendars, carried by the report, and loaded alone with `load_customer_rules`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowkit.errors import ValidationFailed
from flowkit.model import CustomerRules
from flowkit.validate import load_customer_rules, load_org, validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
CUSTOMERS = FIXTURES / "customers"
PROCESSES = Path(__file__).resolve().parent.parent / "processes"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the valid rules and their process, to break one at a time."""
    shutil.copytree(CUSTOMERS / "valid", tmp_path, dirs_exist_ok=True)
    return tmp_path


def _codes(*paths: Path) -> list[str]:
    return [d.code for d in validate_paths(list(paths)).diagnostics]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_a_folder_yields_its_processes_and_its_customer_rules() -> None:
    report = validate_paths([CUSTOMERS / "valid"])
    assert [(Path(f.path).name, f.kind, f.ok) for f in report.files] == [
        ("customers.yaml", "customers", True),
        ("sales.yaml", "process", True),
    ]
    assert [p.id for p in report.processes] == ["mini-sales"]
    assert isinstance(report.customers, CustomerRules)
    assert report.org is None


def test_processes_alone_have_no_customer_rules() -> None:
    assert validate_paths([FIXTURES / "valid"]).customers is None


def test_rules_given_under_another_name_are_recognised_by_their_key(folder: Path) -> None:
    (folder / "customers.yaml").rename(folder / "客户规则.yaml")
    report = validate_paths([folder])
    assert report.diagnostics == []
    assert report.customers is not None
    assert report.customers.source == str(folder / "客户规则.yaml")


def test_a_process_with_a_customers_key_stays_a_process(folder: Path) -> None:
    _edit(
        folder / "sales.yaml", "name: 迷你销售流程\n", "name: 迷你销售流程\ncustomers: 华东客户\n"
    )
    (diag,) = validate_paths([folder / "sales.yaml"]).diagnostics
    assert (diag.code, diag.message) == ("FK101", "the file: unknown key 'customers'")


def test_a_broken_customers_yaml_is_reported_as_the_rules_file(folder: Path) -> None:
    (folder / "customers.yaml").write_text("flowkit: 1\ngrades: [\n", "utf-8")
    report = validate_paths([folder])
    assert [d.code for d in report.diagnostics] == ["FK001"]
    assert [f.kind for f in report.files] == ["customers", "process"]
    assert report.customers is None and [p.id for p in report.processes] == ["mini-sales"]


def test_the_rules_calendar_key_does_not_make_them_a_calendar_file(folder: Path) -> None:
    _edit(
        folder / "customers.yaml",
        "customers: 客户档案规则\n",
        "customers: 客户档案规则\ncalendar: cn\n",
    )
    (folder / "customers.yaml").rename(folder / "rules.yaml")
    report = validate_paths([folder])
    assert report.diagnostics == []
    assert [f.kind for f in report.files] == ["customers", "process"]


def test_a_custom_calendar_beside_them_may_be_named(folder: Path) -> None:
    shutil.copy(PROCESSES / "calendars" / "east-china.yaml", folder / "east-china.yaml")
    _edit(
        folder / "customers.yaml",
        "customers: 客户档案规则\n",
        "customers: 客户档案规则\ncalendar: east-china\n",
    )
    report = validate_paths([folder])
    assert report.diagnostics == []
    assert report.customers is not None and report.customers.calendar == "east-china"
    assert _codes(folder / "customers.yaml") == ["FK205"]  # alone, the calendar is unknown


def test_rules_alone_are_checked_without_lanes() -> None:
    case = CUSTOMERS / "invalid" / "FK906-unknown-lane"
    assert _codes(case / "customers.yaml") == []
    assert _codes(case) == ["FK906"]


def test_lanes_are_not_checked_against_a_process_that_did_not_build(folder: Path) -> None:
    _edit(folder / "customers.yaml", "lane: consultant,", "lane: consultnat,")
    _edit(folder / "sales.yaml", "  - id: consultant\n", "  - idd: x\n")
    assert set(_codes(folder)) == {"FK101", "FK102"}


def test_rules_with_errors_are_checked_but_not_carried(folder: Path) -> None:
    _edit(folder / "customers.yaml", "tags: [高预算, 竞品对比中]", "tags: [高预算, 高预算]")
    report = validate_paths([folder])
    assert [d.code for d in report.diagnostics] == ["FK907"]
    assert report.customers is None


def test_rules_with_warnings_are_carried(folder: Path) -> None:
    _edit(folder / "customers.yaml", "lane: consultant,", "lane: consultnat,")
    report = validate_paths([folder])
    assert [d.code for d in report.diagnostics] == ["FK906"]
    assert report.customers is not None


def test_two_rules_files_keep_the_first() -> None:
    case = CUSTOMERS / "invalid" / "FK908-two-rules-files"
    report = validate_paths([case])
    first = next(f for f in report.files if f.kind == "customers")
    assert first.path == str(case / "customers.yaml") and first.ok
    assert report.customers is not None and report.customers.source == first.path


def test_two_rules_files_in_two_folders_name_both_places(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "more"
    other.mkdir()
    shutil.copy(folder / "customers.yaml", other / "customers.yaml")
    report = validate_paths([folder / "customers.yaml", other])
    (diag,) = report.diagnostics
    assert diag.code == "FK908" and str(diag.loc) == f"{other / 'customers.yaml'}:1:1"
    assert diag.message.endswith(f"already declared at {folder / 'customers.yaml'}:1:1")


def test_load_customer_rules_from_a_folder_or_the_file() -> None:
    rules = load_customer_rules(CUSTOMERS / "valid")
    assert rules.graded == ("A", "C")
    assert load_customer_rules(CUSTOMERS / "valid" / "customers.yaml") == rules


def test_load_customer_rules_refuses_invalid_rules() -> None:
    with pytest.raises(ValidationFailed, match=r"unknown profile key 'adress'") as e:
        load_customer_rules(CUSTOMERS / "invalid" / "FK901-unknown-required-key")
    assert [d.code for d in e.value.diagnostics] == ["FK901"]  # type: ignore[attr-defined]


def test_load_customer_rules_without_a_rules_file() -> None:
    with pytest.raises(ValidationFailed, match="holds no customer rules"):
        load_customer_rules(FIXTURES / "valid")


def test_load_customer_rules_accepts_warnings() -> None:
    rules = load_customer_rules(CUSTOMERS / "invalid" / "FK905-grade-without-maintenance")
    assert rules.maintenance_for("C") is None


def test_the_shipped_rules_follow_the_template() -> None:
    report = validate_paths([PROCESSES])
    assert report.diagnostics == []
    rules = report.customers
    assert rules is not None and rules.source == str(PROCESSES / "customers.yaml")
    assert rules.graded == ("A", "B", "C") and rules.grades[-1].default
    assert [(m.grade, m.lane, m.text) for m in rules.maintenance] == [
        ("A", "manager", "每月1次拜访"),
        ("B", "consultant", "每月1次"),
        ("C", "consultant", "每季度1次"),
    ]
    org = load_org(PROCESSES)
    assert all(m.lane and org.people_in(m.lane) for m in rules.maintenance)
    assert {"高预算", "决策链复杂", "竞品对比中"} <= set(rules.tags)
    assert rules.follow_up_within is not None and rules.review is not None
