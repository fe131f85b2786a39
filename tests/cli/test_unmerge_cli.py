"""Merges that say field by field what they did, and `customer unmerge` (issue 11)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, now: str = "2026-11-02T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def two(run: Any) -> Any:
    """C00001 without an address; C00002, its duplicate, with one, a follow-up and a grade."""
    assert run("customer", "add", "北辰科技有限公司", "--owner", "li.lei", "--industry", "制造业",
               "--contact", "赵强,采购经理,13812345678").exit_code == 0  # fmt: skip
    second = run("customer", "add", "北辰科技", "--owner", "li.lei", "--distinct",
                 "--address", "北京市海淀区", "--industry", "电子",
                 "--contact", "钱敏,总经理,13900001111")  # fmt: skip
    assert second.exit_code == 0, second.output
    assert run("customer", "grade", "C00002", "--apply").exit_code == 0
    logged = run("customer", "log", "C00002", "--method", "visit", "--content", "上门拜访")
    assert logged.exit_code == 0, logged.output
    return run


def _show(run: Any, customer: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run("customer", "show", customer, "--format", "json").output)
    return shown


def test_a_merge_says_field_by_field_what_was_kept_and_taken(two: Any) -> None:
    text = two("customer", "merge", "C00001", "C00002", "--lang", "en", now="2026-11-02T11:00")
    assert text.exit_code == 0, text.output
    assert "merged C00002 into C00001 北辰科技有限公司" in text.output
    assert "customer unmerge C00001 --merge-id 1" in text.output
    assert "Industry: kept from C00001: 制造业" in text.output
    assert "Registered address: taken from C00002: 北京市海淀区" in text.output
    assert "Contacts: united from C00001, C00002" in text.output


def test_a_merge_in_json_and_its_undo_puts_everything_back(two: Any) -> None:
    before = {c: _show(two, c) for c in ("C00001", "C00002")}
    done = two("customer", "merge", "C00001", "C00002", "--format", "json", now="2026-11-02T11:00")
    record = json.loads(done.output)
    assert record["merge_id"] == 1 and record["absorbed"] == ["C00002"]
    fields = {f["field"]: f for f in record["fields"]}
    assert fields["address"] == {"field": "address", "value": "北京市海淀区", "how": "taken",
                                 "source": "C00002"}  # fmt: skip
    merged = _show(two, "C00001")
    assert [f["content"] for f in merged["follow_ups"]] == ["上门拜访"]
    undone = two("customer", "unmerge", "C00001", "--merge-id", "1", now="2026-11-02T12:00")
    assert undone.exit_code == 0, undone.output
    assert "standing again: C00002" in undone.output
    after = {c: _show(two, c) for c in ("C00001", "C00002")}
    for c in ("C00001", "C00002"):
        assert after[c]["customer"] == before[c]["customer"]
        assert after[c]["follow_ups"] == before[c]["follow_ups"]
    timers = [t["state"] for t in after["C00002"]["timers"]]
    assert timers == [t["state"] for t in before["C00002"]["timers"]] and timers
    assert after["C00002"]["history"][-1]["kind"] == "unmerged"
    assert after["C00001"]["history"][-1]["kind"] == "unmerged"
    again = two("customer", "unmerge", "C00001", "--merge-id", "1")
    assert again.exit_code == 2 and "undone already" in again.output


def test_an_unmerge_that_would_lose_an_edit_is_refused(two: Any) -> None:
    two("customer", "merge", "C00001", "C00002")
    assert two("customer", "edit", "C00001", "--address", "上海").exit_code == 0
    refused = two("customer", "unmerge", "C00001", "--merge-id", "1")
    assert refused.exit_code == 2 and "address changed since merge 1" in refused.output
    assert _show(two, "C00001")["customer"]["address"] == "上海"


def test_an_imports_merge_is_reported_and_undone_into_a_profile_of_its_own(
    run: Any, tmp_path: Path
) -> None:
    assert run("customer", "add", "北辰科技有限公司", "--owner", "li.lei",
               "--contact", "赵强,采购经理,13812345678").exit_code == 0  # fmt: skip
    sheet = tmp_path / "客户.csv"
    sheet.write_text(
        "客户名称,负责人,联系人姓名,手机号码,注册地址\n北辰科技,li.lei,赵强,13812345678,天津市\n",
        "utf-8-sig",
    )
    done = run("--lang", "en", "customer", "import", str(sheet), "--merge")
    assert done.exit_code == 0, done.output
    assert "merged 北辰科技 into C00001" in done.output
    assert "Registered address: taken from 北辰科技: 天津市" in done.output
    undone = run("customer", "unmerge", "C00001", "--merge-id", "1")
    assert undone.exit_code == 0 and "standing again: C00002" in undone.output
    assert _show(run, "C00001")["customer"]["address"] == ""
    assert _show(run, "C00002")["customer"]["address"] == "天津市"
