"""Every write command from five `flowkit` processes at once, on SQLite and PostgreSQL: each
write lands whole (exit 0, and it is on file) or is refused (exit 2) with a conflict or busy
message, or with the refusal the command gives when run after the winner (already paused,
already imported ...). Never exit 1 or 3, never a lost update, never a duplicate.

Covered, one family each (`FAMILIES`; the name says the command):

- opportunities: `start`; `advance` (two at once from the first node, below, and five with
  `--from` and different outcomes at 线索初筛, and at 商机跟进); `log`; `set --field`,
  `--expected-close`, `--next-action`, `--customer`; `assign`; `risk`; `pause`; `resume`;
  `close`; `deliver`; `event`; `import` (the same file five times: it lands once, the others
  say "already imported"), `import --update` (an edited export five times: applied once,
  the others say "already imported");
- many opportunities in one write: `migrate --apply` (opportunities live on a process whose
  copy changed an SLA and its version: each moved once, its timer recomputed once, the
  others told "nothing to do"), `calendar retime --apply` (deadlines computed without the
  holiday data: each moved once, one `retimed` event each); `handover` (every profile and
  opportunity handed over once);
- customers: `customer add` (five names: all land; one name five times: one lands, the rest
  are refused as duplicates); `customer edit` of a scalar (`--industry`, `--name`, `--field`:
  last writer wins, and every change is in the history), of lists (`--order`, `--payment`,
  `--after-sale`, `--contact`, `--remove-contact`); `customer tag` and `tag --remove`;
  `customer log`; `customer grade --apply`; `customer merge` (five others into one primary,
  and the same pair five times); `customer unmerge` (one merge undone once); `customer
  import` (five different files: every row lands exactly once; one file with `--merge
  --decisions` five times: as five imports one after another);
- `audit sample` (drawn once, the same sample for all five) and `audit record`;
- accounts and keys: `user set-password` (all land, the last one's password works),
  `user invite` and `user token` (five secrets, each works), `user revoke`; `keys rotate`
  (five new keys: one rotation lands, the others are refused by the key they no longer
  hold, and the winner's key opens every profile and its history);
- `notify`: five send passes at once deliver each notice once, and leave none unsent.

Left out, and why:

- read-only commands (`list`, `show`, `status`, `funnel`, `on-time`, `customer list/show/
  check/value/export`, `calendar check`, `sla`, `validate`, `render`, `export`) write
  nothing;
- `demo` fills a fresh database once (it is a set-up tool, not a shared-use command);
  `backup` writes a new file only (and refuses an existing one, tested in
  tests/cli/test_backup_cli.py), `restore` replaces the file on purpose, SQLite only;
  `keys encrypt` runs once per database, as `keys rotate` does (it takes the same lock);
  `user unlock/logout`, `notify test` write no shared record a second run could double.

Each test seeds its database in-process; the five commands under test run in five
processes forked from the test's interpreter and released together by a barrier (each opens
its own connection, as a `flowkit` command does; forking skips their start-up, so they are
really at once and the whole file takes about 4 minutes on two cores). The first test runs
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
from contextlib import AbstractContextManager, contextmanager, nullcontext
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
from tests.notify.helpers import NOTIFY

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
        self.kept: dict[str, Any] = {}  # what a family's set-up hands on to its check

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
Outcome = tuple[int, str, str]
Told = Callable[[Db, list[Outcome]], None]
Around = Callable[[Db], AbstractContextManager[object]]


@dataclass(frozen=True)
class Family:
    """Five commands (the i-th made by `command`), the seeding they need beyond `_seed`, what
    a loser may be told besides a conflict, and how to see that every winner landed."""

    command: Command
    check: Check
    prepare: Callable[[Db], None] = lambda db: None
    refusals: tuple[str, ...] = ()
    landed: tuple[int, ...] = (1, 2, 3, 4, 5)  # how many may win
    told: Told = lambda db, results: None  # what the five said, where it matters
    stdin: Callable[[int], str] | None = None  # what the i-th reads from standard input
    around: Around = lambda db: nullcontext()  # what the family runs in (a server, a key)


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


# -- set-ups and checks of the families added with issue 10's last part: the commands that
# write many records at once (migrate, retime, handover, imports), and the accounts,
# keys and notices


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


SCREENING_SLA = "    sla:\n      within: 24小时内\n      warn: 提前4小时\n"


def _new_version(db: Db) -> None:
    """#2 at 线索初筛 since 2026-11-16 10:00 (24小时内), then a copy of the processes where
    that SLA is 48小时内, version 1.2.0: both live opportunities are to move."""
    db.run(
        "start", "standard-sales", "--name", "乙", "--customer", "杭州远景", "--owner", "li.lei",
        "--field", "segment=large", "--at", "2026-11-16T09:00",
    )  # fmt: skip
    db.run("advance", "2", "--by", "zhou.jie", "--at", "2026-11-16T10:00")
    standard = db.processes / "standard-sales.yaml"
    _edit(standard, "version: 1.1.0", "version: 1.2.0")
    _edit(standard, SCREENING_SLA, SCREENING_SLA.replace("24小时内", "48小时内"))


def _migrated_once(db: Db, wins: list[int]) -> None:
    for number in ("1", "2"):
        shown = db.json("show", number)
        assert shown["process_version"] == "1.2.0"
        assert len(_history(shown, "migrated")) == 1
    timers = [
        (t["sla"], t["state"], t["due_at"])
        for t in db.json("show", "2")["timers"]
        if t["node"] == "lead_screening"
    ]
    assert timers == [
        ("24小时内", "stopped", "2026-11-17T02:00:00+00:00"),
        ("48小时内", "running", "2026-11-18T02:00:00+00:00"),  # none lost, none doubled
    ]
    assert "every open opportunity runs on the current version" in db.run("migrate")


def _losers_say(refusal: str) -> Told:
    """Every command that did not land says `refusal` (not a conflict: what it would say
    run after the winner)."""

    def told(db: Db, results: list[Outcome]) -> None:
        for code, _, err in results:
            assert code == 0 or refusal in err, err

    return told


def _said_once(done: str, *others: str) -> Told:
    """Exactly one of the five says `done`; each other one that ran says one of `others`."""

    def told(db: Db, results: list[Outcome]) -> None:
        assert sum(done in out for _, out, _ in results) == 1, results
        for code, out, _ in results:
            assert code != 0 or done in out or any(o in out for o in others), out

    return told


@contextmanager
def _old_holiday_data() -> Iterator[None]:
    """Commands computing deadlines as an install whose holiday data ends in 2025 would."""
    from functools import partial
    from unittest.mock import patch

    from flowkit.calendar import registry

    with patch(
        "flowkit.tracking.tracker.get_calendar", partial(registry.get_calendar, data_until=2025)
    ):
        yield


def _signed_on_old_data(db: Db) -> None:
    """#2 and #3 at 合同签订 (3个工作日内) since 2026-02-12 09:00, the eve of 春节 2026,
    computed without 2026's holidays: due 2-16 18:00 where the data says 2-14 (调休)."""
    with _old_holiday_data():
        for number in ("2", "3"):
            db.run(
                "start", "standard-sales", "--name", f"合同{number}", "--customer", "上海宏达",
                "--owner", "li.lei", "--field", "segment=large", "--field", "amount=280000",
                "--at", "2026-02-12T09:00",
            )  # fmt: skip
            for step in (["--by", "zhou.jie"], ["--outcome", "有效"], ["--outcome", "达成意向"]):
                db.run("advance", number, *step, "--at", "2026-02-12T09:00")


def _retimed_once(db: Db, wins: list[int]) -> None:
    for number in ("2", "3"):
        shown = db.json("show", number)
        assert len(_history(shown, "retimed")) == 1
        signing = [t for t in shown["timers"] if t["node"] == "contract_signing"]
        assert [(t["state"], t["due_at"]) for t in signing] == [
            ("running", "2026-02-14T10:00:00+00:00")  # 18:00 in Beijing, on the 调休 Saturday
        ]
    assert "no open deadline was computed on older holiday data" in db.run("calendar", "retime")


def _handed_over_once(db: Db, wins: list[int]) -> None:
    for customer in db.customers():
        shown = db.customer(customer["id"])
        assert shown["customer"]["owner"] == "han.meimei"
        assert len(_history(shown, "handed over")) == 1
    shown = db.opportunity()
    assert shown["owner"] == "han.meimei" and len(_history(shown, "assigned")) == 1


def _merged_pair(db: Db) -> None:
    db.run("customer", "merge", "C00001", "C00002")


def _unmerged_once(db: Db, wins: list[int]) -> None:
    assert "C00002" in {c["id"] for c in db.customers()}
    assert len(_history(db.customer(), "unmerged")) == 1


def _edited_export(db: Db) -> None:
    """The tracking table exported, 关键动作 of #1 edited in it, as someone would in Excel."""
    import csv

    path = db.folder / "跟踪表导出.csv"
    db.run("export", str(path))
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("关键动作")] = "发报价"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def _updated_once(db: Db, wins: list[int]) -> None:
    shown = db.opportunity()
    assert shown["next_action"] == "发报价" and len(_history(shown, "updated")) == 1


def _doubtful_file(db: Db) -> None:
    """C00001 with 赵强's mobile, and a file of another company of another owner with the
    same mobile (a doubtful group), decided: merge into C00001."""
    db.run("customer", "edit", "C00001", "--contact", "赵强,采购经理,13812345678")
    (db.folder / "疑似.csv").write_text(
        "客户名称,负责人,联系人姓名,手机号码\n华东电子（集团）有限公司,han.meimei,钱敏,13812345678\n",
        "utf-8-sig",
    )
    (db.folder / "决定.yaml").write_text(
        '"C00001 / 华东电子（集团）有限公司": merge into C00001\n', "utf-8"
    )


def _decided_each_time(db: Db, wins: list[int]) -> None:
    """As five imports of the file one after another: each folds the row into C00001 (its
    contact, of the same mobile, is 赵强 kept) and records a merge of its own, which
    `customer unmerge` can undo; never a profile of its own, never a contact twice."""
    assert len(db.customers()) == 3
    shown = db.customer()
    assert [c["name"] for c in shown["customer"]["contacts"]] == ["赵强"]
    assert len(_history(shown, "merged")) == len(wins)


@contextmanager
def _keyed(db: Db) -> Iterator[None]:
    """FLOWKIT_KEY_FILE set to a new key (the five commands inherit it); put back after."""
    key = db.folder / "key-old"
    db.run("keys", "new", str(key))
    with pytest.MonkeyPatch.context() as environ:
        environ.delenv("FLOWKIT_KEY", raising=False)
        environ.setenv("FLOWKIT_KEY_FILE", str(key))
        yield


def _encrypted(db: Db) -> None:
    """The three profiles, sealed with the configured key as they are written, one with a
    contact; five new keys, one for each rotation."""
    db.run("customer", "edit", "C00001", "--contact", "赵强,采购经理,13812345678")
    for i in range(5):
        db.run("keys", "new", str(db.folder / f"key-{i}"))


def _rotated_once(db: Db, wins: list[int]) -> None:
    (winner,) = wins
    os.environ["FLOWKIT_KEY_FILE"] = str(db.folder / f"key-{winner}")  # as the winner said
    shown = db.customer()  # its profile and its history, opened by that one key
    assert shown["customer"]["contacts"][0]["mobile"] == "13812345678"
    assert len(_history(shown, "edited")) == 1 and len(db.customers()) == 3


def _accounts(db: Db) -> Any:
    from flowkit.access.accounts import Accounts

    definitions = Definitions.load([db.processes])
    store = Store.open(db.url)
    tracker = Tracker(store, definitions, definitions.org, definitions.calendars)
    return Accounts(store, definitions.org, tracker.access)


def _password(i: int) -> str:
    return f"a long passphrase number {i}\n"


def _one_password(db: Db, wins: list[int]) -> None:
    """Every set landed, one after another: the password is one of theirs (the last)."""
    from flowkit.access.accounts import LoginRefused

    accounts = _accounts(db)
    works = []
    for i in range(5):
        try:
            accounts.login("li.lei", _password(i).strip(), cst(NOW))
            works.append(i)
        except LoginRefused:
            pass
    accounts.store.close()
    assert len(works) == 1


def _secrets_work(find: Callable[[Any, str], object]) -> Told:
    """Each of the five printed a secret of its own, and each one works."""

    def told(db: Db, results: list[Outcome]) -> None:
        printed = [out.strip().rsplit("/", 1)[-1] for _, out, _ in results]
        assert len(set(printed)) == 5
        accounts = _accounts(db)
        for secret in printed:
            assert find(accounts, secret), secret
        accounts.store.close()

    return told


def _token(db: Db) -> None:
    db.kept["token"] = db.run("user", "token", "li.lei", "脚本").strip()


def _revoked(db: Db, wins: list[int]) -> None:
    accounts = _accounts(db)
    assert accounts.token_user(db.kept["token"], cst(NOW)) is None
    accounts.store.close()


@contextmanager
def _hook(db: Db) -> Iterator[None]:
    """A webhook receiver on 127.0.0.1 (in this process: the five send to it) and the
    notify.yaml sending to it (the `processes` fixture puts the shipped one back)."""
    from tests.notify.helpers import Server

    server = Server([(200, {})])
    (db.processes / "notify.yaml").write_text(NOTIFY, "utf-8")
    db.kept["server"] = server
    with pytest.MonkeyPatch.context() as environ, server.running():
        environ.setenv("TEST_HOOK_URL", server.url + "/hook")
        environ.setenv("TEST_HOOK_SECRET", "s3cret")
        yield


def _breached_signing(db: Db) -> None:
    """#2 at 合同签订 since Monday 2026-11-23 09:00: due 11-25 18:00, breached by now."""
    db.run(
        "start", "standard-sales", "--name", "华东区CRM升级", "--customer", "上海宏达",
        "--owner", "li.lei", "--field", "segment=large", "--field", "amount=280000",
        "--at", "2026-11-23T09:00",
    )  # fmt: skip
    for step in (["--by", "zhou.jie"], ["--outcome", "有效"], ["--outcome", "达成意向"]):
        db.run("advance", "2", *step, "--at", "2026-11-23T09:00")


def _delivered_once(db: Db, wins: list[int]) -> None:
    from collections import Counter

    server: Any = db.kept["server"]
    delivered = Counter(
        (n["subject"], n["level"], n["recipient"])
        for r in server.requests
        for n in json.loads(r.body)["notices"]
    )
    assert delivered and max(delivered.values()) == 1, delivered  # none twice
    sent = len(server.requests)
    db.run("notify")  # a pass afterwards: nothing was left unsent by the five
    assert len(server.requests) == sent


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
        told=_losers_say("already imported"),
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
    # -- many records in one write, accounts, keys, notices
    "migrate-apply": Family(
        lambda i, _: ["migrate", "--apply"],
        _migrated_once,
        _new_version,
        refusals=("changed while this command ran",),
        # a run that planned after the winner committed finds nothing to move at all
        told=_said_once(
            "moved 2 opportunities",
            "nothing to do",
            "every open opportunity runs on the current version",
        ),
    ),
    "calendar-retime-apply": Family(
        lambda i, _: ["calendar", "retime", "--apply"],
        _retimed_once,
        _signed_on_old_data,
        told=_said_once("2 deadline(s) moved", "no open deadline was computed"),
    ),
    "handover": Family(
        lambda i, _: ["handover", "li.lei", "--to", "han.meimei"],
        _handed_over_once,
    ),
    "unmerge": Family(
        lambda i, _: ["customer", "unmerge", "C00001", "--merge-id", "1"],
        _unmerged_once,
        _merged_pair,
        refusals=("was undone already",),
        landed=(1,),
    ),
    "import-update": Family(
        lambda i, folder: ["import", str(folder / "跟踪表导出.csv"), "--update"],
        _updated_once,
        _edited_export,
        refusals=("already imported",),
        landed=(1,),
        told=_losers_say("already imported"),
    ),
    "customer-import-decisions": Family(
        lambda i, folder: [
            "customer",
            "import",
            str(folder / "疑似.csv"),
            "--merge",
            "--decisions",
            str(folder / "决定.yaml"),
        ],
        _decided_each_time,
        _doubtful_file,
    ),
    "keys-rotate": Family(
        lambda i, folder: ["keys", "rotate", "--new-key-file", str(folder / f"key-{i}")],
        _rotated_once,
        _encrypted,
        refusals=("is not the key this database is encrypted with", "was encrypted with key"),
        landed=(1,),
        around=_keyed,
    ),
    "user-set-password": Family(
        lambda i, _: ["user", "set-password", "li.lei", "--stdin"],
        _one_password,
        landed=(5,),
        stdin=_password,
    ),
    "user-invite": Family(
        lambda i, _: ["user", "invite", "li.lei"],
        lambda db, wins: None,
        landed=(5,),
        told=_secrets_work(lambda accounts, secret: accounts.invited(secret, cst(NOW))),
    ),
    "user-token": Family(
        lambda i, _: ["user", "token", "li.lei", f"脚本{i}"],
        lambda db, wins: None,
        landed=(5,),
        told=_secrets_work(lambda accounts, secret: accounts.token_user(secret, cst(NOW))),
    ),
    "user-revoke": Family(
        lambda i, _: ["user", "revoke", "1"],
        _revoked,
        _token,
    ),
    "notify": Family(
        lambda i, _: ["notify"],
        _delivered_once,
        _breached_signing,
        around=_hook,
    ),
}


def _at_once(commands: list[list[str]], stdin: list[str | None] | None = None) -> list[Outcome]:
    """Run `commands` (the arguments of `flowkit`) in as many processes, released together:
    each is forked from this interpreter, flowkit already imported, so that the five are
    really at once rather than staggered by their start-up (and the test is quicker); each
    opens its own connection, as a `flowkit` command does. Their exit codes and output."""
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(len(commands))
    results: multiprocessing.Queue[tuple[int, Outcome]] = fork.Queue()
    inputs = stdin or [None] * len(commands)
    runs = [
        fork.Process(target=_one, args=(n, args, inputs[n], start, results))
        for n, args in enumerate(commands)
    ]
    for p in runs:
        p.start()
    found = dict(results.get(timeout=120) for _ in runs)
    for p in runs:
        p.join(timeout=30)
        assert p.exitcode == 0, p.exitcode
    return [found[n] for n in range(len(runs))]


def _one(n: int, args: list[str], stdin: str | None, start: Any, results: Any) -> None:
    start.wait(timeout=60)
    result = CliRunner().invoke(main, args, input=stdin)
    results.put((n, (result.exit_code, result.stdout, result.stderr)))


@pytest.mark.parametrize("family", list(FAMILIES))
def test_concurrent_commands_land_whole_or_are_refused(
    db_url: str, tmp_path: Path, processes: Path, family: str
) -> None:
    db = Db(db_url, processes, tmp_path)
    chosen = FAMILIES[family]
    with chosen.around(db):
        _seed(db)
        chosen.prepare(db)
        commands = [db.args("--now", NOW, *chosen.command(i, tmp_path)) for i in range(5)]
        stdin = [chosen.stdin(i) for i in range(5)] if chosen.stdin else None
        results = _at_once(commands, stdin)
        for code, _, err in results:
            refused = code == 2 and any(m in err for m in (*CONFLICT, *chosen.refusals))
            assert code == 0 or refused, (code, err)
        wins = [i for i, (code, _, _) in enumerate(results) if code == 0]
        assert len(wins) in chosen.landed, results
        chosen.check(db, wins)
        chosen.told(db, results)
