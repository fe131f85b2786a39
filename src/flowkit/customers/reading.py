"""What reading a team's workbook takes beyond the file itself.

A workbook a team keeps names its people (负责人) by name, not by their org.yaml id: a name
one person has reads as that person, one two people share or nobody has is named by its
cell with whom it could be. Its follow-ups use the team's own methods (微信: declared in
customers.yaml) and dates without a year (11月3日: read in `--year`, else refused at the
cell). It has columns the template lacks (客户来源). The import keeps such a
column when customers.yaml declares a field of that id or label (its cells become the
field's values, checked by its type), leaves it out when the user names it
(`--ignore-column 客户来源`), and refuses it otherwise, saying both ways out. `Reading`
carries what the import knows for that — the rules' fields, the columns to leave out —
and the checks it puts in place of the columns' own, so that every problem is still named
by sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from flowkit.access.people import check_owner, person_id
from flowkit.customers.checks import BUILT_IN, FormatError, Methods
from flowkit.customers.columns import COLUMNS, DATE, FIELD, FIRST_CONTACT, METHOD, OWNER, Kind
from flowkit.lang.times import with_year
from flowkit.messages import msg
from flowkit.model import Field, Org
from flowkit.progress import Progress, quiet
from flowkit.spreadsheet import header_key, header_of

Check = Callable[[str], str]  # a cell's text in its one written form, or InputError


@dataclass(frozen=True)
class Reading:
    """The rules and choices an import reads a file with; `Reading()` reads it plainly."""

    fields: tuple[Field, ...] = ()  # customers.yaml's fields: a column of one is kept
    ignore: tuple[str, ...] = ()  # headers to leave out, as the user typed them
    people: Org | None = None  # org.yaml: 负责人 by id or by a name one person has
    methods: Methods = BUILT_IN  # 跟进方式: the built-in ones and customers.yaml's
    year: int | None = None  # the year of dates written without one (11月3日)
    progress: Progress = quiet  # told how far reading the rows is (a bar on a terminal)

    def field_column(self, header: str) -> str | None:
        """The row key (`FIELD` + id) of a column naming a declared field by id or label."""
        names = {
            header_key(name): FIELD + f.id for f in self.fields for name in (f.id, f.label) if name
        }
        return header_of(names, header)

    def ignored(self, header: str) -> bool:
        """Whether the user asked to leave this column out (by its header, annotation or not)."""
        return header_of({header_key(name): name for name in self.ignore}, header) is not None

    def checks(self, kind: Kind) -> Mapping[str, Check]:
        """Checks in place of, or beside, the columns' own: 负责人 as a person id (a
        customer's owner active, a follow-up's anyone who was), a field column's by type."""
        checks: dict[str, Check] = {}
        if kind in ("basic", "followups") and self.people is not None:
            checks[OWNER] = partial(_person, self.people, kind == "basic")
        if kind == "basic":
            checks[FIRST_CONTACT] = partial(_dated, self.year, _check_of(kind, FIRST_CONTACT))
            checks.update({FIELD + f.id: _typed(f) for f in self.fields})
        if kind == "followups":
            checks[DATE] = partial(_dated, self.year, _check_of(kind, DATE))
            checks[METHOD] = lambda text: self.methods.name(self.methods.parse(text))
        return checks


def _check_of(kind: Kind, header: str) -> Check:
    check = next(c.check for c in COLUMNS[kind] if c.header == header)
    assert check is not None
    return check


def _dated(year: int | None, check: Check, text: str) -> str:
    """A date cell as the column reads it; one without a year in `year`, else refused."""
    try:
        return check(text)
    except FormatError:
        dated = with_year(text, year or 2000)  # is it a date without its year at all?
        if dated is None:
            raise
        if year is None:
            raise FormatError(
                msg(
                    "'{text}' has no year: pass --year YEAR (the year the file's dates are "
                    "in), or write the year in the cell",
                    text=text,
                )
            ) from None
        return check(dated)


def _person(people: Org, owner: bool, text: str) -> str:
    found = person_id(people, text)
    if owner:
        check_owner(people, found)  # a customer's owner is given work: active
    return found


def _typed(field: Field) -> Check:
    from flowkit.tracking.fields import typed_value

    def check(text: str) -> str:
        typed_value(field, text)  # typed again, with the 扩展字段 cell's, when imported
        return text

    return check
