"""Who is acting and what they may see, from the command line on a SQLite file
(FLOWKIT_USER / --user): refusals worded alike whether the record exists or not, reports
within reach, exports that say who took them, and the audit log."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from flowkit.cli import main


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, user: str | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        who = ["--user", user] if user else []
        return CliRunner().invoke(
            main, [*base, *who, "--now", "2026-11-27T10:00", *args], catch_exceptions=False
        )

    for owner, name in (("li.lei", "北辰科技有限公司"), ("huang.lei", "华南电子有限公司")):
        assert invoke("customer", "add", name, "--owner", owner).exit_code == 0
        started = invoke(
            "start", "standard-sales", "--name", f"{name}项目", "--customer", name,
            "--owner", owner, "--field", "segment=sme", "--at", "2026-11-20T10:00",
        )  # fmt: skip
        assert started.exit_code == 0, started.output
    return invoke


def test_another_teams_customer_and_a_missing_one_are_refused_alike(run: Any) -> None:
    other = run("customer", "show", "C00002", user="li.lei")
    missing = run("customer", "show", "C09999", user="li.lei")
    assert other.exit_code == missing.exit_code == 2
    assert "C00002: not found or not permitted" in other.output
    assert "C09999: not found or not permitted" in missing.output
    assert run("customer", "show", "C00001", user="li.lei").exit_code == 0
    assert "no customer C09999" in run("customer", "show", "C09999").output  # the file's admin


def test_reports_show_only_what_is_in_reach(run: Any) -> None:
    mine = json.loads(run("list", "--format", "json", user="li.lei").output)
    assert {r["owner"] for r in mine} == {"li.lei"}
    team = json.loads(run("customer", "list", "--format", "json", user="wang.fang").output)
    assert {r["owner"] for r in team} == {"李雷"}  # her team's, not 华南二组's
    everyone = json.loads(run("list", "--format", "json", user="zheng.shu").output)
    assert {r["owner"] for r in everyone} == {"li.lei", "huang.lei"}


def test_a_consultant_cannot_change_or_reassign_another_teams_deal(run: Any) -> None:
    refused = run("set", "2", "--next-action", "改", user="li.lei")
    assert refused.exit_code == 2 and "opportunity 2: not found or not permitted" in refused.output
    handed = run("assign", "1", "huang.lei", user="li.lei")
    assert handed.exit_code == 2  # consultants do not reassign, even their own
    assert run("set", "1", "--next-action", "上门演示", user="li.lei").exit_code == 0


def test_an_export_says_who_took_it_and_is_in_the_audit_log(run: Any, tmp_path: Path) -> None:
    refused = run("customer", "export", str(tmp_path / "x.xlsx"), user="li.lei")
    assert refused.exit_code == 2
    assert "li.lei (consultant) may not customer export" in refused.output
    assert not (tmp_path / "x.xlsx").exists()
    assert run("customer", "export", str(tmp_path / "x.xlsx"), user="wang.fang").exit_code == 0
    stamp = dict(load_workbook(tmp_path / "x.xlsx")["导出信息"].iter_rows(values_only=True))
    assert stamp["导出人"] == "wang.fang" and stamp["客户数"] == "1"
    log = json.loads(run("audit-log", "--format", "json", user="zheng.shu").output)
    exports = [e for e in log if e["command"] == "customer export"]
    assert [(e["actor"], e["outcome"]) for e in exports] == [
        ("li.lei", "refused"),
        ("wang.fang", "done"),
    ]
    assert exports[1]["detail"]["rows"] == 1
    again = run("customer", "import", str(tmp_path / "x.xlsx"), user="wang.fang")
    assert "skipped sheet 导出信息" in again.output and "1 unchanged" in again.output


def test_the_audit_log_is_for_auditors_admins_and_managers(run: Any) -> None:
    assert run("audit-log", user="li.lei").exit_code == 2
    shown = run("audit-log", "--format", "csv", user="wang.fang").output.splitlines()
    assert shown[0].split(",")[:3] == ["时间", "操作人", "命令"]
    assert all("huang.lei" not in line for line in shown[1:])  # 华南二组's doings are not hers


def test_who_acts_must_be_an_active_person_of_the_org(run: Any) -> None:
    typo = run("status", user="li.le")
    assert typo.exit_code == 2 and "did you mean 'li.lei'?" in typo.output
    gone = run("status", user="zhang.wei")
    assert gone.exit_code == 2 and "inactive" in gone.output


def test_work_is_recorded_only_as_done_by_a_person_of_the_org(run: Any) -> None:
    """`log 1 --by 路人甲` used to count toward the weekly visit quota."""
    stranger = run("log", "1", "--method", "visit", "--content", "拜访", "--by", "路人甲")
    assert stranger.exit_code == 2 and "'路人甲' is not a person in org.yaml" in stranger.output
    for_another = run("log", "1", "--method", "visit", "--content", "拜访", "--by", "sun.li")
    assert for_another.exit_code == 0  # the file's administrator enters it (线索获取: 市场)
    as_him = run(
        "log", "1", "--method", "visit", "--content", "拜访", "--by", "sun.li", user="li.lei"
    )
    assert as_him.exit_code == 2 and "li.lei may not record work done by sun.li" in as_him.output


def test_on_sqlite_the_person_is_flowkit_user_else_the_files_administrator(
    run: Any, tmp_path: Path, processes: Path
) -> None:
    base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes), "--now", "2026-11-27"]
    as_him = CliRunner().invoke(
        main, [*base, "list", "--format", "json"], env={"FLOWKIT_USER": "li.lei"}
    )
    assert {r["owner"] for r in json.loads(as_him.output)} == {"li.lei"}
    unnamed = CliRunner().invoke(
        main, [*base, "list", "--format", "json"], env={"FLOWKIT_USER": ""}
    )
    assert {r["owner"] for r in json.loads(unnamed.output)} == {"li.lei", "huang.lei"}
    log = json.loads(run("audit-log", "--format", "json", user="zheng.shu").output)
    assert {e["actor"] for e in log} >= {f"system:{getpass.getuser()}"}  # who added them
