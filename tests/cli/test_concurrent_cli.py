"""Every write command from five `flowkit` processes at once, on SQLite and PostgreSQL: each
write lands whole (exit 0, and it is on file) or is refused (exit 2) with a conflict or busy
message, or with the refusal the command gives when run after the winner (already paused,
already imported ...). Never exit 1 or 3, never a lost update, never a duplicate.

Covered, one family each (`FAMILIES`; the name says the command):

- opportunities: `start`; `advance` (two at once from the first node, below, and five with
  `--from` and different outcomes at 线索初筛, and at 商机跟进); `log`; `set --field`,
  `--expected-close`, `--next-action`, `--customer`; `assign`; `risk`; `pause`; `resume`;
  `close`; `deliver`; `event`; `import` (the same file five times: it lands once);
- customers: `customer add` (five names: all land; one name five times: one lands, the rest
  are refused as duplicates); `customer edit` of a scalar (`--industry`, `--name`, `--field`:
  last writer wins, and every change is in the history), of lists (`--order`, `--payment`,
  `--after-sale`, `--contact`, `--remove-contact`); `customer tag` and `tag --remove`;
  `customer log`; `customer grade --apply`; `customer merge` (five others into one primary,
  and the same pair five times); `customer import` (five different files: every row lands
  exactly once);
- `audit sample` (drawn once, the same sample for all five) and `audit record`.

Left out, and why:

- read-only commands (`list`, `show`, `status`, `funnel`, `on-time`, `customer list/show/
  check/value/export`, `calendar check`, `sla`, `validate`, `render`) write nothing;
- `migrate --apply` and `calendar retime --apply` write only after the definitions or the
  holiday data changed; both move opportunities through `Tracker` writes with the same
  revision check as `advance` (tests/tracking/test_versions.py, tests/tracking/
  test_holidays.py test their effects);
- `demo` fills a fresh database once (it is a set-up tool, not a shared-use command);
  `backup` writes a new file only (and refuses an existing one, tested in
  tests/cli/test_backup_cli.py), `restore` replaces the file on purpose, SQLite only.

Each test seeds its database in-process; the five commands under test run in five
processes forked from the test's interpreter and released together by a barrier (each opens
its own connection, as a `flowkit` command does; forking skips their start-up, so they are
really at once and the whole file takes about 1.5 minutes on two cores). The first test runs
the installed `flowkit` executable itself.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flowkit.cli import main
from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker, show
from tests.conftest import cst
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
FLOWKIT = str(Path(sys.executable).with_name("flowkit"))
NOW = "2026-11-27T10:00"
Json = dict[str, Any]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path) -> Iterator[str]:
    yield from database(request.param, tmp_path, template=migrated_db)


def test_two_advances_at_once(db_url: str, tmp_path: Path) -> None:
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    definitions = Definitions.load([processes])
    store = Store.open(db_url)
    tracker = Tracker(store, definitions, definitions.org, definitions.calendars)
    now = cst("2026-11-27T10:00")
    instance = tracker.start(
        "standard-sales",
        name="A",
        customer="B",
        owner="li.lei",
        now=now,
        at=cst("2026-11-27T09:00"),
        fields={"segment": "sme"},
    )
    env = {**os.environ, "FLOWKIT_NOW": "2026-11-27T10:00"}
    command = [
        FLOWKIT,
        "--db",
        db_url,
        "--processes",
        str(processes),
        "advance",
        str(instance),
        "--from",
        "lead_capture",
        "--by",
        "zhou.jie",
    ]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = []
    for p in runs:
        out, err = p.communicate(timeout=60)
        results.append((p.returncode, out, err))
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert "someone" in loser or "at the same time" in loser  # a conflict, said plainly
    view = show(tracker, instance)
    store.close()
    assert view.node == "lead_screening"
    assert [e.kind for e in view.history].count("completed") == 1


# ---- five at once, per command -----------------------------------------------------------


class Db:
    """The test's database, driven in-process: seeding and reading back are fast."""

    def __init__(self, url: str, processes: Path, folder: Path) -> None:
        self.url, self.processes, self.folder = url, processes, folder
        self.runner = CliRunner()

    def args(self, *args: str) -> list[str]:
        return ["--db", self.url, "--processes", str(self.processes), *args]

    def run(self, *args: str) -> str:
        result = self.runner.invoke(main, [*self.args("--now", NOW), *args])
        assert result.exit_code == 0, (args, result.output)
        return result.output

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--format", "json"))

    def opportunity(self) -> Json:
        return self.json("show", "1")  # type: ignore[no-any-return]

    def customer(self, cid: str = "C00001") -> Json:
        return self.json("customer", "show", cid)  # type: ignore[no-any-return]

    def customers(self) -> list[Json]:
        return self.json("customer", "list")  # type: ignore[no-any-return]


def _history(shown: Json, kind: str) -> list[Json]:
    return [e for e in shown["history"] if e["kind"] == kind]


def _seed(db: Db) -> None:
    """Three customers of li.lei and one opportunity at 线索获取 for C00001."""
    for name in ("上海宏达", "杭州远景", "北京星河"):
        db.run("customer", "add", name, "--owner", "li.lei")
    db.run(
        "start",
        "standard-sales",
        "--name",
        "A",
        "--customer",
        "上海宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
        "--at",
        "2026-11-27T09:00",
    )


Command = Callable[[int, Path], list[str]]
Check = Callable[[Db, list[int]], None]


@dataclass(frozen=True)
class Family:
    """Five commands (the i-th made by `command`), the seeding they need beyond `_seed`, what
    a loser may be told besides a conflict, and how to see that every winner landed."""

    command: Command
    check: Check
    prepare: Callable[[Db], None] = lambda db: None
    refusals: tuple[str, ...] = ()
    landed: tuple[int, ...] = (1, 2, 3, 4, 5)  # how many may win


def _counts(read: Callable[[Db], int]) -> Check:
    """Every winner's item is on file, and no loser's."""

    def check(db: Db, wins: list[int]) -> None:
        assert read(db) == len(wins)

    return check


def _events(kind: str) -> Check:
    return _counts(lambda db: len(_history(db.opportunity(), kind)))


def _customer_list(key: str, seeded: int = 0) -> Check:
    return _counts(lambda db: len(db.customer()["customer"][key]) - seeded)


def _last_writer_wins(kind: str, key: str, values: Callable[[int], object]) -> Check:
    """Each winner's change is in the history, and the value now is the last one's."""

    def check(db: Db, wins: list[int]) -> None:
        customer = kind == "edited"
        shown = db.customer() if customer else db.opportunity()
        changes = _history(shown, kind)
        assert len(changes) == len(wins)
        now = shown["customer"][key] if customer else shown[key]
        assert now in {values(i) for i in wins}
        last = changes[-1]["changes"][key][1] if customer else _changed(changes[-1], key)
        assert now == last

    return check


def _changed(event: Json, key: str) -> object:
    """The new value of `key` an opportunity's event recorded."""
    return event["data"][key]


def _prepare(*commands: tuple[str, ...]) -> Callable[[Db], None]:
    def prepare(db: Db) -> None:
        for args in commands:
            db.run(*args)

    return prepare


PEOPLE = ("li.lei", "han.meimei", "chen.jing", "wang.fang", "liu.yang")
TAGS = ("高预算", "决策链复杂", "竞品对比中", "价格敏感", "转介绍客户")  # customers.yaml's
CONFLICT = ("someone else", "busy", "at the same time", "someone moved it")
TRACKING = "商机名称,客户名称,负责人,流程,客户规模\nCRM升级,上海宏达,li.lei,standard-sales,large\n"
AT_SCREENING = _prepare(("advance", "1", "--by", "zhou.jie"))
AT_FOLLOWUP = _prepare(
    ("advance", "1", "--by", "zhou.jie"), ("advance", "1", "--outcome", "有效", "--by", "li.lei")
)


def _one_at_a_node(node: str) -> Check:
    def check(db: Db, wins: list[int]) -> None:
        shown = db.opportunity()
        assert len(wins) == 1 and shown["node"] != node
        assert [e["node"] for e in _history(shown, "completed")].count(node) == 1

    return check


def _tracking_file(i: int, folder: Path) -> list[str]:
    path = folder / "跟踪表.csv"
    if not path.exists():
        path.write_text(TRACKING, encoding="utf-8")
    return ["import", str(path)]


def _customer_file(i: int, folder: Path) -> list[str]:
    path = folder / f"客户{i}.csv"
    path.write_text(f"客户名称,负责人\n客户{i}甲,li.lei\n客户{i}乙,li.lei\n", encoding="utf-8")
    return ["customer", "import", str(path)]


def _imported_once(db: Db, wins: list[int]) -> None:
    names = [c["name"] for c in db.customers()]
    for i in range(5):
        expected = 1 if i in wins else 0
        assert (names.count(f"客户{i}甲"), names.count(f"客户{i}乙")) == (expected, expected)


def _graded_once(db: Db, wins: list[int]) -> None:
    shown = db.customer()
    assert shown["customer"]["grade"] == "A" and len(_history(shown, "graded")) == 1
    running = [t for t in shown["timers"] if t["state"] == "running"]
    assert sorted(t["kind"] for t in running) == ["maintenance", "review"]


def _merged(db: Db, wins: list[int]) -> None:
    left = {c["id"] for c in db.customers()}
    assert {f"C0000{i + 2}" for i in range(5)} - left == {f"C0000{i + 2}" for i in wins}


def _sampled_once(db: Db, wins: list[int]) -> None:
    rows = db.json("audit", "sample", "--week", "2026-W48", "--rate", "100%")["rows"]
    assert sorted(r["customer_id"] for r in rows) == ["C00001", "C00002", "C00003"]
    assert len(wins) == 5


def _audits_recorded(db: Db, wins: list[int]) -> None:
    rows = db.json("audit", "sample", "--week", "2026-W48", "--rate", "100%")["rows"]
    assert {r["customer_id"] for r in rows if r["result"] == "ok"} == {
        f"C0000{i + 1}" for i in wins
    }


FAMILIES: dict[str, Family] = {
    # -- opportunities
    "start": Family(
        lambda i, _: [
            "start",
            "standard-sales",
            "--name",
            f"商机{i}",
            "--customer",
            "上海宏达",
            "--owner",
            "li.lei",
            "--field",
            "segment=sme",
        ],
        _counts(lambda db: len(db.json("list")) - 1),
    ),
    "advance-outcome": Family(
        lambda i, _: [
            "advance",
            "1",
            "--from",
            "lead_screening",
            "--outcome",
            ("有效", "无效")[i % 2],
            "--by",
            "li.lei",
        ],
        _one_at_a_node("lead_screening"),
        AT_SCREENING,
        refusals=("is closed",),  # after 无效 won: 丢单 closes it
        landed=(1,),
    ),
    "advance-cadence-node": Family(
        lambda i, _: [
            "advance",
            "1",
            "--from",
            "opportunity_followup",
            "--outcome",
            ("达成意向", "丢单")[i % 2],
            "--by",
            "li.lei",
        ],
        _one_at_a_node("opportunity_followup"),
        AT_FOLLOWUP,
        refusals=("is closed",),
        landed=(1,),
    ),
    "log": Family(
        lambda i, _: ["log", "1", "--method", "phone", "--content", f"电话{i}", "--by", "sun.li"],
        _events("follow_up"),
    ),
    "set-field": Family(
        lambda i, _: ["set", "1", "--field", f"amount={100000 + i}"],
        _events("updated"),
    ),
    "set-expected-close": Family(
        lambda i, _: ["set", "1", "--expected-close", f"2027-01-0{i + 1}"],
        _last_writer_wins("updated", "expected_close", lambda i: f"2027-01-0{i + 1}"),
    ),
    "set-next-action": Family(
        lambda i, _: ["set", "1", "--next-action", f"动作{i}"],
        _last_writer_wins("updated", "next_action", lambda i: f"动作{i}"),
    ),
    "set-customer": Family(
        lambda i, _: ["set", "1", "--customer", f"C0000{i % 3 + 1}"],
        _events("updated"),
    ),
    "assign": Family(
        lambda i, _: ["assign", "1", PEOPLE[i]],
        _last_writer_wins("assigned", "owner", lambda i: PEOPLE[i]),
    ),
    "risk": Family(lambda i, _: ["risk", "1", "--note", f"风险{i}"], _events("risk")),
    "pause": Family(
        lambda i, _: ["pause", "1", "--reason", f"客户要求{i}"],
        _events("paused"),
        refusals=("is paused",),
        landed=(1,),
    ),
    "resume": Family(
        lambda i, _: ["resume", "1", "--reason", f"继续{i}"],
        _events("resumed"),
        _prepare(("pause", "1", "--reason", "等预算")),
        refusals=("is not paused",),
        landed=(1,),
    ),
    "close": Family(
        lambda i, _: [
            "close",
            "1",
            ("--won", "--lost")[i % 2],
            "--reason",
            "other",
            "--note",
            f"原因{i}",
        ],
        _events("closed"),
        refusals=("is closed",),
        landed=(1,),
    ),
    "deliver": Family(
        lambda i, _: [
            "deliver",
            "1",
            ("lead_list", "lead_assessment", "needs_survey", "contract", "legal_opinion")[i],
            "--by",
            "sun.li",  # 线索获取 is the marketing lane's
        ],
        _events("delivered"),
    ),
    "event": Family(
        lambda i, _: ["event", "1", "delivered", "--at", f"2026-11-27T09:0{i}"],
        _events("event"),
    ),
    "import-one-file": Family(
        _tracking_file,
        _counts(lambda db: len(db.json("list")) - 1),
        refusals=("already imported",),
        landed=(1,),
    ),
    # -- customers
    "customer-add": Family(
        lambda i, _: ["customer", "add", f"新客户{i}", "--owner", "li.lei"],
        _counts(lambda db: len(db.customers()) - 3),
        landed=(5,),
    ),
    "customer-add-one-name": Family(
        lambda i, _: ["customer", "add", "深圳同名", "--owner", "li.lei"],
        _counts(lambda db: [c["name"] for c in db.customers()].count("深圳同名")),
        refusals=("looks like a customer on file",),
        landed=(1,),
    ),
    "edit-industry": Family(
        lambda i, _: ["customer", "edit", "C00001", "--industry", f"行业{i}"],
        _last_writer_wins("edited", "industry", lambda i: f"行业{i}"),
    ),
    "edit-name": Family(
        lambda i, _: ["customer", "edit", "C00001", "--name", f"宏达{i}号"],
        _last_writer_wins("edited", "name", lambda i: f"宏达{i}号"),
    ),
    "edit-field": Family(
        lambda i, _: ["customer", "edit", "C00001", "--field", f"annual_budget={1000 + i}"],
        _counts(lambda db: len(_history(db.customer(), "edited"))),
    ),
    "order": Family(
        lambda i, _: ["customer", "edit", "C00001", "--order", f"产品{i},{1000 + i},2026-11-2{i}"],
        _customer_list("orders"),
    ),
    "payment": Family(
        lambda i, _: ["customer", "edit", "C00001", "--payment", f"2026-11-2{i},{100 + i}"],
        _customer_list("payments"),
    ),
    "after-sale": Family(
        lambda i, _: ["customer", "edit", "C00001", "--after-sale", f"2026-11-2{i},问题{i}"],
        _customer_list("after_sales"),
    ),
    "contact": Family(
        lambda i, _: ["customer", "edit", "C00001", "--contact", f"联系人{i},经理,1390000000{i}"],
        _customer_list("contacts"),
    ),
    "remove-contact": Family(
        lambda i, _: ["customer", "edit", "C00001", "--remove-contact", f"联系人{i}"],
        _counts(lambda db: 5 - len(db.customer()["customer"]["contacts"])),
        _prepare(
            *(("customer", "edit", "C00001", "--contact", f"联系人{i},经理") for i in range(5))
        ),
    ),
    "tag": Family(
        lambda i, _: ["customer", "tag", "C00001", TAGS[i]],
        _customer_list("tags"),
    ),
    "tag-remove": Family(
        lambda i, _: ["customer", "tag", "C00001", TAGS[i], "--remove"],
        _counts(lambda db: 5 - len(db.customer()["customer"]["tags"])),
        _prepare(("customer", "tag", "C00001", *TAGS)),
    ),
    "customer-log": Family(
        lambda i, _: ["customer", "log", "C00001", "--method", "visit", "--content", f"拜访{i}"],
        _counts(lambda db: len(db.customer()["follow_ups"])),
    ),
    "grade-apply": Family(
        lambda i, _: ["customer", "grade", "--apply"],
        _graded_once,
        _prepare(
            (
                "customer",
                "edit",
                "C00001",
                "--field",
                "annual_budget=2000000",
                "--field",
                "decision_chain=clear",
                "--field",
                "intent=strong",
            )
        ),
    ),
    "merge": Family(
        lambda i, _: ["customer", "merge", "C00001", f"C0000{i + 2}"],
        _merged,
        _prepare(*(("customer", "add", f"其他{i}", "--owner", "li.lei") for i in range(3))),
    ),
    "merge-one-pair": Family(
        lambda i, _: ["customer", "merge", "C00001", "C00002"],
        _counts(lambda db: 1 - [c["id"] for c in db.customers()].count("C00002")),
        refusals=("was merged into",),
        landed=(1,),
    ),
    "customer-import": Family(_customer_file, _imported_once, landed=(5,)),
    "audit-sample": Family(
        lambda i, _: ["audit", "sample", "--week", "2026-W48", "--rate", "100%"],
        _sampled_once,
        landed=(5,),
    ),
    "audit-record": Family(
        lambda i, _: [
            "audit",
            "record",
            f"C0000{i + 1}",
            "--week",
            "2026-W48",
            "--ok",
            "--by",
            "wang.fang",
        ],
        _audits_recorded,
        _prepare(
            *(("customer", "add", f"抽查{i}", "--owner", "li.lei") for i in range(2)),
            ("audit", "sample", "--week", "2026-W48", "--rate", "100%"),
        ),
    ),
}


Outcome = tuple[int, str, str]


def _at_once(commands: list[list[str]]) -> list[Outcome]:
    """Run `commands` (the arguments of `flowkit`) in as many processes, released together:
    each is forked from this interpreter, flowkit already imported, so that the five are
    really at once rather than staggered by their start-up (and the test is quicker); each
    opens its own connection, as a `flowkit` command does. Their exit codes and output."""
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(len(commands))
    results: multiprocessing.Queue[tuple[int, Outcome]] = fork.Queue()
    runs = [
        fork.Process(target=_one, args=(n, args, start, results)) for n, args in enumerate(commands)
    ]
    for p in runs:
        p.start()
    found = dict(results.get(timeout=120) for _ in runs)
    for p in runs:
        p.join(timeout=30)
        assert p.exitcode == 0, p.exitcode
    return [found[n] for n in range(len(runs))]


def _one(n: int, args: list[str], start: Any, results: Any) -> None:
    start.wait(timeout=60)
    result = CliRunner().invoke(main, args)
    results.put((n, (result.exit_code, result.stdout, result.stderr)))


@pytest.mark.parametrize("family", list(FAMILIES))
def test_concurrent_commands_land_whole_or_are_refused(
    db_url: str, tmp_path: Path, processes: Path, family: str
) -> None:
    db = Db(db_url, processes, tmp_path)
    _seed(db)
    chosen = FAMILIES[family]
    chosen.prepare(db)
    commands = [db.args("--now", NOW, *chosen.command(i, tmp_path)) for i in range(5)]
    results = _at_once(commands)
    for code, _, err in results:
        refused = code == 2 and any(m in err for m in (*CONFLICT, *chosen.refusals))
        assert code == 0 or refused, (code, err)
    wins = [i for i, (code, _, _) in enumerate(results) if code == 0]
    assert len(wins) in chosen.landed, results
    chosen.check(db, wins)
