"""The columns of the template's three tables: what each is called and what a cell may hold.

Each table is a tuple of `Column`s: the template's header, the other headers accepted on
reading (English ones, other Chinese spellings), and the check that turns a typed cell into
the one form flowkit writes. Kept apart from the rows so that reading a file (finding the
header row, mapping its names) and checking a row share one description of the tables.

After the template's columns come ours, so our export loses nothing the tables can carry:
客户编号, 客户规模分类, 合作阶段, 负责人, 标签, 联系人角色 (and 客户编号, 商机编号 for
follow-ups, 客户编号 for grading). A file with only the template's columns reads fine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from flowkit.customers import checks
from flowkit.customers.cells import datetime_cell, split_list
from flowkit.messages import msg
from flowkit.model.customer import SIZE_NAMES, STAGE_NAMES
from flowkit.spreadsheet import header_key

Kind = Literal["basic", "followups", "grading"]
CellType = Literal["text", "date", "datetime", "phone", "number"]
SHEETS: Mapping[Kind, str] = {
    "basic": "客户基础信息表",
    "followups": "客户跟进记录表",
    "grading": "客户分级分类表",
}

# 客户基础信息表
NAME, INDUSTRY, SIZE, ADDRESS = "客户名称", "所属行业", "企业规模(员工数/营收)", "注册地址"
CONTACT, TITLE, MOBILE, EMAIL = "联系人姓名", "职务", "手机号码", "邮箱"
FIRST_CONTACT, KEYWORDS = "首次接触时间", "需求关键词"
ID, SIZE_CLASS, STAGE = "客户编号", "客户规模分类", "合作阶段"  # ours, after the template's
OWNER, TAGS, ROLE = "负责人", "标签", "联系人角色"  # ours too
PAINS, NEEDS, BUDGET = "客户痛点", "采购需求", "预算范围"  # ours: 需求与特征
VALUES, NOTES = "扩展字段", "备注"  # ours: customers.yaml fields as id=value; notes
REFERRER = "转介绍来源"  # ours: the id of the customer that referred this one
# 客户跟进记录表 (and 客户名称, 负责人, 客户编号)
DATE, METHOD, CONTENT = "跟进日期", "跟进方式", "沟通内容(简要)"
FEEDBACK, NEXT_STEP, OPPORTUNITY = "客户反馈/需求变化", "下一步计划", "商机编号"
# 客户分级分类表 (and 客户名称, 客户编号)
GRADE, DIMENSIONS = "客户等级(ABC)", "分类维度(行业/价值/潜力)"
CRITERIA, STRATEGY = "分级标准", "维护策略"


@dataclass(frozen=True)
class Column:
    """One column: its header, other headers accepted on reading, how a cell is checked.

    Each table lists the template's columns first, then ours."""

    header: str
    names: tuple[str, ...] = ()  # English first, then other Chinese spellings
    check: Callable[[str], str] | None = None  # normalises the text or raises InputError
    cell: CellType = "text"  # how a spreadsheet stores it


def _iso_date(text: str) -> str:
    return checks.parse_date(text).isoformat()


def _datetime_text(text: str) -> str:
    """The wall time as the table writes it; an offset typed with it is kept."""
    at = checks.parse_datetime(text)
    if at.tzinfo is None:
        return datetime_cell(at)
    return at.replace(microsecond=0).isoformat(" ", "minutes" if not at.second else "seconds")


def _size_name(text: str) -> str:
    return SIZE_NAMES[checks.parse_size(text)]


def _stage_name(text: str) -> str:
    return STAGE_NAMES[checks.parse_stage(text)]


def _method_name(text: str) -> str:
    return checks.METHOD_NAMES[checks.parse_method(text)]


def _grade_name(text: str) -> str:
    return checks.parse_grade(text) + "级"


def _list_text(text: str) -> str:
    return "、".join(split_list(text))


def _whole_number(text: str) -> str:
    if text.isdigit():
        return str(int(text))
    raise checks.FormatError(msg("'{text}' is not an opportunity number like 42", text=text))


COLUMNS: Mapping[Kind, tuple[Column, ...]] = {
    "basic": (
        Column(NAME, ("customer", "customer name", "company", "客户", "公司名称", "企业名称")),
        Column(INDUSTRY, ("industry", "行业")),
        Column(SIZE, ("size", "company size", "企业规模", "规模")),
        Column(ADDRESS, ("address", "registered address", "地址")),
        Column(CONTACT, ("contact", "contact name", "联系人")),
        Column(TITLE, ("title", "job title", "position", "职位")),
        Column(
            MOBILE,
            ("mobile", "phone", "手机", "手机号", "电话", "联系电话"),
            checks.parse_phone,
            "phone",
        ),
        Column(EMAIL, ("email", "e-mail", "电子邮箱", "邮件"), checks.parse_email),
        Column(
            FIRST_CONTACT,
            ("first contact", "first contact date", "首次接触日期"),
            _iso_date,
            "date",
        ),
        Column(KEYWORDS, ("keywords", "needs", "关键词"), _list_text),
        Column(ID, ("id", "customer id", "编号")),
        Column(SIZE_CLASS, ("size class", "规模分类"), _size_name),
        Column(STAGE, ("stage", "客户阶段"), _stage_name),
        Column(OWNER, ("owner",)),
        Column(TAGS, ("tags",), _list_text),
        Column(ROLE, ("role", "contact role", "角色")),
        Column(PAINS, ("pain points", "痛点")),
        Column(NEEDS, ("needs detail", "purchase needs")),
        Column(BUDGET, ("budget", "budget range", "预算")),
        Column(VALUES, ("fields", "values")),
        Column(NOTES, ("notes",)),
        Column(REFERRER, ("referred by", "referrer", "推荐人")),
    ),
    "followups": (
        Column(NAME, ("customer", "customer name", "company", "客户")),
        Column(DATE, ("date", "跟进时间"), _datetime_text, "datetime"),
        Column(METHOD, ("method", "方式"), _method_name),
        Column(CONTENT, ("content", "沟通内容")),
        Column(FEEDBACK, ("feedback", "客户反馈", "需求变化")),
        Column(NEXT_STEP, ("next step", "下一步")),
        Column(OWNER, ("owner",)),
        Column(ID, ("customer id", "id", "编号")),
        Column(OPPORTUNITY, ("opportunity",), _whole_number, "number"),
    ),
    "grading": (
        Column(NAME, ("customer", "customer name", "company", "客户")),
        Column(GRADE, ("grade", "客户等级", "等级"), _grade_name),
        Column(DIMENSIONS, ("dimensions", "分类维度")),
        Column(CRITERIA, ("criteria",)),
        Column(STRATEGY, ("strategy", "maintenance")),
        Column(ID, ("customer id", "id", "编号")),
    ),
}
REQUIRED: Mapping[Kind, tuple[str, ...]] = {
    "basic": (NAME,),
    "followups": (NAME, DATE),
    "grading": (NAME,),
}
CUSTOMER_HEADERS = (NAME, INDUSTRY, SIZE, ADDRESS, FIRST_CONTACT, KEYWORDS, ID, SIZE_CLASS,
                    STAGE, OWNER, TAGS, PAINS, NEEDS, BUDGET, VALUES, NOTES, REFERRER)  # fmt: skip
CONTACT_HEADERS = (CONTACT, TITLE, MOBILE, EMAIL, ROLE)
FIELD = "field:"  # a row's key for a column of a customers.yaml field: field:annual_budget


# The column of 客户基础信息表 that fills each standard profile key: what a day-one report
# names when no row fills a key the rules require (企业规模 is 客户规模分类's class, not the
# 企业规模(员工数/营收) column, which fills 员工数 and 年营收).
FILLED_BY: Mapping[str, str] = {
    "name": NAME,
    "owner": OWNER,
    "industry": INDUSTRY,
    "employees": SIZE,
    "revenue_band": SIZE,
    "size": SIZE_CLASS,
    "address": ADDRESS,
    "contacts": f"{CONTACT} + {MOBILE}/{EMAIL}",
    "first_contact": FIRST_CONTACT,
    "keywords": KEYWORDS,
    "pain_points": PAINS,
    "needs": NEEDS,
    "budget": BUDGET,
    "stage": STAGE,
    "tags": TAGS,
    "notes": NOTES,
    "grade": f"{SHEETS['grading']} {GRADE}",
}


def filled_by(key: str, label: str) -> str:
    """The column that fills a profile key: its own column, or for a customers.yaml field
    a column of its label or 扩展字段 (id=value)."""
    return FILLED_BY.get(key) or f"{label} / {VALUES}"


def header_names(kind: Kind) -> dict[str, str]:
    """Every accepted header, normalised by `header_key`, -> the template's header."""
    return {
        header_key(name): column.header
        for column in COLUMNS[kind]
        for name in (column.header, *column.names)
    }
