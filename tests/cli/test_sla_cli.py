"""`flowkit sla explain` as a user runs it: text and JSON, calendars, located errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowkit.cli import main

CALENDARS = Path(__file__).resolve().parents[1] / "fixtures" / "calendars"
GROUND_TRUTH = ("--calendar", "cn", "--from", "2025-09-30T16:00")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["sla", "explain", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_explains_the_ground_truth_in_chinese() -> None:
    code, out, err = run(*GROUND_TRUTH, "3 business days")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("时限：3个工作日 = 27小时工作时间")
    assert "  2025-10-06 周一：跳过（中秋节 Mid-autumn Festival）" in lines
    assert "  2025-10-11 周六：计入 7小时（补班：国庆节调休 National Day make-up day）" in lines
    assert lines[-1] == "截止：2025-10-11 周六 16:00（UTC+08:00）"


def test_chinese_phrase_and_english_explanation() -> None:
    code, out, _ = run(*GROUND_TRUTH, "--lang", "en", "3个工作日")
    assert code == 0
    assert out.splitlines()[-1] == "Due: 2025-10-11 Sat 16:00 (UTC+08:00)"


def test_json_output() -> None:
    code, out, _ = run(*GROUND_TRUTH, "--format", "json", "3个工作日")
    payload = json.loads(out)
    assert code == 0 and payload["phrase"] == "3个工作日"
    assert payload["due"] == "2025-10-11T16:00:00+08:00"
    assert payload["adjusted"][0]["date"] == "2025-10-11"
    assert payload["skipped"][0]["date"] == "2025-10-01"
    assert payload["warnings"] == []


def test_json_warnings_follow_the_language() -> None:
    args = ("--from", "2027-09-30T17:00", "--format", "json")
    (zh,) = json.loads(run(*args, "1个工作日")[1])["warnings"]
    (en,) = json.loads(run(*args, "--lang", "en", "1个工作日")[1])["warnings"]
    assert zh.startswith("2027年不在节假日数据范围内") and en.startswith("2027 is outside")


def test_an_offset_in_from_is_kept() -> None:
    code, out, _ = run("--from", "2025-09-30T08:00Z", "--format", "json", "3 business days")
    assert code == 0 and json.loads(out)["due"] == "2025-10-11T16:00:00+08:00"


def test_default_start_is_now() -> None:
    code, out, _ = run("--calendar", "24x7", "--format", "json", "1h")
    assert code == 0 and json.loads(out)["start"]


def test_custom_calendar_folder() -> None:
    code, out, err = run(
        "--calendars", str(CALENDARS / "valid"), "--calendar", "acme",
        "--from", "2026-02-12T11:00", "1 business day",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "  2026-02-13 周五：跳过（公司年会）" in out.splitlines()
    assert out.splitlines()[-1] == "截止：2026-02-14 周六 11:00（UTC+08:00）"


def test_custom_calendar_file() -> None:
    code, out, _ = run(
        "--calendar-file", str(CALENDARS / "valid" / "acme.yaml"), "--calendar", "acme",
        "--from", "2026-03-09T11:30", "--lang", "en", "1 business hour",
    )  # fmt: skip
    assert code == 0
    assert "working hours 08:30–12:00, 13:00–17:30, 8 h per business day" in out
    assert out.splitlines()[-1] == "Due: 2026-03-09 Mon 13:30 (UTC+08:00)"


def test_invalid_calendar_files_are_reported_and_refused() -> None:
    path = CALENDARS / "invalid" / "FK704-bad-time.yaml"
    code, out, err = run("--calendar-file", str(path), "--calendar", "acme", "1h")
    assert code == 1 and out == ""
    assert err == (
        f"{path}:6:8: error FK704: hours → end: '25:00' is not a time of day\n"
        "    hint: write HH:MM from 00:00 to 24:00\n"
    )


def test_unreadable_calendar_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("flowkit: 1\ncalendar: acme\nname: 华东\n".encode("gb18030"))
    code, _, err = run("--calendar-file", str(path), "1h")
    assert code == 2 and "error FK002: byte 0xbb is not valid UTF-8" in err


def test_bad_phrase_points_at_the_character() -> None:
    code, out, err = run(*GROUND_TRUTH, "3 buisness days")
    assert (code, out) == (2, "")
    assert err == (
        "error: cannot read SLA '3 buisness days': unknown word 'buisness'; did you mean "
        "'business'? (column 3)\n"
        "    3 buisness days\n"
        "      ^\n"
    )


def test_the_caret_counts_chinese_characters_as_two_columns() -> None:
    code, _, err = run(*GROUND_TRUTH, "3个工作日，3个工作日")
    lines = err.splitlines()
    assert code == 2 and lines[0].endswith("(column 7)")
    assert lines[1:] == ["    3个工作日，3个工作日", "    " + " " * 11 + "^"]  # 1 + 5 x 2 wide


def test_a_cadence_has_no_due_instant() -> None:
    code, out, err = run(*GROUND_TRUTH, "每周2次上门拜访")
    assert (code, out) == (2, "")
    assert err == (
        "error: '每周2次上门拜访' is a follow-up cadence, not a deadline: nothing falls due\n"
        "    hint: give a deadline phrase such as '3 business days', '3个工作日' or '24小时内'\n"
    )


def test_unknown_calendar() -> None:
    code, _, err = run("--calendar", "weekday", "1h")
    assert code == 2
    assert err == "error: unknown calendar 'weekday'\n    hint: did you mean 'weekdays'?\n"


def test_bad_start_time() -> None:
    code, _, err = run("--from", "2025-09-31T16:00", "1h")
    assert code == 2
    assert err.startswith("error: --from: '2025-09-31T16:00' is not a day of the calendar\n")


def test_help_ends_with_an_example() -> None:
    for args in (["sla", "--help"], ["sla", "explain", "--help"]):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0
        tail = result.output.split("Example:")[-1]
        assert "flowkit sla explain --calendar cn --from 2025-09-30T16:00" in tail


def test_the_global_now_is_the_default_start() -> None:
    args = ["--now", "2025-09-30T16:00", "sla", "explain", "--format", "json", "3个工作日"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert json.loads(result.stdout)["due"] == "2025-10-11T16:00:00+08:00"


def test_company_calendars_beside_the_processes_are_found() -> None:
    processes = Path(__file__).resolve().parents[2] / "processes"
    result = CliRunner().invoke(
        main,
        [
            "--processes",
            str(processes),
            "sla",
            "explain",
            "--calendar",
            "east-china",
            "--from",
            "2026-12-30T16:00",
            "1个工作日",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "公司年会" in result.output  # east-china's own day off, 2026-12-31


def test_a_date_based_deadline_is_explained() -> None:
    code, out, err = run("--from", "2026-02-13T17:00", "次日下班前")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("时限：次日下班前，按 T 日之后的工作日计算")
    assert "  T 日：2026-02-13 周五" in lines
    assert "  2026-02-14 周六：第1个工作日（补班：春节调休 Spring Festival make-up day）" in lines
    assert lines[-1] == "截止：2026-02-14 周六 18:00（UTC+08:00）"


def test_a_period_end_in_json() -> None:
    code, out, _ = run("--from", "2025-05-20T10:00", "--format", "json", "end of month")
    payload = json.loads(out)
    assert code == 0 and payload["due"] == "2025-05-30T18:00:00+08:00"
    assert (payload["target"], payload["moved_to"]) == ("2025-05-31", "2025-05-30")


def test_an_unsupported_phrase_says_what_to_write() -> None:
    code, _, err = run("每周一拜访")
    assert code == 2
    assert "cannot name a weekday: not supported; write '每周1次'" in err


def test_flowkit_tz_is_honoured_as_by_every_command() -> None:
    """--from without an offset is read in FLOWKIT_TZ, and the instants are told in it:
    04:00 in New York is 16:00 in Beijing; due 10-11 16:00 there is 04:00 here."""
    result = CliRunner(env={"FLOWKIT_TZ": "America/New_York"}).invoke(
        main,
        ["sla", "explain", "--from", "2025-09-30T04:00", "--lang", "en", "3 business days"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "Start: 2025-09-30 Tue 04:00 (UTC-04:00)"
    assert lines[-1] == "Due: 2025-10-11 Sat 04:00 (UTC-04:00)"
    assert (
        "  2025-10-11 Sat: counted 7 h (worked although normally off: 国庆节调休 National Day "
        "make-up day)" in lines
    )
