"""notify.yaml in the pipeline: recognised beside the processes, checked against the org and
the processes, every mistake a located error with a fix; secrets only by reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowkit.errors import ValidationFailed
from flowkit.validate import load_notify, validate_paths
from tests.conftest import ROOT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", target)
    (target / ".git").mkdir()  # the folder is a repository: a secret file must be outside it
    return target


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "notify.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_shipped_rules_load_with_their_channels_and_rules() -> None:
    config = load_notify(ROOT / "processes")
    assert [c.id for c in config.channels] == [
        "east-wecom",
        "south-dingtalk",
        "support-feishu",
        "mail",
    ]
    contract = config.rules[0]
    assert contract.id == "contract-breach" and [e.text for e in contract.escalate] == [
        "4个工作小时",
        "1个工作日",
    ]
    assert contract.escalate[0].after.business and contract.via == ("team",)


CASES = [
    (
        "FK951",
        "    via: mail\n",
        "    via: mial\n",
        "unknown channel 'mial'",
        "did you mean 'mail'?",
    ),
    (
        "FK951",
        "  east-1: east-wecom",
        "  east-1: east-wechat",
        "unknown channel 'east-wechat'",
        None,
    ),
    (
        "FK952",
        "    tell: owner\n    escalate: [4",
        "    tell: [owner, li.le]\n    escalate: [4",
        "unknown person 'li.le'",
        "did you mean 'li.lei'?",
    ),
    ("FK953", "  east-1: east-wecom", "  east-9: east-wecom", "unknown team 'east-9'", None),
    (
        "FK954",
        "  - id: at-risk\n    on: at-risk\n",
        "  - id: at-risk\n    on: at-risk\n    lanes: [consultnt]\n",
        "unknown lane 'consultnt'",
        "did you mean 'consultant'?",
    ),
    (
        "FK955",
        "nodes: [contract_signing,",
        "nodes: [contract_sign,",
        "unknown node 'contract_sign'",
        None,
    ),
    (
        "FK955",
        "process: standard-sales",
        "process: standard-sale",
        "unknown process 'standard-sale'",
        None,
    ),
    (
        "FK956",
        "password: env:FLOWKIT_SMTP_PASSWORD",
        "password: file:{folder}/smtp.secret",
        "is inside",
        None,
    ),
    (
        "FK958",
        "    secret: env:FLOWKIT_DINGTALK_SOUTH_SECRET\n",
        "",
        "channel 'south-dingtalk' (dingtalk) needs `secret`",
        None,
    ),
    (
        "FK959",
        "escalate: [4个工作小时, 1个工作日]",
        "escalate: [1个工作日, 4个工作小时]",
        "escalation step '4个工作小时' is not later than '1个工作日'",
        None,
    ),
    (
        "FK960",
        "  - id: at-risk\n    on: at-risk\n",
        "  - id: at-risk\n    on: at-risk\n    at: '08:00'\n",
        "rule 'at-risk' (at-risk) has no use for `at`",
        None,
    ),
    (
        "FK704",
        'at: "09:00"\n    tell: owner',
        'at: "25:00"\n    tell: owner',
        "'25:00' is not a time of day",
        None,
    ),
    ("FK501", "escalate: [1个工作日]", "escalate: [一会儿]", "", None),
    (
        "FK105",
        "webhook: env:FLOWKIT_WECOM_EAST",
        "webhook: https://qyapi.weixin.qq.com/x?key=abc",
        "",
        None,
    ),
]


@pytest.mark.parametrize(("code", "old", "new", "message", "hint"), CASES)
def test_each_mistake_is_a_located_error(
    folder: Path, code: str, old: str, new: str, message: str, hint: str | None
) -> None:
    _edit(folder, old, new.replace("{folder}", str(folder)))
    found = [d for d in validate_paths([folder]).diagnostics if d.code == code]
    assert found, [(d.code, d.message) for d in validate_paths([folder]).diagnostics]
    (diag,) = found
    assert diag.loc.file.endswith("notify.yaml") and diag.loc.line > 0
    written = (folder / "notify.yaml").read_text("utf-8").splitlines()[diag.loc.line - 1]
    assert message in diag.message
    if hint is not None:
        assert diag.hint == hint
    if code != "FK958":  # a missing key is located at its channel
        written_lines = new.replace("{folder}", str(folder)).splitlines()
        assert any(line.strip() and line.strip() in written for line in written_lines), written


def test_a_secret_written_in_clear_is_refused_by_the_schema(folder: Path) -> None:
    _edit(folder, "password: env:FLOWKIT_SMTP_PASSWORD", "password: hunter2")
    (diag,) = validate_paths([folder]).diagnostics
    assert diag.code == "FK105" and "password" in diag.message


def test_a_second_notification_file_is_refused(folder: Path) -> None:
    shutil.copyfile(folder / "notify.yaml", folder / "more-notify.yaml")
    text = (folder / "more-notify.yaml").read_text("utf-8")
    (folder / "more-notify.yaml").write_text(text.replace("notify.schema", "x"), "utf-8")
    assert "FK957" in [d.code for d in validate_paths([folder]).diagnostics]


def test_load_notify_refuses_invalid_rules(folder: Path) -> None:
    _edit(folder, "    via: mail\n", "    via: mial\n")
    with pytest.raises(ValidationFailed, match="unknown channel 'mial'"):
        load_notify(folder)
