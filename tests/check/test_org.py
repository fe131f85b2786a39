"""The org checks, each on its fixture folder with the exact located message, and on models."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.check import CheckContext, run_checks, run_org_checks
from flowkit.check.org import check_cycles
from flowkit.diagnostics import CODES, Diagnostic, Location, Severity
from flowkit.model import Lane, Node, Org, Person, Process
from flowkit.validate import validate_paths

ORG = Path(__file__).resolve().parents[1] / "fixtures" / "org"
CASES = sorted((ORG / "invalid").iterdir())

# case folder -> (file in it, line, col, code, message, hint): the one finding each case has
EXPECTED: dict[str, tuple[str, int, int, str, str, str]] = {
    "FK801-duplicate-person": (
        "org.yaml",
        5,
        9,
        "FK801",
        "person id 'li.lei' is already used on line 3",
        "give each person its own id",
    ),
    "FK801-duplicate-team": (
        "org.yaml",
        4,
        10,
        "FK801",
        "team id 'east-1' is already used on line 3",
        "give each team its own id",
    ),
    "FK802-manager-by-name": (
        "org.yaml",
        5,
        14,
        "FK802",
        "unknown person '王芳'",
        "'王芳' is the name of person 'wang.fang'; refer to it by id: wang.fang",
    ),
    "FK802-unknown-manager": (
        "org.yaml",
        7,
        14,
        "FK802",
        "unknown person 'wang.fnag'",
        "did you mean 'wang.fang'?",
    ),
    "FK803-unknown-team": (
        "org.yaml",
        7,
        11,
        "FK803",
        "unknown team 'east1'",
        "did you mean 'east-1'?",
    ),
    "FK804-management-cycle": (
        "org.yaml",
        5,
        14,
        "FK804",
        "management cycle: wang.fang → li.lei → wang.fang (each reports to the next)",
        "the person at the top has no `manager`; change or remove one of these managers",
    ),
    "FK804-own-manager": (
        "org.yaml",
        5,
        14,
        "FK804",
        "person 'wang.fang' is their own manager",
        "remove `manager` from the person at the top, or name their real manager",
    ),
    "FK805-unknown-lane": (
        "org.yaml",
        8,
        13,
        "FK805",
        "unknown lane 'consultnat': no process validated with the org declares it",
        "did you mean 'consultant'?",
    ),
    "FK806-unstaffed-lane": (
        "sales.yaml",
        8,
        5,
        "FK806",
        "no active person in the org can act in lane 'manager': "
        "work in this lane could never be assigned",
        "add 'manager' to the `lanes` of an active person in {dir}/org.yaml "
        "(only inactive people have it: wang.fang)",
    ),
    "FK807-two-org-files": (
        "south.yaml",
        2,
        1,
        "FK807",
        "a second org file: the org is already declared at {dir}/org.yaml:1:1",
        "keep one org file for the whole sales organisation; move these people and teams into it",
    ),
    "FK808-shared-db-role": (
        "org.yaml",
        4,
        42,
        "FK808",
        "database role 'sales' is already li.lei's (line 3)",
        "give each person their own PostgreSQL login",
    ),
    "FK809-inactive-mentor": (
        "org.yaml",
        4,
        47,
        "FK809",
        "mentor 'wang.fang' of li.lei is inactive",
        "name an active colleague",
    ),
    "FK810-service-login-of-a-person": (
        "org.yaml",
        5,
        13,
        "FK810",
        "service login 'li_lei' is also li.lei's db_role (line 3)",
        "give the web server a login of its own, not a person's",
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
        message.format(dir=case),
        Location(str(case / name), line, col),
        hint.format(dir=case),
    )
    assert diag == expected


def test_valid_org_and_process_have_no_findings() -> None:
    report = validate_paths([ORG / "valid"])
    assert report.diagnostics == []
    assert report.org is not None and report.org.name == "华东销售中心"


def test_a_team_manager_outside_the_team_is_fine() -> None:
    report = validate_paths([ORG / "valid" / "org.yaml"])
    assert report.org is not None
    team = report.org.team_by_id["east-1"]
    manager = report.org.person("wang.fang")
    assert team.manager == "wang.fang" and manager is not None and manager.team is None
    assert report.diagnostics == []


def _person(pid: str, manager: str | None = None, *lanes: str, active: bool = True) -> Person:
    return Person(pid, pid.upper(), tuple(lanes), manager=manager, active=active)


def _org(*people: Person) -> Org:
    return Org("org", (), people, source="org.yaml")


@pytest.mark.parametrize(
    ("mentor", "message", "hint"),
    [
        ("wang.fnag", "mentor 'wang.fnag' of b is not a person of the org", "did you mean"),
        ("b", "b cannot mentor themselves", "name the colleague who trains them"),
        ("c", "mentor 'c' of b is in training too", "a mentor is certified"),
    ],
)
def test_a_mentor_is_an_active_certified_colleague(mentor: str, message: str, hint: str) -> None:
    trainee = Person("b", "B", mentor=mentor)
    org = _org(_person("wang.fang"), trainee, Person("c", "C", mentor="wang.fang"))
    (diag,) = run_org_checks(org)
    assert (diag.code, diag.message) == ("FK809", message)
    assert diag.hint is not None and diag.hint.startswith(hint)
    assert run_org_checks(_org(_person("wang.fang"), Person("b", "B", mentor="wang.fang"))) == []


def test_lanes_are_not_checked_without_processes() -> None:
    org = _org(_person("a", None, "nowhere"))
    assert run_org_checks(org) == []
    assert [d.code for d in run_org_checks(org, CheckContext(lanes=frozenset({"x"})))] == ["FK805"]


def test_unknown_lane_without_a_near_name_lists_the_declared_lanes() -> None:
    org = _org(_person("a", None, "warehouse"))
    (diag,) = run_org_checks(org, CheckContext(lanes=frozenset({"manager", "consultant"})))
    assert diag.hint == "the processes declare: consultant, manager"


def test_staffing_is_checked_only_with_an_org() -> None:
    process = Process(
        "p",
        "P",
        "1",
        nodes=(
            Node("s", "s", "start", routes=()),
            Node("w", "w", lane="legal"),
        ),
        lanes=(Lane("legal", "法务"),),
    )
    assert [d for d in run_checks(process) if d.code == "FK806"] == []
    ctx = CheckContext(org=_org(_person("a", None, "consultant")))
    (diag,) = [d for d in run_checks(process, ctx) if d.code == "FK806"]
    assert diag.hint == "add 'legal' to the `lanes` of an active person in org.yaml"


def test_a_chain_into_a_cycle_reports_the_cycle_once() -> None:
    org = _org(
        _person("d", "a"),
        _person("a", "b"),
        _person("b", "c"),
        _person("c", "a"),
        _person("e", "d"),
    )
    (diag,) = check_cycles(org, CheckContext())
    assert diag.message == "management cycle: a → b → c → a (each reports to the next)"


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from("abcdefghz") | st.none()))
def test_one_finding_per_cycle_of_managers(managers: dict[str, str | None]) -> None:
    org = _org(*(_person(pid, boss) for pid, boss in managers.items()))
    cycles = set()
    for start in managers:
        seen: list[str] = []
        current: str | None = start
        while current in managers and current not in seen:
            seen.append(current)
            current = managers[current]
        if current in seen:
            cycles.add(frozenset(seen[seen.index(current) :]))
    assert len(list(check_cycles(org, CheckContext()))) == len(cycles)
