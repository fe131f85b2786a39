"""The authorisation matrix: every role × every command × a record of the person's own, of
their team's and of another team's. Each case runs the command through the library on a
fresh copy of one database and checks it was refused (NotPermitted) exactly when the role
table of docs/security.md — written out again below, not read from the code — says so.
Reports (list, status, exports …) are checked by whether the record shows up."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from flowkit.access.accounts import Accounts
from flowkit.access.auditlog import entries
from flowkit.access.guard import SYSTEM, Access, Actor
from flowkit.access.handover import hand_over
from flowkit.access.rules import COMMANDS, Role
from flowkit.customers import audits, files
from flowkit.customers import queries as customer_queries
from flowkit.customers.book import CustomerBook
from flowkit.customers.excel import write_tables
from flowkit.errors import FlowkitError, NotPermitted
from flowkit.model.customer import Contact, Customer
from flowkit.notify.passes import log as notify_log
from flowkit.notify.passes import run_pass, send_test
from flowkit.review import History, measure, month_of
from flowkit.review.scorecard import scorecard
from flowkit.store import CustomerFilter, StatusFilter, Store
from flowkit.tracking import Definitions, Tracker, versions
from flowkit.tracking.alerting import status
from flowkit.tracking.holidays import retime
from flowkit.tracking.importer import import_file
from flowkit.tracking.measures import funnel, on_time
from flowkit.tracking.queries import listing, show
from tests.conftest import ROOT, cst

NOW = cst("2026-11-27T10:00")
WEEK = "2026-W48"
MONTH = month_of("2026-11", NOW.tzinfo)
OWNERS = ("li.lei", "han.meimei", "wang.fang", "huang.lei", "qian.qi", "zheng.shu")

# role -> action -> how far (docs/security.md's table); an action not named: never
TABLE: dict[str, dict[str, str]] = {
    "consultant": {
        **{"read": "own", "contacts": "own", "edit": "own", "close": "own"},
        "accounts": "own",
    },
    "manager": {
        **dict.fromkeys(("read", "contacts", "edit", "close", "reassign", "export"), "team"),
        "import": "team",
        **dict.fromkeys(("grade", "audit", "handover"), "team"),
        "accounts": "own",
    },
    "ops": {"read": "all", "migrate": "all", "accounts": "own"},
    "auditor": {"read": "all", "contacts": "all", "audit": "all", "accounts": "own"},
    "admin": dict.fromkeys(
        ("read", "contacts", "edit", "close", "reassign", "export", "import", "grade"), "all"
    )
    | dict.fromkeys(("audit", "migrate", "handover"), "all")
    | {"administer": "all", "accounts": "all"},
}
# who acts in each role, and whose records are their own, their team's, another team's
PEOPLE = {
    "consultant": ("li.lei", {"own": "li.lei", "team": "han.meimei", "other": "huang.lei"}),
    "manager": ("wang.fang", {"own": "wang.fang", "team": "li.lei", "other": "huang.lei"}),
    "ops": ("qian.qi", {"own": "qian.qi", "team": "li.lei", "other": "huang.lei"}),
    "auditor": ("zheng.shu", {"own": "zheng.shu", "team": "li.lei", "other": "huang.lei"}),
    "admin": ("", {"own": "li.lei", "team": "han.meimei", "other": "huang.lei"}),
}


def allowed(role: str, action: str, relation: str) -> bool:
    reach = TABLE[role].get(action, "none")
    return (
        reach == "all"
        or (reach == "team" and relation != "other")
        or (reach == "own" and relation == "own")
    )


@dataclass
class World:
    """A fresh database with a customer, a second customer, an open and a paused opportunity
    per owner, and the week's spot-check sample of everyone."""

    tracker: Tracker
    book: CustomerBook
    folder: Path
    customer: dict[str, str]
    second: dict[str, str]
    opportunity: dict[str, int]
    paused: dict[str, int]


def _open(db: Path, processes: Path, actor: Actor) -> tuple[Tracker, CustomerBook]:
    definitions = Definitions.load([processes])
    store = Store.open(str(db))
    org = definitions.org
    access = Access(org, actor, lambda: NOW)
    book = CustomerBook(
        store, definitions.customers, people=org, calendars=definitions.calendars, access=access
    )
    tracker = Tracker(store, definitions, org, definitions.calendars, customers=book, access=access)
    return tracker, book


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copytree(ROOT / "processes", folder / "processes")
    db = folder / "template.db"
    tracker, book = _open(db, folder / "processes", SYSTEM)
    ids: dict[str, dict] = {"customer": {}, "second": {}, "opportunity": {}, "paused": {}}
    for owner in OWNERS:
        n = OWNERS.index(owner)
        contact = Contact("张三", mobile=f"1380000000{n}", email=f"zhang{n}@example.com")
        profile = Customer("", f"{owner}客户有限公司", owner, contacts=(contact,))
        first, second = book.add(
            [profile, Customer("", f"{owner}二号公司", owner)],
            now=NOW - timedelta(days=3),
        )
        ids["customer"][owner], ids["second"][owner] = first, second
        for kind in ("opportunity", "paused"):
            ids[kind][owner] = tracker.start(
                "standard-sales",
                name=f"{owner}的{kind}",
                customer=first,
                owner=owner,
                now=NOW - timedelta(days=2),
                fields={"segment": "sme"},
            )
        tracker.pause(ids["paused"][owner], "客户要求暂缓", now=NOW - timedelta(days=1))
        # on to 线索初筛, whose 24-hour deadline is overdue by now (on-time counts it)
        tracker.advance(ids["opportunity"][owner], now=NOW - timedelta(days=2), by="zhou.jie")
    audits.sample(book, WEEK, "", 1.0, NOW - timedelta(days=1))
    tracker.store.close()
    return db, ids


@pytest.fixture
def world(template: tuple[Path, dict[str, dict]], tmp_path: Path) -> Callable[[Actor], World]:
    db, ids = template

    def make(actor: Actor) -> World:
        shutil.copyfile(db, tmp_path / "t.db")
        tracker, book = _open(tmp_path / "t.db", ROOT / "processes", actor)
        opened.append(tracker)
        return World(tracker, book, tmp_path, **{k: dict(v) for k, v in ids.items()})

    opened: list[Tracker] = []
    yield make  # type: ignore[misc]
    for tracker in opened:
        tracker.store.close()


def _tracking_file(w: World, owner: str) -> Path:
    path = w.folder / f"跟踪表-{owner}.csv"
    rows = [
        ["商机名称", "客户名称", "当前阶段", "负责人", "客户规模"],
        ["导入商机", "导入客户", "商机跟进", owner, "大型企业"],
    ]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8-sig")
    return path


def _customer_file(w: World, owner: str) -> Path:
    path = w.folder / f"档案-{owner}.xlsx"
    write_tables(path, [Customer("", f"导入{owner}科技公司", owner)])
    return path


def _shown(rows: Iterable[object], key: str) -> set[object]:
    """The values of `key` in a report's rows (records or dicts)."""
    return {r.get(key) if isinstance(r, dict) else getattr(r, key, None) for r in rows}


def _status(w: World) -> Iterable[object]:
    return status(w.tracker, NOW + timedelta(days=60), StatusFilter(), now=NOW).alerts


def _on_time(w: World) -> Iterable[object]:
    return on_time(w.tracker, "owner", NOW - timedelta(days=9), NOW + timedelta(days=90))


def _scorecard(w: World) -> Iterable[object]:
    """The monthly review's scorecard: a line per person whose numbers the actor sees (an
    overdue 线索初筛 deadline gives each owner one)."""
    return scorecard(History.of(w.tracker, MONTH), w.tracker.definitions.customers.kpis)


def _merged(w: World, owner: str) -> int:
    """An administrator merges the owner's second profile into the first: the merge's id."""
    admin, book = _open(w.folder / "t.db", ROOT / "processes", SYSTEM)
    report = book.merge(w.customer[owner], [w.second[owner]], now=NOW)
    admin.store.close()
    return report.merge_id


def _checker(w: World) -> str:
    """Who records a spot check: the person acting (an administrator names a manager)."""
    actor = w.tracker.access.actor
    return actor.id if actor.is_person else "wang.fang"


def _team(w: World, owner: str) -> str:
    person = w.tracker.people.person(owner) if w.tracker.people else None
    return person.team or "" if person else ""


def _counted_in_funnel(w: World, owner: str) -> bool:
    """Whether `owner`'s two opportunities count in the funnel the actor sees: counted again
    after an administrator closed them, it is two fewer."""

    def here() -> int:
        stages = funnel(w.tracker, "standard-sales", NOW - timedelta(days=9), NOW)
        return sum(s.here for s in stages)

    before = here()
    admin, _ = _open(w.folder / "t.db", ROOT / "processes", SYSTEM)
    for kind in (w.opportunity, w.paused):
        admin.close(kind[owner], False, "other", now=NOW)
    admin.store.close()
    return before - here() == 2


# Each command run on `owner`'s record; returns whether the record was shown (reports), or
# None (a command on the record: refused or not is what counts).
Case = Callable[[World, str], bool | None]


def _accounts(w: World) -> Accounts:
    return Accounts(w.tracker.store, w.tracker.people, w.tracker.access)


def done(_: object) -> None:
    """A command on a record: what it returns does not matter, only whether it ran."""
    return None


CASES: dict[str, Case] = {
    "start": lambda w, o: done(
        w.tracker.start(
            "standard-sales",
            name="新商机",
            customer=w.customer[o],
            owner=o,
            now=NOW,
            fields={"segment": "sme"},
        )
    ),
    "advance": lambda w, o: done(w.tracker.advance(w.opportunity[o], now=NOW)),
    "log": lambda w, o: w.tracker.log(w.opportunity[o], method="phone", content="电话", now=NOW),
    "deliver": lambda w, o: w.tracker.deliver(w.opportunity[o], "lead_list", now=NOW),
    "event": lambda w, o: w.tracker.record_event(w.opportunity[o], "delivered", now=NOW),
    "risk": lambda w, o: w.tracker.set_risk(w.opportunity[o], True, note="预算冻结", now=NOW),
    "set": lambda w, o: w.tracker.update(w.opportunity[o], next_action="上门演示", now=NOW),
    "pause": lambda w, o: w.tracker.pause(w.opportunity[o], "客户出差", now=NOW),
    "resume": lambda w, o: w.tracker.resume(w.paused[o], now=NOW),
    "assign": lambda w, o: w.tracker.assign(w.opportunity[o], o, now=NOW),
    "close": lambda w, o: w.tracker.close(w.opportunity[o], False, "预算取消", now=NOW),
    "import": lambda w, o: done(
        import_file(w.tracker, _tracking_file(w, o), now=NOW, process_id="standard-sales")
    ),
    "migrate": lambda w, o: done(versions.migrate(w.tracker, [], NOW)),
    "show": lambda w, o: done(show(w.tracker, w.opportunity[o])),
    "list": lambda w, o: w.opportunity[o] in _shown(listing(w.tracker, StatusFilter()), "id"),
    "status": lambda w, o: o in _shown(_status(w), "owner"),
    "funnel": lambda w, o: _counted_in_funnel(w, o),
    "on-time": lambda w, o: o in _shown(_on_time(w), "key"),
    "review": lambda w, o: o in _shown(_scorecard(w), "person"),
    "kpi": lambda w, o: o in _shown(measure(w.tracker, "on-time", MONTH).people, "key"),
    "customer add": lambda w, o: done(w.book.add([Customer("", f"新客户{o}公司", o)], now=NOW)),
    "customer edit": lambda w, o: done(w.book.edit(w.customer[o], {"notes": "改"}, now=NOW)),
    "customer log": lambda w, o: w.book.log(w.customer[o], method="visit", content="拜访", now=NOW),
    "customer tag": lambda w, o: done(w.book.tag(w.customer[o], ["高预算"], [], now=NOW)),
    "customer merge": lambda w, o: done(w.book.merge(w.customer[o], [w.second[o]], now=NOW)),
    "customer unmerge": lambda w, o: done(w.book.unmerge(w.customer[o], _merged(w, o), now=NOW)),
    "customer reassign": lambda w, o: done(
        w.book.edit(
            w.customer[o], {"owner": "han.meimei" if o != "han.meimei" else "li.lei"}, now=NOW
        )
    ),
    "customer grade": lambda w, o: done(w.book.grade([w.customer[o]], now=NOW, apply=True)),
    "customer import": lambda w, o: done(
        files.import_tables(w.book, _customer_file(w, o), now=NOW)
    ),
    "customer export": lambda w, o: w.customer[o] in _exported(w),
    "customer show": lambda w, o: done(customer_queries.show(w.book, w.customer[o])),
    "customer contacts": lambda w, o: (
        customer_queries.show(w.book, w.customer[o]).customer.contacts[0].mobile.startswith("138")
    ),
    "customer list": lambda w, o: (
        w.customer[o] in _shown(customer_queries.find(w.book, CustomerFilter()), "id")
    ),
    "customer check": lambda w, o: (
        w.customer[o] in _shown(customer_queries.check(w.book, "customer", CustomerFilter()), "key")
    ),
    "customer value": lambda w, o: (
        w.customer[o] in _shown(customer_queries.value(w.book, "customer", CustomerFilter()), "key")
    ),
    "audit sample": lambda w, o: done(audits.sample(w.book, WEEK, _team(w, o), 1.0, NOW)),
    "audit record": lambda w, o: audits.record(
        w.book, WEEK, "", w.customer[o], "ok", "", _checker(w), NOW
    ),
    "audit report": lambda w, o: _reported(w, o),
    "audit-log": lambda w, o: o in _shown(entries(w.tracker.store, w.tracker.access), "owner"),
    "calendar retime": lambda w, o: done(retime(w.tracker, NOW, apply=True)),
    "handover": lambda w, o: done(hand_over(w.tracker, o, TEAMMATE[o], now=NOW)),
    "user set-password": lambda w, o: _accounts(w).set_password(o, "一个足够长的新密码吧", NOW),
    "user invite": lambda w, o: done(_accounts(w).invite(o, NOW)),
    "user unlock": lambda w, o: _accounts(w).unlock(o),
    "user logout": lambda w, o: done(_accounts(w).logout_everywhere(o, NOW)),
    "user token": lambda w, o: done(_accounts(w).create_token(o, "测试", "read", NOW)),
    "notify": lambda w, o: done(_notify_pass(w)),
    "notify test": lambda w, o: done(_notify_test(w)),
    "notify log": lambda w, o: done(notify_log(w.tracker, None)),
}
# whom a handover of each owner's records goes to: someone of their own team
TEAMMATE = {
    "li.lei": "han.meimei",
    "han.meimei": "li.lei",
    "wang.fang": "li.lei",
    "huang.lei": "lin.xiaoyu",
    "qian.qi": "sun.li",
    "zheng.shu": "sun.li",
}


def _notify_pass(w: World) -> object:
    """A dry run of a notification pass (a pass reads everyone's timers: administrators')."""
    from tests.notify.helpers import Receiver, config, rule

    return run_pass(w.tracker, config(rule("breach", via=("hook",))), NOW, dry_run=True,
                    network=Receiver().network())  # fmt: skip


def _notify_test(w: World) -> object:
    from tests.notify.helpers import Receiver, config, rule

    cfg = config(rule("breach", via=("hook",)))
    return send_test(w.tracker, cfg, "hook", NOW, network=Receiver().network())


def _reported(w: World, owner: str) -> bool:
    """Whether `owner`'s spot check, recorded by an administrator, is in the actor's report."""
    admin, book = _open(w.folder / "t.db", ROOT / "processes", SYSTEM)
    checker = "zheng.shu" if owner != "zheng.shu" else "liu.yang"
    audits.record(book, WEEK, "", w.customer[owner], "ok", "", checker, NOW)
    admin.store.close()
    return owner in _shown(audits.report(w.book, NOW.date().replace(day=1)), "owner")


def _exported(w: World) -> set[str]:
    """The customer numbers in the workbook an export writes."""
    from openpyxl import load_workbook

    (path,) = files.export_tables(w.book, w.folder / "导出.xlsx", CustomerFilter())
    book = load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        column = list(next(rows)).index("客户编号")
        return {str(row[column]) for row in rows}
    finally:
        book.close()  # a read-only workbook keeps its file open until closed


def test_the_cases_are_every_command_of_the_table() -> None:
    assert set(CASES) == set(COMMANDS)


@pytest.mark.parametrize("relation", ["own", "team", "other"])
@pytest.mark.parametrize("role", list(PEOPLE))
@pytest.mark.parametrize("command", sorted(CASES))
def test_each_role_reaches_what_the_table_says(
    world: Callable[[Actor], World], command: str, role: str, relation: str
) -> None:
    _check(world, command, role, relation)


@pytest.mark.parametrize("command", sorted(CASES))
def test_a_consultant_reaches_nothing_of_another_team(
    world: Callable[[Actor], World], command: str
) -> None:
    """The matrix's most telling column, kept in the fast subset (the matrix is slow)."""
    _check(world, command, "consultant", "other")


def _check(world: Callable[[Actor], World], command: str, role: str, relation: str) -> None:
    person, records = PEOPLE[role]
    actor = SYSTEM if role == "admin" else Actor(person, Role(role), "user")
    owner = records[relation]
    w = world(actor)
    expected = allowed(role, COMMANDS[command].value, relation)
    ruled = {(c, person) for c in BUSINESS_RULES}  # rules about one's own records
    try:
        shown = CASES[command](w, owner)
    except NotPermitted:
        assert not expected, f"{person or 'admin'} was refused {command} on {owner}'s record"
        return
    except FlowkitError as e:  # refused for another reason than access (a business rule)
        assert expected, f"{command} on {owner}'s record ran into {e} instead of a refusal"
        assert (command, owner) in ruled or command == "advance", f"{command}: {e}"
        return
    assert (command, owner) not in ruled, f"{command} on one's own record ran"
    if shown is None:
        assert expected, f"{person or 'admin'} was allowed {command} on {owner}'s record"
    else:
        assert shown == expected, f"{command}: {owner}'s record shown to {person}: {shown}"


# Permitted by the table, refused by a rule: nobody records the spot check of a profile they
# own. (And an advance from the first node, permitted or not, may stop at its lane: the
# marketing lane's work.)
BUSINESS_RULES = {"audit record"}
