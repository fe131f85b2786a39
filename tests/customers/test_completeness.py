"""Profile completeness: what counts as filled in, the score, and the missing keys' labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from flowkit.customers import completeness
from flowkit.customers.completeness import filled
from flowkit.lang.expr import FieldType
from flowkit.model import Contact, Customer, CustomerRules, Field
from flowkit.validate import load_customer_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = load_customer_rules(ROOT / "processes")

FULL = Customer(
    "C0001",
    "上海宏达机械有限公司",
    "li.lei",
    industry="制造业",
    employees="100-500人",
    size="sme",
    address="上海市浦东新区张江路88号",
    contacts=(Contact("王建国", "采购总监", mobile="13800000000"),),
    first_contact=date(2026, 3, 2),
    keywords=("CRM", "销售自动化"),
    values={"annual_budget": 800_000, "decision_chain": "clear"},
)


def test_a_complete_profile() -> None:
    done = completeness(FULL, RULES)
    assert (done.score, done.missing, done.total, done.complete) == (1.0, (), 11, True)


def test_an_empty_profile_lacks_everything_but_its_name_and_owner() -> None:
    done = completeness(Customer("C0002", "杭州云帆", "li.lei"), RULES)
    assert done.missing == (
        "industry",
        "size",
        "employees",
        "address",
        "contacts",
        "first_contact",
        "keywords",
        "annual_budget",
        "decision_chain",
    )
    assert done.missing_labels == (
        "所属行业",
        "企业规模",
        "员工数",
        "注册地址",
        "联系人",
        "首次接触时间",
        "需求关键词",
        "年度预算",
        "决策链",
    )
    assert done.score == 2 / 11 and not done.complete


def test_a_contact_needs_a_name_and_a_way_to_reach_them() -> None:
    def has(*contacts: Contact) -> bool:
        return filled(replace(FULL, contacts=contacts), "contacts")

    assert has(Contact("王建国", email="wang@example.com"))
    assert not has(Contact("王建国", "采购总监"))
    assert not has(Contact(" ", mobile="13800000000"))
    assert has(Contact("王建国"), Contact("李娜", mobile="13900000000"))
    assert not has()


def test_what_counts_as_filled_in() -> None:
    assert filled(replace(FULL, values={"annual_budget": 0}), "annual_budget")
    assert filled(replace(FULL, values={"flag": False}), "flag")
    assert not filled(replace(FULL, values={"annual_budget": None}), "annual_budget")
    assert not filled(replace(FULL, values={"note": "  "}), "note")
    assert not filled(replace(FULL, keywords=("", " ")), "keywords")
    assert not filled(replace(FULL, address=" \t"), "address")
    assert filled(FULL, "stage")  # every profile has a stage
    assert not filled(FULL, "grade")


def test_a_field_without_a_label_is_shown_by_its_id() -> None:
    rules = CustomerRules(fields=(Field("wechat", FieldType("string")),), required=("wechat",))
    done = completeness(FULL, rules)
    assert (done.missing, done.missing_labels, done.score) == (("wechat",), ("wechat",), 0.0)


def test_nothing_required_is_complete() -> None:
    assert completeness(Customer("C", "n", "o"), CustomerRules()).score == 1.0


KEYS = list(RULES.required)
values = st.fixed_dictionaries(
    {},
    optional={
        "annual_budget": st.none() | st.integers(0, 10**7) | st.just(""),
        "decision_chain": st.none() | st.sampled_from(["clear", "complex", " "]),
    },
)
texts = st.sampled_from(["", " ", "制造业", "上海"])


@given(
    st.builds(
        Customer,
        id=st.just("C1"),
        name=texts,
        owner=texts,
        industry=texts,
        employees=texts,
        address=texts,
        size=st.none() | st.sampled_from(["large", "sme", "individual"]),
        contacts=st.lists(
            st.builds(Contact, name=texts, mobile=texts, email=texts), max_size=2
        ).map(tuple),
        first_contact=st.none() | st.dates(),
        keywords=st.lists(texts, max_size=2).map(tuple),
        values=values,
    ),
    st.lists(st.sampled_from(KEYS), unique=True),
)
def test_the_score_counts_what_is_missing(customer: Customer, keys: list[str]) -> None:
    rules = replace(RULES, required=tuple(keys))
    done = completeness(customer, rules)
    assert 0.0 <= done.score <= 1.0
    assert (done.score == 1.0) == (done.missing == ())
    assert done.total == len(keys)
    if keys:
        assert done.score == (len(keys) - len(done.missing)) / len(keys)
    assert list(done.missing) == [k for k in keys if k in done.missing]  # the rules' order
    assert done.missing_labels == tuple(RULES.label_of(k) for k in done.missing)
    assert all(not filled(customer, k) for k in done.missing)
    assert all(filled(customer, k) for k in keys if k not in done.missing)


@given(st.lists(st.sampled_from(KEYS), unique=True))
def test_filling_in_never_lowers_the_score(keys: list[str]) -> None:
    rules = replace(RULES, required=tuple(keys))
    empty = Customer("C1", "", "")
    assert completeness(empty, rules).score <= completeness(FULL, rules).score == 1.0
