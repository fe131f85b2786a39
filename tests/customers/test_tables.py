"""The three customer tables as rows: layout, reading back, every problem located."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flowkit.customers.tables import (
    FollowUpRow,
    GradeTexts,
    GradingRow,
    basic_rows,
    followup_rows,
    from_basic_rows,
    from_followup_rows,
    from_grading_rows,
    grading_rows,
)
from flowkit.errors import InputError
from flowkit.model.customer import Contact, Customer, FollowUp
from flowkit.validate import load_customer_rules
from tests.customers.strategies import (
    CST,
    HONGDA,
    YUNFAN,
    customer_lists,
    followups,
    graded,
)
from tests.customers.test_columns import TEMPLATE

ROOT = Path(__file__).resolve().parents[2]


def _carried(c: Customer) -> Customer:
    """The customer restricted to what 客户基础信息表 carries."""
    return Customer(
        id=c.id,
        name=c.name,
        owner=c.owner,
        industry=c.industry,
        employees=c.employees,
        revenue_band=c.revenue_band,
        size=c.size,
        address=c.address,
        contacts=c.contacts,
        first_contact=c.first_contact,
        keywords=c.keywords,
        stage=c.stage,
        tags=c.tags,
    )


def _problem(rows: list[dict[str, str]]) -> str:
    with pytest.raises(InputError) as caught:
        from_basic_rows(rows)
    return caught.value.message


# ---- 客户基础信息表 ----------------------------------------------------------------------


def test_one_row_per_contact_with_the_customer_repeated() -> None:
    rows = basic_rows([HONGDA])
    assert len(rows) == 3
    assert rows[0] == {
        "客户名称": "XX科技有限公司",
        "所属行业": "互联网",
        "企业规模(员工数/营收)": "100-500人/5000万-1亿",
        "注册地址": "北京市海淀区",
        "联系人姓名": "张XX",
        "职务": "采购总监",
        "手机号码": "13812345678",
        "邮箱": "zhangxx@example.com",
        "首次接触时间": "2023-10-15",
        "需求关键词": "企业CRM系统、数据分析",
        "客户编号": "C0001",
        "客户规模分类": "中小企业",
        "合作阶段": "意向客户",
        "负责人": "li.lei",
        "标签": "高预算",
        "联系人角色": "决策人",
        "客户痛点": "",
        "采购需求": "",
        "预算范围": "",
        "扩展字段": "",
        "备注": "",
        "转介绍来源": "",
    }
    assert [r["联系人姓名"] for r in rows] == ["张XX", "李明", "王芳"]
    assert {r["客户名称"] for r in rows} == {"XX科技有限公司"}


def test_a_customer_without_contacts_is_one_row_with_empty_contact_cells() -> None:
    (row,) = basic_rows([YUNFAN])
    assert [row[h] for h in ("联系人姓名", "职务", "手机号码", "邮箱", "联系人角色")] == [""] * 5
    assert row["企业规模(员工数/营收)"] == "" and row["合作阶段"] == "潜在客户"
    assert from_basic_rows([row]) == [_carried(YUNFAN)]


def test_reading_back_what_the_rows_carry() -> None:
    assert from_basic_rows(basic_rows([HONGDA, YUNFAN])) == [_carried(HONGDA), _carried(YUNFAN)]


def test_a_file_with_only_the_template_columns() -> None:
    rows = [
        dict(zip(TEMPLATE, cells, strict=True))
        for cells in (
            ["XX科技有限公司", "互联网", "100-500人/5000万-1亿", "北京市海淀区", "张XX",
             "采购总监", "138 1234 5678", "ZhangXX@Example.com", "2023/10/15",
             "企业CRM系统、数据分析"],
            ["XX科技有限公司", "", "", "", "李明", "IT经理", "", "", "", ""],
            ["上海宏达机械有限公司", "制造业", "500人以上", "", "", "", "", "", "", ""],
        )
    ]  # fmt: skip
    hongda, honda = from_basic_rows(rows)
    assert (hongda.id, hongda.owner, hongda.stage, hongda.size) == ("", "", "potential", None)
    assert hongda.contacts[0].mobile == "13812345678"
    assert hongda.contacts[0].email == "zhangxx@example.com"
    assert hongda.first_contact is not None and hongda.first_contact.isoformat() == "2023-10-15"
    assert hongda.keywords == ("企业CRM系统", "数据分析")
    assert [c.name for c in hongda.contacts] == ["张XX", "李明"]
    assert (honda.employees, honda.revenue_band, honda.contacts) == ("500人以上", "", ())


def test_rows_of_one_customer_may_leave_its_cells_empty_but_not_contradict() -> None:
    first, second = basic_rows([HONGDA])[:2]
    second = {**second, "所属行业": "", "注册地址": ""}
    assert from_basic_rows([first, second])[0].industry == "互联网"
    message = _problem([first, {**second, "所属行业": "制造业"}])
    assert message == (
        "1 problem(s); nothing was read:\n"
        "  row 2, column 所属行业: '制造业' contradicts '互联网' in row 1 of the same customer "
        "(leave it empty or write the same)"
    )


def test_rows_with_the_same_id_are_one_customer_and_agree_on_the_name() -> None:
    first, second = basic_rows([HONGDA])[:2]
    message = _problem([first, {**second, "客户名称": "XX科技"}])
    assert "row 2, column 客户名称: 'XX科技' contradicts 'XX科技有限公司' in row 1" in message


def test_two_customers_of_one_name_stay_apart_by_their_ids() -> None:
    twin = replace(YUNFAN, id="C0003")
    assert from_basic_rows(basic_rows([YUNFAN, twin])) == [_carried(YUNFAN), _carried(twin)]


def test_every_bad_cell_is_named() -> None:
    (row,) = basic_rows([YUNFAN])
    rows = [
        {**row, "手机号码": "138xxxx", "联系人姓名": "张三"},
        {**row, "客户名称": "", "首次接触时间": "2023-13-01"},
        {**row, "客户编号": "C0009", "客户规模分类": "大企业", "合作阶段": "跟进中"},
    ]
    assert _problem(rows) == (
        "5 problem(s); nothing was read:\n"
        "  row 1, column 手机号码: '138xxxx' is neither a mobile number (13812345678) nor a "
        "landline with its area code (010-12345678)\n"
        "  row 2, column 首次接触时间: '2023-13-01' is not a day of the calendar\n"
        "  row 2, column 客户名称: empty; every row needs it\n"
        "  row 3, column 客户规模分类: '大企业' is not a customer size class "
        "(大型企业、中小企业、个体工商户)\n"
        "  row 3, column 合作阶段: '跟进中' is not a cooperation stage "
        "(潜在客户、意向客户、成交客户、流失客户)"
    )


def test_a_column_the_table_does_not_have() -> None:
    (row,) = basic_rows([YUNFAN])
    assert _problem([{**row, "电话号": "x"}]) == (
        "1 problem(s); nothing was read:\n"
        "  row 1: unknown column(s) 电话号 (the columns of 客户基础信息表: 客户名称, 所属行业, "
        "企业规模(员工数/营收), 注册地址, 联系人姓名, 职务, 手机号码, 邮箱, 首次接触时间, "
        "需求关键词, 客户编号, 客户规模分类, 合作阶段, 负责人, 标签, 联系人角色, 客户痛点, "
        "采购需求, 预算范围, 扩展字段, 备注, 转介绍来源)"
    )


def test_only_twenty_problems_are_shown() -> None:
    (row,) = basic_rows([YUNFAN])
    message = _problem([{**row, "邮箱": "bad"}] * 25)
    assert message.startswith("25 problem(s); nothing was read:\n  row 1, column 邮箱:")
    assert message.endswith("row 20, column 邮箱: 'bad' is not an email address like "
                            "zhang.wei@example.com\n  ... and 5 more")  # fmt: skip


def test_a_customer_over_several_contact_rows_keeps_its_needs_notes_and_fields() -> None:
    two = Customer(
        "C0001",
        "北辰科技有限公司",
        "li.lei",
        contacts=(Contact("赵强", mobile="13812345678"), Contact("孙丽", mobile="13700002222")),
        pain_points="排产靠人工",
        needs="MES",
        budget="50万-100万",
        values={"annual_budget": "800000"},
        notes="老客户",
        referred_by="C0002",
    )
    assert from_basic_rows(basic_rows([two])) == [two]


@settings(max_examples=200, deadline=None)
@given(customer_lists)
def test_basic_rows_round_trip(customers: list[Customer]) -> None:
    assert from_basic_rows(basic_rows(customers)) == customers


# ---- 客户跟进记录表 ----------------------------------------------------------------------


VISIT = FollowUp(
    customer="C0001",
    at=datetime(2023, 10, 20, 15, 0, tzinfo=CST),
    method="visit",
    content="上门演示CRM方案",
    feedback="关注数据迁移",
    next_step="11月初报价",
    owner="li.lei",
    opportunity=7,
)


def test_follow_ups_name_their_customer_and_keep_the_time_of_day() -> None:
    (row,) = followup_rows([VISIT], {"C0001": "XX科技有限公司"}, tz=CST)
    assert row == {
        "客户名称": "XX科技有限公司",
        "跟进日期": "2023-10-20 15:00",
        "跟进方式": "上门拜访",
        "沟通内容(简要)": "上门演示CRM方案",
        "客户反馈/需求变化": "关注数据迁移",
        "下一步计划": "11月初报价",
        "负责人": "li.lei",
        "客户编号": "C0001",
        "商机编号": "7",
    }
    assert from_followup_rows([row], tz=CST) == [FollowUpRow("XX科技有限公司", VISIT)]


def test_a_follow_up_of_the_template_without_our_columns() -> None:
    row = {
        "客户名称": "XX科技有限公司",
        "跟进日期": "2023年10月20日",
        "跟进方式": "电话拜访",
        "沟通内容(简要)": "确认需求",
    }
    (read,) = from_followup_rows([row])
    assert read.customer_name == "XX科技有限公司"
    assert read.followup == FollowUp("", datetime(2023, 10, 20), "phone", "确认需求")


def test_a_follow_up_without_a_method_is_other_and_without_a_date_is_refused() -> None:
    (read,) = from_followup_rows([{"客户名称": "X", "跟进日期": "2023-10-20"}])
    assert read.followup.method == "other"
    with pytest.raises(InputError) as caught:
        from_followup_rows([{"客户名称": "X", "跟进方式": "微信"}])
    assert caught.value.message == (
        "2 problem(s); nothing was read:\n"
        "  row 1, column 跟进方式: '微信' is not a follow-up method (电话、上门拜访、邮件、其他); "
        "another is declared under methods: in customers.yaml\n"
        "  row 1, column 跟进日期: empty; every row needs it"
    )


def test_a_follow_up_of_a_customer_not_given_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        followup_rows([VISIT], {})
    assert caught.value.message == "a follow-up of 2023-10-20 names unknown customer 'C0001'"


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_followup_rows_round_trip(data: st.DataObject) -> None:
    names = {"C0001": "XX科技有限公司", "C0002": "上海宏达机械有限公司"}
    records = data.draw(st.lists(followups(list(names)), max_size=6))
    rows = followup_rows(records, names, tz=CST)
    assert from_followup_rows(rows, tz=CST) == [FollowUpRow(names[f.customer], f) for f in records]


# ---- 客户分级分类表 ----------------------------------------------------------------------


def test_grading_rows_say_the_rules_words_for_each_grade() -> None:
    texts = GradeTexts.from_rules(load_customer_rules(ROOT / "processes"))
    row, ungraded = grading_rows([HONGDA, replace(YUNFAN, grade=None)], texts)
    assert row == {
        "客户名称": "XX科技有限公司",
        "客户等级(ABC)": "A级",
        "分类维度(行业/价值/潜力)": "互联网/高价值/高潜力",
        "分级标准": "年预算超过100万，决策链清晰，合作意愿强",
        "维护策略": "销售经理亲自跟进，每月高层对接",
        "客户编号": "C0001",
    }
    assert ungraded["客户等级(ABC)"] == ungraded["分类维度(行业/价值/潜力)"] == ""
    assert from_grading_rows([row, ungraded]) == [
        GradingRow("XX科技有限公司", "C0001", "A", "高"),
        GradingRow("杭州云帆物流有限公司", "C0002", None, ""),
    ]


def test_only_the_grade_and_the_potential_are_read_from_the_template() -> None:
    row = {
        "客户名称": "XX科技有限公司",
        "客户等级(ABC)": "B",
        "分类维度(行业/价值/潜力)": "互联网/高价值/高潛力",
        "分级标准": "年预算>100万,决策链清晰,合作意愿强",
        "维护策略": "销售经理亲自跟进,每月高层对接",
    }
    assert from_grading_rows([row]) == [GradingRow("XX科技有限公司", "", "B", "高")]


def test_a_bad_grade_is_named() -> None:
    with pytest.raises(InputError) as caught:
        from_grading_rows([{"客户名称": "X", "客户等级(ABC)": "甲级"}])
    assert caught.value.message == (
        "1 problem(s); nothing was read:\n"
        "  row 1, column 客户等级(ABC): '甲级' is not a grade like A级 or A"
    )


@example([Customer(id="C0000", name="0", owner="li.lei", potential="潛力")])
@example([Customer(id="C0001", name="0", owner="li.lei", potential="高潜力")])
@settings(max_examples=100, deadline=None)
@given(st.lists(graded, max_size=6))
def test_grading_rows_round_trip(customers: list[Customer]) -> None:
    rows = grading_rows(customers, GradeTexts(criteria={"A": "年预算>100万"}))
    assert from_grading_rows(rows) == [
        GradingRow(c.name, c.id, c.grade, c.potential) for c in customers
    ]
