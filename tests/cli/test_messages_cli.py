"""The CLI's messages (errors, hints, confirmations, warnings) in the language asked for.

The rule: a command's own --lang, else `flowkit --lang`, else FLOWKIT_LANG; with none, the
messages are English, as they always were (the labels of tables keep zh-CN)."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.test_i18n import LOCALE, used_messages

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "flowkit"
NOW = "2026-11-27T10:00"

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path) -> Run:
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(tmp_path / "processes")]
        return CliRunner(env=env).invoke(main, [*base, "--now", NOW, *args], catch_exceptions=False)

    return invoke


def _start(run: Run, *lang: str, env: dict[str, str] | None = None) -> Result:
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
            ("deliver", "1", "contract"),
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


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
            ):
                found.append((path, node))
    return found


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_every_message_of_the_code_is_written_where_babel_can_read_it() -> None:
    """A template that is not a literal (an f-string, a variable) is missed by extraction
    and shown untranslated: every msg/pmsg/nmsg names its msgids as literals."""
    positions = {"msg": (0,), "pmsg": (0, 1), "nmsg": (0, 1)}
    checked = 0
    for name, wanted in positions.items():
        for path, call in _calls(name):
            checked += 1
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            assert len(call.args) >= len(wanted), where
            assert all(_literal(call.args[i]) for i in wanted), f"{where}: not a literal msgid"
    assert checked > 60


def test_every_message_of_the_code_has_its_chinese() -> None:
    """A new message without a translation fails here (run `bash scripts/i18n.sh`, then
    translate it in zh_CN/LC_MESSAGES/flowkit.po)."""
    with (LOCALE / "zh_CN" / "LC_MESSAGES" / "flowkit.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    translated = {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,)) and not m.fuzzy
    }
    assert sorted(used_messages() - translated, key=str) == []
