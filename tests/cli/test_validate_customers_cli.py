"""`flowkit validate` on the customer rules with their processes: the three formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowkit.cli import main

CUSTOMERS = Path(__file__).resolve().parents[1] / "fixtures" / "customers"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_text_output_for_a_rule_that_can_never_fire() -> None:
    case = CUSTOMERS / "invalid" / "FK902-after-default"
    code, out = run("validate", str(case))
    assert code == 1
    assert out == (
        f"{case}/customers.yaml:18:5: error FK902: this rule (grade 'C') comes after the "
        "default and can never fire\n"
        "    hint: put the `default` rule last, and keep only one\n"
        "1 file checked: 1 error, 0 warnings\n"
    )


def test_an_unknown_lane_fails_only_when_strict() -> None:
    case = CUSTOMERS / "invalid" / "FK906-unknown-lane"
    code, out = run("validate", str(case))
    assert code == 0 and out.endswith("2 files checked: 0 errors, 1 warning\n")
    assert run("validate", "--strict", str(case))[0] == 1


def test_json_output_names_the_rules_file() -> None:
    code, out = run("validate", "--format", "json", str(CUSTOMERS / "valid"))
    payload = json.loads(out)
    assert code == 0 and payload["ok"] is True
    assert [(Path(f["path"]).name, f["kind"], f["valid"]) for f in payload["files"]] == [
        ("customers.yaml", "customers", True),
        ("sales.yaml", "process", True),
    ]


def test_github_annotation_for_a_second_rules_file() -> None:
    case = CUSTOMERS / "invalid" / "FK908-two-rules-files"
    code, out = run("validate", "--format", "github", str(case))
    assert code == 1
    assert out.splitlines()[0].startswith(
        f"::error file={case}/more-rules.yaml,line=2,col=1,title=FK908::"
    )
