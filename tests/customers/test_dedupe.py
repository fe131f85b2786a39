"""Duplicate customers: the keys that find them, the groups and why, and the merged record."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.customers.dedupe import (
    DuplicateGroup,
    company_key,
    email_key,
    find_duplicates,
    merge,
    merge_contacts,
    phone_key,
)
from flowkit.model.customer import AfterSale, Contact, Customer, Order, Payment
from tests.customers.strategies import customers


def _c(cid: str, name: str, *contacts: Contact, **kw: object) -> Customer:
    return Customer(cid, name, kw.pop("owner", "li.lei"), contacts=contacts, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name",
    [
        "上海宏达机械",
        "上海宏达机械有限公司",
        "上海宏达机械有限责任公司",
        "上海宏达机械股份有限公司",
        "上海宏达机械(中国)有限公司",
        "上海宏达机械（上海）有限公司",
        "上海宏达机械【官方】",
        " 上海 宏达 机械 有限公司 ",
        "上海宏达机械集团有限公司",
        "上海宏达机械集团",
        "上海宏达机械公司",
    ],
)
def test_spellings_of_one_company_share_a_key(name: str) -> None:
    assert company_key(name) == "上海宏达机械"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME Co., Ltd.", "acme"),
        ("Acme Co.,Ltd", "acme"),
        ("ＡＣＭＥ　Ｉｎｃ．", "acme"),
        ("Acme Inc", "acme"),
        ("Acme Corporation", "acme"),
        ("宏达Co., Ltd.", "宏达"),
        ("Cisco", "cisco"),  # not Cis + co
        ("Costco Wholesale Co.", "costcowholesale"),
        ("有限公司", ""),
    ],
)
def test_english_suffixes_full_width_and_case(name: str, key: str) -> None:
    assert company_key(name) == key


def test_different_companies_keep_different_keys() -> None:
    keys = {company_key(n) for n in ("上海宏达机械", "上海宏达电子", "北京宏达机械", "宏达机械")}
    assert len(keys) == 4


def test_phone_and_email_keys() -> None:
    assert phone_key("+86 138-1234-5678") == phone_key("13812345678") == "13812345678"
    assert phone_key("010-6234 5678") == "01062345678"
    assert phone_key("138xxxx") == ""
    assert email_key(" Zhang.Wei@Example.COM ") == "zhang.wei@example.com"
    assert email_key("无") == ""


HONGDA = _c("C0001", "上海宏达机械有限公司", Contact("周杰", mobile="13812345678"))
HONGDA_LEAD = _c("", "上海宏达机械", Contact("吴敏", email="wumin@hongda.cn"))
BY_MOBILE = _c("", "宏达精密", Contact("周杰", mobile="+86 138 1234 5678"))
BY_EMAIL = _c("", "沪宏达贸易", Contact("吴敏", email="WuMin@Hongda.cn"))
YUNFAN = _c("C0002", "杭州云帆物流有限公司", Contact("陈晨", mobile="13900001111"))


def test_records_sharing_a_key_are_one_group_with_the_reasons() -> None:
    (group,) = find_duplicates([HONGDA, YUNFAN, HONGDA_LEAD])
    assert group.customers == (HONGDA, HONGDA_LEAD)
    assert group.reasons == ("名称相同: 上海宏达机械有限公司 / 上海宏达机械",)


def test_groups_are_transitive_and_say_every_shared_key() -> None:
    (group,) = find_duplicates([BY_MOBILE, YUNFAN, HONGDA, HONGDA_LEAD, BY_EMAIL])
    assert group.customers == (BY_MOBILE, HONGDA, HONGDA_LEAD, BY_EMAIL)
    assert group.reasons == (
        "名称相同: 上海宏达机械有限公司 / 上海宏达机械",
        "手机相同: 13812345678",
        "邮箱相同: wumin@hongda.cn",
    )


def test_against_existing_records_only_groups_with_a_new_one() -> None:
    twin = _c("C0003", "杭州云帆物流", Contact("陈晨"))
    (group,) = find_duplicates([HONGDA_LEAD], existing=[YUNFAN, twin, HONGDA])
    assert group == DuplicateGroup(
        existing=(HONGDA,),
        incoming=(HONGDA_LEAD,),
        matches=group.matches,
    )
    assert group.reasons == ("名称相同: 上海宏达机械有限公司 / 上海宏达机械",)
    assert len(find_duplicates([YUNFAN, twin])) == 1


def test_a_record_is_no_duplicate_of_itself() -> None:
    twice = _c(
        "", "宁波海天塑机", Contact("甲", mobile="13812345678"), Contact("乙", mobile="13812345678")
    )
    assert find_duplicates([twice, YUNFAN]) == []


def test_empty_keys_group_nothing() -> None:
    nameless = [_c("", "有限公司", Contact("甲", mobile="138xxxx")) for _ in range(3)]
    assert find_duplicates(nameless) == []


def test_many_records_are_grouped_in_one_pass() -> None:
    many = [
        _c("", f"苏州{i}号精密机械有限公司", Contact("甲", mobile=f"139{i:08d}"))
        for i in range(20_000)
    ]
    many.append(_c("", "苏州7号精密机械", Contact("乙", email="x@y.cn")))
    (group,) = find_duplicates(many)
    assert [c.name for c in group.customers] == ["苏州7号精密机械有限公司", "苏州7号精密机械"]


# ---- merging --------------------------------------------------------------------------


def test_merge_keeps_the_primary_and_fills_what_it_lacks() -> None:
    primary = _c(
        "C0001",
        "上海宏达机械有限公司",
        Contact("周杰", "厂长", "13812345678"),
        industry="制造业",
        first_contact=date(2024, 3, 1),
        keywords=("MES",),
        tags=("高预算",),
        orders=(Order("MES一期", 280000.0, date(2024, 5, 1)),),
        values={"annual_budget": 1_200_000},
    )
    lead = _c(
        "",
        "上海宏达机械",
        Contact("周杰", email="ZhouJie@hongda.cn", role="决策人"),
        Contact("吴敏", "采购", email="wumin@hongda.cn"),
        owner="han.meimei",
        industry="机械",
        address="上海市闵行区",
        first_contact=date(2023, 10, 15),
        stage="intent",
        keywords=("MES", "ERP"),
        tags=("价格敏感",),
        orders=(
            Order("MES一期", 280000.0, date(2024, 5, 1)),
            Order("ERP", 90000.0, date(2024, 9, 1)),
        ),
        payments=(Payment(date(2024, 6, 1), 140000.0),),
        after_sales=(AfterSale(date(2024, 7, 1), "接口报错"),),
        values={"annual_budget": 500_000, "decision_chain": "clear"},
    )
    merged = merge(primary, [lead])
    assert (merged.id, merged.name, merged.owner, merged.industry) == (
        "C0001",
        "上海宏达机械有限公司",
        "li.lei",
        "制造业",
    )
    assert merged.address == "上海市闵行区"
    assert merged.first_contact == date(2023, 10, 15)  # the earliest contact
    assert merged.stage == "intent"  # 潜在客户 is the default, not a value
    assert merged.contacts == (
        Contact("周杰", "厂长", "13812345678", "ZhouJie@hongda.cn", "决策人"),
        Contact("吴敏", "采购", "", "wumin@hongda.cn"),
    )
    assert merged.keywords == ("MES", "ERP")
    assert merged.tags == ("高预算", "价格敏感")
    assert [o.product for o in merged.orders] == ["MES一期", "ERP"]
    assert merged.payments == lead.payments and merged.after_sales == lead.after_sales
    assert merged.values == {"annual_budget": 1_200_000, "decision_chain": "clear"}


def test_a_new_primary_takes_the_existing_id() -> None:
    assert merge(HONGDA_LEAD, [HONGDA]).id == "C0001"


def test_contacts_are_one_person_by_phone_email_or_an_unconflicting_name() -> None:
    merged = merge_contacts(
        [
            [Contact("张伟", mobile="13812345678"), Contact("李娜", email="lina@x.cn")],
            [
                Contact("张总", mobile="+86 138 1234 5678", title="总经理"),  # same mobile
                Contact("李娜", email="LiNa@x.cn", mobile="13900001111"),  # same email
                Contact("张伟", mobile="13700002222"),  # a namesake with another mobile
                Contact("李娜", title="采购"),  # same name, nothing that differs
            ],
        ]
    )
    assert merged == (
        Contact("张伟", "总经理", "13812345678"),
        Contact("李娜", "采购", "13900001111", "lina@x.cn"),
        Contact("张伟", mobile="13700002222"),
    )


@settings(max_examples=100, deadline=None)
@given(customers, st.lists(customers, max_size=3))
def test_merging_loses_no_contact_keyword_or_tag(primary: Customer, others: list[Customer]) -> None:
    merged = merge(primary, others)
    everyone = [primary, *others]
    for c in everyone:
        assert set(c.keywords) <= set(merged.keywords) and set(c.tags) <= set(merged.tags)
        phones = {phone_key(k.mobile) for k in merged.contacts}
        assert {phone_key(k.mobile) for k in c.contacts} - {""} <= phones
    assert merged.name == primary.name and merge(merged, []) == merged
