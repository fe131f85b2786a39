"""How the handbook is written: escaping, byte-identical rebuilds, atomic replacement, Markdown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from flowkit.model import Process
from flowkit.render.atomic import MARKER
from flowkit.render.handbook import HandbookFormat, build_handbook
from tests.render.handbook_help import (
    PROCESSES,
    ZH_COLUMNS,
    fake_svg,
    fake_svg_file,
    from_text,
    shipped,
    shipped_one,
)
from tests.render.htmlpage import read

EVIL = "<script>alert(1)</script>"

HOSTILE = f"""
flowkit: 1
id: hostile
name: "坏流程 {EVIL}"
version: 1.0.0
description: "说明 {EVIL} & <b>粗体</b>"
owner: "<img src=x onerror=alert(2)>"
lanes:
  - {{id: sales, name: "销售 {EVIL}"}}
  - {{id: help, name: "协同|角色"}}
documents:
  - {{id: doc, name: "表单 {EVIL}", template: "x/<t>.xlsx"}}
fields:
  amount: number
nodes:
  - id: start
    type: start
    next: work
  - id: work
    name: "环节 {EVIL}"
    lane: sales
    support: [help]
    action: "动作 {EVIL} | 第二列"
    steps: ["步骤 {EVIL}"]
    outputs: [doc]
    sla: 24小时内
    notes: "备注 {EVIL}"
    pain_points:
      - problem: "痛点 {EVIL}"
        improvement: "改进 **粗** [链接](http://x) 第一行\\n第二行"
    next:
      - when: amount < 100
        to: done
        label: "小额 {EVIL}"
      - default: done
  - {{id: done, type: end, name: "结束 {EVIL}", outcome: won}}
faq:
  - question: "问题 {EVIL}"
    answer: "回答 {EVIL}"
    nodes: [work]
"""


@pytest.fixture(scope="module")
def hostile() -> Process:
    return from_text(HOSTILE)


def _texts(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.suffix in (".html", ".md")
    }


def test_html_shows_markup_from_yaml_as_text(tmp_path: Path, hostile: Process) -> None:
    build_handbook([hostile], tmp_path / "site", diagram=fake_svg)
    pages = _texts(tmp_path / "site")
    assert len(pages) == 9  # index, process, 2 roles, raci, documents, backlog, faq, manual
    for name, html in pages.items():
        assert "<script" not in html, name
        assert "<img" not in html, name
        assert "<b>" not in html, name
    page = read(tmp_path / "site" / "processes" / "hostile.html")
    assert page.script_tags == 0
    assert f"坏流程 {EVIL}" in page.text  # shown as text, exactly as written
    assert f"环节 {EVIL}" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["processes/hostile.html"]
    row = page.table("mapping").row(f"环节 {EVIL}")
    assert row[1] == f"销售 {EVIL}+协同|角色"
    assert row[3] == f"《表单 {EVIL}》"


def test_markdown_neutralises_html_and_markdown_in_user_text(
    tmp_path: Path, hostile: Process
) -> None:
    build_handbook([hostile], tmp_path / "wiki", fmt="md", diagram_file=fake_svg_file)
    pages = _texts(tmp_path / "wiki")
    for name, md in pages.items():
        assert "<script" not in md, name
        assert "<img" not in md, name
        assert "<b>" not in md, name
    md = pages["processes/hostile.md"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "改进 \\*\\*粗\\*\\* \\[链接\\](http://x)" in md  # no emphasis, no link
    assert not re.search(r"(?<!\\)\]\(http", md)


def test_markdown_table_cells_escape_pipes_and_line_breaks(
    tmp_path: Path, hostile: Process
) -> None:
    build_handbook([hostile], tmp_path / "wiki", fmt="md", diagram_file=fake_svg_file)
    md = (tmp_path / "wiki" / "processes" / "hostile.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    header = lines.index("| " + " | ".join(ZH_COLUMNS) + " |")
    row = lines[header + 2]
    assert row.startswith("| [环节")
    assert "协同\\|角色" in row
    assert "动作 &lt;script&gt;alert(1)&lt;/script&gt; \\| 第二列" in row
    assert "第一行<br>第二行" in row
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    assert len(cells) == len(ZH_COLUMNS)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    formats: tuple[HandbookFormat, ...] = ("html", "md")
    for fmt in formats:
        first, second = tmp_path / f"a-{fmt}", tmp_path / f"b-{fmt}"
        build_handbook(shipped(), first, fmt=fmt, diagram=fake_svg, diagram_file=fake_svg_file)
        # The order the processes come in does not matter either.
        backwards = list(reversed(shipped()))
        build_handbook(backwards, second, fmt=fmt, diagram=fake_svg, diagram_file=fake_svg_file)
        a = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
        b = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
        assert a.keys() == b.keys()
        for rel, data in a.items():
            assert data == b[rel], rel
            assert b"\r\n" not in data, rel
            data.decode("utf-8")


def test_a_failed_build_leaves_the_old_handbook_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")  # rendered by flowkit before
    (out / "marker.txt").write_text("old handbook", encoding="utf-8")
    calls: list[str] = []

    def breaks_on_second(process: Process, lang: str) -> str:
        calls.append(process.id)
        if len(calls) == 2:
            raise RuntimeError("graphviz crashed")
        return fake_svg(process, lang)

    with pytest.raises(RuntimeError, match="graphviz crashed"):
        build_handbook(shipped(), out, diagram=breaks_on_second)
    assert len(calls) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "marker.txt"]
    assert (out / "marker.txt").read_text(encoding="utf-8") == "old handbook"


def test_a_build_replaces_the_old_handbook_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")  # rendered by flowkit before
    (out / "stale.html").write_text("old", encoding="utf-8")
    written = build_handbook([shipped_one("standard-sales")], out, diagram=fake_svg)
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert all(p.is_relative_to(out) for p in written)
    assert out.stat().st_mode & 0o055  # readable by others, not a private temp folder


def test_markdown_pages_and_diagram_files(tmp_path: Path) -> None:
    out = tmp_path / "wiki"
    written = build_handbook(shipped(), out, fmt="md", diagram_file=fake_svg_file)
    rel = {p.relative_to(out).as_posix() for p in written}
    assert {"index.md", "raci.md", "documents.md", "backlog.md", "faq.md"} <= rel
    assert "processes/standard-sales.md" in rel and "roles/consultant.md" in rel
    assert not any(r.endswith((".html", ".css")) for r in rel)  # no manual for Markdown
    svg = out / "diagrams" / "standard-sales.svg"
    assert svg.read_bytes() == fake_svg_file(shipped_one("standard-sales"), "zh-CN")
    md = (out / "processes" / "standard-sales.md").read_text(encoding="utf-8")
    assert "![标准销售流程](../diagrams/standard-sales.svg)" in md
    header = "| " + " | ".join(ZH_COLUMNS) + " |"
    assert header in md
    assert "| [售后回款](#collection) | 客服专员+财务 |" in md
    assert "交付后30天内" in md


def test_every_markdown_link_resolves(tmp_path: Path) -> None:
    out = tmp_path / "wiki"
    build_handbook(shipped(), out, fmt="md", diagram_file=fake_svg_file)
    pages = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    anchors = {p: set(re.findall(r'<a id="([^"]+)"></a>', md)) for p, md in pages.items()}
    checked = 0
    for path, md in pages.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", md):
            file, _, fragment = target.partition("#")
            resolved = (path.parent / file).resolve() if file else path
            assert resolved.is_file(), f"{path.relative_to(out)}: broken link {target}"
            if fragment:
                assert fragment in anchors[resolved], f"{path.relative_to(out)}: no #{fragment}"
            checked += 1
    assert checked > 100


def test_markdown_footer_names_source_version_and_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flowkit.render.gitinfo._git", lambda folder, *args: None)
    out = tmp_path / "wiki"
    process = shipped_one("solution-sales")
    build_handbook([process], out, fmt="md", diagram_file=fake_svg_file)
    md = (out / "processes" / "solution-sales.md").read_text(encoding="utf-8")
    assert "| solution-sales.yaml | 0.9.0 | 未提交到 git |" in md
    assert str(Path(process.source).parent) not in md  # no path of the building machine


def test_a_process_from_text_is_not_in_git(tmp_path: Path, hostile: Process) -> None:
    build_handbook([hostile], tmp_path / "site", diagram=fake_svg)
    table = read(tmp_path / "site" / "index.html").table("sources")
    assert table.rows == [["<text>", "1.0.0", "未提交到 git"]]


def test_a_process_outside_any_repository_is_not_in_git(tmp_path: Path) -> None:
    folder = tmp_path / "outside"
    folder.mkdir()
    source = folder / "p.yaml"
    source.write_text(HOSTILE, encoding="utf-8")
    from flowkit.validate import load_process

    process = load_process(source)
    build_handbook([process], tmp_path / "site", lang="en", diagram=fake_svg)
    table = read(tmp_path / "site" / "index.html").table("sources")
    assert table.rows[0][2] in ("not in git",) or re.fullmatch(r"[0-9a-f]{12}.*", table.rows[0][2])


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with pytest.raises(ValueError, match="format"):
        build_handbook(shipped(), out, fmt="pdf", diagram=fake_svg)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="language"):
        build_handbook(shipped(), out, lang="fr", diagram=fake_svg)
    twice = [shipped_one("standard-sales"), shipped_one("standard-sales")]
    with pytest.raises(ValueError, match="standard-sales"):
        build_handbook(twice, out, diagram=fake_svg)
    assert list(tmp_path.iterdir()) == []


def test_the_handbook_names_no_absolute_path_and_is_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: the handbook embedded the absolute path of the sources it was given (14
    times). Built from two copies at two places outside any repository, the pages name
    the files only, and are byte for byte the same."""
    from flowkit.validate import validate_paths

    monkeypatch.setattr("flowkit.render.gitinfo._git", lambda folder, *args: None)
    built = {}
    for place in ("甲/某台电脑", "乙"):
        source = tmp_path / place / "processes"
        shutil.copytree(PROCESSES, source)
        processes = validate_paths([source]).processes
        for fmt in ("html", "md"):
            out = tmp_path / f"out-{fmt}-{len(built)}"
            build_handbook(processes, out, fmt=fmt, diagram=fake_svg, diagram_file=fake_svg_file)
            pages = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
            for name, data in pages.items():
                assert str(tmp_path).encode() not in data, name
            built[place, fmt] = pages
    for fmt in ("html", "md"):
        assert built["甲/某台电脑", fmt] == built["乙", fmt]


def test_the_folders_of_killed_builds_are_cleared_by_the_next_one(tmp_path: Path) -> None:
    """Issue 10: a render killed half-way left `.site.new-*` (its staging) or `.site.old-*`
    (the handbook set aside while the new one moved in) beside the output; the next build
    of that folder removes both kinds, and nothing of anyone else's."""
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")  # rendered by flowkit before
    (tmp_path / ".site.new-k1l").mkdir()
    (tmp_path / ".site.old-k2l" / "site").mkdir(parents=True)
    (tmp_path / ".other.new-x").mkdir()  # another folder's render: not this one's to remove
    build_handbook([shipped_one("standard-sales")], out, diagram=fake_svg)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.new-x", "site"]
    assert (out / "index.html").is_file()
