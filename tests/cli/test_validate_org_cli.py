"""`flowkit validate` on an org file with its processes: all three formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowkit.cli import main

ORG = Path(__file__).resolve().parents[1] / "fixtures" / "org"
SHIPPED = Path(__file__).resolve().parents[2] / "processes"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_shipped_processes_and_org_are_clean() -> None:
    code, out, _ = run("validate", "--strict", str(SHIPPED))
    # 4 processes, the org, a calendar, the customer rules and the notification rules
    assert (code, out) == (0, "8 files checked: no problems\n")


def test_text_output_for_an_org_error() -> None:
    case = ORG / "invalid" / "FK802-unknown-manager"
    code, out, _ = run("validate", str(case))
    assert code == 1
    assert out == (
        f"{case}/org.yaml:7:14: error FK802: unknown person 'wang.fnag'\n"
        "    hint: did you mean 'wang.fang'?\n"
        "1 file checked: 1 error, 0 warnings\n"
    )


def test_an_unstaffed_lane_fails_only_when_strict() -> None:
    case = ORG / "invalid" / "FK806-unstaffed-lane"
    code, out, _ = run("validate", str(case))
    assert code == 0
    assert out.startswith(
        f"{case}/sales.yaml:8:5: warning FK806: no active person in the org can act in "
        "lane 'manager': work in this lane could never be assigned\n"
    )
    assert out.endswith("2 files checked: 0 errors, 1 warning\n")
    assert run("validate", "--strict", str(case))[0] == 1


def test_json_output_names_the_org_file() -> None:
    case = ORG / "invalid" / "FK805-unknown-lane"
    code, out, _ = run("validate", "--format", "json", str(case))
    payload = json.loads(out)
    assert code == 0 and payload["ok"] is True
    assert payload["summary"] == {"files": 2, "errors": 0, "warnings": 1}
    assert [(Path(f["path"]).name, f["kind"], f["valid"]) for f in payload["files"]] == [
        ("org.yaml", "org", True),
        ("sales.yaml", "process", True),
    ]
    (diag,) = payload["diagnostics"]
    assert diag["code"] == "FK805" and diag["title"] == "lane of a person is declared by no process"
    assert (diag["line"], diag["col"], diag["hint"]) == (8, 13, "did you mean 'consultant'?")


def test_github_annotation_for_a_second_org_file() -> None:
    case = ORG / "invalid" / "FK807-two-org-files"
    code, out, _ = run("validate", "--format", "github", str(case))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={case}/south.yaml,line=2,col=1,title=FK807::")
    assert f"already declared at {case}/org.yaml:1:1%0Ahint: keep one org file" in first


def test_an_org_file_alone() -> None:
    code, out, _ = run("validate", "--strict", str(ORG / "valid" / "org.yaml"))
    assert (code, out) == (0, "1 file checked: no problems\n")
