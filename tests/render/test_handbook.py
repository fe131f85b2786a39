"""The handbook site built from the shipped processes: what each page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flowkit.render.atomic import MARKER
from flowkit.render.handbook import build_handbook
from tests.render.handbook_help import (
    EN_COLUMNS,
    ZH_COLUMNS,
    fake_svg,
    shipped,
    shipped_one,
)
from tests.render.htmlpage import Page, read

PROCESS_IDS = sorted(p.id for p in shipped())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook") / "site"
    build_handbook(shipped(), out, diagram=fake_svg)
    return out


@pytest.fixture(scope="module")
def site_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook-en") / "site"
    build_handbook(shipped(), out, lang="en", diagram=fake_svg)
    return out


def test_the_site_has_every_page(site: Path) -> None:
    lanes = {lane.id for p in shipped() for lane in p.lanes}
    expected = {
        "index.html",
        "raci.html",
        "documents.html",
        "backlog.html",
        "faq.html",
        "manual.html",
        "handbook.css",
        *(f"processes/{pid}.html" for pid in PROCESS_IDS),
        *(f"roles/{lane}.html" for lane in lanes),
    }
    found = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert found == {*expected, MARKER}  # the marker lets the next render replace the folder


def test_build_returns_the_files_written_sorted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    written = build_handbook(shipped(), out, diagram=fake_svg)
    assert written == sorted(written)
    assert {*written, out / MARKER} == {p for p in out.rglob("*") if p.is_file()}


def test_index_lists_every_process_with_its_status(site: Path) -> None:
    page = read(site / "index.html")
    assert "销售业务流程手册" in page.text
    table = page.table("processes")
    assert table.head == ["流程", "编号", "版本", "状态", "说明"]
    for p in shipped():
        row = table.row(p.name)
        assert row[1:3] == [p.id, p.version]
        assert f"processes/{p.id}.html" in page.hrefs
    assert table.row("方案型销售流程")[3] == "试点：华东一组、华南二组"
    assert table.row("标准销售流程")[3] == "正式运行"
    for target in ("raci.html", "documents.html", "backlog.html", "faq.html", "manual.html"):
        assert target in page.hrefs
    assert "roles/consultant.html" in page.hrefs


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_process_page_shows_every_node_lane_document_and_pain_point(site: Path, pid: str) -> None:
    process = shipped_one(pid)
    page = read(site / "processes" / f"{pid}.html")
    for node in process.nodes:
        assert node.name in page.text, node.id
    for lane in process.lanes:
        assert lane.name in page.text, lane.id
    for doc in process.documents:
        assert doc.name in page.text, doc.id
    for node in process.nodes:
        for pain in node.pain_points:
            assert pain.problem in page.text
            assert pain.improvement in page.text
    steps = [n for n in process.nodes if n.type in ("task", "decision")]
    assert {n.id for n in steps} <= page.ids  # a section per step, anchored by node id


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_mapping_table_has_exactly_the_template_columns(site: Path, pid: str) -> None:
    process = shipped_one(pid)
    table = read(site / "processes" / f"{pid}.html").table("mapping")
    assert table.head == (EN_COLUMNS if process.locale == "en" else ZH_COLUMNS)
    steps = [n.name for n in process.nodes if n.type in ("task", "decision")]
    assert [r[0] for r in table.rows] == steps


def test_english_process_page_is_in_english(site: Path) -> None:
    page = read(site / "processes" / "standard-sales-en.html")
    assert page.html_lang == "en"
    assert page.table("mapping").head == EN_COLUMNS
    row = page.table("mapping").row("Delivery and collection")
    assert row[1] == "Customer service+Finance"
    assert row[3] == "Collection tracking sheet"
    assert row[4] == "30 days from delivered"
    assert "within 30 days from Delivered" in page.text


def test_template_row_of_collection(site: Path) -> None:
    """The template's 售后回款 row: 客服专员+财务, 《回款跟踪表》, 交付后30天内."""
    table = read(site / "processes" / "standard-sales.html").table("mapping")
    row = dict(zip(table.head, table.row("售后回款"), strict=True))
    assert row["责任角色"] == "客服专员+财务"
    assert row["时间要求"] == "交付后30天内"
    assert row["输出物"] == "《回款跟踪表》"
    assert row["动作标准"] == "跟踪交付进度,催收款项"
    assert row["痛点描述"] == "客户对交付质量不满"
    assert row["优化建议"] == "增加交付前客户确认环节"


def test_outputs_are_joined_with_the_chinese_enumeration_comma(site: Path) -> None:
    table = read(site / "processes" / "solution-sales.html").table("mapping")
    assert table.row("客户开发")[3] == "《客户基础信息表》、《客户跟进记录》"


def test_step_sections_say_the_sla_in_plain_words(site: Path) -> None:
    text = read(site / "processes" / "standard-sales.html").text
    assert "进入本环节后24小时内完成；到期前4小时预警" in text
    assert "进入本环节后3个工作日内完成（按 cn 工作日历）；时限过去80%时预警" in text
    assert "交付后30天内完成；到期前5天预警" in text
    assert "持续进行；每周至少2次拜访" in text
    assert "小客户缩短跟进周期（当 客户规模 = 个体工商户 时）：进入本环节后14天内完成" in text
    assert "A级客户由销售经理亲自跟进（当 客户等级 = A 时）：每周至少3次拜访" in text


def test_step_sections_show_routes(site: Path) -> None:
    text = read(site / "processes" / "standard-sales.html").text
    assert "小额合同：当 合同金额 < 100000元 时 → 经理审批" in text
    assert "大客户：当 客户规模 = 大型企业 时 → 大客户快速审批" in text
    assert "其他合同：其他情况 → 法务审核" in text
    assert "有效 → 商机跟进" in text
    assert "无效 → 无效线索（结束）" in text
    assert "下一步 → 线索初筛" in text


def test_step_sections_show_steps_inputs_and_pain_status(site: Path) -> None:
    page = (site / "processes" / "standard-sales.html").read_text(encoding="utf-8")
    section = page[page.index('id="collection"') :]
    section = section[: section.index("</section>")]
    text = Page(section).text
    for step in ("开具发票", "跟踪回款", "逾期催收", "确认到账"):
        assert step in text
    assert "《销售合同》、《交付确认单》" in text
    assert "客户对交付质量不满 → 增加交付前客户确认环节 已采纳" in text
    assert "<ol" in section


def test_process_page_inlines_the_diagram_in_a_figure(site: Path) -> None:
    html = (site / "processes" / "standard-sales.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure class="diagram">') :]
    assert figure.index('<svg data-process="standard-sales" data-lang="zh-CN">') < figure.index(
        "</figure>"
    )


def test_process_faq_links_to_the_process_that_handles_it(site: Path) -> None:
    page = read(site / "processes" / "standard-sales.html")
    assert "客户投诉怎么处理？" in page.text
    assert "complaint-handling.html" in page.hrefs
    assert "#lead_capture" in page.hrefs


def test_process_page_has_its_own_backlog(site: Path) -> None:
    table = read(site / "processes" / "standard-sales.html").table("backlog")
    assert [r[2] for r in table.rows] == [
        "线索重复率高",
        "联系方式无效",
        "客户需求不明确",
        "审批流程冗长",
        "跨部门审批需5个工作日",
        "客户对交付质量不满",
    ]


def test_lang_en_switches_a_chinese_process_to_english_chrome(site_en: Path) -> None:
    page = read(site_en / "processes" / "standard-sales.html")
    assert page.html_lang == "en"
    table = page.table("mapping")
    assert table.head == EN_COLUMNS
    assert table.row("售后回款")[4] == "交付后30天内"  # the phrase as written stays
    assert "within 30 days from 交付; warn 5 days before the deadline" in page.text
    assert "within 3 business days of entering this step (cn calendar)" in page.text
    assert "ongoing; at least 2 visits per week" in page.text
    assert "流程梳理表" not in page.text
    index = read(site_en / "index.html")
    assert "Sales Process Handbook" in index.text
    assert "Pilot: 华东一组, 华南二组" in index.text


def test_role_page_lists_what_the_role_does_everywhere(site: Path) -> None:
    page = read(site / "roles" / "consultant.html")
    table = page.table("role-steps")
    steps = {(r[0], r[1]): r[2] for r in table.rows}
    assert steps[("标准销售流程", "线索初筛")] == "R"
    assert steps[("标准销售流程", "商机跟进")] == "R"
    assert steps[("方案型销售流程", "需求对接")] == "C"
    assert "销售顾问" in page.text and "Sales consultant" in page.text  # every name it has
    screening = next(r for r in table.rows if r[1] == "线索初筛" and r[0] == "标准销售流程")
    assert screening[5].startswith("24小时内")
    assert "进入本环节后24小时内完成" in screening[5]


@pytest.mark.parametrize(
    ("page", "steps"),
    [
        ("roles/consultant.html", ("流程手册解读", "档案填写规范", "案例演练")),
        ("roles/finance.html", ("流程手册解读", "档案填写规范", "案例演练")),
    ],
)
def test_role_page_lists_the_training_path_of_new_hires(
    site: Path, site_en: Path, page: str, steps: tuple[str, ...]
) -> None:
    text = read(site / page).text
    assert "新员工培训路径" in text and "不得单独负责A级客户" in text
    assert [text.index(step) for step in steps] == sorted(text.index(step) for step in steps)
    english = read(site_en / page).text
    assert "Training path for new hires" in english and "Case practice" in english


def test_finance_role_is_consulted_on_collection(site: Path) -> None:
    table = read(site / "roles" / "finance.html").table("role-steps")
    rows = {(r[0], r[1]): r[2] for r in table.rows}
    assert rows == {
        ("标准销售流程", "售后回款"): "C",
        ("Standard sales process", "Delivery and collection"): "C",
    }


def test_raci_matrix_marks_responsible_and_consulted(site: Path) -> None:
    page = read(site / "raci.html")
    tables = [t for t in page.tables if "raci-matrix" in t.cls.split()]
    assert len(tables) == len(PROCESS_IDS)
    standard = next(t for t in tables if "客服专员" in t.head and "市场专员" in t.head)
    row = dict(zip(standard.head, standard.row("售后回款"), strict=True))
    assert row["客服专员"] == "R"
    assert row["财务"] == "C"
    assert {k for k, v in row.items() if v and k != "流程环节"} == {"客服专员", "财务"}
    assert "R" in page.text and "负责" in page.text and "协同" in page.text  # the legend


def test_documents_catalogue_says_who_produces_and_needs_each(site: Path) -> None:
    page = read(site / "documents.html")
    tables = [t for t in page.tables if "documents" in t.cls.split()]
    standard = next(t for t in tables if any(r[0] == "《回款跟踪表》" for r in t.rows))
    assert standard.row("《回款跟踪表》")[1] == "售后回款"
    assert standard.row("《交付确认单》")[1:3] == ["交付实施", "售后回款"]
    assert standard.row("《线索信息清单》")[3] == "templates/线索信息清单.xlsx"
    names = {r[0].split("\n")[0] for t in tables for r in t.rows}
    for p in shipped():
        for d in p.documents:
            assert any(d.name in n for n in names), d.name


def test_backlog_has_every_pain_point(site: Path) -> None:
    table = read(site / "backlog.html").table("backlog")
    assert table.head == ["流程", "环节", "角色", "痛点描述", "优化建议", "状态"]
    expected = [
        (p.name, n.name, p.lane_by_id[n.lane or ""].name, pain.problem, pain.improvement)
        for p in sorted(shipped(), key=lambda p: p.id)
        for n in p.nodes
        for pain in n.pain_points
    ]
    assert [tuple(r[:5]) for r in table.rows] == expected
    statuses = {r[3]: r[5] for r in table.rows}
    assert statuses["线索重复率高"] == "已采纳"
    assert statuses["联系方式无效"] == "待评估"


def test_faq_page_has_every_entry(site: Path) -> None:
    page = read(site / "faq.html")
    for p in shipped():
        for f in p.faq:
            assert f.question in page.text
            assert f.answer in page.text
    assert "processes/complaint-handling.html" in page.hrefs


def test_manual_holds_everything_in_one_document(site: Path) -> None:
    html = (site / "manual.html").read_text(encoding="utf-8")
    page = Page(html)
    for pid in PROCESS_IDS:
        assert f"process-{pid}" in page.ids
        assert f'<section class="chapter process-section" id="process-{pid}"' in html
    assert {"roles", "raci", "documents", "backlog", "faq"} <= page.ids
    assert "standard-sales.collection" in page.ids  # steps anchored per process
    assert "#standard-sales.collection" in page.hrefs
    assert len([t for t in page.tables if "mapping" in t.cls.split()]) == len(PROCESS_IDS)
    assert html.count('<figure class="diagram">') == len(PROCESS_IDS)
    assert "目录" in page.text


def test_every_link_of_the_site_leads_somewhere(site: Path) -> None:
    """Relative hrefs resolve to a file, and a #fragment to an id on that page."""
    pages = {p: read(p) for p in site.rglob("*.html")}
    for path, page in pages.items():
        for href in page.hrefs + page.srcs:
            assert not re.match(r"[a-z]+:", href), f"{path}: external link {href}"
            file, _, fragment = href.partition("#")
            target = (path.parent / file).resolve() if file else path
            assert target.is_file(), f"{path.relative_to(site)}: broken link {href}"
            if fragment:
                assert fragment in pages[target].ids, f"{path.relative_to(site)}: no #{fragment}"


def test_pages_need_no_javascript_and_declare_utf8(site: Path) -> None:
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert Page(html).script_tags == 0
        assert html.startswith("<!DOCTYPE html>")
        assert '<meta charset="utf-8">' in html
        assert html.count('rel="stylesheet"') == 1


def test_footer_shows_source_version_and_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []

    def fake_git(folder: Path, *args: str) -> str | None:
        calls.append(args)
        return "processes/\n0123456789ab" if args[0] == "rev-parse" else " M standard-sales.yaml"

    monkeypatch.setattr("flowkit.render.gitinfo._git", fake_git)
    process = shipped_one("standard-sales")
    build_handbook([process], tmp_path / "site", diagram=fake_svg)
    page = read(tmp_path / "site" / "processes" / "standard-sales.html")
    table = page.table("sources")
    assert table.head == ["源文件", "版本", "提交"]
    assert table.rows == [["processes/standard-sales.yaml", "1.1.0", "0123456789ab+修改"]]
    assert ("rev-parse", "--show-prefix", "--short=12", "HEAD") in calls
    assert ("status", "--porcelain", "--", "standard-sales.yaml") in calls


def test_footer_of_the_shipped_processes_names_a_commit_or_says_not_in_git(site: Path) -> None:
    table = read(site / "index.html").table("sources")
    assert len(table.rows) == len(PROCESS_IDS)
    for source, version, commit in table.rows:
        assert source.endswith(".yaml")
        assert re.fullmatch(r"\d+\.\d+\.\d+", version)
        assert re.fullmatch(r"[0-9a-f]{12}(\+修改)?|未提交到 git", commit), commit


def test_css_prints_on_a4_without_splitting_rows(site: Path) -> None:
    css = (site / "handbook.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert "margin: 15mm" in css
    assert "@media print" in css
    assert "break-inside: avoid" in css
    assert "break-before: page" in css
    assert "display: table-header-group" in css
    assert "max-width: 100%" in css
    assert '"Noto Sans CJK SC"' in css and '"Microsoft YaHei"' in css
    assert "overflow-x: auto" in css
