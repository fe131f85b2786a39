"""The handbook in a real browser: Debian's Chromium driven by Playwright, no download."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "build" / "screenshots"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (scripts/setup.sh test)"
    ),
    pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz is not installed"),
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "handbook"
    result = CliRunner().invoke(
        main, ["render", str(ROOT / "processes"), "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out


def test_process_page_shows_diagram_and_tables_without_errors(handbook: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
        page.goto((handbook / "processes" / "standard-sales.html").as_uri())
        diagram = page.locator("figure.diagram svg").first
        assert diagram.is_visible()
        box = diagram.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("svg text", has_text="线索初筛").count() >= 1
        table = page.locator("table", has_text="流程环节").first
        assert table.is_visible()
        assert table.locator("th").all_inner_texts()[:7] == [
            "流程环节",
            "责任角色",
            "动作标准",
            "输出物",
            "时间要求",
            "痛点描述",
            "优化建议",
        ]
        assert table.locator("tr", has_text="售后回款").first.is_visible()
        figure = page.locator("figure.diagram").first.bounding_box()
        assert figure is not None and box["width"] > figure["width"]  # actual size, scrolled
        page.locator("label.fit-label").first.click()
        fitted = diagram.bounding_box()
        assert fitted is not None and fitted["width"] <= figure["width"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "standard-sales.png"), full_page=True)
        page.goto((handbook / "index.html").as_uri())
        assert page.locator("a", has_text="标准销售流程").first.is_visible()
        page.emulate_media(media="print")
        page.goto((handbook / "manual.html").as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
        browser.close()
    assert problems == []
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    pages = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    landscape = [p for p in pages if float(p[0]) > float(p[1])]
    # each wide diagram prints as slices, one A4 landscape page each (text stays portrait)
    tiles = (handbook / "manual.html").read_text("utf-8").count('class="diagram-tile"')
    assert tiles > 4 and len(landscape) == tiles
    assert len(pages) > len(landscape)


def test_a_tall_diagram_prints_one_landscape_page_per_tile(tmp_path: Path) -> None:
    from flowkit.render.handbook import build_handbook
    from tests.render.procgen import generated

    sync_api = pytest.importorskip("playwright.sync_api")
    build_handbook([generated(30, 12, seed=2)], tmp_path / "h")
    manual = tmp_path / "h" / "manual.html"
    tiles = manual.read_text("utf-8").count('class="diagram-tile"')
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.emulate_media(media="print")
        page.goto(manual.as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
        browser.close()
    pages = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    landscape = [p for p in pages if float(p[0]) > float(p[1])]
    assert tiles > 2 and len(landscape) == tiles  # rows of lanes, each slice a page
