"""`flowkit review` and `flowkit kpi` end to end, on the hand-computed November of
tests/review/fixture_month.py."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.review.fixture_month import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def month_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("november") / "t.db"
    build(db, ROOT / "processes")
    return db


@pytest.fixture
def run(month_db: Path, tmp_path: Path) -> Any:
    shutil.copyfile(month_db, tmp_path / "t.db")

    def invoke(*args: str, user: str | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(ROOT / "processes")]
        who = ["--user", user] if user else []
        return CliRunner().invoke(
            main, [*base, *who, "--now", "2026-12-02T09:00", *args], catch_exceptions=False
        )

    return invoke


def _csv(result: Result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.output)))


def test_kpi_on_time_per_node_and_per_person(run: Any) -> None:
    rows = _csv(run("kpi", "on-time", "--month", "2026-11", "--by", "node", "--format", "csv"))
    assert rows == [
        ["编号", "姓名", "准时", "已办结节点", "节点准时率", "仍超时未办"],
        ["standard-sales/lead_screening", "标准销售流程 / 线索初筛", "4", "5", "80.0%", "1"],
    ]
    people = _csv(run("kpi", "on-time", "--month", "2026-11", "--format", "csv"))
    assert [r[0] for r in people[1:]] == ["han.meimei", "li.lei", "huang.lei"]  # worst first
    assert people[3][4:] == ["", "1"]  # nothing settled: no rate, one still overdue


def test_kpi_as_json_and_the_default_month(run: Any) -> None:
    result = run("kpi", "lost-reasons", "--format", "json")  # --now 2026-12-02: November
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [(r["code"], r["count"], r["value"]) for r in found] == [
        ("competitor", 1, 150000.0),
        ("price", 1, 100000.0),
        ("invalid_lead", 1, 80000.0),
    ]


def test_kpi_scorecard_shows_rates_weights_and_scores(run: Any) -> None:
    rows = _csv(run("kpi", "scorecard", "--month", "2026-11", "--format", "csv"))
    assert rows[0] == [
        "编号",
        "姓名",
        "考核角色",
        "档案完整率",
        "节点准时率",
        "拜访达成率",
        "抽查合格率",
        "赢单率",
        "综合得分",
    ]
    assert rows[1][:2] == ["han.meimei", "韩梅梅"] and rows[1][-1] == "80.0"
    table = run("kpi", "scorecard", "--month", "2026-11").output
    assert "100.0% ✓ ×60%" in table  # li.lei's on-time: at its target, weighed 60%


def test_a_consultant_gets_their_own_numbers(run: Any) -> None:
    rows = _csv(run("kpi", "outcomes", "--month", "2026-11", "--format", "csv", user="li.lei"))
    assert [r[0] for r in rows[1:]] == ["li.lei", "*"]
    team = _csv(run("kpi", "on-time", "--format", "csv", "--team", "south-2", user="wang.fang"))
    assert team[1:] == []  # another team's: nothing of it shown


def test_kpi_refuses_a_view_the_measure_has_not(run: Any) -> None:
    result = run("kpi", "pipeline", "--by", "person")
    assert result.exit_code == 2 and "pipeline is shown by stage" in result.output
    bad = run("kpi", "on-time", "--month", "2026-13")
    assert bad.exit_code == 2 and "month '2026-13' is not a month" in bad.output


def test_review_writes_the_pack_and_the_same_data_gives_the_same_bytes(
    run: Any, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = run("review", "--month", "2026-11", "-o", str(out), "--no-pdf")
        assert result.exit_code == 0, result.output
    html = (first / "review-2026-11.html").read_text("utf-8")
    assert "月度复盘 2026-11" in html and "对比 2026-10" in html
    for word in ("档案完整率", "节点准时率", "拜访达成率", "商机卡在哪里", "丢单原因排名"):
        assert word in html
    # the breaches of 线索初筛 beside its declared pain point
    assert "联系方式无效 → 优化建议: 增加线索信息核验步骤" in html
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert "charts/funnel.svg" in names and "review-2026-11.xlsx" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert f'src="{name}"' in html or not name.endswith(".svg"), name
    assert (first / "review-2026-11.html").stat().st_mode & 0o077 == 0  # people's numbers


def test_the_workbook_holds_every_table(run: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert run("review", "--month", "2026-11", "-o", str(tmp_path), "--no-pdf").exit_code == 0
    book = load_workbook(tmp_path / "review-2026-11.xlsx")
    assert book.sheetnames[:3] == ["核心指标", "趋势", "scorecard"]
    assert {"on-time-nodes", "lost-reasons", "pipeline", "a-grade-traits"} <= set(book.sheetnames)
    nodes = list(book["on-time-nodes"].iter_rows(values_only=True))
    assert nodes[2] == ("standard-sales/lead_screening", "标准销售流程 / 线索初筛", 4, 5, 0.8, 1)
    headlines = {r[0]: r[1:] for r in book["核心指标"].iter_rows(min_row=2, values_only=True)}
    assert headlines["节点准时率"] == (0.8, None, 0.85)


def test_the_pack_and_a_measure_are_exports_in_the_audit_log(run: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    done = run("review", "--month", "2026-11", "-o", str(tmp_path), "--no-pdf", user="wang.fang")
    assert done.exit_code == 0, done.output
    book = load_workbook(tmp_path / "review-2026-11.xlsx")
    assert book.sheetnames[-1] == "导出信息"
    stamp = dict(book["导出信息"].iter_rows(values_only=True))
    assert stamp["导出人"] == "wang.fang" and stamp["导出时间"] == "2026-12-02T09:00+08:00"
    assert json.loads(stamp["筛选条件"]) == {"month": "2026-11"}
    rows = _csv(run("kpi", "on-time", "--team", "east-1", "--format", "csv", user="wang.fang"))
    log = json.loads(run("audit-log", "--format", "json").output)
    taken = [e for e in log if e["command"] in ("review", "kpi")]
    assert [(e["actor"], e["command"], e["target"]) for e in taken] == [
        ("wang.fang", "review", str(tmp_path)),
        ("wang.fang", "kpi", "on-time"),
    ]
    assert taken[0]["detail"]["rows"] == int(stamp["行数"]) > 0
    assert taken[1]["detail"] == {
        "filter": {"month": "2026-11", "team": "east-1", "by": "person", "format": "csv"},
        "rows": len(rows) - 1,
    }
