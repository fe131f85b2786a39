"""价值评估 (`customer_reports.value`): 复购率, 转介绍率 and order amounts per group, counted
in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from flowkit.customers.book import CustomerBook
from flowkit.customers.queries import Value, value
from flowkit.customers.queries import show as show_customer
from flowkit.model.customer import Customer, Order
from flowkit.store import CustomerFilter
from tests.conftest import cst

NOW = cst("2026-11-02T10:00")


def order(amount: float) -> Order:
    return Order("MES系统", amount, date(2026, 3, 1))


def three_in_east_one(book: CustomerBook) -> tuple[str, str, str]:
    """华东一组: A won with two orders, B won with one and referred by A, C referred by A
    with none; 华南二组: D, nothing yet."""
    (a,) = book.add(
        [
            Customer(
                id="",
                name="上海宏达机械",
                owner="li.lei",
                stage="won",
                grade="A",
                orders=(order(100_000), order(50_000)),
            )
        ],
        now=NOW,
    )
    b, c, _ = book.add(
        [
            Customer(
                id="",
                name="杭州云帆科技",
                owner="li.lei",
                stage="won",
                grade="B",
                referred_by=a,
                orders=(order(80_000.5),),
            ),
            Customer(id="", name="苏州恒通", owner="han.meimei", stage="intent", referred_by=a),
            Customer(id="", name="广州南方物流", owner="huang.lei"),
        ],
        now=NOW,
    )
    return a, b, c


def test_per_team_counts_and_rates(book: CustomerBook) -> None:
    three_in_east_one(book)
    east, south = value(book, "team", CustomerFilter())
    assert east == Value(
        key="east-1",
        name="华东一组",
        customers=3,
        won=2,
        buyers=2,
        repeat_buyers=1,
        orders=3,
        won_referrers=1,
        referred=2,
        referred_won=1,
        revenue=230_000.5,
    )
    assert (east.repurchase_rate, east.referral_rate) == (0.5, 0.5)
    assert east.repeat_order_share == 1 / 3
    assert (south.key, south.customers, south.won, south.revenue) == ("south-2", 1, 0, 0.0)
    assert (south.repurchase_rate, south.repeat_order_share, south.referral_rate) == (
        None,
        None,
        None,
    )


def test_per_owner_the_referrer_is_counted_where_it_is_owned(book: CustomerBook) -> None:
    three_in_east_one(book)
    lines = {v.key: v for v in value(book, "owner", CustomerFilter())}
    assert [v.key for v in value(book, "owner", CustomerFilter())] == [
        "li.lei",  # highest order amount first, then by key
        "han.meimei",
        "huang.lei",
    ]
    assert (lines["li.lei"].won_referrers, lines["li.lei"].referred) == (1, 1)
    assert (lines["han.meimei"].won_referrers, lines["han.meimei"].referred) == (0, 1)
    assert lines["han.meimei"].referral_rate is None  # no won customer: nothing to measure
    assert lines["li.lei"].name == "李雷"


def test_per_customer_the_order_share_is_the_profiles_own_rate(book: CustomerBook) -> None:
    ids = three_in_east_one(book)
    lines = {v.key: v for v in value(book, "customer", CustomerFilter())}
    for cid in ids:
        assert lines[cid].repeat_order_share == show_customer(book, cid).customer.repurchase_rate()
    assert lines[ids[0]].name == "上海宏达机械"
    assert (lines[ids[0]].repurchase_rate, lines[ids[1]].repurchase_rate) == (1.0, 0.0)


def test_per_grade_in_the_rules_order_ungraded_last(book: CustomerBook) -> None:
    three_in_east_one(book)
    lines = value(book, "grade", CustomerFilter())
    assert [(v.key, v.customers, v.revenue) for v in lines] == [
        ("A", 1, 150_000.0),
        ("B", 1, 80_000.5),
        ("-", 2, 0.0),
    ]


def test_an_owner_asked_for_shows_even_with_no_customers(book: CustomerBook) -> None:
    three_in_east_one(book)
    (line,) = value(book, "owner", CustomerFilter(owners=("lin.xiaoyu",)))
    assert (line.key, line.customers, line.repurchase_rate, line.referral_rate) == (
        "lin.xiaoyu",
        0,
        None,
        None,
    )
    (team,) = value(book, "team", CustomerFilter(owners=("li.lei", "han.meimei")))
    assert (team.key, team.customers) == ("east-1", 3)


def test_an_empty_book_has_no_lines(book: CustomerBook) -> None:
    assert value(book, "team", CustomerFilter()) == []
    assert value(book, "grade", CustomerFilter()) == []


def test_a_merged_duplicate_is_counted_once(book: CustomerBook) -> None:
    a, _, _ = three_in_east_one(book)
    (dup,) = book.add(
        [
            Customer(
                id="",
                name="上海宏达机械有限公司",
                owner="li.lei",
                stage="won",
                referred_by=a,
                orders=(order(20_000),),
            )
        ],
        now=NOW,
        distinct=True,  # added as a second profile on purpose, to be merged
    )
    before = value(book, "team", CustomerFilter())[0]
    assert (before.customers, before.referred, before.orders) == (4, 3, 4)
    book.merge(a, [dup], now=NOW)
    after = value(book, "team", CustomerFilter())[0]
    # the duplicate's order joins the kept profile: the same revenue, one customer fewer
    assert (after.customers, after.referred, after.orders) == (3, 2, 4)
    assert after.revenue == before.revenue == 250_000.5
