"""The workspace in a real browser on a phone-size screen: Debian's Chromium driven by
Playwright (its own browser is never downloaded) against a live server. A consultant logs in,
sees the late deal, logs today's visit and moves the deal on, and it leaves their late list;
their manager sees it on the team board; another team's customer is not found."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from flowkit.web.workspace import Settings
from tests.web.conftest import NOW_TEXT, PASSWORD, Site
from tests.web.server import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PHONE = {"width": 375, "height": 812}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


@pytest.fixture
def base_url(site: Site) -> Iterator[str]:
    settings = Settings(db=str(site.db), processes=site.folder / "processes", fixed_now=NOW_TEXT)
    with serving(settings) as url:
        yield url


def test_a_consultant_on_a_phone_logs_a_visit_and_moves_the_deal_on(
    site: Site, base_url: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    number = site.opportunity["li.lei"]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        page = phone.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))

        page.goto(base_url + "/workbench")
        page.fill("input[name=person]", "li.lei")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        late = page.locator("section.card").first
        assert "我的工作台" in page.title()
        assert late.locator(f"a[href='/opportunities/{number}']").count() == 1
        assert _fits(page), "the workbench scrolls sideways on a phone"

        late.locator(f"a[href='/opportunities/{number}']").click()
        page.select_option("select[name=method]", "visit")
        page.fill("textarea[name=content]", "上门拜访，客户确认预算 50 万")
        page.click("form[action$='/log'] button[type=submit]")
        assert page.locator(".done").is_visible()
        assert page.locator("text=上门拜访，客户确认预算 50 万").count() >= 1
        page.click("form[action$='/advance'] button[value='有效']")
        assert page.locator("h2", has_text="商机跟进").count() == 1
        assert _fits(page), "the opportunity page scrolls sideways on a phone"

        page.goto(base_url + "/workbench")
        late = page.locator("section.card").first
        assert late.locator(f"a[href='/opportunities/{number}']").count() == 0

        page.goto(base_url + f"/customers/{site.customer['huang.lei']}")
        assert page.locator(".error").is_visible()
        assert "huang.lei的客户公司" not in page.content()

        boss = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        board = boss.new_page()
        board.goto(base_url + "/login?next=/team")
        board.fill("input[name=person]", "wang.fang")
        board.fill("input[name=password]", PASSWORD)
        board.click("button[type=submit]")
        row = board.locator("tr", has_text="李雷").first
        assert row.locator("td.late").inner_text() == "0"  # the late deal moved on
        browser.close()
    assert problems == []


def _fits(page: object) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    return bool(width <= 375 + 1)
