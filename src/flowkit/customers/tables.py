"""The template's three customer tables as rows: pure data, no files.

A row is a dict from the template's Chinese header to the cell's text, in the one form
flowkit writes (ISO dates, 11-digit mobiles, A级): `basic_rows` and friends make them from
the model, `from_basic_rows` and friends read them back, checking every cell.

- 客户基础信息表: one row per contact; a customer with three contacts is three rows with
  the same 客户名称 and the same customer columns (cells left empty on later rows are
  fine), a customer without contacts one row with empty contact cells. Rows belong to
  one customer when they share the 客户编号, or, without one, the 客户名称.
- 客户跟进记录表: names its customer by 客户名称; `from_followup_rows` returns each record
  beside that name (`FollowUpRow`) and the caller resolves it to a customer id.
- 客户分级分类表: only the grade and the potential are read back; 分级标准 and 维护策略
  are what the rules say of the grade (`GradeTexts`).

After the template's columns come ours, so our export loses nothing the tables can carry:
客户编号, 客户规模分类, 合作阶段, 负责人, 标签, 联系人角色 (and 客户编号, 商机编号 for
follow-ups, 客户编号 for grading). A file with only the template's columns reads fine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Literal

from flowkit.customers import checks
from flowkit.errors import InputError
from flowkit.model.customer import (
    SIZE_NAMES,
    STAGE_NAMES,
    Contact,
    Customer,
    CustomerRules,
    FollowUp,
)

Kind = Literal["basic", "followups", "grading"]
CellType = Literal["text", "date", "datetime", "phone", "number"]
Row = dict[str, str]
SHEETS: Mapping[Kind, str] = {
    "basic": "客户基础信息表",
    "followups": "客户跟进记录表",
    "grading": "客户分级分类表",
}
VALUE_BY_GRADE: Mapping[str, str] = {"A": "高", "B": "中", "C": "低"}
MAX_SHOWN = 20

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

_LIST_SPLIT = re.compile(r"[、,，;；]")
_DIMENSION_SPLIT = re.compile(r"[/／]")
_REVENUE = re.compile(r"[万亿元¥￥$]|rmb|cny", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    """One column: its header, other headers accepted on reading, how a cell is checked.

    Each table lists the template's columns first, then ours."""

    header: str
    names: tuple[str, ...] = ()  # English first, then other Chinese spellings
    check: Callable[[str], str] | None = None  # normalises the text or raises InputError
    cell: CellType = "text"  # how a spreadsheet stores it


@dataclass(frozen=True)
class FollowUpRow:
    """One 跟进记录 with the customer as the sheet names it; the caller resolves the name.

    `followup.customer` is the 客户编号 cell (our export writes it), "" when the sheet has none.
    """

    customer_name: str
    followup: FollowUp


@dataclass(frozen=True)
class GradingRow:
    """What a 客户分级分类表 row says of one customer: its grade and its potential."""

    customer_name: str
    customer_id: str  # the 客户编号 cell, "" when the sheet has none
    grade: str | None  # A, B, C ...
    potential: str  # 高, 中, 低 (the word before 潜力)


@dataclass(frozen=True)
class GradeTexts:
    """What the grading table writes for each grade: 分级标准, 维护策略 and the value word."""

    criteria: Mapping[str, str] = field(default_factory=dict)
    strategies: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=lambda: dict(VALUE_BY_GRADE))

    @classmethod
    def from_rules(cls, rules: CustomerRules) -> GradeTexts:
        """GradeRule.label as the criteria, Maintenance.action (or its cadence) as strategy."""
        return cls(
            criteria={r.grade: r.label for r in rules.grades if r.label},
            strategies={m.grade: m.action or m.text for m in rules.maintenance},
        )


@dataclass(frozen=True)
class Where:
    """How problems name their place: a prefix, the rows' numbers and the columns' names."""

    source: str = ""  # "t.xlsx: sheet 客户基础信息表, "
    numbers: Sequence[int] | None = None  # each row's number; index + 1 without them
    columns: Mapping[str, str] = field(default_factory=dict)  # header -> "C (职务)"

    def row(self, index: int) -> int:
        return self.numbers[index] if self.numbers is not None else index + 1

    def at(self, index: int, header: str | None = None) -> str:
        column = f", column {self.columns.get(header, header)}" if header else ""
        return f"{self.source}row {self.row(index)}{column}"


def _iso_date(text: str) -> str:
    return checks.parse_date(text).isoformat()


def _datetime_text(text: str) -> str:
    return datetime_cell(checks.parse_datetime(text))


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
    raise checks.FormatError(f"'{text}' is not an opportunity number like 42")


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
                    STAGE, OWNER, TAGS)  # fmt: skip
CONTACT_HEADERS = (CONTACT, TITLE, MOBILE, EMAIL, ROLE)
_HEADERS = {kind: frozenset(c.header for c in columns) for kind, columns in COLUMNS.items()}
_CHECKS = {
    kind: tuple((c.header, c.check) for c in columns if c.check)
    for kind, columns in COLUMNS.items()
}


def header_names(kind: Kind) -> dict[str, str]:
    """Every accepted header, normalised by `header_key`, -> the template's header."""
    return {
        header_key(name): column.header
        for column in COLUMNS[kind]
        for name in (column.header, *column.names)
    }


def header_key(text: str) -> str:
    """Headers compare without case, spaces and underscores, full-width as half-width."""
    return "".join(unicodedata.normalize("NFKC", text).lower().replace("_", " ").split())


# ---- the model -> rows ----------------------------------------------------------------


def basic_rows(customers: Iterable[Customer]) -> list[Row]:
    """客户基础信息表: one row per contact, one row for a customer without contacts."""
    rows: list[Row] = []
    for c in customers:
        shared = {
            NAME: c.name,
            INDUSTRY: c.industry,
            SIZE: join_size(c.employees, c.revenue_band),
            ADDRESS: c.address,
        }
        after = {  # the customer's cells after the contact's
            FIRST_CONTACT: c.first_contact.isoformat() if c.first_contact else "",
            KEYWORDS: "、".join(c.keywords),
            ID: c.id,
            SIZE_CLASS: SIZE_NAMES[c.size] if c.size else "",
            STAGE: STAGE_NAMES[c.stage],
            OWNER: c.owner,
            TAGS: "、".join(c.tags),
        }
        traits = {
            PAINS: c.pain_points,
            NEEDS: c.needs,
            BUDGET: c.budget,
            VALUES: join_values(c.values),
            NOTES: c.notes,
            REFERRER: c.referred_by,
        }
        for contact in c.contacts or (Contact(""),):
            rows.append(
                {
                    **shared,
                    CONTACT: contact.name,
                    TITLE: contact.title,
                    MOBILE: contact.mobile,
                    EMAIL: contact.email,
                    **after,
                    ROLE: contact.role,
                    **traits,
                }
            )
    return rows


def followup_rows(
    followups: Iterable[FollowUp], names: Mapping[str, str], *, tz: tzinfo | None = None
) -> list[Row]:
    """客户跟进记录表; `names` maps customer ids to names. Times are written in `tz`
    (as given without it); a time at midnight is written as the date alone."""
    rows: list[Row] = []
    for f in followups:
        name = names.get(f.customer)
        if name is None:
            raise InputError(
                f"a follow-up of {f.at:%Y-%m-%d} names unknown customer {f.customer!r}"
            )
        at = f.at.astimezone(tz).replace(tzinfo=None) if tz is not None and f.at.tzinfo else f.at
        rows.append(
            {
                NAME: name,
                DATE: datetime_cell(at),
                METHOD: checks.METHOD_NAMES.get(f.method, f.method),
                CONTENT: f.content,
                FEEDBACK: f.feedback,
                NEXT_STEP: f.next_step,
                OWNER: f.owner,
                ID: f.customer,
                OPPORTUNITY: "" if f.opportunity is None else str(f.opportunity),
            }
        )
    return rows


def grading_rows(customers: Iterable[Customer], texts: GradeTexts | None = None) -> list[Row]:
    """客户分级分类表: one row per customer; ungraded ones with an empty 客户等级."""
    texts = texts or GradeTexts()
    rows: list[Row] = []
    for c in customers:
        grade = c.grade or ""
        value = texts.values.get(grade, "")
        dimensions = (
            c.industry,
            f"{value}价值" if value else "",
            f"{c.potential}潜力" if c.potential else "",
        )
        rows.append(
            {
                NAME: c.name,
                GRADE: f"{grade}级" if grade else "",
                DIMENSIONS: "/".join(d for d in dimensions if d),
                CRITERIA: texts.criteria.get(grade, ""),
                STRATEGY: texts.strategies.get(grade, ""),
                ID: c.id,
            }
        )
    return rows


# ---- rows -> the model ----------------------------------------------------------------


def from_basic_rows(rows: Iterable[Mapping[str, str]]) -> list[Customer]:
    """Customers from 客户基础信息表 rows, every cell checked; InputError lists each problem."""
    checked, problems = check_rows("basic", rows, Where())
    customers, conflicts = customers_of(checked, Where())
    fail(problems + conflicts)
    return customers


def from_followup_rows(
    rows: Iterable[Mapping[str, str]], *, tz: tzinfo | None = None
) -> list[FollowUpRow]:
    """Follow-ups from 客户跟进记录表 rows, each beside its customer's name; times in `tz`."""
    checked, problems = check_rows("followups", rows, Where())
    fail(problems)
    return followups_of(checked, tz=tz)


def from_grading_rows(rows: Iterable[Mapping[str, str]]) -> list[GradingRow]:
    """Grades and potentials from 客户分级分类表 rows; the other cells are informational."""
    checked, problems = check_rows("grading", rows, Where())
    fail(problems)
    return grading_of(checked)


def check_rows(
    kind: Kind, rows: Iterable[Mapping[str, str]], where: Where
) -> tuple[list[Row], list[str]]:
    """Every row with each cell in its one written form, and a located problem per bad cell."""
    headers, cell_checks, required = _HEADERS[kind], _CHECKS[kind], REQUIRED[kind]
    checked: list[Row] = []
    problems: list[str] = []
    for index, given in enumerate(rows):
        unknown = given.keys() - headers
        if unknown:
            known = ", ".join(c.header for c in COLUMNS[kind])
            problems.append(
                f"{where.at(index)}: unknown column(s) {', '.join(sorted(unknown))} "
                f"(the columns of {SHEETS[kind]}: {known})"
            )
        row = {header: given.get(header, "").strip() for header in headers}
        bad = []
        for header, check in cell_checks:
            text = row[header]
            if text:
                try:
                    row[header] = check(text)
                except InputError as e:
                    problems.append(f"{where.at(index, header)}: {e.message}")
                    bad.append(header)
        for header in required:
            if not row[header]:
                problems.append(f"{where.at(index, header)}: empty; every row needs it")
        for header in bad:
            row[header] = ""  # reported; the rest of the row is still looked at
        checked.append(row)
    return checked, problems


def customers_of(rows: Sequence[Row], where: Where) -> tuple[list[Customer], list[str]]:
    """Checked basic rows grouped into customers, and a problem per contradicting cell."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        key = ("id", row[ID]) if row[ID] else ("name", row[NAME])
        groups.setdefault(key, []).append(index)
    customers: list[Customer] = []
    problems: list[str] = []
    for indices in groups.values():
        shared = rows[indices[0]] if len(indices) == 1 else _agreed(rows, indices, where, problems)
        contacts = tuple(
            Contact(r[CONTACT], r[TITLE], r[MOBILE], r[EMAIL], r[ROLE])
            for r in (rows[i] for i in indices)
            if any(r[h] for h in CONTACT_HEADERS)
        )
        customers.append(_customer(shared, contacts))
    return customers, problems


def _agreed(
    rows: Sequence[Row], indices: Sequence[int], where: Where, problems: list[str]
) -> dict[str, str]:
    """The customer cells of one customer's rows: the first non-empty of each; a problem
    for each later cell that says otherwise."""
    shared: dict[str, str] = {}
    for header in CUSTOMER_HEADERS:
        first = -1
        for index in indices:
            text = rows[index][header]
            if not text:
                continue
            if first < 0:
                first, shared[header] = index, text
            elif text != shared[header]:
                problems.append(
                    f"{where.at(index, header)}: '{text}' contradicts '{shared[header]}' "
                    f"in row {where.row(first)} of the same customer "
                    "(leave it empty or write the same)"
                )
    return shared


def _customer(cells: Mapping[str, str], contacts: tuple[Contact, ...]) -> Customer:
    employees, revenue = split_size(cells.get(SIZE, ""))
    first_contact = cells.get(FIRST_CONTACT)
    size, stage = cells.get(SIZE_CLASS), cells.get(STAGE)
    return Customer(
        id=cells.get(ID, ""),
        name=cells.get(NAME, ""),
        owner=cells.get(OWNER, ""),
        industry=cells.get(INDUSTRY, ""),
        employees=employees,
        revenue_band=revenue,
        size=checks.parse_size(size) if size else None,
        address=cells.get(ADDRESS, ""),
        contacts=contacts,
        first_contact=date.fromisoformat(first_contact) if first_contact else None,
        keywords=split_list(cells.get(KEYWORDS, "")),
        stage=checks.parse_stage(stage) if stage else "potential",
        tags=split_list(cells.get(TAGS, "")),
        pain_points=cells.get(PAINS, ""),
        needs=cells.get(NEEDS, ""),
        budget=cells.get(BUDGET, ""),
        values=split_values(cells.get(VALUES, "")),
        notes=cells.get(NOTES, ""),
        referred_by=cells.get(REFERRER, ""),
    )


def join_values(values: Mapping[str, object]) -> str:
    """The customers.yaml fields of a profile in one cell: annual_budget=1200000; intent=strong."""
    return "; ".join(f"{k}={v}" for k, v in values.items() if v not in (None, ""))


def split_values(text: str) -> dict[str, object]:
    """Back from `join_values`: the values stay text; the caller types them by the rules."""
    found: dict[str, object] = {}
    for part in re.split(r"[;；]", text):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            found[key.strip()] = value.strip()
    return found


def followups_of(rows: Iterable[Row], *, tz: tzinfo | None = None) -> list[FollowUpRow]:
    """Checked follow-up rows as records; a cell without a time is at midnight."""
    return [
        FollowUpRow(
            r[NAME],
            FollowUp(
                customer=r[ID],
                at=checks.parse_datetime(r[DATE]).replace(tzinfo=tz),
                method=checks.parse_method(r[METHOD]) if r[METHOD] else "other",
                content=r[CONTENT],
                feedback=r[FEEDBACK],
                next_step=r[NEXT_STEP],
                owner=r[OWNER],
                opportunity=int(r[OPPORTUNITY]) if r[OPPORTUNITY] else None,
            ),
        )
        for r in rows
    ]


def grading_of(rows: Iterable[Row]) -> list[GradingRow]:
    """Checked grading rows: the grade letter and the potential word of each customer."""
    return [
        GradingRow(
            r[NAME],
            r[ID],
            checks.parse_grade(r[GRADE]) if r[GRADE] else None,
            potential_of(r[DIMENSIONS]),
        )
        for r in rows
    ]


def fail(problems: Sequence[str], done: str = "nothing was read") -> None:
    """Raise one InputError naming every problem (the first MAX_SHOWN), if there are any."""
    if not problems:
        return
    shown = "\n  ".join(problems[:MAX_SHOWN])
    more = f"\n  ... and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
    raise InputError(f"{len(problems)} problem(s); {done}:\n  {shown}{more}")


# ---- cells ----------------------------------------------------------------------------


def split_list(text: str) -> tuple[str, ...]:
    """需求关键词 and 标签: split on 、,，;； with empty items dropped."""
    return tuple(item for item in (p.strip() for p in _LIST_SPLIT.split(text)) if item)


def join_size(employees: str, revenue: str) -> str:
    """企业规模 as 员工数/营收: "100-500人/5000万-1亿", "100-500人", "/5000万-1亿"."""
    if revenue or (employees and _looks_like_revenue(employees)):
        return f"{employees}/{revenue}"
    return employees


def split_size(text: str) -> tuple[str, str]:
    """(employees, revenue band) from 企业规模, split on the first "/"; a cell without one is
    the revenue when it reads like money (5000万), else the head count."""
    head, slash, tail = text.replace("／", "/").partition("/")
    if slash:
        return head.strip(), tail.strip()
    return ("", head) if _looks_like_revenue(head) else (head, "")


def _looks_like_revenue(text: str) -> bool:
    return not text.endswith("人") and _REVENUE.search(text) is not None


def potential_of(dimensions: str) -> str:
    """The word before 潜力 in 分类维度 (互联网/高价值/高潜力 -> 高); "" without one."""
    for part in reversed(_DIMENSION_SPLIT.split(dimensions)):
        part = part.strip()
        if part.endswith(("潜力", "潛力")):
            return part[:-2].strip()
    return ""


def datetime_cell(at: datetime) -> str:
    """2023-10-15 at midnight, else 2023-10-15 15:00 (with seconds when there are some)."""
    if at.hour == at.minute == at.second == 0:
        return at.date().isoformat()
    return at.strftime("%Y-%m-%d %H:%M:%S" if at.second else "%Y-%m-%d %H:%M")
