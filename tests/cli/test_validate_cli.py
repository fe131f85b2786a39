"""`flowkit validate` as a user runs it: output formats, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowkit.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "processes"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_shipped_processes_are_clean() -> None:
    code, out, _ = run("validate", "--strict", str(SHIPPED))
    assert code == 0, out
    assert out.endswith("files checked: no problems\n")


def test_text_output_is_compiler_style() -> None:
    path = FIXTURES / "invalid" / "FK202-unknown-lane.yaml"
    code, out, _ = run("validate", str(path))
    assert code == 1
    assert f"{path}:17:11: error FK202: unknown lane 'consultnat'\n" in out
    assert "    hint: did you mean 'consultant'?\n" in out
    assert out.endswith("1 file checked: 1 error, 1 warning\n")


def test_warnings_fail_only_when_strict() -> None:
    path = str(FIXTURES / "invalid" / "FK602-no-sla.yaml")
    assert run("validate", path)[0] == 0
    assert run("validate", "--strict", path)[0] == 1


def test_json_output() -> None:
    path = FIXTURES / "invalid" / "FK203-unknown-document.yaml"
    code, out, _ = run("validate", "--format", "json", str(path))
    payload = json.loads(out)
    assert code == 1 and payload["ok"] is False
    # the misspelt reference also leaves the real document unused: one error, one warning
    assert payload["summary"] == {"files": 1, "errors": 1, "warnings": 1}
    (diag,) = [d for d in payload["diagnostics"] if d["severity"] == "error"]
    assert diag["code"] == "FK203" and diag["title"] == "unknown document"
    assert diag["line"] == 19 and diag["hint"] == "did you mean 'record'?"


def test_github_annotations_escape_their_fields() -> None:
    path = FIXTURES / "invalid" / "FK202-unknown-lane.yaml"
    _, out, _ = run("validate", "--format", "github", str(path))
    first = next(line for line in out.splitlines() if "title=FK202" in line)
    assert first.startswith(f"::error file={path},line=17,col=11,title=FK202::unknown lane")
    assert "%0Ahint: did you mean" in first


def test_unreadable_input_exits_2() -> None:
    code, out, _ = run("validate", str(FIXTURES / "invalid" / "FK002-not-utf8.yaml"))
    assert code == 2
    assert ":3:7: error FK002: byte 0xc3 is not valid UTF-8\n" in out


def test_missing_path_exits_2_with_a_message() -> None:
    code, _, err = run("validate", "nowhere.yaml")
    assert code == 2
    assert err == "error: 'nowhere.yaml' does not exist\n"


def test_bad_option_is_a_usage_error() -> None:
    code, _, err = run("validate", "--format", "xml", str(SHIPPED))
    assert code == 2 and "Invalid value for '--format'" in err


def test_defaults_to_the_processes_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate")
    assert code == 2 and "no ./processes here" in err


def test_help_ends_with_an_example() -> None:
    _, out, _ = run("validate", "--help")
    assert re.search(r"Example:\n\s+flowkit validate processes/", out)


def test_a_holiday_notice_is_validated_with_the_processes(tmp_path: Path) -> None:
    """A year's notice beside the processes is checked like any calendar file: located."""
    import shutil

    shutil.copytree(SHIPPED, tmp_path / "processes")
    notice = FIXTURES / "calendars" / "invalid" / "FK710-make-up-on-a-weekday.yaml"
    target = tmp_path / "processes" / "calendars" / "cn-2027.yaml"
    shutil.copy(notice, target)
    code, out, _ = run("validate", str(tmp_path / "processes"))
    assert code == 1
    assert f"{target}:13:12: error FK710: make_up_days → item 1 → date: 2027-02-19 is a " in out
    shutil.copy(FIXTURES / "calendars" / "notices" / "cn-2027.yaml", target)
    assert run("validate", "--strict", str(tmp_path / "processes"))[0] == 0
