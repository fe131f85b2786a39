"""The notification file's checks on fixture cases: one folder per code (an org, a process and
notify.yaml), each reporting its code alone, on the line marked for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowkit.diagnostics import CODES
from flowkit.validate import validate_paths

NOTIFY = Path(__file__).resolve().parents[1] / "fixtures" / "notify"
CASES = sorted((NOTIFY / "invalid").iterdir())


def _marked(case: Path, code: str) -> tuple[Path, int]:
    for path in sorted(case.iterdir()):
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if f"<- {code}" in line:
                return path, i
    raise AssertionError(f"no line of {case.name} is marked <- {code}")


def test_every_notification_code_has_a_case() -> None:
    codes = {c for c in CODES if "FK951" <= c <= "FK999"}
    assert codes == {case.name.split("-")[0] for case in CASES}


def test_the_valid_case_is_clean() -> None:
    report = validate_paths([NOTIFY / "valid"])
    assert report.diagnostics == [] and report.notify is not None
    assert [f.kind for f in report.files] == ["notify", "org", "process"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case_reports_its_code_alone_on_the_marked_line(case: Path) -> None:
    code = case.name.split("-")[0]
    report = validate_paths([case])
    assert [d.code for d in report.diagnostics] == [code], report.diagnostics
    path, line = _marked(case, code)
    assert (report.diagnostics[0].loc.file, report.diagnostics[0].loc.line) == (str(path), line)
    assert report.exit_code() == 1
    assert report.diagnostics[0].hint
