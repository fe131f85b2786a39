"""The review pack in a real browser: Debian's Chromium through Playwright (no download).
Every chart loads, and printed on A4 no table is cut at the page's edge nor split
through a row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowkit.cli import main
from tests.render.test_browser import ARGS
from tests.review.fixture_month import build

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
A4 = (595, 842)  # points, as a PDF's MediaBox gives them (210 × 297 mm)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (scripts/setup.sh test)"
)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    build(folder / "t.db", ROOT / "processes")
    base = ["--db", str(folder / "t.db"), "--processes", str(ROOT / "processes")]
    args = [*base, "--now", "2026-12-02T09:00", "review", "--month", "2026-11"]
    result = CliRunner().invoke(main, [*args, "-o", str(folder / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "out"


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_every_chart_loads_and_the_printed_tables_fit_the_page(pack: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.goto((pack / "review-2026-11.html").as_uri())
        images = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
        )
        too_wide = page.eval_on_selector_all(
            "table",
            "ts => ts.filter(t => t.scrollWidth > t.parentElement.clientWidth + 1 "
            "|| t.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1)"
            ".map(t => t.id)",
        )
        rows_kept = page.eval_on_selector_all(
            "tr", "rs => rs.every(r => getComputedStyle(r).breakInside === 'avoid')"
        )
        headings = page.locator("h2").all_inner_texts()
        pdf = page.pdf(prefer_css_page_size=True)
        browser.close()
    assert problems == []
    assert len(images) >= 8
    assert [src for src, complete, width in images if not complete or width == 0] == []
    assert too_wide == []
    assert rows_kept is True  # a row is never split across two pages
    assert headings[:3] == ["核心指标", "绩效考核得分", "商机卡在哪里"]
    pages = _pages(pdf)
    assert len(pages) >= 3 and all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in pages)


def test_the_command_prints_an_a4_pdf_with_chromium(pack: Path) -> None:
    pdf = (pack / "review-2026-11.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    assert len(pages) >= 3 and all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in pages)
