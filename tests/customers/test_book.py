"""Customer profiles in the store: add, edit, tags, grading with timers, follow-ups, status."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from flowkit.customers.book import CustomerBook
from flowkit.customers.queries import check, find
from flowkit.customers.queries import show as show_customer
from flowkit.errors import InputError
from flowkit.model.customer import Contact, Customer
from flowkit.output.tracking import worded
from flowkit.store import CustomerFilter, StatusFilter
from flowkit.tracking import Definitions, Tracker, show, status
from flowkit.tracking.views import Status
from tests.conftest import cst

NOW = cst("2026-11-02T10:00")
HONGDA = Customer(
    id="",
    name="上海宏达机械有限公司",
    owner="li.lei",
    industry="制造业",
    size="large",
    employees="500-1000人",
    revenue_band="1亿-5亿",
    address="上海市浦东新区",
    contacts=(Contact("张伟", "采购总监", "13812345678", "zhangwei@hongda.cn", "决策人"),),
    keywords=("生产管理软件", "供应链优化"),
    values={"annual_budget": 1_200_000, "decision_chain": "clear", "intent": "strong"},
    tags=("高预算",),
)


def test_add_scores_completeness_and_names_what_is_missing(book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    assert cid == "C00001"
    view = show_customer(book, cid)
    assert view.customer == replace(HONGDA, id=cid)
    assert view.missing == ("first_contact",)  # the only required key left empty
    assert view.completeness == round(100 * 10 / 11)


def test_bad_values_are_refused_and_nothing_is_written(book: CustomerBook) -> None:
    for bad, message in (
        (replace(HONGDA, tags=("大客户",)), "unknown tag 大客户"),
        (replace(HONGDA, owner="nobody"), "not a person in org.yaml"),
        (replace(HONGDA, contacts=(Contact("张伟", mobile="12345"),)), "contact 张伟"),
        (replace(HONGDA, grade="S"), "unknown grade 'S'"),
    ):
        with pytest.raises(InputError, match=message):
            book.add([bad], now=NOW)
    assert find(book, CustomerFilter()) == []


def test_grading_explains_and_starts_the_maintenance_cadence(book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    (preview,) = book.grade(None, now=NOW, apply=False)
    assert (preview.before, preview.after) == (None, "A")
    assert any("1,200,000" in line or "1200000" in line for line in preview.grading.lines())
    assert show_customer(book, cid).customer.grade is None  # a preview writes nothing
    book.grade([cid], now=NOW, apply=True)
    view = show_customer(book, cid)
    kinds = {t["kind"]: t for t in view.timers}
    assert view.customer.grade == "A" and set(kinds) == {"maintenance", "review"}
    assert kinds["maintenance"]["sla"] == "每月1次拜访"
    assert kinds["maintenance"]["due_at"] == cst("2026-12-02T10:00")


def test_missed_maintenance_shows_in_status_until_a_visit(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    book.grade([cid], now=NOW, apply=True)
    rules = book.rules
    later = cst("2026-12-05T10:00")
    (alert,) = [
        a
        for a in status(tracker, later, StatusFilter(), now=later, customers=rules).alerts
        if a.customer_id == cid
    ]
    assert alert.breached and alert.lane == "manager"
    assert (alert.node, alert.grade, alert.name) == ("maintenance", "A", "")  # codes, no words
    (line,) = worded(Status(later, (alert,)), "zh-CN").alerts  # output/ words them
    assert (line.name, line.node_name) == ("客户维护（A级）", "客户维护")
    book.log(
        cid,
        method="visit",
        content="高层拜访",
        now=later,
        at=cst("2026-11-20T15:00"),
        by="wang.fang",
    )
    after = status(tracker, later, StatusFilter(), now=later, customers=rules).alerts
    assert [a for a in after if a.customer_id == cid and a.node == "maintenance"] == []
    (late,) = [a for a in after if a.customer_id == cid]  # recorded 15 days after the visit
    assert late.node == "upkeep"


def test_a_visited_month_then_silence_shows_the_next_month_short(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    book.grade([cid], now=NOW, apply=True)  # 每月1次拜访 from 11-02 10:00
    visit = cst("2026-11-20T15:00")
    book.log(cid, method="visit", content="高层拜访", now=visit, at=visit, by="wang.fang")

    def maintenance(as_of: str) -> list[tuple[str, bool]]:
        moment = cst(as_of)
        found = status(tracker, moment, StatusFilter(), now=moment, customers=book.rules)
        return [
            (a.due_at.isoformat(), a.breached)
            for a in found.alerts
            if a.customer_id == cid and a.node == "maintenance"
        ]

    assert maintenance("2026-12-05T10:00") == []  # November had its visit
    # December had none: short at its end, with nothing recorded since November
    assert maintenance("2027-01-05T10:00") == [("2027-01-02T10:00:00+08:00", True)]


def test_an_a_grade_is_kept_only_by_the_managers_visits(
    tracker: Tracker, book: CustomerBook
) -> None:
    """A级: 销售经理亲自跟进 — the owner's own visit is recorded, and does not count."""
    a, b = book.add([HONGDA, Customer(id="", name="杭州云帆科技", owner="li.lei")], now=NOW)
    book.grade([a, b], now=NOW, apply=True)
    visit = cst("2026-11-20T15:00")
    for cid in (a, b):
        book.log(cid, method="visit", content="上门拜访", now=visit, at=visit)  # by li.lei

    def maintained(cid: str) -> int:
        (timer,) = [t for t in show_customer(book, cid).timers if t["kind"] == "maintenance"]
        return int(timer["done"])

    assert [show_customer(book, c).customer.grade for c in (a, b)] == ["A", "C"]
    assert (maintained(a), maintained(b)) == (0, 1)  # C级 is the consultant's to keep
    assert [f["owner"] for f in show_customer(book, a).follow_ups] == ["li.lei"]  # recorded
    assert [str(w) for w in book.warnings] == [
        f"the follow-up of {a} by li.lei is recorded, and does not count toward its "
        "maintenance (每月1次拜访): that is the work of the lane manager"
    ]
    book.log(a, method="visit", content="高层拜访", now=visit, at=visit, by="wang.fang")
    assert maintained(a) == 1


def test_a_late_entry_is_itself_a_breach(tracker: Tracker, book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    book.log(cid, method="phone", content="电话回访", now=NOW, at=cst("2026-10-30T09:00"))
    found = status(tracker, NOW, StatusFilter(), now=NOW, customers=book.rules).alerts
    (late,) = [a for a in found if a.node == "upkeep"]
    assert late.breached and late.customer_id == cid and late.due_at == cst("2026-10-31T09:00")


def test_a_lost_customer_cannot_keep_open_opportunities(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    deal = tracker.start(
        "standard-sales",
        name="MES升级",
        customer=HONGDA.name,
        owner="li.lei",
        now=NOW,
        fields={"segment": "large"},
    )
    assert show_customer(book, cid).customer.stage == "intent"  # its first opportunity
    with pytest.raises(InputError, match="open opportunities: #1 MES升级"):
        book.edit(cid, {"stage": "lost"}, now=NOW)
    tracker.close(deal, False, "预算取消", now=NOW)
    book.edit(cid, {"stage": "lost"}, now=NOW)
    with pytest.raises(InputError, match="流失客户"):
        tracker.start(
            "standard-sales",
            name="再来",
            customer=cid,
            owner="li.lei",
            now=NOW,
            fields={"segment": "large"},
        )


def test_opportunity_follow_ups_count_on_the_customer(tracker: Tracker, book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    deal = tracker.start(
        "standard-sales",
        name="MES升级",
        customer=cid,
        owner="li.lei",
        now=NOW,
        fields={"segment": "large"},
    )
    assert show(tracker, deal).customer == HONGDA.name
    tracker.log(deal, method="visit", content="现场调研", now=NOW, by="sun.li")
    (follow_up,) = show_customer(book, cid).follow_ups
    assert follow_up["instance_id"] == deal and follow_up["content"] == "现场调研"


def test_completeness_by_owner(book: CustomerBook) -> None:
    sparse = Customer(id="", name="杭州云帆科技", owner="li.lei")
    book.add([replace(HONGDA, first_contact=NOW.date()), sparse], now=NOW)
    (line,) = check(book, "owner", CustomerFilter())
    assert (line.key, line.customers, line.complete, line.rate) == ("li.lei", 2, 1, 50.0)


def test_a_won_opportunity_becomes_an_order_of_its_customer(
    tracker: Tracker, book: CustomerBook
) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    deal = tracker.start(
        "standard-sales",
        name="MES升级",
        customer=cid,
        owner="li.lei",
        now=NOW,
        fields={"segment": "large", "amount": "280000"},
    )
    tracker.close(deal, True, "签约", now=NOW)
    customer = show_customer(book, cid).customer
    assert customer.stage == "won"
    assert [(o.product, o.amount, o.date) for o in customer.orders] == [
        ("MES升级", 280000.0, NOW.date())
    ]


def test_every_change_of_a_profile_is_kept_with_its_time(book: CustomerBook) -> None:
    (cid,) = book.add([HONGDA], now=NOW)
    later = cst("2026-11-05T09:30")
    new_contact = Contact("李娜", "财务经理", "13900001111")
    book.edit(cid, {"contacts": (*HONGDA.contacts, new_contact), "stage": "intent"}, now=later)
    history = show_customer(book, cid).history
    assert [h["kind"] for h in history] == ["added", "edited"]
    edited = history[1]
    assert edited["recorded_at"] == later
    assert edited["changes"]["stage"] == ["potential", "intent"]
    assert edited["changes"]["contacts"][1][-1]["name"] == "李娜"  # before and after, whole


def test_referrals_are_counted_on_the_referrer(book: CustomerBook) -> None:
    (first,) = book.add([HONGDA], now=NOW)
    (second,) = book.add(
        [Customer(id="", name="杭州云帆科技", owner="li.lei", referred_by=first)], now=NOW
    )
    view = show_customer(book, first)
    assert [r["id"] for r in view.referrals] == [second]
    with pytest.raises(InputError, match="referred by C09999: no such customer"):
        book.add([Customer(id="", name="苏州恒通", owner="li.lei", referred_by="C09999")], now=NOW)


def test_two_profiles_drawn_into_one_sample_merge_and_keep_both_lines(book: CustomerBook) -> None:
    """Merging two profiles that the same week's spot check drew used to end in a raw
    unique-key failure, said as 'another command changed this opportunity'."""
    from flowkit.customers import audits

    first, second = book.add(
        [Customer("", "北辰科技有限公司", "li.lei"), Customer("", "北辰科技", "li.lei")],
        now=NOW,
        distinct=True,
    )
    audits.sample(book, "2026-W45", "", 1.0, NOW)
    book.merge(first, [second], now=NOW)
    drawn = audits.sample(book, "2026-W45", "", 1.0, NOW).rows
    assert sorted(a["customer_id"] for a in drawn) == [first, second]  # each its own line


# -- a new hire in training owns no A customer alone (issue 12, item 9) -----------------------


@pytest.fixture
def trainee_book(tracker: Tracker, processes: Path) -> CustomerBook:
    """The book on the tracker's store, with li.lei in training (mentor wang.fang)."""
    org = processes / "org.yaml"
    line = "    email: li.lei@example.com\n"
    org.write_text(
        org.read_text("utf-8").replace(line, line + "    training: {mentor: wang.fang}\n")
    )
    definitions = Definitions.load([processes])
    return CustomerBook(
        tracker.store,
        definitions.customers,
        people=definitions.org,
        calendars=definitions.calendars,
    )


ALONE = "li.lei is in training (mentor wang.fang) and cannot be the sole owner of A-grade customer"


def test_a_new_hire_is_refused_an_a_grade_however_it_comes(trainee_book: CustomerBook) -> None:
    (cid,) = trainee_book.add([HONGDA], now=NOW)  # ungraded: theirs to work
    with pytest.raises(
        InputError, match=re.escape(f"{ALONE} {cid} 上海宏达机械有限公司")
    ) as caught:
        trainee_book.grade([cid], now=NOW, apply=True)
    assert caught.value.hint == (
        f"give it to the mentor (flowkit customer edit {cid} --owner wang.fang); once li.lei "
        "is certified, remove their `training` from org.yaml"
    )
    assert show_customer(trainee_book, cid).customer.grade is None  # nothing written
    with pytest.raises(InputError, match=re.escape(ALONE)):
        trainee_book.add([replace(HONGDA, name="宁波甬江", contacts=(), grade="A")], now=NOW)
    (hers,) = trainee_book.add(
        [replace(HONGDA, name="宁波甬江", contacts=(), owner="han.meimei", grade="A")], now=NOW
    )
    with pytest.raises(InputError, match=re.escape(ALONE)):
        trainee_book.edit(hers, {"owner": "li.lei"}, now=NOW)
    trainee_book.edit(cid, {"owner": "wang.fang"}, now=NOW)  # the mentor takes it
    trainee_book.grade([cid], now=NOW, apply=True)
    assert show_customer(trainee_book, cid).customer.grade == "A"


def test_a_new_hire_keeps_working_other_grades(trainee_book: CustomerBook) -> None:
    (cid,) = trainee_book.add([replace(HONGDA, grade="B")], now=NOW)
    trainee_book.tag(cid, ["价格敏感"], [], now=NOW)
    assert show_customer(trainee_book, cid).customer.owner == "li.lei"
