"""The workspace's pages as a person uses them: logging in (and being kept out), the
workbench, a follow-up and an advance through the forms, what another team's URL shows,
a change made meanwhile by someone else, single sign-on, the language switch, reloading
the process files, and what a fault looks like."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from flowkit.access.accounts import LOCK_AFTER, Accounts
from flowkit.access.guard import SYSTEM, Access
from flowkit.tracking.tracker import open_tracker
from tests.web.conftest import NOW, PASSWORD, Site, csrf_of, login


def accounts_of(site: Site) -> Accounts:
    tracker = open_tracker(str(site.db), [site.folder / "processes"], None, lambda: NOW)
    return Accounts(tracker.store, tracker.people, Access(tracker.people, SYSTEM))


def test_a_page_without_a_session_sends_to_the_login(client: Callable[..., TestClient]) -> None:
    answer = client().get("/workbench", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/workbench"


def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(
    client: Callable[..., TestClient],
) -> None:
    for secure in (False, True):
        browser = client(secure_cookies=secure)
        browser.base_url = browser.base_url.copy_with(scheme="https" if secure else "http")
        form = browser.get("/login")
        done = browser.post(
            "/login",
            data={"person": "li.lei", "password": PASSWORD, "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )
        cookie = done.headers["set-cookie"]
        assert "flowkit_session=" in cookie and "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert ("Secure" in cookie) == secure


def test_a_wrong_password_says_nothing_about_the_name(client: Callable[..., TestClient]) -> None:
    browser = client()
    browser.headers["Accept-Language"] = "en"
    answers = []
    for person in ("li.lei", "nobody.here"):
        form = browser.get("/login")
        answers.append(
            browser.post(
                "/login",
                data={"person": person, "password": "wrong one!", "csrf": csrf_of(form.text)},
            )
        )
    assert [a.status_code for a in answers] == [401, 401]
    assert all("wrong name or password" in a.text for a in answers)


def test_repeated_failures_lock_the_account(site: Site, client: Callable[..., TestClient]) -> None:
    browser = client()
    browser.headers["Accept-Language"] = "en"
    for _ in range(LOCK_AFTER):
        form = browser.get("/login")
        browser.post(
            "/login",
            data={"person": "li.lei", "password": "guess guess", "csrf": csrf_of(form.text)},
        )
    form = browser.get("/login")
    locked = browser.post(
        "/login", data={"person": "li.lei", "password": PASSWORD, "csrf": csrf_of(form.text)}
    )
    assert locked.status_code == 401
    assert "too many failed logins" in locked.text
    accounts_of(site).unlock("li.lei")
    login(browser, "li.lei")  # an admin's unlock lets the right password in again


def test_a_login_form_posted_from_elsewhere_is_refused(client: Callable[..., TestClient]) -> None:
    browser = client()
    browser.headers["Accept-Language"] = "en"
    forged = browser.post("/login", data={"person": "li.lei", "password": PASSWORD, "csrf": "x"})
    assert forged.status_code == 401
    assert "flowkit_session" not in forged.headers.get("set-cookie", "")


def test_the_workbench_lists_my_late_timer_and_not_others(
    site: Site, client: Callable[..., TestClient]
) -> None:
    page = client("li.lei").get("/workbench")
    assert page.status_code == 200
    assert f"#{site.opportunity['li.lei']} li.lei的商机" in page.text
    assert "huang.lei的商机" not in page.text and "han.meimei的商机" not in page.text
    assert "2026-11-27 10:00" in page.text  # the moment it shows (截至 …)


def test_a_follow_up_and_an_advance_through_the_forms(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    number = site.opportunity["li.lei"]
    page = browser.get(f"/opportunities/{number}")
    assert "线索初筛" in page.text
    logged = browser.post(
        f"/opportunities/{number}/log",
        data={"csrf": csrf_of(page.text), "method": "visit", "content": "上门拜访，确认预算"},
        follow_redirects=False,
    )
    assert logged.status_code == 303
    page = browser.get(logged.headers["location"])
    assert "上门拜访，确认预算" in page.text
    revision = re.search(r'name="revision" value="(\d+)"', page.text)
    assert revision
    moved = browser.post(
        f"/opportunities/{number}/advance",
        data={"csrf": csrf_of(page.text), "revision": revision.group(1), "outcome": "有效"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert "商机跟进" in browser.get(f"/opportunities/{number}").text
    bench = browser.get("/workbench").text
    assert f"#{number} li.lei的商机" not in bench.split("<h2>")[1]  # no longer late


def test_a_form_on_a_page_opened_before_someone_else_changed_it_is_refused(
    site: Site, client: Callable[..., TestClient]
) -> None:
    mine, boss = client("li.lei"), client("wang.fang")
    number = site.opportunity["li.lei"]
    for browser in (mine, boss):
        browser.headers["Accept-Language"] = "en"
    seen = mine.get(f"/opportunities/{number}").text
    other = boss.get(f"/opportunities/{number}").text
    revision = re.search(r'name="revision" value="(\d+)"', other)
    assert revision
    boss.post(
        f"/opportunities/{number}/risk",
        data={
            "csrf": csrf_of(other),
            "revision": revision.group(1),
            "flag": "on",
            "note": "预算冻结",
        },
    )
    stale = mine.post(
        f"/opportunities/{number}/advance",
        data={"csrf": csrf_of(seen), "revision": revision.group(1), "outcome": "有效"},
    )
    assert stale.status_code == 409
    assert "changed since you opened it" in stale.text
    assert "线索初筛" in mine.get(f"/opportunities/{number}").text  # not moved


def test_another_teams_customer_url_is_not_found(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    assert browser.get(f"/customers/{site.customer['li.lei']}").status_code == 200
    assert browser.get(f"/customers/{site.customer['huang.lei']}").status_code == 404
    assert browser.get("/customers/C99999").status_code == 404  # the same answer
    other = browser.get(f"/opportunities/{site.opportunity['huang.lei']}")
    assert other.status_code == 404
    assert "huang.lei的商机" not in other.text


def test_a_post_without_the_csrf_token_is_refused(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    number = site.opportunity["li.lei"]
    forged = browser.post(
        f"/opportunities/{number}/log", data={"method": "visit", "content": "伪造的拜访"}
    )
    assert forged.status_code == 422
    assert "伪造的拜访" not in browser.get(f"/opportunities/{number}").text.split("History")[-1]


def test_manager_sees_the_team_board_with_their_people(
    site: Site, client: Callable[..., TestClient]
) -> None:
    board = client("wang.fang").get("/team")
    assert board.status_code == 200
    assert "李雷" in board.text and "黄磊" not in board.text


def test_logout_everywhere_ends_the_other_sessions(client: Callable[..., TestClient]) -> None:
    phone, laptop = client("li.lei"), client("li.lei")
    page = laptop.get("/account")
    laptop.post("/logout/everywhere", data={"csrf": csrf_of(page.text)})
    assert phone.get("/workbench", follow_redirects=False).status_code == 303
    assert laptop.get("/workbench", follow_redirects=False).status_code == 303


def test_an_invitation_sets_a_password_once(site: Site, client: Callable[..., TestClient]) -> None:
    secret = accounts_of(site).invite("han.meimei", NOW - timedelta(hours=1))
    browser = client()
    form = browser.get(f"/invite/{secret}")
    assert form.status_code == 200 and "韩梅梅" in form.text
    done = browser.post(
        f"/invite/{secret}",
        data={
            "csrf": csrf_of(form.text),
            "password": "梅梅的新密码要足够长才行",
            "again": "梅梅的新密码要足够长才行",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert browser.get("/api/v1/me").json()["id"] == "han.meimei"
    assert client().get(f"/invite/{secret}").status_code == 404  # used


def test_single_sign_on_only_from_the_proxy_address(
    site: Site, client: Callable[..., TestClient]
) -> None:
    header = {"X-Forwarded-User": "li.lei"}
    trusted = client(proxy_header="X-Forwarded-User", proxy_addresses=("testclient",))
    assert trusted.get("/api/v1/me", headers=header).json()["id"] == "li.lei"
    elsewhere = client(proxy_header="X-Forwarded-User", proxy_addresses=("10.0.0.9",))
    assert elsewhere.get("/api/v1/me", headers=header).status_code == 401
    off = client()
    assert off.get("/api/v1/me", headers=header).status_code == 401


def test_the_language_switch(client: Callable[..., TestClient]) -> None:
    browser = client("li.lei")
    browser.get("/lang/en?next=/workbench")
    assert "My workbench" in browser.get("/workbench").text
    browser.get("/lang/zh-CN?next=/workbench")
    assert "我的工作台" in browser.get("/workbench").text


def test_pages_send_security_headers(client: Callable[..., TestClient]) -> None:
    answer = client().get("/login")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert "cdn" not in answer.text.lower()


def test_a_broken_edit_of_the_processes_keeps_the_last_good_set(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("admin.it")
    workspace = browser.app.state.workspace  # type: ignore[attr-defined]
    process = site.folder / "processes" / "standard-sales.yaml"
    before = process.read_text(encoding="utf-8")
    try:
        process.write_text(before.replace("lanes:", "lanes: [", 1), encoding="utf-8")
        workspace.refresh(force=True)
        assert workspace.reload_error
        assert browser.get(f"/opportunities/{site.opportunity['li.lei']}").status_code == 200
        assert "not valid" in browser.get("/admin", headers={"Accept-Language": "en"}).text
    finally:
        process.write_text(before, encoding="utf-8")
        workspace.refresh(force=True)
    assert workspace.reload_error == ""


def test_a_database_that_fails_is_a_503_page_not_a_traceback(
    site: Site, client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the driver raises when the server went away or the file stays locked."""
    browser = client("li.lei")
    store = browser.app.state.workspace.tracker.store  # type: ignore[attr-defined]

    @contextmanager
    def gone() -> Iterator[None]:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        yield

    monkeypatch.setattr(store, "read", gone)
    monkeypatch.setattr(store, "reading", lambda current=True: gone())
    for path in ("/workbench", "/api/v1/opportunities"):
        answer = browser.get(path, headers={"Accept-Language": "en"})
        assert answer.status_code == 503
        assert "busy or unreachable" in answer.text
        assert "Traceback" not in answer.text and "server closed" not in answer.text


def test_the_request_log_names_no_search_and_no_secret(
    site: Site, client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    browser = client("li.lei")
    with caplog.at_level("INFO", logger="flowkit.web"):
        browser.get("/customers?q=li.lei的客户公司")
        browser.get("/api/v1/me", headers={"Authorization": f"Bearer {site.tokens['li.lei']}"})
    lines = [r.getMessage() for r in caplog.records if r.name == "flowkit.web"]
    assert any("li.lei GET /customers 200" in line for line in lines)
    assert not any("客户公司" in line or site.tokens["li.lei"] in line for line in lines)


def test_the_whole_list_of_my_alerts_a_page_at_a_time(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    page = browser.get("/alerts")
    assert page.status_code == 200
    assert f"#{site.opportunity['li.lei']} li.lei的商机" in page.text
    assert "huang.lei的商机" not in page.text
    tonight = browser.get("/alerts?as_of=today")
    assert tonight.status_code == 200 and "截至今天下班" in tonight.text


def test_a_customer_edit_says_what_is_wrong_beside_each_field(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    browser.headers["Accept-Language"] = "en"
    target = f"/customers/{site.customer['li.lei']}"
    page = browser.get(target)
    refused = browser.post(
        target + "/edit",
        data={
            "csrf": csrf_of(page.text),
            "address": "杭州市西湖区",
            "first_contact": "2026-13-45",
            "stage": "maybe",
        },
    )
    assert refused.status_code == 422
    errors = re.findall(
        r'<input name="(\w+)"[^>]*aria-invalid[^>]*>\s*<span class="field-error"', refused.text
    )
    assert set(errors) == {"first_contact", "stage"}
    assert 'value="杭州市西湖区"' in refused.text  # what was typed is kept
    assert "杭州市西湖区" not in browser.get(target).text  # and nothing was saved
    done = browser.post(
        target + "/edit", data={"csrf": csrf_of(page.text), "address": "杭州市西湖区"}
    )
    assert done.status_code == 200 and "杭州市西湖区" in done.text


def test_contacts_are_added_changed_and_removed_on_the_customer_page(
    site: Site, client: Callable[..., TestClient]
) -> None:
    """A consultant keeps the profile's contacts current from a phone: a new contact, a
    promotion (the same name, a new title and mobile), and one who left; each change is in
    the profile's history. A comma inside a part is refused above the form."""
    browser = client("li.lei")
    target = f"/customers/{site.customer['li.lei']}"
    csrf = csrf_of(browser.get(target).text)
    added = {
        "csrf": csrf,
        "contact_name": "王五",
        "contact_title": "采购经理",
        "contact_mobile": "13912345678",
        "contact_email": "wangwu@example.com",
        "contact_role": "决策人",
    }
    page = browser.post(target + "/contact", data=added)
    assert page.status_code == 200 and "13912345678" in page.text and "采购经理" in page.text
    promoted = {**added, "contact_title": "采购总监", "contact_mobile": "13987654321"}
    page = browser.post(target + "/contact", data=promoted)
    assert "采购总监" in page.text and "13987654321" in page.text
    assert "采购经理" not in page.text.split("Change history")[0].split("变更记录")[0]
    assert page.text.count(">王五 ") == 1, "the same contact, changed: not a second one"
    refused = browser.post(target + "/contact", data={**added, "contact_title": "经理,采购"})
    assert refused.status_code == 422 and "经理,采购" in refused.text
    gone = browser.post(target + "/remove-contact", data={"csrf": csrf, "contact": "王五"})
    assert gone.status_code == 200 and "13987654321" not in gone.text.split("变更记录")[0]
    other = browser.post(
        f"/customers/{site.customer['huang.lei']}/contact", data={**added, "csrf": csrf}
    )
    assert other.status_code == 404, "another team's customer: not found, not changed"


def test_the_name_and_keywords_are_edited_with_the_rest(
    site: Site, client: Callable[..., TestClient]
) -> None:
    browser = client("li.lei")
    target = f"/customers/{site.customer['li.lei']}"
    csrf = csrf_of(browser.get(target).text)
    page = browser.post(
        target + "/edit", data={"csrf": csrf, "name": "杭州新名有限公司", "keywords": "ERP、云服务"}
    )
    assert page.status_code == 200
    assert "<h1>杭州新名有限公司</h1>" in page.text and "ERP、云服务" in page.text


def test_a_deal_is_closed_lost_with_a_reason_offered_by_the_process(
    site: Site, client: Callable[..., TestClient]
) -> None:
    """The close form offers the process's lost reasons (丢单原因) by code and name, keeps
    what was typed when the reason is refused, and takes a note in the person's words."""
    browser = client("li.lei")
    number = site.opportunity["li.lei"]
    page = browser.get(f"/opportunities/{number}")
    assert '<option value="price">价格过高</option>' in page.text
    form = {"csrf": csrf_of(page.text), "result": "lost", "reason": "太贵", "note": "比竞品贵15%"}
    refused = browser.post(f"/opportunities/{number}/close", data=form)
    assert refused.status_code == 422 and 'value="比竞品贵15%"' in refused.text
    closed = browser.post(f"/opportunities/{number}/close", data={**form, "reason": "价格过高"})
    assert closed.status_code == 200
    shown = browser.get(f"/api/v1/opportunities/{number}").json()["item"]
    assert shown["state"] == "lost"
    assert any("比竞品贵15%" in str(e) for e in shown["history"])


def test_an_opportunity_offers_only_the_actions_the_person_may_take(
    site: Site, client: Callable[..., TestClient]
) -> None:
    """A consultant may work their deal and close it but not give it away (reassigning is a
    manager's): no assign form; their manager gets one listing only their own team; ops
    reads the deal and is offered nothing to change."""
    number = site.opportunity["li.lei"]
    mine = client("li.lei").get(f"/opportunities/{number}").text
    assert "/log" in mine and "/close" in mine and f"/opportunities/{number}/assign" not in mine
    managed = client("wang.fang").get(f"/opportunities/{number}").text
    offered = set(re.findall(r'<option value="([\w.]+)"', managed.split("/assign")[1]))
    assert {"li.lei", "han.meimei"} <= offered and "huang.lei" not in offered
    read = client("qian.qi").get(f"/opportunities/{number}")
    assert read.status_code == 200 and 'method="post"' not in read.text.split("<main")[1]


def test_the_team_board_shows_the_months_review_for_the_managers_team(
    client: Callable[..., TestClient],
) -> None:
    board = client("wang.fang").get("/team?month=2026-11")
    assert board.status_code == 200
    review = board.text.split('id="review"')[1].split("</section>")[0]
    assert "月度复盘: 2026-11" in review and "2026-10" in review
    for word in ("档案完整率", "节点准时率", "拜访达成率", "赢单率", "加权预测"):
        assert word in review, word
    assert "李雷" in review and "韩梅梅" in review and "黄磊" not in review  # her team's
    assert 'href="/team/review-2026-11.xlsx"' in review
    mine = client("li.lei").get("/team?month=2026-11").text.split('id="review"')[1]
    assert "李雷" in mine.split("</section>")[0] and "韩梅梅" not in mine.split("</section>")[0]
    assert client("wang.fang").get("/team?month=2026-13").status_code == 422


def test_a_manager_downloads_the_months_pack_and_the_export_is_logged(
    site: Site, client: Callable[..., TestClient]
) -> None:
    import io

    from openpyxl import load_workbook

    from flowkit.access.auditlog import entries

    answer = client("wang.fang").get("/team/review-2026-11.xlsx")
    assert answer.status_code == 200
    assert 'filename="review-2026-11.xlsx"' in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    stamp = dict(book["导出信息"].iter_rows(values_only=True))
    assert stamp["导出人"] == "wang.fang" and stamp["导出时间"] == "2026-11-27T10:00+08:00"
    people = {r[0] for r in book["scorecard"].iter_rows(min_row=3, values_only=True)}
    assert "huang.lei" not in people and "li.lei" in people
    tracker = open_tracker(str(site.db), [site.folder / "processes"], None, lambda: NOW)
    log = entries(tracker.store, Access(tracker.people, SYSTEM), commands=("review",))
    assert [(e["actor"], e["target"], e["outcome"]) for e in log] == [
        ("wang.fang", "web:review-2026-11.xlsx", "done")
    ]
    assert log[0]["detail"] == {"filter": {"month": "2026-11"}, "rows": int(stamp["行数"])}
