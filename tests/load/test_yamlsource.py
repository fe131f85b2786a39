"""Safe, positioned YAML reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowkit.load import yamlsource
from flowkit.load.yamlsource import parse_text, read_source


def test_positions_count_characters_not_bytes() -> None:
    source, found = parse_text("名称: 线索\nnext: '线索初筛 a'\n", "f.yaml")
    assert not found and source is not None
    assert (source.values[("名称",)].line, source.values[("名称",)].col) == (1, 5)
    assert str(source.key_loc(("next",))) == "f.yaml:2:1"
    # inside a quoted scalar: the quote is skipped, CJK characters count as one column
    assert str(source.loc_in(("next",), 5)) == "f.yaml:2:13"


def test_every_duplicate_key_is_reported_not_just_the_first() -> None:
    source, found = parse_text("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml")
    assert source is None
    assert [(d.code, d.loc.line) for d in found] == [("FK003", 3), ("FK003", 4)]
    assert "first on line 1" in found[0].message


def test_tags_cannot_build_python_objects() -> None:
    source, found = parse_text("a: !!python/object/apply:os.system ['echo hi']\n", "f.yaml")
    assert source is None
    assert found[0].code == "FK001"


def test_aliases_and_merge_keys_expand() -> None:
    text = "base: &b {lane: x, sla: 24h}\nnode:\n  <<: *b\n  sla: 3d\n"
    source, found = parse_text(text, "f.yaml")
    assert not found and source is not None
    assert source.data["node"] == {"lane": "x", "sla": "3d"}


def test_recursive_alias_is_refused() -> None:
    source, found = parse_text("a: &a [*a]\n", "f.yaml")
    assert source is None
    assert found[0].code == "FK005"


def test_aliases_expanding_past_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The alias-bomb guard, with the limit set low: the full-size bomb of
    tests/fixtures/invalid is among the slow tests."""
    monkeypatch.setattr(yamlsource, "MAX_VALUES", 100)
    text = "id: x\na: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: &b [*a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    source, found = parse_text(text, "f.yaml")
    assert source is None
    assert [(d.code, d.loc.line) for d in found] == [("FK005", 4)]  # `c` passes the limit
    assert "more than 100 values through aliases" in found[0].message
    monkeypatch.setattr(yamlsource, "MAX_VALUES", 1_000)
    assert parse_text(text, "f.yaml")[0] is not None  # about 170 values


def test_dates_and_odd_scalars_stay_text() -> None:
    source, _ = parse_text("d: 2026-01-01\nt: 2026-01-01 10:00:00\nb: !!binary aGk=\n", "f.yaml")
    assert source is not None
    assert source.data == {"d": "2026-01-01", "t": "2026-01-01 10:00:00", "b": "aGk="}


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    source, found = read_source(path)
    assert not found and source is not None and source.data == {"a": 1}


def test_gbk_file_gets_a_conversion_hint(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("a: 1\nname: 销售\n".encode("gbk"))
    source, found = read_source(path)
    assert source is None
    (diag,) = found
    assert (diag.code, diag.loc.line, diag.loc.col) == ("FK002", 2, 7)
    assert diag.hint is not None and "iconv" in diag.hint


def test_empty_file() -> None:
    source, found = parse_text("# only a comment\n", "f.yaml")
    assert source is None and found[0].code == "FK006"


def test_tab_indentation_hint() -> None:
    _, found = parse_text("a:\n\tb: 1\n", "f.yaml")
    assert found[0].code == "FK001"
    assert found[0].hint == "YAML indents with spaces, not tabs"


def test_folded_chinese_lines_join_without_a_space() -> None:
    text = (
        "a: >-\n  市场专员收集线索，\n  销售顾问初筛 and follow up\n  with English.\n"
        "b: 第一行\n  第二行\n"
        "c: '单行 保留空格'\n"
        "d: |-\n  字面\n  换行\n"
    )
    source, found = parse_text(text, "f.yaml")
    assert not found and source is not None
    assert source.data == {
        "a": "市场专员收集线索，销售顾问初筛 and follow up with English.",
        "b": "第一行第二行",  # a plain scalar over two lines folds the same way
        "c": "单行 保留空格",  # a space written on one line is the author's: kept
        "d": "字面\n换行",  # literal blocks keep their line breaks
    }
