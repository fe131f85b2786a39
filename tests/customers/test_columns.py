"""The columns of the three customer tables: the template's first, then ours."""

from __future__ import annotations

from flowkit.customers.columns import COLUMNS

TEMPLATE = [
    "客户名称",
    "所属行业",
    "企业规模(员工数/营收)",
    "注册地址",
    "联系人姓名",
    "职务",
    "手机号码",
    "邮箱",
    "首次接触时间",
    "需求关键词",
]


def test_the_template_columns_come_first_then_ours() -> None:
    headers = [c.header for c in COLUMNS["basic"]]
    assert headers[:10] == TEMPLATE
    assert headers[10:] == [
        "客户编号",
        "客户规模分类",
        "合作阶段",
        "负责人",
        "标签",
        "联系人角色",
        "客户痛点",
        "采购需求",
        "预算范围",
        "扩展字段",
        "备注",
        "转介绍来源",
    ]
    assert [c.header for c in COLUMNS["followups"]][:7] == [
        "客户名称",
        "跟进日期",
        "跟进方式",
        "沟通内容(简要)",
        "客户反馈/需求变化",
        "下一步计划",
        "负责人",
    ]
    assert [c.header for c in COLUMNS["grading"]][:5] == [
        "客户名称",
        "客户等级(ABC)",
        "分类维度(行业/价值/潜力)",
        "分级标准",
        "维护策略",
    ]
