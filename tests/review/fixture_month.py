"""A hand-computed November 2026 on the shipped processes: the month every review test
reads. What each measure must say of it is written out in tests/review/test_measures.py.

Opportunities (standard-sales, 线索初筛 due 24 hours after 线索获取 is done):
- D1 li.lei 200,000: screened by li.lei in 5 hours (met), then at 商机跟进 (每周2次上门拜访,
  weeks from 11-02 15:00): visits 2, 1, 2, 0 in the four weeks ending in November; its
  amount is changed to 250,000 in December.
- D2 li.lei 80,000: screened by han.meimei (not the owner) 48 hours after (missed), 无效:
  ends at 无效线索 (reason invalid_lead).
- D3 li.lei 150,000: paused two days while at 线索初筛, so the 53 hours it took are on time;
  lost at 商机跟进 on 11-07 (competitor, with a note), before its first week ended.
- D4 han.meimei 100,000: lost at 线索初筛 the day it came (price): an early loss.
- D5 300,000: li.lei's, reassigned to huang.lei on 11-10 while overdue at 线索初筛;
  screened (late) only on 12-01 — still at 线索初筛 and overdue when November ended.
- D6 han.meimei 50,000: won from 线索初筛 on 11-20.

Customers (made 11-01 08:00, so no maintenance period ends in November): C1 li.lei A
complete 制造业; C2 li.lei C lacking address, annual_budget, decision_chain (given to
han.meimei in December); C3 han.meimei complete, B → A on 11-12, 制造业; C4 huang.lei C
lacking address (made 11-05). Spot checks of 2026-W46: C1 ok, C2 problem, C4 ok.
"""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path
from typing import Any

from flowkit.customers import audits
from flowkit.customers.book import CustomerBook
from flowkit.model.customer import Contact, Customer
from flowkit.tracking import Tracker
from tests.conftest import cst

MARKETING = "zhou.jie"


def _profile(name: str, owner: str, **extra: object) -> Customer:
    mobile = f"138{zlib.crc32(name.encode()) % 10**8:08d}"
    full: dict[str, object] = {
        "industry": "制造业",
        "size": "large",
        "employees": "100-500人",
        "address": "上海市浦东新区",
        "contacts": (Contact("张三", mobile=mobile),),
        "first_contact": date(2026, 10, 15),
        "keywords": ("MES",),
        "values": {"annual_budget": 1_200_000, "decision_chain": "clear", "intent": "strong"},
    }
    full.update(extra)
    return Customer(id="", name=name, owner=owner, **full)  # type: ignore[arg-type]


def customers(book: CustomerBook) -> dict[str, str]:
    made = cst("2026-11-01T08:00")
    c1, c2, c3 = book.add(
        [
            _profile("上海宏达机械", "li.lei", grade="A", tags=("高预算",)),
            _profile(
                "杭州小铺",
                "li.lei",
                grade="C",
                industry="零售业",
                size="individual",
                address="",
                values={"intent": "weak"},
            ),
            _profile("苏州精工", "han.meimei", grade="B", tags=("高预算",)),
        ],
        now=made,
    )
    (c4,) = book.add(
        [_profile("广州服务", "huang.lei", grade="C", industry="服务业", size="sme", address="")],
        now=cst("2026-11-05T09:00"),
    )
    book.grade([c3], now=cst("2026-11-12T09:00"), apply=True)  # B → A by the rules
    audits.sample(book, "2026-W46", "", 1.0, cst("2026-11-12T08:00"))
    audits.record(book, "2026-W46", "", c1, "ok", "", "wang.fang", cst("2026-11-12T10:00"))
    audits.record(
        book, "2026-W46", "", c2, "problem", "地址缺失", "wang.fang", cst("2026-11-12T11:00")
    )
    audits.record(book, "2026-W46", "", c4, "ok", "", "chen.jing", cst("2026-11-13T10:00"))
    return {"C1": c1, "C2": c2, "C3": c3, "C4": c4}


def _deal(tracker: Tracker, owner: str, amount: int, day: int) -> int:
    """An opportunity started on November `day` at 09:00 and captured an hour later."""
    at = cst(f"2026-11-{day:02d}T09:00")
    deal = tracker.start(
        "standard-sales",
        name=f"商机{day}",
        customer=f"客户{day}",
        owner=owner,
        now=at,
        at=at,
        fields={"segment": "sme", "amount": str(amount)},
    )
    captured = cst(f"2026-11-{day:02d}T10:00")
    tracker.advance(deal, now=captured, at=captured, by=MARKETING)
    return deal


def _at(text: str) -> dict[str, object]:
    return {"now": cst(text), "at": cst(text)}


def opportunities(tracker: Tracker) -> dict[str, int]:
    d1 = _deal(tracker, "li.lei", 200_000, 2)
    tracker.advance(d1, outcome="有效", by="li.lei", **_at("2026-11-02T15:00"))  # type: ignore[arg-type]
    for visit in ("11-03T10:00", "11-05T10:00", "11-10T10:00", "11-17T10:00", "11-19T10:00"):
        tracker.log(d1, method="visit", content="上门拜访", **_at(f"2026-{visit}"))  # type: ignore[arg-type]
    d2 = _deal(tracker, "li.lei", 80_000, 3)
    tracker.advance(d2, outcome="无效", by="han.meimei", **_at("2026-11-05T10:00"))  # type: ignore[arg-type]
    d3 = _deal(tracker, "li.lei", 150_000, 4)
    tracker.pause(d3, "客户出差", **_at("2026-11-04T12:00"))  # type: ignore[arg-type]
    tracker.resume(d3, **_at("2026-11-06T12:00"))  # type: ignore[arg-type]
    tracker.advance(d3, outcome="有效", by="li.lei", **_at("2026-11-06T15:00"))  # type: ignore[arg-type]
    tracker.close(d3, False, "competitor", note="客户选择了竞品A", **_at("2026-11-07T10:00"))  # type: ignore[arg-type]
    d4 = _deal(tracker, "han.meimei", 100_000, 5)
    tracker.close(d4, False, "price", **_at("2026-11-05T16:00"))  # type: ignore[arg-type]
    d5 = _deal(tracker, "li.lei", 300_000, 6)
    tracker.assign(d5, "huang.lei", **_at("2026-11-10T09:00"))  # type: ignore[arg-type]
    d6 = _deal(tracker, "han.meimei", 50_000, 20)
    tracker.close(d6, True, "签约", **_at("2026-11-20T12:00"))  # type: ignore[arg-type]
    return {"D1": d1, "D2": d2, "D3": d3, "D4": d4, "D5": d5, "D6": d6}


def december(tracker: Tracker, ids: dict[str, Any]) -> None:
    """What happens on 1 December, none of which may change November's numbers: D1's
    periods settled and its amount changed, D5 screened, C2 handed to han.meimei and
    tagged, C1's address cleared and its industry changed, C4's address filled, a new
    profile."""
    d1, d5 = ids["D1"], ids["D5"]
    tracker.log(d1, method="phone", content="电话回访", **_at("2026-12-01T09:00"))  # type: ignore[arg-type]
    tracker.update(d1, fields={"amount": "250000"}, **_at("2026-12-01T09:10"))  # type: ignore[arg-type]
    tracker.advance(d5, outcome="有效", by="huang.lei", **_at("2026-12-01T10:00"))  # type: ignore[arg-type]
    book = tracker.customers
    assert book is not None
    book.edit(ids["C2"], {"owner": "han.meimei"}, now=cst("2026-12-01T09:00"))
    book.edit(ids["C1"], {"address": "", "industry": "零售业"}, now=cst("2026-12-01T09:05"))
    book.edit(ids["C4"], {"address": "广州市天河区"}, now=cst("2026-12-01T09:06"))
    book.tag(ids["C2"], ["价格敏感"], [], now=cst("2026-12-01T09:07"))
    book.add([_profile("北京后来", "li.lei")], now=cst("2026-12-01T09:30"))


def november(tracker: Tracker, then: bool = True) -> dict[str, Any]:
    """The whole month on `tracker`'s database (and, with `then`, the first of December):
    the ids of what was made."""
    book = tracker.customers
    assert book is not None
    ids: dict[str, Any] = {**customers(book), **opportunities(tracker)}
    if then:
        december(tracker, ids)
    return ids


def build(db: Path, processes: Path) -> None:
    """The month in a new SQLite file `db` (for the command-line and browser tests)."""
    from flowkit.tracking.tracker import open_tracker

    tracker = open_tracker(str(db), [processes])
    try:
        november(tracker)
    finally:
        tracker.store.close()
