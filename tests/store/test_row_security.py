"""PostgreSQL's row-level security, as a person's own login meets it outside flowkit: each
table shows only the rows in their reach, and an update of another's row changes nothing.
Then flowkit itself, connected as that login: the login decides who is acting."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from flowkit.errors import InputError
from flowkit.model.customer import Customer
from flowkit.store.db import database_url
from flowkit.tracking.tracker import Tracker, open_tracker
from tests.conftest import ROOT, cst, per_lead_cadence
from tests.databases import _admin, database, require_postgresql

NOW = cst("2026-11-27T10:00")
PEOPLE = ("li.lei", "han.meimei", "wang.fang", "huang.lei")
TABLES = (  # rows that hang on an opportunity or a customer
    "events",
    "timers",
    "customer_changes",
    "customer_timers",
    "follow_ups",
)


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_postgresql()


@pytest.fixture
def logins() -> Iterator[dict[str, str]]:
    """A PostgreSQL login per person, made for this test and dropped after it."""
    tag = uuid.uuid4().hex[:8]
    names = {person: f"fk_{tag}_{person.split('.')[0]}" for person in PEOPLE}
    for name in names.values():
        _admin(f"CREATE ROLE {name} LOGIN")
    yield names
    for name in names.values():
        _admin(f"DROP OWNED BY {name}")
        _admin(f"DROP ROLE {name}")


def _processes(tmp_path: Path) -> Path:
    """A copy of the shipped processes in which a new lead gets a timer of its own (rows
    in `timers`), for the test to declare its logins in."""
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    per_lead_cadence(processes)
    return processes


@contextmanager
def _filled(tmp_path: Path, processes: Path) -> Iterator[str]:
    """A database holding a customer with an opportunity and a follow-up per person, made
    by the owner's login; emptied after."""
    db = database("postgresql", tmp_path)
    url = next(db)
    owner = open_tracker(url, [processes], clock=lambda: NOW)
    for person in PEOPLE:
        _records(owner, person)
    owner.store.close()
    yield url
    next(db, None)


@pytest.fixture
def setup(tmp_path: Path, logins: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """The shipped processes with each person's login in org.yaml, and a database holding
    a customer with an opportunity and a follow-up per person, made by the owner's login."""
    processes = _processes(tmp_path)
    org = processes / "org.yaml"
    text_ = org.read_text("utf-8")
    for person, login in logins.items():
        text_ = text_.replace(f"  - id: {person}\n", f"  - id: {person}\n    db_role: {login}\n")
    org.write_text(text_, "utf-8")
    with _filled(tmp_path, processes) as url:
        yield url, processes


def _records(tracker: Tracker, person: str) -> None:
    assert tracker.customers is not None
    graded = Customer("", f"{person}客户有限公司", person, grade="B")  # its upkeep timers
    (cid,) = tracker.customers.add([graded], now=NOW)
    tracker.start(
        "standard-sales",
        name=f"{person}的商机",
        customer=cid,
        owner=person,
        now=NOW,
        fields={"segment": "sme"},
    )
    tracker.customers.log(cid, method="visit", content="拜访", now=NOW, by=person)


def _as(url: str, login: str) -> str:
    """The same database, connected as `login`."""
    return str(make_url(database_url(url)).set(username=login).render_as_string(False))


def _owners_seen(url: str, login: str) -> dict[str, set[str]]:
    engine = create_engine(_as(url, login))
    with engine.connect() as conn:
        seen = {
            "instances": {r[0] for r in conn.execute(text("SELECT owner FROM instances"))},
            "customers": {r[0] for r in conn.execute(text("SELECT owner FROM customers"))},
        }
        for table in TABLES:
            column = "instance_id" if table in ("events", "timers") else "customer_id"
            parent = "instances" if column == "instance_id" else "customers"
            rows = conn.execute(
                text(f"SELECT DISTINCT p.owner FROM {table} t JOIN {parent} p ON p.id = t.{column}")
            )
            seen[table] = {r[0] for r in rows}
    engine.dispose()
    return seen


def test_a_consultants_login_sees_only_his_rows_in_every_table(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    url, _ = setup
    seen = _owners_seen(url, logins["li.lei"])
    assert seen == {table: {"li.lei"} for table in seen}
    for table in TABLES:  # and the child rows are his alone, not just joined to his
        engine = create_engine(_as(url, logins["li.lei"]))
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() >= 1
        engine.dispose()


def test_a_managers_login_sees_his_team(setup: tuple[str, Path], logins: dict[str, str]) -> None:
    url, _ = setup
    seen = _owners_seen(url, logins["wang.fang"])
    assert seen["customers"] == {"li.lei", "han.meimei", "wang.fang"}
    assert seen["instances"] == {"li.lei", "han.meimei", "wang.fang"}


def test_an_update_of_anothers_row_changes_nothing(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    url, _ = setup
    engine = create_engine(_as(url, logins["li.lei"]))
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE customers SET name = 'x', owner = 'li.lei' WHERE owner = 'huang.lei'")
        )
        assert changed.rowcount == 0
    engine.dispose()


def test_a_login_cannot_hand_its_rows_to_another_team(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    from sqlalchemy.exc import ProgrammingError

    url, _ = setup
    engine = create_engine(_as(url, logins["li.lei"]))
    with pytest.raises(ProgrammingError, match="row-level security"), engine.begin() as conn:
        conn.execute(text("UPDATE instances SET owner = 'huang.lei' WHERE owner = 'li.lei'"))
    engine.dispose()


def test_a_login_cannot_break_the_key_or_another_teams_blind_index(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    """The key's id and the blind index (revision 0016): every login reads the digests —
    the duplicate check (撞单) looks across teams — but a consultant's login rewrites
    neither the key every profile opens with nor another team's digests."""
    url, _ = setup
    owner = create_engine(database_url(url))
    with owner.begin() as conn:
        conn.execute(text("INSERT INTO encryption (id, key_id, since) VALUES (1, 'k1', now())"))
        ids = {
            person: conn.execute(
                text("SELECT id FROM customers WHERE owner = :o"), {"o": person}
            ).scalar_one()
            for person in ("li.lei", "huang.lei")
        }
        for person, cid in ids.items():
            conn.execute(
                text("INSERT INTO customer_keys VALUES (:c, :d)"), {"c": cid, "d": f"d-{person}"}
            )
    owner.dispose()
    engine = create_engine(_as(url, logins["li.lei"]))
    with engine.begin() as conn:
        seen = conn.execute(text("SELECT digest FROM customer_keys")).scalars().all()
        assert {"d-li.lei", "d-huang.lei"} <= set(seen)
        assert conn.execute(text("UPDATE encryption SET key_id = 'broken'")).rowcount == 0
        assert conn.execute(text("DELETE FROM encryption")).rowcount == 0
        gone = text("DELETE FROM customer_keys WHERE customer_id = :c")
        assert conn.execute(gone, {"c": ids["huang.lei"]}).rowcount == 0
        assert conn.execute(gone, {"c": ids["li.lei"]}).rowcount == 1  # his own: he may
        conn.execute(text("LOCK TABLE encryption IN ROW SHARE MODE"))  # what each write does
    engine.dispose()


def test_flowkit_on_a_persons_login_acts_as_that_person(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    url, processes = setup
    tracker = open_tracker(_as(url, logins["li.lei"]), [processes], clock=lambda: NOW)
    try:
        assert tracker.access.actor.id == "li.lei"
        assert tracker.customers is not None
        (new,) = tracker.customers.add([Customer("", "新客户有限公司", "li.lei")], now=NOW)
        assert new == "C00005"  # numbered after every customer, seen or not
    finally:
        tracker.store.close()
    with pytest.raises(InputError, match="not trusted on a shared database"):
        open_tracker(_as(url, logins["li.lei"]), [processes], user="wang.fang")


def test_the_owner_login_is_not_held_by_the_policies(setup: tuple[str, Path]) -> None:
    url, processes = setup
    tracker = open_tracker(url, [processes], clock=lambda: NOW)
    try:
        assert tracker.access.actor.id.startswith("system:")
        engine = create_engine(database_url(url))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM customers")).scalar_one() == 4
        engine.dispose()
    finally:
        tracker.store.close()


# The web server's pooled login (org.yaml's `service_logins:`) ---------------------------
PROTECTED = (
    "instances",
    "customers",
    "events",
    "timers",
    "follow_ups",
    "customer_timers",
    "customer_changes",
    "customer_tags",
    "audit_log",
)


@pytest.fixture
def pooled(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """The shipped processes with an administrator and a service login for the web server
    in org.yaml (no person has a login of their own), and the database `setup` makes."""
    login = f"fk_{uuid.uuid4().hex[:8]}_web"
    _admin(f"CREATE ROLE {login} LOGIN")
    processes = _processes(tmp_path)
    org = processes / "org.yaml"
    org.write_text(
        org.read_text("utf-8")
        + "  - {id: root.admin, name: 管理员, role: admin}\n"
        + f"service_logins:\n  - login: {login}\n",
        "utf-8",
    )
    with _filled(tmp_path, processes) as url:
        yield url, processes, login
    _admin(f"DROP OWNED BY {login}")
    _admin(f"DROP ROLE {login}")


def _counts(url: str, login: str, person: str | None) -> dict[str, int]:
    """Rows of each protected table the login sees in one transaction naming `person`."""
    engine = create_engine(_as(url, login))
    with engine.begin() as conn:
        if person is not None:
            conn.execute(text("SELECT set_config('flowkit.person', :p, true)"), {"p": person})
        found = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in PROTECTED}
    engine.dispose()
    return found


def _owner_counts(url: str, owner: str) -> dict[str, int]:
    """The rows of each protected table that are `owner`'s, counted by the tables' owner."""
    engine = create_engine(database_url(url))
    found: dict[str, int] = {}
    with engine.connect() as conn:
        for table in PROTECTED:
            if table == "audit_log":  # what he did, and what was done to his records
                where = "actor = :o OR owner = :o"
            elif table in ("instances", "customers"):
                where = "owner = :o"
            else:
                parent = "instances" if table in ("events", "timers") else "customers"
                key = "instance_id" if parent == "instances" else "customer_id"
                where = f"(SELECT p.owner FROM {parent} p WHERE p.id = {table}.{key}) = :o"
            query = text(f"SELECT count(*) FROM {table} WHERE {where}")
            found[table] = conn.execute(query, {"o": owner}).scalar_one()
    engine.dispose()
    return found


def test_the_pooled_login_naming_li_lei_sees_only_his_rows(
    pooled: tuple[str, Path, str],
) -> None:
    url, _, login = pooled
    seen = _counts(url, login, "li.lei")
    assert seen == _owner_counts(url, "li.lei")
    assert all(seen[t] >= 1 for t in PROTECTED if t != "customer_tags")
    assert seen["customers"] < _counts(url, login, "wang.fang")["customers"]  # his manager
    owners = _owners_seen_as(url, login, "li.lei")
    assert owners == {"li.lei"}


def _owners_seen_as(url: str, login: str, person: str) -> set[str]:
    engine = create_engine(_as(url, login))
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('flowkit.person', :p, true)"), {"p": person})
        found = {r[0] for r in conn.execute(text("SELECT owner FROM customers"))}
        found |= {r[0] for r in conn.execute(text("SELECT owner FROM instances"))}
    engine.dispose()
    return found


def test_the_pooled_login_without_a_person_sees_nothing(pooled: tuple[str, Path, str]) -> None:
    url, _, login = pooled
    assert _counts(url, login, None) == dict.fromkeys(PROTECTED, 0)
    assert _counts(url, login, "") == dict.fromkeys(PROTECTED, 0)
    assert _counts(url, login, "路人甲") == dict.fromkeys(PROTECTED, 0)  # nobody of org.yaml


def test_the_setting_lasts_one_transaction(pooled: tuple[str, Path, str]) -> None:
    url, _, login = pooled
    engine = create_engine(_as(url, login), pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('flowkit.person', 'li.lei', true)"))
        assert conn.execute(text("SELECT count(*) FROM customers")).scalar_one() == 1
    with engine.begin() as conn:  # the same pooled connection, the next transaction
        assert conn.execute(text("SELECT count(*) FROM customers")).scalar_one() == 0
    engine.dispose()


def test_the_pooled_login_cannot_name_an_admin_unless_declared(
    pooled: tuple[str, Path, str],
) -> None:
    url, processes, login = pooled
    assert _counts(url, login, "root.admin") == dict.fromkeys(PROTECTED, 0)
    assert _counts(url, login, "zheng.shu")["customers"] == 0  # the auditor: not by default
    engine = create_engine(_as(url, login))
    with engine.begin() as conn:  # nor write as one
        conn.execute(text("SELECT set_config('flowkit.person', 'root.admin', true)"))
        changed = conn.execute(text("UPDATE customers SET name = 'x'"))
        assert changed.rowcount == 0
    engine.dispose()
    org = processes / "org.yaml"  # declared: the server may act for administrators
    org.write_text(org.read_text("utf-8") + "    acts_for: [consultant, manager, admin]\n", "utf-8")
    open_tracker(url, [processes], clock=lambda: NOW).store.close()  # the owner syncs
    assert _counts(url, login, "root.admin")["customers"] == len(PEOPLE)


def test_the_pooled_login_cannot_read_or_write_the_access_tables(
    pooled: tuple[str, Path, str],
) -> None:
    from sqlalchemy.exc import ProgrammingError

    url, _, login = pooled
    engine = create_engine(_as(url, login))
    for statement in (
        "SELECT count(*) FROM access_serves",
        "INSERT INTO access_serves VALUES (current_user, 'root.admin')",
        "UPDATE access_logins SET server = false, person = 'root.admin'",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()


def test_flowkit_on_the_pooled_login_acts_per_request(pooled: tuple[str, Path, str]) -> None:
    """The web server's way: one tracker on the service login, one per request acting for
    the person signed in; PostgreSQL holds each to that person's rows."""
    from flowkit.access.guard import Access, Actor
    from flowkit.access.rules import Role
    from flowkit.store import CustomerFilter

    url, processes, login = pooled
    server = open_tracker(_as(url, login), [processes], clock=lambda: NOW, service=True)
    try:
        li = server.acting_as(Access(server.people, Actor("li.lei", Role.CONSULTANT, "web")))
        with li.store.read() as tx:
            assert {r["owner"] for r in tx.customers.find(CustomerFilter())} == {"li.lei"}
        with server.store.read() as tx:  # the server's own transactions: nobody's rows
            assert tx.customers.find(CustomerFilter()) == []
        assert li.customers is not None
        li.customers.log("C00001", method="phone", content="电话", now=NOW, by="li.lei")
    finally:
        server.store.close()
    with pytest.raises(InputError, match="service login"):
        open_tracker(_as(url, login), [processes])  # a command on the server's login


def test_the_workspace_on_the_pooled_login(pooled: tuple[str, Path, str]) -> None:
    """`flowkit serve` on the service login: a request as li.lei reads and writes his rows
    (its audit-log entries too, which the policies check against the person named); a
    person the login may not act for is told so rather than shown nothing."""
    from flowkit.access.guard import Actor
    from flowkit.access.rules import Role
    from flowkit.store import CustomerFilter
    from flowkit.web.workspace import Settings, Workspace

    url, processes, login = pooled
    settings = Settings(db=_as(url, login), processes=processes, fixed_now="2026-11-27T10:00")
    ws = Workspace.open(settings)
    try:
        li = Actor("li.lei", Role.CONSULTANT, "session")
        ws.accounts(li).set_password("li.lei", "a long enough passphrase", NOW)
        tracker = ws.acting(li)
        with tracker.store.read() as tx:
            assert [r["owner"] for r in tx.customers.find(CustomerFilter())] == ["li.lei"]
        with pytest.raises(InputError, match=f"{login} may not act for root.admin"):
            ws.acting(Actor("root.admin", Role.ADMIN, "session"))
    finally:
        ws.close()


def _accounts_for(url: str, processes: Path, people: tuple[str, ...]) -> None:
    """Workspace passwords for `people`, set by the owner's login."""
    from flowkit.access.accounts import Accounts
    from flowkit.access.guard import SYSTEM, Access

    owner = open_tracker(url, [processes], clock=lambda: NOW)
    try:
        accounts = Accounts(owner.store, owner.people, Access(owner.people, SYSTEM))
        for person in people:
            accounts.set_password(person, "a long enough passphrase", NOW)
            accounts.create_token(person, "tests", "write", NOW)
    finally:
        owner.store.close()


def test_a_persons_login_reaches_only_their_own_workspace_account(
    setup: tuple[str, Path], logins: dict[str, str]
) -> None:
    """Not everyone's password hashes and tokens: nor can li.lei's login put his own hash
    on his manager's account and sign in to the workspace as her."""
    url, processes = setup
    _accounts_for(url, processes, ("li.lei", "wang.fang"))
    engine = create_engine(_as(url, logins["li.lei"]))
    with engine.begin() as conn:
        for table in ("web_accounts", "web_sessions", "api_tokens"):
            owners = {r[0] for r in conn.execute(text(f"SELECT person FROM {table}"))}
            assert owners <= {"li.lei"}, table
        assert conn.execute(text("SELECT count(*) FROM web_accounts")).scalar_one() == 1
        taken = conn.execute(
            text(
                "UPDATE web_accounts SET password_hash = "
                "(SELECT password_hash FROM web_accounts WHERE person = 'li.lei') "
                "WHERE person = 'wang.fang'"
            )
        )
        assert taken.rowcount == 0
        assert conn.execute(text("DELETE FROM api_tokens WHERE person <> 'li.lei'")).rowcount == 0
    engine.dispose()


def test_the_pooled_login_reaches_every_account_to_sign_people_in(
    pooled: tuple[str, Path, str],
) -> None:
    url, processes, login = pooled
    _accounts_for(url, processes, ("li.lei", "wang.fang"))
    engine = create_engine(_as(url, login))
    with engine.begin() as conn:  # a session or token is looked up before its person is known
        assert conn.execute(text("SELECT count(*) FROM web_accounts")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM api_tokens")).scalar_one() == 2
    engine.dispose()
