"""The customer rules page of the handbook: what new hires grade and keep customers by."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flowkit.render.handbook import build_handbook
from flowkit.validate import load_customer_rules
from tests.render.handbook_help import PROCESSES, fake_svg, fake_svg_file, shipped
from tests.render.htmlpage import read

RULES = load_customer_rules(PROCESSES / "customers.yaml")


def _build(out: Path, fmt: str = "html", **kw: object) -> None:
    build_handbook(
        shipped(),
        out,
        fmt=fmt,
        diagram=fake_svg,
        diagram_file=fake_svg_file,
        **kw,  # type: ignore[arg-type]
    )


def test_the_page_shows_standards_strategies_and_upkeep_in_words(tmp_path: Path) -> None:
    _build(tmp_path / "h", customers=RULES)
    page = read(tmp_path / "h" / "customers.html")
    text = " ".join(page.text.split())
    assert "客户分级标准" in text and "年预算超过100万，决策链清晰，合作意愿强" in text
    assert "年度预算 > 1000000元 且 决策链 = 清晰 且 合作意愿 = 强" in text  # in words
    assert "销售经理亲自跟进，每月高层对接" in text and "每月1次拜访" in text
    assert "销售经理" in text  # the lane by its name in the page's language
    assert "24小时内录入跟进记录" in text and "每季度复核" in text
    assert "客户名称、所属行业" in text and "竞品对比中" in text
    index = (tmp_path / "h" / "index.html").read_text("utf-8")
    assert 'href="customers.html"' in index  # linked from every page's navigation
    manual = (tmp_path / "h" / "manual.html").read_text("utf-8")
    assert 'id="customers"' in manual and "分级维护策略" in manual


def test_text_from_the_rules_file_is_escaped(tmp_path: Path) -> None:
    hostile = replace(RULES, grades=(replace(RULES.grades[0], label="<script>x()</script>"),))
    _build(tmp_path / "h", customers=hostile)
    html = (tmp_path / "h" / "customers.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_markdown_has_the_page_and_no_rules_means_no_page(tmp_path: Path) -> None:
    _build(tmp_path / "md", fmt="md", customers=RULES)
    markdown = (tmp_path / "md" / "customers.md").read_text("utf-8")
    assert "| A | 销售经理亲自跟进，每月高层对接 | 每月1次拜访 | 销售经理 |" in markdown
    assert "[客户分级与维护](customers.md)" in (tmp_path / "md" / "index.md").read_text("utf-8")
    _build(tmp_path / "none")
    assert not (tmp_path / "none" / "customers.html").exists()
    assert "customers.html" not in (tmp_path / "none" / "index.html").read_text("utf-8")
