"""The pipeline end to end on fixture files: each diagnostic code, on the line marked for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowkit.diagnostics import CODES, Severity
from flowkit.errors import InputError, ValidationFailed
from flowkit.load import yamlsource
from flowkit.validate import discover, load_process, validate_paths, validate_text

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
ORG_CASES = sorted((FIXTURES / "org" / "invalid").iterdir())  # one folder per case
CUSTOMER_CASES = sorted((FIXTURES / "customers" / "invalid").iterdir())  # likewise
NOTIFY_CASES = sorted((FIXTURES / "notify" / "invalid").iterdir())  # likewise
MADE_IN_TESTS = {"FK004", "FK007", "FK208"}
# calendar files have their own fixtures, checked in tests/calendar/test_files.py
CALENDAR_CODES = {p.name.split("-")[0] for p in (FIXTURES / "calendars" / "invalid").iterdir()}


def _marked_line(path: Path, code: str) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return next(i for i, line in enumerate(text.splitlines(), 1) if f"<- {code}" in line)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_fixture_reports_its_code_on_the_marked_line(path: Path) -> None:
    code = path.stem.split("-")[0]
    report = validate_paths([path])
    hits = [d for d in report.diagnostics if d.code == code]
    assert hits, f"expected {code}, got {[(d.code, d.message) for d in report.diagnostics]}"
    assert hits[0].loc.line == _marked_line(path, code)
    assert hits[0].loc.file == str(path)
    expected_exit = (
        2 if CODES[code].unreadable else (1 if CODES[code].severity is Severity.ERROR else 0)
    )
    assert report.exit_code() == expected_exit


def test_every_code_has_a_fixture() -> None:
    covered = {p.stem.split("-")[0] for p in INVALID} | MADE_IN_TESTS | CALENDAR_CODES
    covered |= {case.name.split("-")[0] for case in ORG_CASES + CUSTOMER_CASES + NOTIFY_CASES}
    assert set(CODES) <= covered, sorted(set(CODES) - covered)


def test_valid_fixtures_have_no_findings() -> None:
    report = validate_paths([FIXTURES / "valid"])
    assert [(d.code, d.message) for d in report.diagnostics] == []
    assert report.exit_code(strict=True) == 0
    assert len(report.processes) == 2


def test_yaml_booleans_as_keys_stay_outcome_names() -> None:
    process = load_process(FIXTURES / "valid" / "routes-and-slas.yaml")
    assert process.node_by_id["screen"].outcomes == ("yes", "no")
    assert process.version == "1.10"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (yamlsource.MAX_BYTES + 1), encoding="utf-8")
    report = validate_paths([big])
    assert [d.code for d in report.diagnostics] == ["FK004"]
    assert report.exit_code() == 2


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "missing-target.yaml")
    report = validate_paths([dangling])
    assert [d.code for d in report.diagnostics] == ["FK007"]
    assert report.exit_code() == 2


def test_same_process_id_in_two_files() -> None:
    report = validate_paths([FIXTURES / "multi"])
    clash = [d for d in report.diagnostics if d.code == "FK208"]
    assert len(clash) == 1
    assert clash[0].loc.file.endswith("b.yaml")
    assert clash[0].loc.line == _marked_line(FIXTURES / "multi" / "b.yaml", "FK208")


def test_missing_path_is_a_usage_error() -> None:
    with pytest.raises(InputError, match="does not exist"):
        discover(["no/such/dir"])


def test_folder_without_yaml_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no process files"):
        discover([tmp_path])


def test_load_process_refuses_an_invalid_file() -> None:
    with pytest.raises(ValidationFailed, match="unknown lane 'consultnat'"):
        load_process(FIXTURES / "invalid" / "FK202-unknown-lane.yaml")


def test_hint_suggests_the_near_name() -> None:
    report = validate_paths([FIXTURES / "invalid" / "FK202-unknown-lane.yaml"])
    (diag,) = [d for d in report.diagnostics if d.code == "FK202"]
    assert diag.hint == "did you mean 'consultant'?"


def test_uncovered_conditions_name_the_missing_case() -> None:
    report = validate_paths([FIXTURES / "invalid" / "FK404-not-covering.yaml"])
    (diag,) = [d for d in report.diagnostics if d.code == "FK404"]
    assert "amount = 100000" in diag.message


def test_an_unreadable_sla_is_reported_once() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text("utf-8")
    broken = text.replace("sla: 24小时内", "sla: {within: 3个工做日, warn: 80%}")
    report = validate_text(broken, "p.yaml")
    assert [(d.code, d.loc.line, d.loc.col) for d in report.diagnostics] == [("FK501", 20, 19)]
    assert "did you mean '3个工作日'?" in report.diagnostics[0].message


def test_a_broken_route_is_not_echoed_as_unreachable_nodes() -> None:
    text = (FIXTURES / "valid" / "minimal.yaml").read_text("utf-8")
    report = validate_text(text.replace("next: work", "next: wrok"), "p.yaml")
    assert [d.code for d in report.diagnostics] == ["FK204"]


def test_a_routine_needs_a_cadence_of_calendar_periods() -> None:
    """`per: lane` (issue 16, item 5): who owes a cadence, once per day, week, month."""
    text = (FIXTURES / "valid" / "minimal.yaml").read_text("utf-8")
    fine = validate_text(text.replace("sla: 24小时内", "sla: {cadence: 每日, per: lane}"), "p.yaml")
    assert list(fine.diagnostics) == []
    none = validate_text(
        text.replace("sla: 24小时内", "sla: {within: 24小时, per: lane}"), "p.yaml"
    )
    assert [(d.code, d.message) for d in none.diagnostics] == [
        ("FK504", "the SLA of 'work' says who owes its cadence (per: lane) but has none")
    ]
    odd = validate_text(
        text.replace("sla: 24小时内", "sla: {cadence: 每两周1次, per: owner}"), "p.yaml"
    )
    assert [d.code for d in odd.diagnostics] == ["FK504"]
    assert (
        "counts per day, week, month or quarter, not 'every 2 weeks'" in odd.diagnostics[0].message
    )
