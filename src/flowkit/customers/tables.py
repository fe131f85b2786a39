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

What a column is called and what its cells may hold is `columns`; how one value becomes
one cell's text and back is `cells`. This module holds the rows built from them and the
two directions between rows and the model, which change together when a column is added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from flowkit.customers import checks
from flowkit.customers.cells import (
    datetime_cell,
    join_size,
    join_values,
    potential_of,
    split_list,
    split_size,
    split_values,
)
from flowkit.customers.columns import (
    ADDRESS,
    BUDGET,
    COLUMNS,
    CONTACT,
    CONTACT_HEADERS,
    CONTENT,
    CRITERIA,
    CUSTOMER_HEADERS,
    DATE,
    DIMENSIONS,
    EMAIL,
    FEEDBACK,
    FIELD,
    FIRST_CONTACT,
    GRADE,
    ID,
    INDUSTRY,
    KEYWORDS,
    METHOD,
    MOBILE,
    NAME,
    NEEDS,
    NEXT_STEP,
    NOTES,
    OPPORTUNITY,
    OWNER,
    PAINS,
    REFERRER,
    REQUIRED,
    ROLE,
    SHEETS,
    SIZE,
    SIZE_CLASS,
    STAGE,
    STRATEGY,
    TAGS,
    TITLE,
    VALUES,
    Kind,
)
from flowkit.errors import InputError
from flowkit.messages import Message, first_lines, msg, words
from flowkit.model.customer import (
    SIZE_NAMES,
    STAGE_NAMES,
    Contact,
    Customer,
    CustomerRules,
    FollowUp,
)

Row = dict[str, str]
VALUE_BY_GRADE: Mapping[str, str] = {"A": "高", "B": "中", "C": "低"}
MAX_SHOWN = 20


@dataclass(frozen=True)
class FollowUpRow:
    """One 跟进记录 with the customer as the sheet names it; the caller resolves the name.

    `followup.customer` is the 客户编号 cell (our export writes it), "" when the sheet has none.
    """

    customer_name: str
    followup: FollowUp
    at: Message | str = ""  # where the name is: "t.xlsx: sheet 跟进, row 5, column A (客户名称)"

    @property
    def customer_id(self) -> str:
        return self.followup.customer


@dataclass(frozen=True)
class GradingRow:
    """What a 客户分级分类表 row says of one customer: its grade and its potential."""

    customer_name: str
    customer_id: str  # the 客户编号 cell, "" when the sheet has none
    grade: str | None  # A, B, C ...
    potential: str  # 高, 中, 低 (the word before 潜力)
    at: Message | str = ""  # where the name is, as a follow-up row's


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

    source: Message | str = ""  # "t.xlsx: sheet 客户基础信息表, "
    numbers: Sequence[int] | None = None  # each row's number; index + 1 without them
    columns: Mapping[str, str] = field(default_factory=dict)  # header -> "C (职务)"

    def row(self, index: int) -> int:
        return self.numbers[index] if self.numbers is not None else index + 1

    def at(self, index: int, header: str | None = None) -> Message:
        if header:
            return msg(
                "{source}row {row}, column {column}",
                source=self.source,
                row=self.row(index),
                column=self.columns.get(header, header),
            )
        return msg("{source}row {row}", source=self.source, row=self.row(index))


_HEADERS = {kind: frozenset(c.header for c in columns) for kind, columns in COLUMNS.items()}
_CHECKS = {
    kind: tuple((c.header, c.check) for c in columns if c.check)
    for kind, columns in COLUMNS.items()
}


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
    followups: Iterable[FollowUp],
    names: Mapping[str, str],
    *,
    tz: tzinfo | None = None,
    methods: checks.Methods = checks.BUILT_IN,
) -> list[Row]:
    """客户跟进记录表; `names` maps customer ids to names. Times are written in `tz`
    (as given without it); a time at midnight is written as the date alone; a method by
    the name `methods` gives it (微信 for a wechat the rules declare)."""
    rows: list[Row] = []
    for f in followups:
        name = names.get(f.customer)
        if name is None:
            raise InputError(
                msg(
                    "a follow-up of {day:%Y-%m-%d} names unknown customer {customer!r}",
                    day=f.at,
                    customer=f.customer,
                )
            )
        at = f.at.astimezone(tz).replace(tzinfo=None) if tz is not None and f.at.tzinfo else f.at
        rows.append(
            {
                NAME: name,
                DATE: datetime_cell(at),
                METHOD: methods.name(f.method),
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
    kind: Kind,
    rows: Iterable[Mapping[str, str]],
    where: Where,
    checks: Mapping[str, Callable[[str], str]] | None = None,
) -> tuple[list[Row], list[Message]]:
    """Every row with each cell in its one written form, and a located problem per bad cell.
    `checks` replace the columns' own by header, or add columns of their own (a field's)."""
    cell_checks = tuple({**dict(_CHECKS[kind]), **(checks or {})}.items())
    headers, required = _HEADERS[kind] | (checks or {}).keys(), REQUIRED[kind]
    checked: list[Row] = []
    problems: list[Message] = []
    for index, given in enumerate(rows):
        unknown = given.keys() - headers
        if unknown:
            problems.append(
                msg(
                    "{at}: unknown column(s) {unknown} (the columns of {table}: {known})",
                    at=where.at(index),
                    unknown=words(sorted(unknown)),
                    table=SHEETS[kind],
                    known=words(c.header for c in COLUMNS[kind]),
                )
            )
        row = {header: given.get(header, "").strip() for header in headers}
        bad = []
        for header, check in cell_checks:
            text = row[header]
            if text:
                try:
                    row[header] = check(text)
                except InputError as e:
                    problems.append(
                        msg("{at}: {problem}", at=where.at(index, header), problem=e.msg)
                    )
                    bad.append(header)
        for header in required:
            if not row[header]:
                problems.append(msg("{at}: empty; every row needs it", at=where.at(index, header)))
        for header in bad:
            row[header] = ""  # reported; the rest of the row is still looked at
        checked.append(row)
    return checked, problems


@dataclass(frozen=True)
class Written:
    """Which customer cells a customer's rows fill, and where its first row is: an export
    coming back tells a cleared cell from one left as it was by these (`returning`)."""

    index: int  # of its first row in the table
    filled: frozenset[str]  # the customer headers with a value in any of its rows


def written_of(rows: Sequence[Row]) -> list[Written]:
    """For each customer `customers_of` makes of the rows, in its order, what it fills;
    only rows carrying a 客户编号 can come back to a profile, so only theirs are looked
    at (the cells of 100,000 new customers are not walked again)."""
    return [
        Written(
            indices[0],
            frozenset(h for i in indices for h, text in rows[i].items() if text)
            if rows[indices[0]][ID]
            else frozenset(),
        )
        for indices in _grouped(rows)
    ]


def _grouped(rows: Sequence[Row]) -> list[list[int]]:
    """The rows' indices by customer: rows sharing a 客户编号, or without one a 客户名称."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        key = ("id", row[ID]) if row[ID] else ("name", row[NAME])
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def customers_of(rows: Sequence[Row], where: Where) -> tuple[list[Customer], list[Message]]:
    """Checked basic rows grouped into customers, and a problem per contradicting cell."""
    customers: list[Customer] = []
    problems: list[Message] = []
    for indices in _grouped(rows):
        shared = rows[indices[0]] if len(indices) == 1 else _agreed(rows, indices, where, problems)
        contacts = tuple(
            Contact(r[CONTACT], r[TITLE], r[MOBILE], r[EMAIL], r[ROLE])
            for r in (rows[i] for i in indices)
            if any(r[h] for h in CONTACT_HEADERS)
        )
        customers.append(_customer(shared, contacts))
    return customers, problems


def _agreed(
    rows: Sequence[Row], indices: Sequence[int], where: Where, problems: list[Message]
) -> dict[str, str]:
    """The customer cells of one customer's rows: the first non-empty of each; a problem
    for each later cell that says otherwise."""
    shared: dict[str, str] = {}
    for header in (*CUSTOMER_HEADERS, *(h for h in rows[indices[0]] if h.startswith(FIELD))):
        first = -1
        for index in indices:
            text = rows[index][header]
            if not text:
                continue
            if first < 0:
                first, shared[header] = index, text
            elif text != shared[header]:
                problems.append(
                    msg(
                        "{at}: '{text}' contradicts '{first}' in row {row} of the same customer "
                        "(leave it empty or write the same)",
                        at=where.at(index, header),
                        text=text,
                        first=shared[header],
                        row=where.row(first),
                    )
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
        values={
            **split_values(cells.get(VALUES, "")),
            **{k.removeprefix(FIELD): v for k, v in cells.items() if k.startswith(FIELD) and v},
        },
        notes=cells.get(NOTES, ""),
        referred_by=cells.get(REFERRER, ""),
    )


def _in_zone(at: datetime, tz: tzinfo | None) -> datetime:
    """A cell's time in `tz`: its wall time there, or its instant when it has an offset."""
    if at.tzinfo is None:
        return at.replace(tzinfo=tz)
    return at.astimezone(tz) if tz is not None else at


def followups_of(
    rows: Iterable[Row],
    *,
    tz: tzinfo | None = None,
    methods: checks.Methods = checks.BUILT_IN,
    where: Where | None = None,
) -> list[FollowUpRow]:
    """Checked follow-up rows as records; a cell without a time is at midnight. With
    `where`, each knows the cell that names its customer."""
    return [
        FollowUpRow(
            r[NAME],
            FollowUp(
                customer=r[ID],
                at=_in_zone(checks.parse_datetime(r[DATE]), tz),
                method=methods.parse(r[METHOD]) if r[METHOD] else "other",
                content=r[CONTENT],
                feedback=r[FEEDBACK],
                next_step=r[NEXT_STEP],
                owner=r[OWNER],
                opportunity=int(r[OPPORTUNITY]) if r[OPPORTUNITY] else None,
            ),
            where.at(index, NAME) if where is not None else "",
        )
        for index, r in enumerate(rows)
    ]


def grading_of(rows: Iterable[Row], where: Where | None = None) -> list[GradingRow]:
    """Checked grading rows: the grade letter and the potential word of each customer."""
    return [
        GradingRow(
            r[NAME],
            r[ID],
            checks.parse_grade(r[GRADE]) if r[GRADE] else None,
            potential_of(r[DIMENSIONS]),
            where.at(index, NAME) if where is not None else "",
        )
        for index, r in enumerate(rows)
    ]


def fail(problems: Sequence[Message]) -> None:
    """Raise one InputError naming every problem (the first MAX_SHOWN), if there are any."""
    if not problems:
        return
    raise InputError(
        msg(
            "{n} problem(s); nothing was read:\n  {problems}",
            n=len(problems),
            problems=first_lines(problems, MAX_SHOWN),
        )
    )
