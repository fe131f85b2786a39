"""Every listing command through click on a demo database: `--format table|csv|json` (and
`text`, the table's old name), the same rows in each; exit statuses decided in one place."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-12-28T10:00"  # the demo's open timers run into 2027, beyond the holiday data


def _split(headings: str) -> list[str]:
    return headings.split()


# command, its CSV header, where JSON keeps the records (None: the document is the array)
LISTINGS: list[tuple[tuple[str, ...], list[str], str | None]] = [
    (
        ("status",),
        _split(
            "编号 商机名称 客户名称 当前阶段 泳道 负责人 时间要求 截止时间 超时(工作时间) "
            "超时(自然时间) 风险预警 截止时间待确认"  # the last: a due date computed on the
            # holiday data's fallback (issue 16: CSV says so in a column)
        ),
        "alerts",
    ),
    (
        ("list",),
        _split(
            "编号 商机名称 客户名称 当前阶段 合同金额 预计成交时间 关键动作 负责人 风险预警 "
            "风险描述 状态 截止时间 截止时间待确认"  # first open deadline, guessed?
        ),
        None,
    ),
    (
        ("on-time",),
        _split("编号 名称 已办结节点 准时 超时办结 流程节点准时率 仍超时未办"),
        None,
    ),
    (
        ("funnel", "standard-sales"),
        _split("节点 流程环节 进入 推进 推进率 停留时间中位数 在此关闭 当前停留 金额(元)"),
        None,
    ),
    (
        ("customer", "list"),
        _split("编号 客户名称 所属行业 客户规模 合作阶段 客户等级 负责人 标签 完整度"),
        None,
    ),
    (
        ("customer", "check"),
        _split("编号 客户名称 客户数 完整档案 档案完整率 平均完整度"),
        None,
    ),
    (
        ("customer", "value"),
        _split(
            "编号 团队 客户数 成交客户数 下单客户数 复购率 订单复购率 转介绍率 转介绍客户数 "
            "转介绍成交数 订单金额(元)"
        ),
        None,
    ),
    (
        ("customer", "grade", "--explain"),
        ["customer_id", "name", "before", "after", "why"],
        None,
    ),
    (
        ("audit", "sample", "--week", "2026-W52"),
        ["customer_id", "name", "owner", "result", "note"],
        "rows",
    ),
    (
        ("calendar", "check"),
        _split(
            "problem instance_id name process_id node sla calendar data_until due_at new_due_at "
            "file day notice_working data_working"  # a notice file against the package
        ),
        None,
    ),
    (
        ("calendar", "retime"),
        _split(
            "instance_id name process_id node sla calendar data_until due_at new_due_at "
            "warn_at new_warn_at"
        ),
        None,
    ),
    (
        ("migrate",),
        _split(
            "process_id old_version new_version node node_name count target sla_before sla_after"
        ),
        None,
    ),
]
FINDINGS = {("calendar", "check")}  # the demo has open timers due in 2027: exit 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "processes", folder / "processes")
    result = _invoke(folder, "demo", "--count", "40")
    assert result.exit_code == 0, result.output
    return folder


def _invoke(folder: Path, *args: str) -> Result:
    base = ["--db", str(folder / "t.db"), "--processes", str(folder / "processes"), "--now", NOW]
    return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)


@pytest.fixture
def run(demo: Path, tmp_path: Path) -> Any:
    """Commands on a private copy of the demo database."""
    shutil.copytree(demo / "processes", tmp_path / "processes")
    shutil.copy(demo / "t.db", tmp_path / "t.db")
    return lambda *args: _invoke(tmp_path, *args)


@pytest.mark.parametrize(("command", "header", "key"), LISTINGS, ids=lambda v: str(v))
def test_every_listing_offers_table_csv_and_json_with_the_same_rows(
    run: Any, command: tuple[str, ...], header: list[str], key: str | None
) -> None:
    code = 1 if command in FINDINGS else 0
    results = {fmt: run(*command, "--format", fmt) for fmt in ("table", "text", "csv", "json")}
    assert {fmt: r.exit_code for fmt, r in results.items()} == dict.fromkeys(results, code)
    table = run(*command)
    assert table.stdout == results["table"].stdout == results["text"].stdout != ""
    rows = list(csv.reader(io.StringIO(results["csv"].stdout)))
    assert rows[0] == header
    assert all(len(row) == len(header) for row in rows)
    data = json.loads(results["json"].stdout)
    records = data if key is None else data[key]
    assert isinstance(records, list) and len(records) == len(rows) - 1


def test_the_demo_gives_every_listing_something_to_list(run: Any) -> None:
    """The comparison above is not between empty outputs (retime and migrate aside: they
    have their own tests)."""
    for command, _, key in LISTINGS:
        if command in (("calendar", "retime"), ("migrate",)):
            continue
        data = json.loads(run(*command, "--format", "json").stdout)
        assert data if key is None else data[key], command


def test_status_json_keeps_its_shape_and_honours_the_limit(run: Any) -> None:
    whole = json.loads(run("status", "--format", "json").stdout)
    assert list(whole) == ["as_of", "breached", "at_risk", "alerts"]
    assert whole["as_of"] == "2026-12-28T10:00:00+08:00"
    assert len(whole["alerts"]) == whole["breached"] + whole["at_risk"] > 2
    alert = whole["alerts"][0]
    assert isinstance(alert["late_clock"], float)  # seconds
    assert datetime.fromisoformat(alert["due_at"]).tzinfo is not None
    worst = json.loads(run("status", "--format", "json", "--limit", "2").stdout)
    assert worst["alerts"] == whole["alerts"][:2]  # the N worst; the counts count all
    assert (worst["breached"], worst["at_risk"]) == (whole["breached"], whole["at_risk"])


def test_pages_are_text_or_json(run: Any) -> None:
    shown = json.loads(run("show", "1", "--format", "json").stdout)
    assert shown["id"] == 1 and isinstance(shown["history"], list)
    profile = json.loads(run("customer", "show", "C00001", "--format", "json").stdout)
    assert profile["customer"]["id"] == "C00001" and "completeness" in profile
    assert run("customer", "show", "C00001").stdout.startswith("C00001 ")
    assert run("show", "1", "--format", "csv").exit_code == 2  # a page is not a listing


def test_findings_exit_1_in_every_format(run: Any) -> None:
    for fmt in ("table", "csv", "json"):
        late = run("status", "--fail-on-breach", "--format", fmt)
        assert late.exit_code == 1 and late.stderr == ""
    assert json.loads(late.stdout)["breached"] > 0  # the report is whole, then exit 1
    check = run("calendar", "check", "--format", "json")
    assert check.exit_code == 1 and json.loads(check.stdout)[0]["problem"] == "uncovered"
    assert "fall in uncovered years" in check.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--format", "xml"), "'xml' is not one of 'table', 'csv', 'json'"),
        (("status", "--owner", "nobody", "--fail-on-breach"), "no person 'nobody'"),
        (("status", "--as-of", "someday"), "is not"),
        (("funnel", "no-such-process"), "no-such-process"),
        (("audit", "sample", "--week", "2026-W60"), "2026-W60"),
    ],
)
def test_usage_and_input_errors_exit_2(run: Any, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert result.stdout == ""


def test_a_crash_exits_3_with_a_log_to_attach(
    run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flowkit.output import tracking

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(tracking, "status_listing", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = run("status")
    assert result.exit_code == 3
    assert "internal error (a bug, not your input)" in result.stderr
    (log,) = tmp_path.glob("flowkit-crash-*.log")
    assert "builtins.RuntimeError, raised at:" in log.read_text("utf-8")


def test_migrate_lists_the_plan_and_exits_1_while_a_node_is_unmapped(
    run: Any, tmp_path: Path
) -> None:
    opened = run(
        "start", "standard-sales", "--name", "A", "--customer", "B", "--owner", "li.lei",
        "--field", "segment=sme", "--field", "amount=500000", "--at", "2026-12-20T09:00",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    number = opened.stdout.split()[2]
    for by, outcome in (("zhou.jie", None), ("li.lei", "有效"), ("li.lei", "达成意向")):
        more = ("--outcome", outcome) if outcome else ()
        moved = run("advance", number, "--by", by, *more, "--at", "2026-12-21T10:00")
        assert moved.exit_code == 0, moved.output
    assert run("advance", number, "--by", "wang.fang", "--at", "2026-12-21T11:00").exit_code == 0
    processes = tmp_path / "processes"  # the copy `run` uses
    text = (processes / "standard-sales.yaml").read_text("utf-8")
    text = text.replace("id: legal_review", "id: legal_check").replace(
        "      - default: legal_review", "      - default: legal_check"
    )
    (processes / "standard-sales.yaml").write_text(text, "utf-8")
    plan = run("migrate")
    assert plan.exit_code == 1
    (line,) = [line for line in plan.stdout.splitlines() if line.startswith("! ")]
    assert "at 'legal_review'" in line and line.endswith("map it with --map legal_review=NODE")
    data = json.loads(run("migrate", "--format", "json").stdout)
    (stuck,) = [s for s in data if s["node"] == "legal_review"]
    assert stuck["target"] is None and stuck["count"] >= 1
    assert plan.stderr == f"{stuck['count']} opportunities cannot move until their node is mapped\n"
    rows = list(csv.DictReader(io.StringIO(run("migrate", "--format", "csv").stdout)))
    assert [r["target"] for r in rows if r["node"] == "legal_review"] == [""]
    assert len(rows) == len(data) == len(plan.stdout.splitlines()) - 1  # and the closing line
    mapped = run("migrate", "--map", "legal_review=legal_check", "--format", "json")
    assert mapped.exit_code == 0


def test_a_reader_that_stops_reading_is_no_error(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`flowkit list --format json | head`: the pipe closes mid-way; exit 0, nothing said."""
    from flowkit.output import formats

    def closed(*args: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setitem(formats.WRITERS, "json", closed)
    result = run("list", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
