"""An export coming back from Excel: a profile's own rows (carrying its 客户编号) applied to it.

The file holds some of the table's columns (ours holds all of them; a team's may hold a
few). Each column the file has says exactly what the profile's fields under it are: a cell
changed in Excel changes the field, a cell cleared clears it, a cell as exported leaves it
be. A field without a column in the file stays as it is (the file says nothing of it), and
so do the lists the table does not carry (orders, payments, after-sales). The cells a
profile cannot be without (负责人, 合作阶段; 客户名称 is checked on every row) are refused
when cleared, naming the cell.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import fields, replace
from typing import Any

from flowkit.customers.columns import (
    ADDRESS,
    BUDGET,
    CONTACT_HEADERS,
    FIELD,
    FIRST_CONTACT,
    INDUSTRY,
    KEYWORDS,
    NAME,
    NEEDS,
    NOTES,
    OWNER,
    PAINS,
    REFERRER,
    SIZE,
    SIZE_CLASS,
    STAGE,
    TAGS,
    VALUES,
)
from flowkit.customers.tables import Where, Written
from flowkit.messages import Message, msg
from flowkit.model.customer import STAGE_NAMES, Customer

# the profile's fields each column of 客户基础信息表 holds (contacts: all the contact columns)
FIELDS: Mapping[str, tuple[str, ...]] = {
    NAME: ("name",),
    INDUSTRY: ("industry",),
    SIZE: ("employees", "revenue_band"),
    ADDRESS: ("address",),
    FIRST_CONTACT: ("first_contact",),
    KEYWORDS: ("keywords",),
    SIZE_CLASS: ("size",),
    STAGE: ("stage",),
    OWNER: ("owner",),
    TAGS: ("tags",),
    PAINS: ("pain_points",),
    NEEDS: ("needs",),
    BUDGET: ("budget",),
    NOTES: ("notes",),
    REFERRER: ("referred_by",),
}
REQUIRED = (OWNER, STAGE)  # a profile always has them: an empty cell is no edit of them
_DEFAULTS: Mapping[str, Any] = {f.name: f.default for f in fields(Customer)}


def cleared_required(
    profile: Customer, written: Written, where: Where, columns: Collection[str]
) -> Message | None:
    """The first cell a profile cannot be without that its rows leave empty, as a problem
    naming the cell (the file has the column: the cell was cleared in Excel)."""
    for header in REQUIRED:
        if header in columns and header not in written.filled:
            return msg(
                "{at}: empty, but {id} {name} cannot be without it (it is {value})",
                at=where.at(written.index, header),
                id=profile.id,
                name=profile.name,
                value=profile.owner if header == OWNER else STAGE_NAMES[profile.stage],
            )
    return None


def applied(profile: Customer, row: Customer, columns: Collection[str] | None) -> Customer:
    """The profile with its rows applied: with the file's `columns` known, every field a
    column holds is the row's (an empty cell clears it), the others stay; without them
    (a caller that cannot tell), only what the row gives replaces the profile's."""
    if columns is None:
        return _given(profile, row)
    changes: dict[str, Any] = {
        name: getattr(row, name)
        for header, names in FIELDS.items()
        if header in columns
        for name in names
    }
    if all(h in columns for h in CONTACT_HEADERS) or row.contacts:
        changes["contacts"] = row.contacts  # some contact columns only: never cleared
    for name in ("grade", "potential"):  # from the grading table: what it gives
        if getattr(row, name):
            changes[name] = getattr(row, name)
    return replace(profile, **changes, values=_values(profile.values, row.values, columns))


def _values(
    before: Mapping[str, Any], row: Mapping[str, Any], columns: Collection[str]
) -> dict[str, Any]:
    """扩展字段 holds them all (a key it leaves out is cleared); a field's own column holds
    that one field (an empty cell clears it); without either, they stay."""
    out = dict(row) if VALUES in columns else dict(before)
    for header in columns:
        if header.startswith(FIELD):
            key = header.removeprefix(FIELD)
            if key in row:
                out[key] = row[key]
            else:
                out.pop(key, None)
    return out


def _given(profile: Customer, row: Customer) -> Customer:
    """Every value the row gives replaces the profile's, a list it gives replaces the list;
    what it leaves empty, or at its default, stays."""
    given: dict[str, Any] = {}
    for item in fields(Customer):
        value = getattr(row, item.name)
        if item.name in ("id", "values") or not value or value == _DEFAULTS[item.name]:
            continue
        given[item.name] = value
    return replace(profile, **given, values={**profile.values, **row.values})
