"""Hypothesis strategies for customers as the three tables carry them, and a sample."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from flowkit.model.customer import Contact, Customer, FollowUp

CST = timezone(timedelta(hours=8))
HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORD = st.text(HANZI, min_size=1, max_size=6)
MIXED = st.text(st.one_of(HANZI, st.sampled_from("ABCxyz0123456789")), min_size=1, max_size=10)
MAYBE = st.one_of(st.just(""), WORD)
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
LANDLINE = st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})-[1-9][0-9]{6,7}", fullmatch=True)
EMAIL = st.from_regex(r"[a-z][a-z0-9_]{0,8}@[a-z]{2,8}\.(com|cn|com\.cn)", fullmatch=True)
INDUSTRIES = st.sampled_from(["", "互联网", "制造业", "零售", "金融", "医疗器械", "教育"])

contacts = st.builds(
    Contact,
    name=WORD,
    title=st.one_of(st.just(""), st.sampled_from(["采购总监", "IT经理", "总经理"]), WORD),
    mobile=st.one_of(st.just(""), MOBILE, LANDLINE),
    email=st.one_of(st.just(""), EMAIL),
    role=st.one_of(st.just(""), st.sampled_from(["决策人", "影响者", "使用者", "采购"])),
)

customers = st.builds(
    Customer,
    id=st.one_of(st.just(""), st.from_regex(r"C[0-9]{4}", fullmatch=True)),
    name=MIXED,
    owner=st.sampled_from(["", "li.lei", "han.meimei"]),
    industry=INDUSTRIES,
    employees=st.one_of(st.sampled_from(["", "1-50人", "100-500人", "5000人以上"]), WORD),
    revenue_band=st.one_of(st.sampled_from(["", "5000万-1亿", "1亿以上"]), WORD),
    size=st.sampled_from([None, "large", "sme", "individual"]),
    address=MAYBE,
    contacts=st.lists(contacts, max_size=4).map(tuple),
    first_contact=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2099, 12, 31))),
    keywords=st.lists(WORD, max_size=4).map(tuple),
    stage=st.sampled_from(["potential", "intent", "won", "lost"]),
    tags=st.lists(WORD, max_size=3).map(tuple),
)


def _group_key(c: Customer) -> tuple[str, str]:
    return ("id", c.id) if c.id else ("name", c.name)


customer_lists = st.lists(customers, max_size=8, unique_by=_group_key)

graded = st.builds(
    Customer,
    id=st.from_regex(r"C[0-9]{4}", fullmatch=True),
    name=MIXED,
    owner=st.just("li.lei"),
    industry=INDUSTRIES,
    grade=st.sampled_from([None, "A", "B", "C", "D"]),
    potential=MAYBE,
)

times = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0, tzinfo=UTC)
)


def followups(ids: list[str]) -> st.SearchStrategy[FollowUp]:
    return st.builds(
        FollowUp,
        customer=st.sampled_from(ids),
        at=times,
        method=st.sampled_from(["phone", "visit", "email", "other"]),
        content=MAYBE,
        feedback=MAYBE,
        next_step=MAYBE,
        owner=st.sampled_from(["", "li.lei"]),
        opportunity=st.one_of(st.none(), st.integers(0, 10**6)),
    )


HONGDA = Customer(
    id="C0001",
    name="XX科技有限公司",
    owner="li.lei",
    industry="互联网",
    employees="100-500人",
    revenue_band="5000万-1亿",
    size="sme",
    address="北京市海淀区",
    contacts=(
        Contact("张XX", "采购总监", "13812345678", "zhangxx@example.com", "决策人"),
        Contact("李明", "IT经理", "010-62345678", "", "影响者"),
        Contact("王芳", "财务", "", "wangfang@example.com"),
    ),
    first_contact=date(2023, 10, 15),
    keywords=("企业CRM系统", "数据分析"),
    stage="intent",
    grade="A",
    potential="高",
    tags=("高预算",),
)
YUNFAN = Customer(id="C0002", name="杭州云帆物流有限公司", owner="han.meimei", grade="C")
