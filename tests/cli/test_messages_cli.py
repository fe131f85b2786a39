"""The CLI's messages (errors, hints, confirmations, warnings) in the language asked for.

The rule: a command's own --lang, else `flowkit --lang`, else FLOWKIT_LANG; with none, the
messages are English, as they always were (the labels of tables keep zh-CN)."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable, Collection
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "flowkit"
NOW = "2026-11-27T10:00"

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Run:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, env: dict[str, str] | None = None, now: str = NOW) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner(env=env).invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


def _start(run: Run, *lang: str, env: dict[str, str] | None = None, now: str = NOW) -> Result:
    return run(
        *lang,
        "start",
        "standard-sales",
        "--name",
        "CRM升级",
        "--customer",
        "上海宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=large",
        "--field",
        "amount=280000",
        env=env,
        now=now,
    )


def test_a_confirmation_is_english_unless_a_language_is_asked_for(run: Run) -> None:
    assert _start(run).stdout == "started opportunity 1\n"
    assert _start(run, "--lang", "en").stdout == "started opportunity 2\n"
    assert _start(run, "--lang", "zh-CN").stdout == "已创建商机 3\n"
    assert _start(run, env={"FLOWKIT_LANG": "zh-CN"}).stdout == "已创建商机 4\n"
    assert _start(run, "--lang", "en", env={"FLOWKIT_LANG": "zh-CN"}).stdout == (
        "started opportunity 5\n"
    )


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (("pause", "1", "--reason", "客户内部审批"), "opportunity 1 paused", "商机 1 已暂停"),
        (
            ("risk", "1", "--note", "预算冻结"),
            "risk flagged on opportunity 1",
            "已为商机 1 标记风险预警",
        ),
        (
            ("close", "1", "--won", "--reason", "签约"),
            "opportunity 1 closed as won",
            "商机 1 已关闭：成交",
        ),
        (
            ("deliver", "1", "contract", "--by", "sun.li"),
            "document contract recorded on opportunity 1",
            "已为商机 1 记录输出物 contract",
        ),
    ],
)
def test_each_confirmation_in_each_language(
    run: Run, args: tuple[str, ...], english: str, chinese: str, tmp_path: Path
) -> None:
    assert _start(run).exit_code == 0
    backup = tmp_path / "before.db"
    shutil.copyfile(tmp_path / "t.db", backup)
    assert run("--lang", "en", *args).stdout == english + "\n"
    shutil.copyfile(backup, tmp_path / "t.db")
    assert run("--lang", "zh-CN", *args).stdout == chinese + "\n"


def test_a_usage_error_of_flowkit_is_said_in_the_language_click_wording_is_not(run: Run) -> None:
    assert _start(run).exit_code == 0
    english = run("close", "1", "--reason", "x")
    assert english.exit_code == 2
    assert "Error: say how it ended: --won or --lost" in english.stderr
    chinese = run("--lang", "zh-CN", "close", "1", "--reason", "x")
    assert chinese.exit_code == 2
    assert "Error: 请说明结果：--won（成交）或 --lost（丢单）" in chinese.stderr


def test_a_commands_own_lang_says_its_messages_too(run: Run) -> None:
    english = run("--lang", "zh-CN", "on-time", "--since", "2026-12-01", "--lang", "en")
    assert english.exit_code == 2
    assert "the period ends before it starts" in english.stderr
    chinese = run("on-time", "--since", "2026-12-01", "--lang", "zh-CN")
    assert "时间段的结束早于开始" in chinese.stderr


# Error paths of the library, each with what it says in English (as before the catalogue)
# and in Chinese. Opportunity 1 is open at its first node; 2 is paused; 3 was won.
ERRORS = [
    (
        ("show", "99"),
        "error: no opportunity 99\n    hint: flowkit list shows them\n",
        "错误：没有编号为 99 的商机\n    提示：可用 flowkit list 查看商机\n",
    ),
    (
        ("advance", "2"),
        "error: opportunity 2 is paused\n    hint: flowkit resume 2 first\n",
        "错误：商机 2 已暂停\n    提示：请先运行 flowkit resume 2\n",
    ),
    (
        ("risk", "3", "--note", "x"),
        "error: opportunity 3 is closed (won); it cannot change\n",
        "错误：商机 3 已关闭（成交），不能再更改\n",
    ),
    (
        ("log", "1", "--method", "visit", "--content", "拜访", "--at", "2026-12-01T09:00"),
        "error: --at 2026-12-01T09:00:00+08:00 is in the future "
        "(now is 2026-11-27T10:00:00+08:00)\n",
        "错误：--at 2026-12-01T09:00:00+08:00 是将来的时间（现在是 2026-11-27T10:00:00+08:00）\n",
    ),
    (
        ("pause", "1", "--reason", "x", "--at", "昨天"),
        "error: --at: '昨天' is not a date like 2023-10-15, 2023/10/15, 2023.10.15 or "
        "2023年10月15日 (a time may follow: 15:00)\n"
        "    hint: a time follows the date (2023-10-15 15:00, 2023-10-15T15:00:30), and an "
        "offset the time when it is not flowkit's zone, FLOWKIT_TZ (2023-10-15T15:00+08:00)\n",
        "错误：--at：“昨天”不是 2023-10-15、2023/10/15、2023.10.15 或 2023年10月15日 这样的日期"
        "（后面可跟时间：15:00）\n"
        "    提示：时间写在日期之后（2023-10-15 15:00、2023-10-15T15:00:30）；不在 flowkit 时区"
        "（FLOWKIT_TZ）时，在时间后加上时差（2023-10-15T15:00+08:00）\n",
    ),
    (
        ("start", "nosuch", "--name", "a", "--customer", "b", "--owner", "li.lei"),
        "error: unknown process 'nosuch' (known: complaint-handling, solution-sales, "
        "standard-sales, standard-sales-en)\n",
        "错误：未知流程“nosuch”（已有流程：complaint-handling、solution-sales、standard-sales、"
        "standard-sales-en）\n",
    ),
    (
        ("status", "--owner", "li.le"),
        "error: no person 'li.le' in org.yaml (did you mean 'li.lei'?)\n",
        "错误：org.yaml 中没有人员 'li.le'（是否想输入“li.lei”？）\n",
    ),
    (
        ("customer", "show", "C09999"),
        "error: no customer C09999\n    hint: flowkit customer list shows them\n",
        "错误：没有客户 C09999\n    提示：可用 flowkit customer list 查看客户\n",
    ),
    (
        ("import", "nofile.csv"),
        "error: 'nofile.csv' does not exist or is not a file\n",
        "错误：“nofile.csv”不存在或不是文件\n",
    ),
    (
        ("audit", "sample", "--week", "2026-48"),
        "error: week '2026-48' is not an ISO week\n    hint: write it as 2026-W48\n",
        "错误：'2026-48' 不是 ISO 周\n    提示：请写成 2026-W48 的形式\n",
    ),
]


@pytest.fixture
def three(run: Run) -> Run:
    """Opportunity 1 open, 2 paused, 3 won."""
    for _ in range(3):
        assert _start(run).exit_code == 0
    assert run("pause", "2", "--reason", "客户内部审批").exit_code == 0
    assert run("close", "3", "--won", "--reason", "签约").exit_code == 0
    return run


@pytest.mark.parametrize(("args", "english", "chinese"), ERRORS, ids=lambda v: str(v)[:30])
def test_library_errors_in_each_language(
    three: Run, args: tuple[str, ...], english: str, chinese: str
) -> None:
    default = three(*args)
    assert (default.exit_code, default.stderr) == (2, english)
    assert three("--lang", "en", *args).stderr == english
    assert three("--lang", "zh-CN", *args).stderr == chinese
    assert three(*args, env={"FLOWKIT_LANG": "zh-CN"}).stderr == chinese
    assert three(*args).exit_code == 2


def test_a_commands_own_lang_wins_for_its_errors(three: Run) -> None:
    """`show --lang zh-CN` says its error in Chinese even under flowkit --lang en."""
    assert three("--lang", "en", "show", "99", "--lang", "zh-CN").stderr.startswith(
        "错误：没有编号为 99 的商机"
    )
    assert three("--lang", "zh-CN", "show", "99", "--lang", "en").stderr.startswith(
        "error: no opportunity 99"
    )


def test_a_conflict_says_which_node_it_is_at(three: Run) -> None:
    args = ("advance", "1", "--from", "qualification")
    english = three(*args)
    assert english.exit_code == 2
    assert english.stderr.endswith(
        "not at 'qualification': someone moved it; nothing was written\n"
    )
    chinese = three("--lang", "zh-CN", *args).stderr
    assert chinese.endswith("不在“qualification”：已有人推进了它；未写入任何内容\n")


def test_a_warning_of_the_library_in_each_language(run: Run) -> None:
    """A deadline beyond the holiday data is said at once, on stderr: 合同签订 (3个工作日内)
    entered on 2026-12-31 10:00 is due in 2027. (线索获取's 每日更新, which said it before,
    is the marketing team's routine now, no timer of the lead's: issue 16.)"""
    now = "2026-12-31T10:00"
    said = {}
    for number, lang in ((1, ()), (2, ("--lang", "zh-CN"))):
        assert _start(run, *lang, now=now).exit_code == 0
        for args in (("--by", "zhou.jie"), ("--outcome", "有效"), ("--outcome", "达成意向")):
            said[number] = run(*lang, "advance", str(number), *args, now=now)
    assert said[1].stderr.startswith("warning: '合同签订' is due 2027-01-06 10:00, in a year")
    assert said[2].stderr.startswith("警告：“合同签订”的到期时间为 2027-01-06 10:00")


def _calls(names: Collection[str]) -> list[tuple[Path, ast.Call]]:
    """Every call of a function named in `names`, in flowkit's code (one parse a file)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ):
                found.append((path, node))
    return found


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_every_message_of_the_code_is_written_where_babel_can_read_it() -> None:
    """A template that is not a literal (an f-string, a variable) is missed by extraction
    and shown untranslated: every msg/pmsg/nmsg names its msgids as literals."""
    positions = {"msg": (0,), "pmsg": (0, 1), "nmsg": (0, 1)}
    calls = _calls(positions)
    for path, call in calls:
        assert isinstance(call.func, ast.Name)
        wanted = positions[call.func.id]
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert len(call.args) >= len(wanted), where
        assert all(_literal(call.args[i]) for i in wanted), f"{where}: not a literal msgid"
    assert len(calls) > 250
