"""Planning one notification pass over 10,000 breached timers of 200 people (issue 14, item 8).

Run: .venv/bin/python bench/notify_bench.py [--timers 10000] [--people 200] [--repeat 5]

An org of `--people` people in teams of 20 (a manager and 19 consultants, under a director),
each team with its WeCom group; `--timers` breached timers spread over the consultants,
late by up to three working days. The rules are the shipped ones' shape: a breach tells the
owner and escalates after 4 working hours and 1 working day (through the team's group), and
a daily digest goes to each person by email. Timed, each the best of `--repeat` in CPU time:

- plan: `flowkit.notify.planning.plan` with an empty ledger (every notice due), the pure
  function a pass runs after reading the status (target < 2 s);
- words: composing every message and cutting it to its channel's size limit.

Printed: both times, the notices planned and the messages they make (digests and lists,
not one message per timer). The status query itself is `bench/tracking_bench.py`'s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowkit.lang.sla import parse_duration  # noqa: E402
from flowkit.model import Org, Person, Team  # noqa: E402
from flowkit.model.notify import Channel, Escalation, NotifyConfig, Rule, Secret  # noqa: E402
from flowkit.notify.passes import Network, _Pass  # noqa: E402
from flowkit.notify.planning import plan  # noqa: E402
from flowkit.notify.records import Snapshot  # noqa: E402
from flowkit.output.notices import Context  # noqa: E402
from flowkit.tracking.views import Alert  # noqa: E402

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=CST)  # a Monday, after the digests' 09:00


def org(people: int) -> Org:
    teams, found = [], [Person("director", "总监", lanes=("manager",), email="d@example.com")]
    for t in range(max(1, people // 20)):
        manager = f"m{t}"
        teams.append(Team(f"team{t}", f"第{t}组", manager))
        found.append(Person(manager, f"经理{t}", ("manager",), f"team{t}", "director",
                            f"{manager}@example.com", mobile=f"139{t:08d}"))  # fmt: skip
        for c in range(19):
            pid = f"c{t}.{c}"
            found.append(Person(pid, f"顾问{t}-{c}", ("consultant",), f"team{t}", manager,
                                f"{pid}@example.com", mobile=f"138{t:04d}{c:04d}"))  # fmt: skip
    return Org("基准", tuple(teams), tuple(found[: people + 1]))


def lines(org: Org, count: int) -> list[Alert]:
    owners = [p.id for p in org.people if p.id.startswith("c")]
    rng = random.Random(14)
    day = timedelta(hours=8)
    found = []
    for i in range(count):
        late = timedelta(minutes=rng.randrange(1, 3 * 8 * 60))
        due = NOW - late * 2
        found.append(
            Alert(
                i + 1,
                f"商机{i:05d}",
                "上海宏达机械有限公司",
                "standard-sales",
                "legal_review",
                "法务审核",
                "legal",
                owners[i % len(owners)],
                "",
                "3个工作日",
                "deadline",
                due,
                True,
                late * 2,
                late,
                day,
                False,
                "",
                0,
                0,
                "",
                "法务",
                "",
            )
        )
    return found


def config(org: Org) -> NotifyConfig:
    groups = tuple(Channel(f"g{t.id}", "wecom", url=Secret("env:X")) for t in org.teams)
    mail = Channel("mail", "email", host="smtp.example.com", sender="f@example.com")
    steps = tuple(Escalation(parse_duration(t), t) for t in ("4个工作小时", "1个工作日"))
    return NotifyConfig(
        "基准",
        channels=(*groups, mail),
        teams=MappingProxyType({t.id: f"g{t.id}" for t in org.teams}),
        rules=(
            Rule("breach", "breach", escalate=steps),
            Rule("daily", "daily", at=datetime(2026, 1, 1, 9).time(), via=("mail",)),
        ),
    )


def snapshot(found: list[Alert]) -> Snapshot:
    return Snapshot(NOW, found, NOW.date(), NOW.time().replace(tzinfo=None), True, "2026-W50",
                    {d: date(2026, 12, 7) + timedelta(days=d) for d in range(5)})  # fmt: skip


def best(repeat: int, work: object) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = work()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    people = org(args.people)
    cfg = config(people)
    snap = snapshot(lines(people, args.timers))
    seconds, planned = best(args.repeat, lambda: plan(snap, cfg, people, set()))
    notices = sum(len(d.notices) for d in planned.deliveries)  # type: ignore[attr-defined]
    ctx = Context(people, CST)
    sending = _Pass(None, cfg, NOW, ctx, Network())  # type: ignore[arg-type]
    words, parts = best(
        max(1, args.repeat // 2),
        lambda: [p for d in planned.deliveries for p in sending.parts(d)],  # type: ignore[attr-defined]
    )
    by_channel: dict[str, int] = {}
    for part in parts:  # type: ignore[attr-defined]
        channel = "group robots" if part.group else "email"
        by_channel[channel] = by_channel.get(channel, 0) + 1
    print(f"{args.timers:,} breached timers, {args.people} people, {len(people.teams)} teams")
    print(f"plan one pass: {seconds:.3f} s CPU (best of {args.repeat}), {notices:,} notices")
    print(f"compose and cut to size: {words:.3f} s CPU, {len(parts):,} messages {by_channel}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
