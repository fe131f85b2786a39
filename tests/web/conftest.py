"""A workspace over a small world: the shipped processes (with an admin added to org.yaml),
a customer and an open opportunity for each of three owners — li.lei (consultant, east-1),
han.meimei (her teammate), huang.lei (another team) — and accounts for the people who log
in. Built once a module; each test gets its own copy of the database and a fresh app."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flowkit.access.accounts import Accounts
from flowkit.access.guard import SYSTEM, Access
from flowkit.model.customer import Contact, Customer
from flowkit.tracking.tracker import open_tracker
from flowkit.web.app import create_app
from flowkit.web.workspace import Settings
from tests.conftest import ROOT, cst

NOW = cst("2026-11-27T10:00")
NOW_TEXT = "2026-11-27T10:00+08:00"
OWNERS = ("li.lei", "han.meimei", "huang.lei")
PASSWORD = "a long enough passphrase"
ADMIN = """  - id: admin.it
    name: 系统管理员
    role: admin
"""
LOGINS = ("li.lei", "wang.fang", "qian.qi", "zheng.shu", "admin.it", "huang.lei")


@dataclass
class Site:
    folder: Path
    db: Path
    customer: dict[str, str]  # owner -> customer id
    opportunity: dict[str, int]  # owner -> open opportunity (at 线索初筛, its deadline late)
    tokens: dict[str, str]  # person -> a write token


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("web")
    processes = folder / "processes"
    shutil.copytree(ROOT / "processes", processes)
    org = processes / "org.yaml"
    text = org.read_text(encoding="utf-8")
    anchor = "  - id: qian.qi\n"
    org.write_text(text.replace(anchor, ADMIN + anchor), encoding="utf-8")
    db = folder / "template.db"
    tracker = open_tracker(str(db), [processes], None, lambda: NOW)
    book = tracker.customers
    assert book is not None
    customer, opportunity, tokens = {}, {}, {}
    for n, owner in enumerate(OWNERS):
        contact = Contact("张三", mobile=f"1390000000{n}")
        [customer[owner]] = book.add(
            [Customer("", f"{owner}的客户公司", owner, contacts=(contact,))],
            now=NOW - timedelta(days=3),
        )
        opportunity[owner] = tracker.start(
            "standard-sales",
            name=f"{owner}的商机",
            customer=customer[owner],
            owner=owner,
            now=NOW - timedelta(days=2),
            fields={"segment": "sme"},
        )
        tracker.advance(opportunity[owner], now=NOW - timedelta(days=2), by="zhou.jie")
    accounts = Accounts(tracker.store, tracker.people, Access(tracker.people, SYSTEM))
    for person in LOGINS:
        accounts.set_password(person, PASSWORD, NOW - timedelta(days=1))
        tokens[person] = accounts.create_token(person, "tests", "write", NOW)[1]
    tracker.store.close()
    return Site(folder, db, customer, opportunity, tokens)


@pytest.fixture
def site(site_template: Site, tmp_path: Path) -> Site:
    db = tmp_path / "flowkit.db"
    shutil.copyfile(site_template.db, db)
    return Site(
        site_template.folder,
        db,
        site_template.customer,
        site_template.opportunity,
        site_template.tokens,
    )


@pytest.fixture
def client(site: Site) -> Iterator[Callable[..., TestClient]]:
    """A client of a fresh app on the test's copy (`client()`, or `client(person)` logged in
    through the login page)."""
    made: list[TestClient] = []

    def make(person: str | None = None, **settings: object) -> TestClient:
        options = {"fixed_now": NOW_TEXT, **settings}
        app = create_app(Settings(db=str(site.db), processes=site.folder / "processes", **options))  # type: ignore[arg-type]
        found = TestClient(app)
        made.append(found)
        if person is not None:
            login(found, person)
        return found

    yield make
    for found in made:
        found.app.state.workspace.close()  # type: ignore[attr-defined]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


def login(client: TestClient, person: str, password: str = PASSWORD) -> None:
    form = client.get("/login")
    done = client.post(
        "/login",
        data={"person": person, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
