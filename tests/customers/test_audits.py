"""The monthly roll-up of spot checks per owner (issue 12, item 7c: 抽查问题纳入考核)."""

from __future__ import annotations

from datetime import date

import pytest

from flowkit.access.guard import Access, Actor
from flowkit.access.handover import hand_over
from flowkit.access.rules import Role
from flowkit.customers import audits
from flowkit.customers.audits import OwnerAudits
from flowkit.customers.book import CustomerBook
from flowkit.errors import InputError, NotPermitted
from flowkit.model.customer import Customer
from flowkit.tracking import Tracker
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def checked(book: CustomerBook) -> CustomerBook:
    """Every profile of li.lei (3), han.meimei (1) and huang.lei (2) sampled in 2026-W48;
    li.lei's checked twice with a problem and once fine, huang.lei's once with a problem,
    han.meimei's never; and one of li.lei's checked in December."""
    owners = ["li.lei"] * 4 + ["han.meimei"] + ["huang.lei"] * 2
    ids = book.add([Customer("", f"客户{i}", o) for i, o in enumerate(owners)], now=NOW)
    audits.sample(book, "2026-W48", "", 1.0, NOW)
    audits.sample(book, "2026-W49", "", 1.0, cst("2026-12-01T09:00"))
    found = [
        ("2026-W48", ids[0], "problem", "wang.fang", NOW),
        ("2026-W48", ids[1], "problem", "zheng.shu", NOW),
        ("2026-W48", ids[2], "ok", "wang.fang", NOW),
        ("2026-W48", ids[5], "problem", "chen.jing", cst("2026-11-30T23:59")),
        ("2026-W49", ids[3], "problem", "wang.fang", cst("2026-12-01T00:00")),  # December's
    ]
    for week, cid, result, by, at in found:
        audits.record(
            book, week, "", cid, result, "跟进记录与实际不符" * (result == "problem"), by, at
        )
    return book


def test_problems_are_rolled_up_per_owner_for_the_month(checked: CustomerBook) -> None:
    assert audits.report(checked, NOVEMBER) == [
        OwnerAudits("huang.lei", "黄磊", "south-2", 1, 1),
        OwnerAudits("li.lei", "李雷", "east-1", 3, 2),
    ]
    (december,) = audits.report(checked, date(2026, 12, 1))
    assert (december.owner, december.checked, december.problems) == ("li.lei", 1, 1)
    assert audits.report(checked, date(2026, 10, 1)) == []
    assert round(audits.report(checked, NOVEMBER)[1].rate, 4) == 0.6667


def test_a_check_counts_for_whoever_owned_the_profile_then(
    tracker: Tracker, checked: CustomerBook
) -> None:
    hand_over(tracker, "li.lei", "han.meimei", now=cst("2026-11-28T10:00"))
    november = {line.owner: line.checked for line in audits.report(checked, NOVEMBER)}
    assert november == {"huang.lei": 1, "li.lei": 3}  # checked before the handover
    (december,) = audits.report(checked, date(2026, 12, 1))
    assert december.owner == "han.meimei"  # checked after it


@pytest.mark.parametrize(
    ("person", "role", "owners"),
    [
        ("wang.fang", Role.MANAGER, ["li.lei"]),
        ("chen.jing", Role.MANAGER, ["huang.lei"]),
        ("liu.yang", Role.MANAGER, ["huang.lei", "li.lei"]),
        ("zheng.shu", Role.AUDITOR, ["huang.lei", "li.lei"]),
    ],
)
def test_a_manager_sees_their_team_an_auditor_everyone(
    checked: CustomerBook, person: str, role: Role, owners: list[str]
) -> None:
    checked.access = Access(checked.people, Actor(person, role, "user"))
    assert [line.owner for line in audits.report(checked, NOVEMBER)] == owners


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.OPS])
def test_others_may_not_see_it(checked: CustomerBook, role: Role) -> None:
    checked.access = Access(checked.people, Actor("li.lei", role, "user"))
    with pytest.raises(NotPermitted, match=rf"li\.lei \({role.value}\) may not audit report"):
        audits.report(checked, NOVEMBER)


@pytest.mark.parametrize("text", ["2026-13", "2026", "2026-11-05", "十一月", "9999-12", ""])
def test_a_month_is_year_and_month(text: str) -> None:
    with pytest.raises(InputError, match="is not a month"):
        audits.parse_month(text)
    assert audits.parse_month(" 2026-1 ") == date(2026, 1, 1)
