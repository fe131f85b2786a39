"""A bounded load test of the workspace (issue 13): `flowkit serve` as a user starts it, on
127.0.0.1, with 100,000 opportunities and 10,000 customers, and 20 concurrent clients.

Run: .venv/bin/python bench/web_bench.py [sqlite|postgresql|all] [--clients 20] [--rounds 25]
     [--opportunities 100000] [--customers 10000] [--consultants 200] [--think 1]
     [--keep /tmp/flowkit-web-bench]

The team: `--consultants 200` (the default) adds 200 consultants in teams of ten, each with a
manager, to a copy of the shipped org (500 open deals each: a large team's open pipeline);
`--consultants 4` keeps the shipped org's four (25,000 open deals each: a stress case no real
consultant has). Each client logs in as a consultant of its own (through the login page, as a
browser does) and then, `--rounds` times, in turn: opens its workbench page, one of
its opportunities' pages, the API's opportunity list (50 rows), and posts a follow-up through
the API on one of its opportunities, pausing `--think` seconds (default 1: a person reading
the page) before each request; `--think 0` measures the server saturated. Every answer's
time is kept; p50/p95/p99 per kind and the number of errors (any status but the expected
one) are printed. Then 50 follow-ups are posted at once on one opportunity and counted back
in its history: none may be lost.

Targets: p95 < 300 ms for pages, < 150 ms for API reads, zero errors, none lost.
The server runs as its own process (`flowkit --db … serve`, one worker on SQLite, four on
PostgreSQL), so its start-up, the HTTP stack and the database are all in what is measured;
the machine's two cores are shared by the clients and the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_bench import NOW, customers  # noqa: E402

from flowkit.access.accounts import Accounts  # noqa: E402
from flowkit.access.guard import SYSTEM, Access  # noqa: E402
from flowkit.store.db import HEAD  # noqa: E402
from flowkit.timers.terms import timers_on_entry  # noqa: E402
from flowkit.tracking.tracker import open_tracker  # noqa: E402

PROCESSES = ROOT / "processes"
FLOWKIT = str(Path(sys.executable).with_name("flowkit"))
SHIPPED = ("li.lei", "han.meimei", "huang.lei", "lin.xiaoyu")
TEAM = 10  # consultants per generated team


def team(folder: Path, count: int) -> tuple[Path, tuple[str, ...]]:
    """A copy of the shipped processes whose org has `count` consultants (the shipped four,
    or generated teams of ten with their managers), and the consultants' ids."""
    import yaml

    copy = folder / f"processes-{count}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(PROCESSES, copy)
    if count <= len(SHIPPED):
        return copy, SHIPPED[:count]
    org = yaml.safe_load((copy / "org.yaml").read_text(encoding="utf-8"))
    consultants = tuple(f"gu.wen{i:03d}" for i in range(1, count + 1))
    for t in range(0, count, TEAM):
        number = t // TEAM + 1
        manager = f"jing.li{number:02d}"
        org["teams"].append(
            {"id": f"bench-{number:02d}", "name": f"测试{number}组", "manager": manager}
        )
        org["people"].append(
            {
                "id": manager,
                "name": f"经理{number:02d}",
                "lanes": ["manager"],
                "role": "manager",
                "team": f"bench-{number:02d}",
                "manager": "liu.yang",
            }
        )
        org["people"] += [
            {"id": person, "name": f"顾问{person[-3:]}", "lanes": ["consultant"],
             "team": f"bench-{number:02d}", "manager": manager}
            for person in consultants[t : t + TEAM]
        ]  # fmt: skip
    text = yaml.safe_dump(org, allow_unicode=True, sort_keys=False)
    (copy / "org.yaml").write_text(text, encoding="utf-8")
    return copy, consultants


PASSWORD = "bench password long enough"
NOW_TEXT = "2026-11-27T10:00+08:00"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KINDS = ("workbench page", "opportunity page", "API list", "post follow-up")
TARGETS = {"workbench page": 300, "opportunity page": 300, "API list": 150}


def build(
    db: str, processes: Path, consultants: tuple[str, ...], opportunities: int, count_customers: int
) -> None:
    """The database: customers, opportunities spread over the consultants and their nodes of
    the standard process (about 5% entered long enough ago to be late), with their timers."""
    started = time.perf_counter()
    tracker = open_tracker(db, [processes], None, lambda: NOW)
    book = tracker.customers
    assert book is not None
    made = [c for c in customers(count_customers)]
    made = [
        c.__class__(**{**c.__dict__, "owner": consultants[i % len(consultants)]})
        for i, c in enumerate(made)
    ]
    with tracker.store.write() as tx:
        book.insert(tx, made, NOW)
    process = tracker.definitions.current["standard-sales"]
    # the consultants' own nodes: their follow-ups there are theirs to record
    nodes = [n for n in process.nodes if n.type == "task" and n.lane == "consultant"]
    cal = tracker.calendar(process.calendar)
    with tracker.store.write() as tx:
        digest = tracker.definitions.pin(tx, process, NOW)
    rnd = random.Random(3)
    batch = 20_000
    for first in range(0, opportunities, batch):
        rows, entries = [], []
        for i in range(first, min(first + batch, opportunities)):
            node = nodes[i % len(nodes)]
            late = rnd.random() < 0.05
            entered = NOW - (
                timedelta(days=rnd.uniform(6, 20)) if late else timedelta(hours=rnd.uniform(0, 8))
            )
            owner = consultants[i % len(consultants)]
            rows.append(
                {
                    "process_id": process.id,
                    "process_hash": digest,
                    "name": f"商机{i}",
                    "customer": made[i % len(made)].id,
                    "owner": owner,
                    "node": node.id,
                    "node_entered_at": entered,
                    "state": "open",
                    "expected_close": None,
                    "next_action": "",
                    "risk": False,
                    "risk_note": "",
                    "fields": {"segment": "sme"},
                    "started_at": entered,
                    "close_reason": "",
                }
            )
            entries.append((node, entered))
        with tracker.store.write() as tx:
            ids = tx.add_instances(rows)
            tx.add_timer_rows(
                [
                    {**t, "instance_id": iid}
                    for iid, (node, at) in zip(ids, entries, strict=True)
                    for t in timers_on_entry(node, {"segment": "sme"}, at, cal, {})
                ]
            )
    accounts = Accounts(tracker.store, tracker.people, Access(tracker.people, SYSTEM))
    for person in consultants:
        accounts.set_password(person, PASSWORD, NOW)
    tracker.store.close()
    print(
        f"built {opportunities:,} opportunities, {count_customers:,} customers in "
        f"{time.perf_counter() - started:.0f} s"
    )


def serve(
    db: str, processes: Path, port: int, workers: int, handbook: Path, log: Path
) -> subprocess.Popen[bytes]:
    args = [FLOWKIT, "--db", db, "--processes", str(processes), "--now", NOW_TEXT, "serve"]
    args += ["--port", str(port), "--workers", str(workers), "--handbook", str(handbook)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with open(log, "wb") as out:  # the server's own log, to see why if something fails
        return subprocess.Popen(args, env=env, stderr=out, start_new_session=True)


async def wait_up(base: str) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(base + "/login")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


async def login(client: Any, base: str, person: str) -> str:
    form = await client.get(base + "/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    done = await client.post(
        base + "/login", data={"person": person, "password": PASSWORD, "csrf": csrf}
    )
    page = await client.get(base + "/account")
    refused = re.findall(r'role="alert">([^<]*)', done.text)
    assert done.status_code in (200, 303) and page.status_code == 200, refused
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


async def one_client(
    base: str,
    person: str,
    rounds: int,
    think: float,
    times: dict[str, list[float]],
    errors: list[str],
) -> None:
    import httpx

    async with httpx.AsyncClient(follow_redirects=True, timeout=60) as client:
        csrf = await login(client, base, person)
        listed = await client.get(base + "/api/v1/opportunities?limit=200&state=open")
        mine = [item["id"] for item in listed.json()["items"]]
        rnd = random.Random(person)
        headers = {"X-CSRF-Token": csrf}
        body = {"method": "phone", "content": "电话跟进，确认下一步"}
        for _ in range(rounds):
            number = rnd.choice(mine)
            steps = (
                ("workbench page", "GET", "/workbench", None, 200),
                ("opportunity page", "GET", f"/opportunities/{number}", None, 200),
                ("API list", "GET", "/api/v1/opportunities?limit=50", None, 200),
                ("post follow-up", "POST", f"/api/v1/opportunities/{number}/follow-ups", body, 201),
            )
            for kind, method, path, payload, expected in steps:
                await asyncio.sleep(think * rnd.uniform(0.5, 1.5))  # reading the last page
                started = time.perf_counter()
                try:
                    answer = await client.request(
                        method, base + path, json=payload, headers=headers
                    )
                except httpx.TransportError as e:  # the server dropped the connection
                    errors.append(f"{kind}: {type(e).__name__}")
                    continue
                times[kind].append((time.perf_counter() - started) * 1000)
                if answer.status_code != expected:
                    errors.append(f"{kind}: {answer.status_code} {answer.text[:120]}")


async def lost_follow_ups(base: str, person: str, posts: int) -> tuple[int, int]:
    """`posts` follow-ups at once on one opportunity: how many were answered 201, and how
    many more follow-ups its history has afterwards."""
    import httpx

    async with httpx.AsyncClient(follow_redirects=True, timeout=120) as client:
        csrf = await login(client, base, person)
        number = (await client.get(base + "/api/v1/opportunities?limit=1&state=open")).json()[
            "items"
        ][0]["id"]

        async def count() -> int:
            shown = (await client.get(f"{base}/api/v1/opportunities/{number}")).json()["item"]
            return sum(e["kind"] == "follow_up" for e in shown["history"])

        before = await count()
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{base}/api/v1/opportunities/{number}/follow-ups",
                    json={"method": "visit", "content": f"并发拜访 {i}"},
                    headers={"X-CSRF-Token": csrf},
                )
                for i in range(posts)
            )
        )
        return sum(a.status_code == 201 for a in answers), await count() - before


async def load(
    base: str, consultants: tuple[str, ...], clients: int, rounds: int, think: float
) -> tuple[dict[str, list[float]], list[str]]:
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: list[str] = []
    await asyncio.gather(
        *(
            one_client(base, consultants[i % len(consultants)], rounds, think, times, errors)
            for i in range(clients)
        )
    )
    return times, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(kind: str, args: argparse.Namespace) -> None:
    folder = Path(args.keep) / kind
    folder.mkdir(parents=True, exist_ok=True)
    handbook = Path(tempfile.mkdtemp(prefix="flowkit-bench-handbook-"))
    workers = 1
    processes, consultants = team(folder, args.consultants)
    if kind == "sqlite":
        shape = f"{args.opportunities}-{args.customers}-{args.consultants}"
        path = folder / f"web-{shape}-{HEAD}.db"
        fresh = folder / "fresh.db"
        if not path.exists():
            build(str(fresh), processes, consultants, args.opportunities, args.customers)
            fresh.rename(path)
        db = folder / "run.db"  # the posts change it: each run starts from the same copy
        for stale in (db, db.with_name("run.db-wal"), db.with_name("run.db-shm")):
            stale.unlink(missing_ok=True)  # a last run's WAL would be replayed into the copy
        shutil.copyfile(path, db)
        url = str(db)
    else:
        import sqlalchemy

        schema = "flowkit_web_bench"
        engine = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        build(url, processes, consultants, args.opportunities, args.customers)
        workers = 4
    port = 18000 + random.randrange(1000)
    server = serve(url, processes, port, workers, handbook, folder / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_up(base))
        load_avg = os.getloadavg()[0]
        started = time.perf_counter()
        times, errors = asyncio.run(load(base, consultants, args.clients, args.rounds, args.think))
        took = time.perf_counter() - started
        answered, counted = asyncio.run(lost_follow_ups(base, consultants[0], 50))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(handbook, ignore_errors=True)
    total = sum(len(v) for v in times.values())
    print(
        f"\n{kind}: {args.clients} clients x {args.rounds} rounds of {len(consultants)} "
        f"consultants' deals, think time {args.think:g} s, {total:,} requests in {took:.1f} s "
        f"({total / took:.0f}/s), {workers} worker(s), load average before {load_avg:.1f}"
    )
    print(f"{'what':<18}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'target p95':>12}")
    for what in KINDS:
        values = times[what]
        target = TARGETS.get(what)
        print(
            f"{what:<18}{statistics.median(values):>9.0f}{percentile(values, 95):>9.0f}"
            f"{percentile(values, 99):>9.0f}{(f'< {target}' if target else '—'):>12}"
        )
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(
        f"50 concurrent follow-ups on one opportunity: {answered} answered 201, "
        f"{counted} in its history afterwards ({50 - counted} lost)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", nargs="?", default="all", choices=("sqlite", "postgresql", "all"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--keep", default=str(Path(tempfile.gettempdir()) / "flowkit-web-bench"))
    args = parser.parse_args()
    for kind in ("sqlite", "postgresql") if args.which == "all" else (args.which,):
        run(kind, args)


if __name__ == "__main__":
    main()
