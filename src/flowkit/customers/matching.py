"""Which customer a row of the follow-up or grading table names.

A team's follow-up sheet names its customers as people say them: 北辰科技 for the profile
北辰科技有限公司. A row is matched by its 客户编号 when it has one, else by the exact name,
else by the name as duplicate detection compares names (`dedupe.company_key`: without legal
suffixes, brackets, spaces, case), so that the import finds whatever dedupe would call the
same company. A row that names no customer, or a variant two customers share, is an error
naming its cell and the customers it could be: nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from flowkit.customers.dedupe import company_key
from flowkit.customers.tables import MAX_SHOWN
from flowkit.errors import InputError
from flowkit.lang.spelling import guess
from flowkit.messages import Message, first_lines, msg, words


class Named(Protocol):
    """A row that names its customer: a follow-up or a grading row."""

    @property
    def customer_name(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def at(self) -> Message | str: ...


class Names:
    """The customers a row may name: on record, and just imported."""

    def __init__(self, customers: Iterable[tuple[str, str]]) -> None:
        """From (id, name) pairs."""
        self.names: dict[str, str] = {}  # id -> name
        self.exact: dict[str, list[str]] = {}  # name -> ids
        self.keys: dict[str, list[str]] = {}  # company_key -> ids
        for customer_id, name in customers:
            self.names[customer_id] = name
            self.exact.setdefault(name, []).append(customer_id)
            if key := company_key(name):
                self.keys.setdefault(key, []).append(customer_id)

    def ids(self, *tables: Sequence[Named]) -> list[str]:
        """The customer id of each row of the tables, in order; every row matching none,
        or two, is named, all of them in one error."""
        found: list[str] = []
        problems: list[Message] = []
        for row in (row for rows in tables for row in rows):
            try:
                found.append(self.one(row.customer_id, row.customer_name))
            except InputError as e:
                where = row.at or msg("a row naming {name}", name=row.customer_name)
                problems.append(msg("{at}: {problem}", at=where, problem=e.msg))
        if problems:
            raise InputError(
                msg(
                    "{n} row(s) name no customer, or more than one; nothing was imported:\n"
                    "  {problems}",
                    n=len(problems),
                    problems=first_lines(problems, MAX_SHOWN),
                )
            )
        return found

    def find(self, customer_id: str, name: str) -> str | None:
        """The id `one` finds, or None where it would refuse."""
        try:
            return self.one(customer_id, name)
        except InputError:
            return None

    def one(self, customer_id: str, name: str) -> str:
        """The id a 客户编号 cell or a name stands for; InputError when none or several."""
        if customer_id:
            if customer_id not in self.names:
                raise InputError(msg("no customer {id} in the file or on record", id=customer_id))
            return customer_id
        listed = self.exact.get(name) or self.keys.get(company_key(name), [])
        if len(listed) == 1:
            return listed[0]
        if listed:
            raise InputError(
                msg(
                    "'{name}' could be {customers}: write the 客户编号 or the full name",
                    name=name,
                    customers=words(
                        (msg("{id} {name}", id=i, name=self.names[i]) for i in listed), sep=" / "
                    ),
                )
            )
        hint = guess(name, self.exact)
        if hint is None:
            raise InputError(msg("no customer '{name}' in the file or on record", name=name))
        raise InputError(
            msg("no customer '{name}' in the file or on record; {hint}", name=name, hint=hint)
        )
