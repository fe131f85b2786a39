"""Screenshots of the workspace's main pages for the README (docs/images/workspace-*.png).

Not test oracles: they show what the pages look like on the demo data. Run:
    .venv/bin/python scripts/screenshots.py
It fills a demo database in a temporary folder, gives li.lei and wang.fang a password, runs
the workspace on a free port and lets Debian's Chromium (Playwright) photograph a phone-size
workbench and opportunity and a desktop team board.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.server import serving  # noqa: E402

from flowkit.access.accounts import Accounts  # noqa: E402
from flowkit.access.guard import SYSTEM, Access  # noqa: E402
from flowkit.demo import fill  # noqa: E402
from flowkit.lang.times import parse_time  # noqa: E402
from flowkit.tracking.tracker import open_tracker  # noqa: E402
from flowkit.web.workspace import Settings  # noqa: E402

NOW = "2026-11-27T10:00+08:00"
OUT = ROOT / "docs" / "images"


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="flowkit-shots-"))
    db = folder / "demo.db"
    now = parse_time(NOW)
    tracker = open_tracker(str(db), [ROOT / "processes"], None, lambda: now)
    fill(tracker, now)
    password = secrets.token_urlsafe(12)
    accounts = Accounts(tracker.store, tracker.people, Access(tracker.people, SYSTEM))
    for person in ("li.lei", "wang.fang"):
        accounts.set_password(person, password, now)
    tracker.store.close()
    settings = Settings(db=str(db), processes=ROOT / "processes", fixed_now=NOW)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with serving(settings) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        phone = browser.new_context(
            viewport={"width": 375, "height": 812}, device_scale_factor=2, locale="zh-CN"
        )
        page = _logged_in(phone.new_page(), url, "li.lei", password)
        page.screenshot(path=OUT / "workspace-workbench.png", full_page=False)
        first = page.locator("ul.alerts a").first
        first.click()
        page.screenshot(path=OUT / "workspace-opportunity.png", full_page=False)
        desk = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        board = _logged_in(desk.new_page(), url, "wang.fang", password, "/team")
        board.screenshot(path=OUT / "workspace-team.png", full_page=False)
        browser.close()
    shutil.rmtree(folder)
    print("written:", *sorted(p.name for p in OUT.glob("workspace-*.png")))


def _logged_in(page, url: str, person: str, password: str, then: str = "/workbench"):  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login?next={then}")
    page.fill("input[name=person]", person)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


if __name__ == "__main__":
    main()
