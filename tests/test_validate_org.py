"""The org file in the pipeline: found among processes, checked with them, carried by the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowkit.errors import ValidationFailed
from flowkit.model import Org
from flowkit.validate import load_org, load_process, validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
ORG = FIXTURES / "org"
PROCESSES = Path(__file__).resolve().parent.parent / "processes"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the valid org and its process, to break one at a time."""
    shutil.copytree(ORG / "valid", tmp_path, dirs_exist_ok=True)
    return tmp_path


def _codes(path: Path | str) -> list[str]:
    return [d.code for d in validate_paths([path]).diagnostics]


def test_a_folder_yields_its_processes_and_its_org() -> None:
    report = validate_paths([ORG / "valid"])
    assert [(Path(f.path).name, f.kind, f.ok) for f in report.files] == [
        ("org.yaml", "org", True),
        ("sales.yaml", "process", True),
    ]
    assert [p.id for p in report.processes] == ["mini-sales"]
    assert isinstance(report.org, Org) and len(report.org.people) == 3


def test_processes_alone_have_no_org() -> None:
    report = validate_paths([FIXTURES / "valid"])
    assert report.org is None
    assert all(f.kind == "process" for f in report.files)


def test_an_org_file_given_explicitly_is_recognised_by_its_key(folder: Path) -> None:
    (folder / "org.yaml").rename(folder / "people.yaml")
    report = validate_paths([folder / "people.yaml", folder / "sales.yaml"])
    assert report.diagnostics == []
    assert report.org is not None and report.org.source == str(folder / "people.yaml")


def test_a_process_with_a_people_key_stays_a_process(folder: Path) -> None:
    sales = folder / "sales.yaml"
    sales.write_text(sales.read_text("utf-8") + "people: [li.lei]\n", "utf-8")
    report = validate_paths([sales])
    (diag,) = report.diagnostics
    assert (diag.code, diag.message) == ("FK101", "the file: unknown key 'people'")


def test_a_broken_org_yaml_is_reported_as_the_org_file(folder: Path) -> None:
    (folder / "org.yaml").write_text("flowkit: 1\npeople: [\n", "utf-8")
    report = validate_paths([folder])
    assert [d.code for d in report.diagnostics] == ["FK001"]
    assert [f.kind for f in report.files] == ["org", "process"]
    assert report.org is None and [p.id for p in report.processes] == ["mini-sales"]


def test_an_org_alone_is_checked_without_lanes() -> None:
    assert _codes(ORG / "invalid" / "FK805-unknown-lane" / "org.yaml") == []


def test_lanes_are_not_checked_against_a_process_that_did_not_build(folder: Path) -> None:
    sales = folder / "sales.yaml"
    sales.write_text(sales.read_text("utf-8").replace("  - id: consultant\n", "  - idd: x\n"))
    assert set(_codes(folder)) == {"FK101", "FK102"}


def test_an_org_that_does_not_build_does_not_flag_every_lane(folder: Path) -> None:
    org = folder / "org.yaml"
    org.write_text(org.read_text("utf-8").replace("name: 王芳", "nme: 王芳"))
    assert set(_codes(folder)) == {"FK101", "FK102"}


def test_an_org_with_errors_is_still_checked_against_lanes_but_not_carried(folder: Path) -> None:
    org = folder / "org.yaml"
    org.write_text(org.read_text("utf-8").replace("manager: wang.fang\n", "manager: wang\n"))
    report = validate_paths([folder])
    assert [d.code for d in report.diagnostics] == ["FK802"]
    assert report.org is None


def test_two_org_files_keep_the_first() -> None:
    case = ORG / "invalid" / "FK807-two-org-files"
    report = validate_paths([case])
    first = next(f for f in report.files if f.kind == "org")
    assert first.path == str(case / "org.yaml") and first.ok
    assert report.org is not None and report.org.source == str(case / "org.yaml")


def test_two_org_files_in_two_folders_name_both_places(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "more"
    other.mkdir()
    shutil.copy(folder / "org.yaml", other / "org.yaml")
    report = validate_paths([folder / "org.yaml", other])
    (diag,) = report.diagnostics
    assert diag.code == "FK807" and str(diag.loc) == f"{other / 'org.yaml'}:1:1"
    assert diag.message.endswith(f"already declared at {folder / 'org.yaml'}:1:1")


def test_load_org_from_a_folder_or_the_file() -> None:
    org = load_org(ORG / "valid")
    assert org.can_act("li.lei", "consultant")
    assert load_org(ORG / "valid" / "org.yaml") == org


def test_load_org_refuses_an_invalid_org() -> None:
    with pytest.raises(ValidationFailed, match=r"unknown person 'wang\.fnag'") as e:
        load_org(ORG / "invalid" / "FK802-unknown-manager")
    assert [d.code for d in e.value.diagnostics] == ["FK802"]  # type: ignore[attr-defined]


def test_load_org_without_an_org_file() -> None:
    with pytest.raises(ValidationFailed, match="holds no org file"):
        load_org(FIXTURES / "valid")


def test_load_org_accepts_warnings() -> None:
    org = load_org(ORG / "invalid" / "FK806-unstaffed-lane")
    assert org.people_in("manager") == ()


def test_load_process_is_unchanged_by_an_org_beside_it() -> None:
    assert load_process(ORG / "valid" / "sales.yaml").id == "mini-sales"


def test_the_shipped_org_staffs_every_lane_of_every_shipped_process() -> None:
    report = validate_paths([PROCESSES])
    assert report.diagnostics == []
    org = report.org
    assert org is not None and 12 <= len(org.people) <= 20 and 2 <= len(org.teams) <= 3
    lanes = {lane.id for p in report.processes for lane in p.lanes}
    assert lanes >= {"marketing", "consultant", "manager", "legal", "service", "finance"}
    assert {lane for lane in lanes if not org.people_in(lane)} == set()
    assert {lane for person in org.people for lane in person.lanes} <= lanes
    for person in org.people:
        chain = org.reports_to(person.id)
        assert not chain or chain[-1].manager is None, person.id
