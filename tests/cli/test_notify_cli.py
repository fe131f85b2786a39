"""`flowkit notify` through click, into a webhook receiver on 127.0.0.1: a dry run says what
would go to whom, a pass sends once (the next sends nothing again), a failing channel exits 1
and shows in `notify log` and in `status`, `notify test` says whether a channel works."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.notify.helpers import NOTIFY, Server


@pytest.fixture
def server() -> Iterator[Server]:
    found = Server([(200, {})])
    with found.running():
        yield found


@pytest.fixture
def run(
    tmp_path: Path, migrated_db: Path, processes: Path, server: Server, monkeypatch: Any
) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")
    (processes / "notify.yaml").write_text(NOTIFY, "utf-8")  # put back after the test
    monkeypatch.setenv("TEST_HOOK_URL", server.url + "/hook")
    monkeypatch.setenv("TEST_HOOK_SECRET", "s3cret")

    def invoke(*args: str, now: str = "2026-12-04T13:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes), "--now", now]
        return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)

    opened = invoke(
        "start", "standard-sales", "--name", "华东区CRM升级", "--customer", "上海宏达",
        "--owner", "li.lei", "--field", "segment=large", "--field", "amount=280000",
        now="2026-12-01T09:00",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    for step in (["--by", "zhou.jie"], ["--outcome", "有效"], ["--outcome", "达成意向"]):
        assert invoke("advance", "1", *step, now="2026-12-01T09:00").exit_code == 0
    return invoke


def test_a_dry_run_says_what_would_go_to_whom_and_sends_nothing(run: Any, server: Server) -> None:
    result = run("--lang", "zh-CN", "notify", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "→ hook → 李雷：1 条通知" in result.output
    assert "【超时】华东区CRM升级 · 合同签订" in result.output
    assert "https://crm.example.com/opportunities/1" in result.output
    assert "预演：将发送 2 条消息，共 2 条通知" in result.output
    assert server.requests == []


def test_a_pass_sends_once_and_the_next_sends_nothing_again(run: Any, server: Server) -> None:
    first = run("notify")
    assert first.exit_code == 0, first.output
    assert len(server.requests) == 2  # li.lei, and wang.fang 4 working hours late
    recipients = {json.loads(r.body)["recipients"][0]["id"] for r in server.requests}
    assert recipients == {"li.lei", "wang.fang"}
    again = run("notify", now="2026-12-04T13:10")
    assert again.exit_code == 0 and len(server.requests) == 2
    assert "0 message(s) with 0 notice(s); 0 failed; 2 sent before" in again.output
    log = run("notify", "log", "--format", "json")
    rows = json.loads(log.output)
    assert sorted((r["recipient"], r["level"], r["state"]) for r in rows) == [
        ("li.lei", 0, "sent"),
        ("wang.fang", 1, "sent"),
    ]


def test_a_failing_channel_exits_1_and_shows_in_the_log_and_the_status(
    run: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("TEST_HOOK_URL", "http://127.0.0.1:9/hook")  # nothing listens there
    result = run("notify")
    assert result.exit_code == 1
    assert "✗ hook to 李雷: 1 notice(s)" in result.output
    log = run("notify", "log", "--state", "failed")
    assert "channel hook failing since 2026-12-04 13:00" in log.output
    status = run("status")
    assert "warning: notification channel hook failing since 2026-12-04 13:00" in status.output


def test_notify_test_says_whether_the_channel_works(run: Any, server: Server) -> None:
    ok = run("notify", "test", "hook")
    assert ok.exit_code == 0 and "sent a test message through hook" in ok.output
    assert len(server.requests) == 1
    unknown = run("notify", "test", "nope")
    assert unknown.exit_code == 2 and "no channel nope in notify.yaml" in unknown.output


def test_a_mistake_in_notify_yaml_stops_the_notifications_not_the_work(
    run: Any, processes: Path
) -> None:
    path = processes / "notify.yaml"
    path.write_text(path.read_text("utf-8").replace("via: hook", "via: hoook"), "utf-8")
    assert run("status").exit_code == 0
    assert run("advance", "1", "--by", "wang.fang").exit_code == 0
    refused = run("notify")
    assert refused.exit_code == 2
    assert "notify.yaml:17:10: unknown channel 'hoook'" in refused.output
