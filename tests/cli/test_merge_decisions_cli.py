"""Merge decisions for doubtful duplicate groups (issue 11): a prompt on a terminal, a
decisions file otherwise, a template written by a dry run."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main

KEY = "C00001 / 华东电子（集团）有限公司"


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, now: str = "2026-11-02T10:00", input: str | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(
            main, [*base, "--now", now, *args], catch_exceptions=False, input=input
        )

    return invoke


@pytest.fixture
def typo(run: Any, tmp_path: Path) -> Path:
    """北辰科技 on file (li.lei's) and a file of 华东电子 (han.meimei's) with 北辰's mobile:
    a typo that would fuse two companies of two owners."""
    added = run("customer", "add", "北辰科技有限公司", "--owner", "li.lei",
                "--contact", "赵强,采购经理,13812345678")  # fmt: skip
    assert added.exit_code == 0, added.output
    sheet = tmp_path / "客户.csv"
    sheet.write_text(
        "客户名称,负责人,联系人姓名,手机号码\n华东电子（集团）有限公司,han.meimei,钱敏,13812345678\n",
        "utf-8-sig",
    )
    return sheet


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


def _names(run: Any) -> list[str]:
    listed = json.loads(run("customer", "list", "--format", "json").output)
    return sorted(c["name"] for c in listed)


def test_a_dry_run_writes_the_template_and_nothing_else(
    run: Any, typo: Path, tmp_path: Path
) -> None:
    before = _dump(tmp_path / "t.db")
    decisions = tmp_path / "决定.yaml"
    tried = run("customer", "import", str(typo), "--merge", "--dry-run", "--decisions",
                str(decisions))  # fmt: skip
    assert tried.exit_code == 0, tried.output
    assert "wrote 1 doubtful group(s)" in tried.output
    text = decisions.read_text("utf-8")
    assert f'"{KEY}": undecided' in text
    assert "# C00001 北辰科技有限公司 | li.lei | 赵强 13812345678" in text
    assert "owned by different people" in text
    assert _dump(tmp_path / "t.db") == before
    undecided = run("customer", "import", str(typo), "--merge", "--decisions", str(decisions))
    assert undecided.exit_code == 2 and "owned by different people" in undecided.output


@pytest.mark.parametrize(
    ("decision", "names"),
    [
        ("apart", ["北辰科技有限公司", "华东电子（集团）有限公司"]),
        ("skip", ["北辰科技有限公司"]),
        ("merge into C00001", ["北辰科技有限公司"]),
    ],
)
def test_each_decision_is_carried_out(
    run: Any, typo: Path, tmp_path: Path, decision: str, names: list[str]
) -> None:
    decisions = tmp_path / "d.yaml"
    decisions.write_text(f'"{KEY}": {decision}\n', "utf-8")
    done = run("customer", "import", str(typo), "--merge", "--decisions", str(decisions))
    assert done.exit_code == 0, done.output
    assert f"decided: {KEY}: {decision}" in done.output
    assert _names(run) == sorted(names)
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert shown["customer"]["owner"] == "li.lei"
    said = {"apart": "imported 1 customers (0 merged", "skip": "imported 0 customers (0 merged"}
    assert said.get(decision, "imported 0 customers (1 merged") in done.output


def test_a_decision_naming_no_group_or_another_profile_is_refused(
    run: Any, typo: Path, tmp_path: Path
) -> None:
    decisions = tmp_path / "d.yaml"
    decisions.write_text('"C00001 / 华东电子": apart\n', "utf-8")
    wrong = run("customer", "import", str(typo), "--merge", "--decisions", str(decisions))
    assert wrong.exit_code == 2 and f"the groups are: '{KEY}'" in wrong.output
    decisions.write_text(f'"{KEY}": merge into C00009\n', "utf-8")
    other = run("customer", "import", str(typo), "--merge", "--decisions", str(decisions))
    assert other.exit_code == 2 and "merge into C00009: the group holds C00001" in other.output


def test_on_a_terminal_each_group_is_shown_side_by_side_and_asked(
    run: Any, typo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flowkit.cli.decide.interactive", lambda: True)
    asked = run("customer", "import", str(typo), "--merge", input="apart\n")
    assert asked.exit_code == 0, asked.output
    assert "doubtful group 1 of 1" in asked.output
    side = next(line for line in asked.output.splitlines() if line.strip().startswith("客户名称"))
    assert side.split()[1:] == ["北辰科技有限公司", "华东电子（集团）有限公司"]
    assert "merge, apart or skip" in asked.output
    assert _names(run) == ["北辰科技有限公司", "华东电子（集团）有限公司"]


def _follow_ups(run: Any, customer: str) -> list[str]:
    shown = json.loads(run("customer", "show", customer, "--format", "json").output)
    return sorted(f["content"] for f in shown["follow_ups"])


@pytest.fixture
def visited(tmp_path: Path) -> Path:
    """Two new companies sharing a typo'd mobile, two owners, each with its follow-ups and
    a grade in the file: a doubtful group whose rows other tables name."""
    from tests.sheets import FOLLOW_UPS, GRADING, workbook

    return workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户基础信息表": [
                ["客户名称", "联系人姓名", "手机号码", "负责人"],
                ["北辰科技有限公司", "赵强", "13812345678", "li.lei"],
                ["华东电子（集团）有限公司", "钱敏", "13812345678", "han.meimei"],
            ],
            "客户跟进记录表": [
                FOLLOW_UPS,
                ["北辰科技", "2023-03-02", "微信", "初次沟通", "li.lei"],
                ["华东电子(集团)有限公司", "2023-06-01", "电话", "需求确认", "han.meimei"],
            ],
            "客户分级分类表": [GRADING, ["北辰科技有限公司", "B", "", "", ""]],
        },
    )


def test_a_groups_follow_ups_wait_for_its_decision(
    run: Any, visited: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows other tables hold for an undecided group stop neither the dry run that
    writes the decisions template nor the prompt; skipped, they are left out, said."""
    decisions = tmp_path / "决定.yaml"
    tried = run("customer", "import", str(visited), "--merge", "--dry-run", "--decisions",
                str(decisions))  # fmt: skip
    assert tried.exit_code == 0, tried.output
    assert "wrote 1 doubtful group(s)" in tried.output
    assert "2 follow-up and grading row(s) of skipped or undecided groups left out" in (
        tried.output
    )
    assert "0 grades" in tried.output
    key = "北辰科技有限公司 / 华东电子（集团）有限公司"
    assert f'"{key}": undecided' in decisions.read_text("utf-8")
    decisions.write_text(f'"{key}": skip\n', "utf-8")
    skipped = run("customer", "import", str(visited), "--merge", "--dry-run", "--decisions",
                  str(decisions))  # fmt: skip
    assert skipped.exit_code == 0, skipped.output
    assert "imported 0 customers" in skipped.output and "2 follow-up and grading" in (
        skipped.output
    )
    monkeypatch.setattr("flowkit.cli.decide.interactive", lambda: True)
    asked = run("customer", "import", str(visited), "--merge", input="apart\n")
    assert asked.exit_code == 0, asked.output
    assert "imported 2 customers" in asked.output and "2 follow-ups, 1 grades" in asked.output
    assert _follow_ups(run, "C00001") == ["初次沟通"]
    assert _follow_ups(run, "C00002") == ["需求确认"]


@pytest.fixture
def two_on_file(run: Any, tmp_path: Path) -> Path:
    """北辰科技 (li.lei's) and 华东电子 (han.meimei's) on file, and a row with 北辰's name
    and 华东's mobile: one group holding two profiles on file."""
    for name, owner, contact in (
        ("北辰科技有限公司", "li.lei", "赵强,采购经理,13812345678"),
        ("华东电子（集团）有限公司", "han.meimei", "钱敏,总经理,13900001111"),
    ):
        added = run("customer", "add", name, "--owner", owner, "--contact", contact,
                    "--address", f"{name}的地址")  # fmt: skip
        assert added.exit_code == 0, added.output
    sheet = tmp_path / "客户.csv"
    sheet.write_text(
        "客户名称,负责人,联系人姓名,手机号码\n北辰科技有限公司,li.lei,钱敏,13900001111\n",
        "utf-8-sig",
    )
    return sheet


def test_two_profiles_on_file_merge_only_as_decided_and_undoably(
    run: Any, two_on_file: Path, tmp_path: Path
) -> None:
    before = _dump(tmp_path / "t.db")
    unasked = run("customer", "import", str(two_on_file), "--merge")
    assert unasked.exit_code == 2 and "it joins profiles already on file" in unasked.output
    decisions = tmp_path / "d.yaml"
    key = "C00001 / C00002 / 北辰科技有限公司"
    decisions.write_text(f'"{key}": merge\n', "utf-8")
    vague = run("customer", "import", str(two_on_file), "--merge", "--decisions", str(decisions))
    assert vague.exit_code == 2 and "say which profile to merge into" in vague.output
    assert _dump(tmp_path / "t.db") == before
    decisions.write_text(f'"{key}": merge into C00001\n', "utf-8")
    done = run("customer", "import", str(two_on_file), "--merge", "--decisions", str(decisions))
    assert done.exit_code == 0, done.output
    assert "imported 0 customers (2 merged" in done.output
    assert _names(run) == ["北辰科技有限公司"]  # 华东电子 folded in: the person said so
    kept = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert kept["customer"]["owner"] == "li.lei"
    assert kept["customer"]["address"] == "北辰科技有限公司的地址"  # the kept profile's
    line = next(x for x in done.output.splitlines() if "customer unmerge C00001" in x)
    merge_id = line.split("--merge-id")[1].split()[0].strip(")")
    undone = run("customer", "unmerge", "C00001", "--merge-id", merge_id)
    assert undone.exit_code == 0, undone.output
    assert _names(run) == ["北辰科技有限公司", "北辰科技有限公司", "华东电子（集团）有限公司"]
    other = json.loads(run("customer", "show", "C00002", "--format", "json").output)
    assert other["customer"]["owner"] == "han.meimei"
    assert other["customer"]["address"] == "华东电子（集团）有限公司的地址"
