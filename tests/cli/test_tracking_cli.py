"""The tracking commands end to end through click: output, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.conftest import per_lead_cadence

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")  # an empty database, already migrated
    runner = CliRunner()

    def invoke(*args: str, now: str = "2026-11-27T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return runner.invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


def _people(run: Any) -> dict[str, str]:
    """A person per lane from the shipped org.yaml (any person when there is none)."""
    from flowkit.tracking import Definitions

    org = Definitions.load([ROOT / "processes"]).org
    if org is None:
        return {lane: "li.lei" for lane in ("consultant", "marketing", "manager")}
    return {
        lane: next(p.id for p in org.people_in(lane))
        for lane in ("consultant", "marketing", "manager")
    }


def _start(
    run: Any, people: dict[str, str], at: str = "2026-11-16T09:00", now: str | None = None
) -> None:
    when = {"now": now} if now else {}
    result = run(
        "start",
        "standard-sales",
        "--name",
        "CRM升级",
        "--customer",
        "上海宏达",
        "--owner",
        people["consultant"],
        "--field",
        "segment=large",
        "--field",
        "amount=280000",
        "--at",
        at,
        "--next-action",
        "电话确认需求",
        **when,
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "started opportunity 1"  # then any warnings


def test_a_late_opportunity_shows_in_status_and_fails_cron(run: Any, processes: Path) -> None:
    per_lead_cadence(processes)  # the team's 每日更新 routine aside: one lead, one breach
    people = _people(run)
    _start(run, people)
    assert (
        run("advance", "1", "--by", people["marketing"], "--at", "2026-11-16T10:00").exit_code == 0
    )
    result = run("status")
    assert result.exit_code == 0
    assert "线索初筛" in result.output and "上海宏达" in result.output
    assert "1 项已超时" in result.output
    assert run("status", "--fail-on-breach").exit_code == 1
    rows = list(csv.reader(io.StringIO(run("status", "--format", "csv").output)))
    assert rows[0][:4] == ["编号", "商机名称", "客户名称", "当前阶段"]
    assert rows[1][3] == "线索初筛" and rows[1][4] == "销售顾问"  # the lane by its name
    assert rows[1][9] == "10天"  # due 11-17 10:00
    assert rows[1][8] == "8个工作日"  # working days on the cn calendar
    data = json.loads(run("status", "--format", "json").output)
    assert data["breached"] == 1 and data["alerts"][0]["node"] == "lead_screening"
    assert (data["alerts"][0]["lane"], data["alerts"][0]["lane_name"]) == ("consultant", "销售顾问")
    early = run("status", "--as-of", "2026-11-16T12:00", "--fail-on-breach")
    assert early.exit_code == 0 and "0 项已超时" in early.output


def test_list_is_the_tracking_table(run: Any) -> None:
    people = _people(run)
    _start(run, people)
    rows = list(csv.reader(io.StringIO(run("list", "--format", "csv").output)))
    assert rows[0] == [
        "编号",
        "商机名称",
        "客户名称",
        "当前阶段",
        "合同金额",
        "预计成交时间",
        "关键动作",
        "负责人",
        "风险预警",
        "风险描述",
        "状态",
        "截止时间",  # its first open deadline (issue 16: list shows due dates, marked when
        "截止时间待确认",  # computed without holiday data for their year)
    ]
    assert rows[1][1:5] == ["CRM升级", "上海宏达", "线索获取", "280000"]
    assert rows[1][6] == "电话确认需求"
    assert run("risk", "1", "--note", "客户预算冻结").exit_code == 0
    flagged = list(csv.reader(io.StringIO(run("list", "--risk", "--format", "csv").output)))
    assert flagged[1][8:10] == ["是", "客户预算冻结"]
    english = run("list", "--lang", "en", "--format", "csv").output
    assert english.startswith("ID,Opportunity,Customer,Current stage")


def test_show_tells_the_timers_and_the_history(run: Any, processes: Path) -> None:
    per_lead_cadence(processes)  # a lead's own 每日更新: periods for `show` to fold
    people = _people(run)
    _start(run, people)
    run(
        "log",
        "1",
        "--method",
        "phone",
        "--content",
        "电话沟通",
        "--next-step",
        "安排拜访",
        "--by",
        people["marketing"],
    )
    out = run("show", "1").output
    assert "#1 CRM升级 — 上海宏达" in out and "每日更新" in out
    assert "关键动作: 安排拜访" in out  # the next step became the key action
    # every word of it in Chinese: timer states, history entries and their details
    assert "[计时中] 线索获取: 每日更新 1/1" in out and "（连续11期，显示最后一期）" in out
    assert "跟进       线索获取     方式=电话, 内容=电话沟通, 下一步=安排拜访" in out
    english = run("show", "1", "--lang", "en").output
    assert "[running]" in english and "method=phone, content=电话沟通" in english


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("advance", "99"), "no opportunity 99"),
        (("log", "1", "--method", "fax", "--content", "x"), "email, other, wechat, not 'fax'"),
        (("start", "nope", "--name", "a", "--customer", "b", "--owner", "x"), "unknown process"),
        (("risk", "1"), "needs its description"),
        (("log", "1", "--method", "phone", "--content", "x", "--at", "昨天"), "is not a date"),
        (("close", "1", "--reason", "x"), "--won or --lost"),
        (("show", "99999999999999999999999"), "is not in the range"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    run: Any, args: tuple[str, ...], message: str
) -> None:
    _start(run, _people(run))
    before = run("show", "1", "--format", "json").output
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert run("show", "1", "--format", "json").output == before


def _shown(run: Any, instance: str = "1") -> dict[str, Any]:
    """`flowkit show INSTANCE --format json`, read."""
    result = run("show", instance, "--format", "json")
    assert result.exit_code == 0, result.output
    shown: dict[str, Any] = json.loads(result.output)
    return shown


def test_set_changes_fields_the_close_date_and_the_next_action(run: Any) -> None:
    _start(run, _people(run))  # segment=large, amount=280000, 关键动作 电话确认需求
    done = run(
        "set",
        "1",
        "--field",
        "amount=320000",
        "--field",
        "grade=A",
        "--expected-close",
        "2027-01-15",
        "--next-action",
        "发送报价单",
        "--at",
        "2026-11-20T10:00",
    )
    assert done.exit_code == 0 and done.output == "opportunity 1 updated\n"
    shown = _shown(run)
    assert shown["fields"] == {"segment": "large", "amount": 320000, "grade": "A"}
    assert (shown["expected_close"], shown["next_action"]) == ("2027-01-15", "发送报价单")
    (updated,) = [e for e in shown["history"] if e["kind"] == "updated"]
    assert updated["at"] == "2026-11-20T02:00:00+00:00"  # --at, 10:00 in Beijing
    rows = list(csv.reader(io.StringIO(run("list", "--format", "csv").output)))
    assert rows[1][4:7] == ["320000", "2027-01-15", "发送报价单"]  # the tracking table's columns
    assert run("set", "1", "--next-action", "").exit_code == 0  # only what is given changes
    again = _shown(run)
    assert (again["next_action"], again["expected_close"]) == ("", "2027-01-15")
    assert again["fields"] == shown["fields"]


SET_REFUSALS = [
    (("--field", "amount=1", "--field", "colour=red"), "has no field 'colour'"),
    (("--field", "segment=huge"), "field 'segment' is one of large, sme, individual"),
    (("--field", "amount=很多"), "field 'amount' is a number"),
    (("--field", "amount"), "'amount': write NAME=VALUE"),
    (("--expected-close", "明天", "--next-action", "x"), "--expected-close: '明天' is not a date"),
    ((), "nothing to change"),
]


def test_set_refuses_a_bad_field_and_writes_nothing(run: Any) -> None:
    _start(run, _people(run))
    before = run("show", "1", "--format", "json").output
    for args, message in SET_REFUSALS:
        result = run("set", "1", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, args
    assert run("show", "1", "--format", "json").output == before  # not even amount=1


def test_deliver_records_a_document_by_id_or_by_name(run: Any) -> None:
    people = _people(run)
    _start(run, people)  # at 线索获取 since 2026-11-16 09:00
    marketing = ("--by", people["marketing"])  # only the lane's people deliver its documents
    by_id = run("deliver", "1", "lead_list", "--at", "2026-11-16T11:00", *marketing)
    assert by_id.exit_code == 0
    assert by_id.output == "document lead_list recorded on opportunity 1\n"
    assert (
        run("deliver", "1", "线索评估表", *marketing).exit_code == 0
    )  # by its name in the process
    delivered = [
        (e["data"]["document"], e["at"], e["node"])
        for e in _shown(run)["history"]
        if e["kind"] == "delivered"
    ]
    assert delivered == [
        ("lead_list", "2026-11-16T03:00:00+00:00", "lead_capture"),
        ("lead_assessment", "2026-11-27T02:00:00+00:00", "lead_capture"),  # the name, as its id
    ]
    assert "输出文档   线索获取     文档=lead_list" in run("show", "1").output
    # a delivery is work done on the node: the node cannot be completed before it
    early = run("advance", "1", "--by", people["marketing"], "--at", "2026-11-16T10:30")
    assert early.exit_code == 2
    assert "before the delivery recorded on its current node" in early.output


def test_deliver_of_an_unknown_document_lists_the_documents(run: Any) -> None:
    _start(run, _people(run))
    before = run("show", "1", "--format", "json").output
    result = run("deliver", "1", "合同")
    assert result.exit_code == 2
    assert "process 'standard-sales' has no document '合同'" in result.output
    assert (
        "(documents: lead_list, lead_assessment, needs_survey, followup_record, "
        "contract_approval, legal_opinion, contract, delivery_confirmation, collection_tracking)"
    ) in result.output
    assert run("show", "1", "--format", "json").output == before
    assert run("deliver", "2", "contract").exit_code == 2  # no opportunity 2


def test_start_and_log_read_the_chinese_spellings_customer_edit_reads(run: Any) -> None:
    people = _people(run)
    _start(run, people, at="2026年11月16日 09:00")
    edited = run("set", "1", "--expected-close", "2026年12月31日")
    assert edited.exit_code == 0, edited.output
    logged = run(
        "log",
        "1",
        "--method",
        "phone",
        "--content",
        "x",
        "--at",
        "2026/11/16 10:30",
        "--by",
        people["marketing"],
    )
    assert logged.exit_code == 0, logged.output
    shown = json.loads(run("show", "1", "--format", "json").output)
    assert shown["expected_close"] == "2026-12-31"
    beijing = timezone(timedelta(hours=8))
    assert datetime.fromisoformat(shown["started_at"]) == datetime(2026, 11, 16, 9, tzinfo=beijing)
    logs = [datetime.fromisoformat(e["at"]) for e in shown["history"] if e["kind"] == "follow_up"]
    assert logs == [datetime(2026, 11, 16, 10, 30, tzinfo=beijing)]


def test_status_filters_by_team_and_lane(run: Any) -> None:
    people = _people(run)
    _start(run, people)
    run("advance", "1", "--by", people["marketing"], "--at", "2026-11-16T10:00")
    from flowkit.tracking import Definitions

    org = Definitions.load([ROOT / "processes"]).org
    assert org is not None
    team = org.team_of(people["consultant"])
    assert team is not None
    other = next(t.id for t in org.teams if t.id != team.id)
    assert "1 项已超时" in run("status", "--team", team.id).output
    assert "0 项已超时" in run("status", "--team", other).output
    # 市场专员's 每日更新 is the team's routine: one line per person (issue 16), and only
    # those in the marketing lane
    assert "2 项已超时" in run("status", "--lane", "marketing").output
    assert "1 项已超时" in run("status", "--lane", "consultant").output
    bad = run("status", "--team", "nope")
    assert bad.exit_code == 2 and "no team 'nope'" in bad.output
    typo = run("status", "--owner", people["consultant"] + "x", "--fail-on-breach")
    assert typo.exit_code == 2  # not a silent, green empty report
    assert f"no person '{people['consultant']}x' in org.yaml" in typo.output


def test_calendar_check_flags_timers_beyond_the_holiday_data(run: Any) -> None:
    people = _people(run)
    _start(run, people, at="2026-11-26T09:00")
    assert run("calendar", "check").exit_code == 0  # 每日更新: due 11-27, covered
    said = [
        run("advance", "1", *args, now="2026-12-30T17:00")
        for args in (
            ("--by", people["marketing"]),
            ("--outcome", "有效"),
            ("--outcome", "达成意向"),
        )
    ]
    assert all(r.exit_code == 0 for r in said)
    assert "has no holiday data for" in said[-1].output  # said when the timer starts
    result = run("calendar", "check", now="2026-12-30T17:00")  # 3个工作日内: due in 2027
    assert result.exit_code == 1
    assert "no holiday data for 2027" in result.output


def test_calendar_retime_moves_deadlines_once_the_holiday_data_is_installed(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flowkit.tracking.tracker as module
    from flowkit.calendar import registry

    people = _people(run)
    with monkeypatch.context() as older:  # chinesecalendar without 2026 yet
        older.setattr(module, "get_calendar", partial(registry.get_calendar, data_until=2025))
        _start(run, people, at="2026-02-12T09:00")
        for args in (
            ("--by", people["marketing"]),
            ("--outcome", "有效"),
            ("--outcome", "达成意向"),
        ):
            assert run("advance", "1", *args, now="2026-02-12T09:00").exit_code == 0
    check = run("calendar", "check", now="2026-02-12T10:00")
    assert check.exit_code == 1
    line = "#1 CRM升级 (standard-sales): contract_signing '3个工作日内'"
    assert (
        f"{line}: computed on holiday data up to 2025, due 2026-02-16 18:00 → 2026-02-14 18:00"
        in (check.output)
    )
    plan = run("calendar", "retime", now="2026-02-12T10:00")
    assert plan.exit_code == 0 and "1 deadline(s) would move: --apply writes them" in plan.output
    assert run("calendar", "retime", "--apply", now="2026-02-12T10:00").exit_code == 0
    assert run("calendar", "check", now="2026-02-12T10:00").exit_code == 0
    again = run("calendar", "retime", now="2026-02-12T10:00")
    assert again.output == "no open deadline was computed on older holiday data\n"


def test_a_bulk_command_shows_a_few_warnings_and_counts_the_rest(run: Any) -> None:
    result = run("demo", "--count", "60", now="2026-12-28T10:00")  # many timers due in 2027
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 4 and warnings[-1].startswith("warning: ... and ")
    assert warnings[-1].endswith(" more like these")


def test_a_broken_process_file_is_an_input_error_not_a_breach(run: Any, processes: Path) -> None:
    (processes / "zz-broken.yaml").write_text("a: [\n", "utf-8")
    result = run("status", "--fail-on-breach")
    assert result.exit_code == 2  # cron reads 1 as "deals are late"
    assert "zz-broken.yaml:2:1:" in result.output and "run flowkit validate" in result.output


def test_on_time_rates_per_team_in_table_csv_and_json(run: Any) -> None:
    people = _people(run)
    _start(run, people)  # 线索初筛 entered 11-16 10:00, screened three days late
    run("advance", "1", "--by", people["marketing"], "--at", "2026-11-16T10:00")
    run("advance", "1", "--outcome", "有效", "--at", "2026-11-19T10:00")
    table = run("on-time", "--by", "node")
    assert table.exit_code == 0
    assert "流程节点准时率" in table.output and "标准销售流程 / 线索初筛" in table.output
    rows = list(csv.reader(io.StringIO(run("on-time", "--format", "csv").output)))
    assert rows[0] == [
        "编号",
        "名称",
        "已办结节点",
        "准时",
        "超时办结",
        "流程节点准时率",
        "仍超时未办",
    ]
    assert rows[1][2:6] == ["1", "0", "1", "0.0%"]
    (line,) = json.loads(run("on-time", "--by", "team", "--format", "json").output)
    assert (line["met"], line["missed"]) == (0, 1)
    backwards = run("on-time", "--since", "2026-12-01", "--until", "2026-11-01")
    assert backwards.exit_code == 2 and "ends before it starts" in backwards.output


def test_backup_copies_the_database_for_cron(run: Any, tmp_path: Path) -> None:
    _start(run, _people(run))
    done = run("backup", str(tmp_path / "copy.db"))
    assert done.exit_code == 0 and done.output.startswith(f"backed up to {tmp_path / 'copy.db'}")
    again = run("backup", str(tmp_path / "copy.db"))
    assert again.exit_code == 2 and "never overwrites" in again.output


def test_restore_brings_back_the_backup_and_keeps_what_it_replaces(
    run: Any, tmp_path: Path
) -> None:
    import sqlite3

    people = _people(run)
    _start(run, people)
    assert run("backup", str(tmp_path / "monday.db")).exit_code == 0
    server = sqlite3.connect(tmp_path / "t.db")  # another program keeps the database open
    server.execute("SELECT COUNT(*) FROM instances").fetchone()
    later = ("--name", "仓储", "--customer", "C", "--owner", people["consultant"])
    assert run("start", "standard-sales", *later, "--field", "segment=sme").exit_code == 0
    assert (tmp_path / "t.db-wal").stat().st_size > 0  # the later write, in the -wal file
    done = run("restore", str(tmp_path / "monday.db"))
    assert server.execute("SELECT COUNT(*) FROM instances").fetchone()[0] == 1  # it sees it
    server.close()
    assert done.exit_code == 0, done.output
    assert "1 opportunities" in done.output
    kept = next(tmp_path.glob("t.before-restore-*.db"))
    assert str(kept) in done.output
    listed = run("list", "--format", "csv").output.strip().splitlines()
    assert len(listed) == 2  # header and the one opportunity of the backup
    with sqlite3.connect(kept) as aside:  # what the restore replaced, kept whole
        assert aside.execute("SELECT COUNT(*) FROM instances").fetchone()[0] == 2
    assert (
        run(
            "start",
            "standard-sales",
            "--name",
            "新",
            "--customer",
            "C",
            "--owner",
            people["consultant"],
            "--field",
            "segment=sme",
        ).exit_code
        == 0
    )  # usable


def test_restore_refuses_what_is_not_a_good_backup(run: Any, tmp_path: Path) -> None:
    import sqlite3

    _start(run, _people(run))
    before = (tmp_path / "t.db").read_bytes()
    (tmp_path / "notes.db").write_text("not a database", "utf-8")
    newer = tmp_path / "newer.db"
    assert run("backup", str(newer)).exit_code == 0
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    for source, says in (
        ("missing.db", "no backup file"),
        ("notes.db", "not a flowkit backup"),
        ("newer.db", "does not know"),
    ):
        refused = run("restore", str(tmp_path / source))
        assert refused.exit_code == 2 and says in refused.output, refused.output
    assert not list(tmp_path.glob("t.before-restore-*"))
    assert len(run("list", "--format", "csv").output.strip().splitlines()) == 2
    assert (tmp_path / "t.db").read_bytes() == before


def test_the_funnel_of_a_process(run: Any) -> None:
    people = _people(run)
    _start(run, people)
    run("advance", "1", "--by", people["marketing"], "--at", "2026-11-16T10:00")
    rows = list(csv.reader(io.StringIO(run("funnel", "standard-sales", "--format", "csv").output)))
    header = [
        "节点",
        "流程环节",
        "进入",
        "推进",
        "推进率",
        "停留时间中位数",
        "在此关闭",
        "当前停留",
        "金额(元)",
    ]
    assert rows[0] == header
    assert rows[1] == ["lead_capture", "线索获取", "1", "1", "100.0%", "1小时", "0", "0", "0"]
    assert rows[2] == ["lead_screening", "线索初筛", "1", "0", "0.0%", "", "0", "1", "280000"]
    run("close", "1", "--lost", "--reason", "competitor", "--at", "2026-11-16T11:00")
    rows = list(csv.reader(io.StringIO(run("funnel", "standard-sales", "--format", "csv").output)))
    ends = {r[0]: r for r in rows[1:]}
    assert ends["lost_deal"][1:3] == ["丢单", "1"]  # lost at 线索初筛: counted in 丢单
    assert ends["lost_deal"][-1] == "280000" and ends["lost_invalid"][2] == "0"
    table = run("funnel", "standard-sales").output
    assert "线索→赢单：期间新增商机 1 个，截至期末已赢单 0 个（0.0%）" in table
    unknown = run("funnel", "nope")
    assert unknown.exit_code == 2 and "unknown process 'nope'" in unknown.output


def test_demo_fills_a_fresh_database_once(run: Any) -> None:
    result = run("demo", "--count", "40")
    assert result.exit_code == 0, result.output
    assert result.exit_code == 0 and result.output.startswith("demo: 40 opportunities")
    again = run("demo", "--count", "40")
    assert again.exit_code == 2 and "already holds opportunities" in again.output
    rows = list(csv.reader(io.StringIO(run("list", "--all", "--format", "csv").output)))
    assert len(rows) == 41


def test_list_csv_guards_a_cell_a_spreadsheet_would_run(run: Any, tmp_path: Path) -> None:
    """OWASP's CSV injection (issue 10): a name starting with = is written '=...; the
    tracking import reads flowkit's CSV back as the value it was (and so finds the same
    opportunity on file rather than opening another)."""
    people = _people(run)
    formula = "=cmd|' /C calc'!A0"
    started = run(
        "start", "standard-sales", "--name", formula, "--customer", "@宏达",
        "--owner", people["consultant"], "--field", "segment=large",
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    listed = run("list", "--format", "csv")
    rows = list(csv.reader(io.StringIO(listed.output)))
    assert "'" + formula in rows[1] and "'@宏达" in rows[1]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    table = tmp_path / "again.csv"
    table.write_text(
        f"商机名称,客户名称,负责人,流程,客户规模\n{rows[1][rows[0].index('商机名称')]},"
        f"'@宏达,{people['consultant']},standard-sales,large\n",
        encoding="utf-8",
    )
    imported = run("import", str(table))
    assert imported.exit_code == 0, imported.output
    assert "again.csv: row 2 is opportunity 1" in imported.output
    shown = json.loads(run("show", "1", "--format", "json").output)
    assert (shown["name"], shown["customer"]) == (formula, "@宏达")
    assert len(list(csv.reader(io.StringIO(run("list", "--format", "csv").output)))) == 2


def test_a_new_hire_closes_a_won_deal_with_their_mentor(run: Any, processes: Path) -> None:
    people = _people(run)
    _start(run, people)  # owned by li.lei, the first consultant
    org = processes / "org.yaml"
    line = f"    email: {people['consultant']}@example.com\n"
    org.write_text(
        org.read_text("utf-8").replace(line, line + "    training: {mentor: wang.fang}\n")
    )
    alone = run("close", "1", "--won", "--reason", "签约")
    assert alone.exit_code == 2
    assert alone.stderr == (
        f"error: {people['consultant']} is in training: opportunity 1 is won only with their "
        "mentor, wang.fang\n    hint: add --mentor wang.fang (it is recorded with the win)\n"
    )
    signed = run("close", "1", "--won", "--reason", "签约", "--mentor", "wang.fang")
    assert signed.output == "opportunity 1 closed as won\n"
    (closed,) = [e for e in _shown(run)["history"] if e["kind"] == "closed"]
    assert closed["data"]["mentor"] == "wang.fang"


def test_a_guessed_due_date_is_marked_in_every_format(run: Any) -> None:
    """合同签订 (3个工作日内) entered on 2026-12-30: due in 2027, which the installed holiday
    data does not cover; every listing says so, and `calendar check` exits 1 for cron."""
    people = _people(run)
    _start(run, people, at="2026-12-30T17:00", now="2026-12-30T17:00")
    for args in (("--by", people["marketing"]), ("--outcome", "有效"), ("--outcome", "达成意向")):
        assert run("advance", "1", *args, now="2026-12-30T17:00").exit_code == 0
    later = "2027-01-05T16:00"
    table = run("status", now=later).output
    assert "≈2027-01-05 17:00" in table
    assert "该截止时间所在年份尚无节假日数据" in table  # the mark explained under the table
    rows = list(csv.reader(io.StringIO(run("status", "--format", "csv", now=later).output)))
    (signing,) = [r for r in rows if "合同签订" in r]
    assert (rows[0][-1], signing[-1], signing[7]) == ("截止时间待确认", "是", "2027-01-05 17:00")
    (alert,) = [
        a
        for a in json.loads(run("status", "--format", "json", now=later).output)["alerts"]
        if a["node"] == "contract_signing"
    ]
    assert alert["uncertain"] is True
    listed = list(csv.reader(io.StringIO(run("list", "--format", "csv", now=later).output)))
    assert listed[1][-2:] == ["2027-01-05 17:00", "是"]
    assert "≈2027-01-05 17:00" in run("list", now=later).output
    (record,) = json.loads(run("list", "--format", "json", now=later).output)
    assert record["due_uncertain"] is True
    shown = run("show", "1", now=later).output
    assert "→ ≈2027-01-05 17:00" in shown and "该截止时间所在年份尚无节假日数据" in shown
    (timer,) = [
        t
        for t in json.loads(run("show", "1", "--format", "json", now=later).output)["timers"]
        if t["node"] == "contract_signing"
    ]
    assert timer["uncertain"] is True
    assert run("calendar", "check", now="2026-12-30T17:00").exit_code == 1


def test_calendar_check_passes_over_a_clock_deadline(run: Any) -> None:
    """线索初筛 is 24小时内 of clock time: due in 2027, but no holiday moves it."""
    people = _people(run)
    _start(run, people, at="2026-12-31T10:00", now="2026-12-31T10:00")
    assert run("advance", "1", "--by", people["marketing"], now="2026-12-31T10:00").exit_code == 0
    checked = run("calendar", "check", now="2026-12-31T10:00")
    assert checked.exit_code == 0, checked.output


NOTICES = ROOT / "tests" / "fixtures" / "calendars" / "notices"
CST = timezone(timedelta(hours=8))


def test_one_notice_file_makes_a_year_exact(run: Any, processes: Path) -> None:
    """Before the notice: 3个工作日 from 2027-02-05 falls on the fallback, a week before the
    (fixture's) 春节 is over; once the notice is a calendar file, `calendar check` finds the
    deadline to move, `retime --apply` moves it, and new deadlines are exact and unmarked."""
    people = _people(run)
    at = "2027-02-05T10:00"
    _start(run, people, at=at, now=at)
    for args in (("--by", people["marketing"]), ("--outcome", "有效"), ("--outcome", "达成意向")):
        said = run("advance", "1", *args, now=at)
    assert "has no holiday data for" in said.output
    shutil.copy(NOTICES / "cn-2027.yaml", processes / "calendars" / "cn-2027.yaml")
    assert run("validate", str(processes)).exit_code == 0
    check = run("calendar", "check", "--format", "json", now=at)
    assert check.exit_code == 1
    (stale,) = json.loads(check.stdout)
    moved = [datetime.fromisoformat(stale[k]) for k in ("due_at", "new_due_at")]
    assert (stale["problem"], *moved) == (
        "stale",
        datetime(2027, 2, 10, 10, tzinfo=CST),
        datetime(2027, 2, 17, 10, tzinfo=CST),  # the fixture's 春节 is 2/6–2/14
    )
    assert run("calendar", "retime", "--apply", now=at).exit_code == 0
    assert run("calendar", "check", now=at).exit_code == 0
    shown = json.loads(run("show", "1", "--format", "json", now=at).output)
    (signing,) = [t for t in shown["timers"] if t["node"] == "contract_signing"]
    assert datetime.fromisoformat(signing["due_at"]) == datetime(2027, 2, 17, 10, tzinfo=CST)
    assert signing["uncertain"] is False
    again = run("start", "standard-sales", "--name", "B", "--customer", "C", "--owner",
                people["consultant"], "--field", "segment=large", now=at)  # fmt: skip
    assert again.exit_code == 0 and "holiday data" not in again.output


def test_calendar_check_reports_a_notice_the_package_contradicts(run: Any, processes: Path) -> None:
    text = (NOTICES / "cn-2026.yaml").read_text("utf-8")
    wrong = text.replace("  - {date: 2026-02-28, for: 春节}\n", "")
    (processes / "calendars" / "cn-2026.yaml").write_text(wrong, "utf-8")
    check = run("calendar", "check")
    assert check.exit_code == 1
    assert "the 2026 notice has 2026-02-28 as a day off, chinesecalendar as a working day" in (
        check.output
    )
    assert "1 day(s) differ between holiday notice files and chinesecalendar" in check.output


def test_the_marketing_teams_daily_update_is_one_line_per_person(run: Any) -> None:
    """Three leads at 线索获取, nobody updating the list: two lines, one per person of
    市场专员, not one per lead (issue 16, item 5)."""
    people = _people(run)
    for _ in range(3):
        run("start", "standard-sales", "--name", "线索", "--customer", "宏达", "--owner",
            people["consultant"], "--field", "segment=sme", "--at", "2026-11-23T09:00")  # fmt: skip
    table = run("status").output
    assert table.count("每日更新 (0/1)") == 2 and "2 项已超时" in table
    rows = list(csv.reader(io.StringIO(run("status", "--format", "csv").output)))
    assert sorted((r[0], r[3], r[5]) for r in rows[1:]) == [
        ("-", "线索获取", "周杰"),
        ("-", "线索获取", "孙丽"),
    ]
    alerts = json.loads(run("status", "--format", "json").output)["alerts"]
    assert {(a["kind"], a["instance_id"], a["owner"]) for a in alerts} == {
        ("routine", 0, "sun.li"),
        ("routine", 0, "zhou.jie"),
    }
