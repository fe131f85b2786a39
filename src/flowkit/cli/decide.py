"""`customer import --merge`: asking a person about each doubtful duplicate group.

On a terminal each group is shown side by side (one column per profile or row) and the
person answers merge / apart / skip; elsewhere the decisions come from `--decisions FILE`,
which a dry run writes as a template. The library decides nothing here: this module only
asks and passes the answers on as decision texts (`customers.decisions`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from flowkit.cli.session import said, say
from flowkit.messages import msg
from flowkit.output.terminal import visible

if TYPE_CHECKING:
    from flowkit.customers.dedupe import DuplicateGroup
    from flowkit.model.customer import Customer

ROWS: tuple[tuple[str, Callable[[Customer], str]], ...] = (
    ("客户编号", lambda c: c.id or "(new)"),
    ("客户名称", lambda c: c.name),
    ("负责人", lambda c: c.owner),
    ("所属行业", lambda c: c.industry),
    ("注册地址", lambda c: c.address),
    ("联系人", lambda c: "; ".join(f"{p.name} {p.mobile} {p.email}".strip() for p in c.contacts)),
    ("首次接触时间", lambda c: c.first_contact.isoformat() if c.first_contact else ""),
    ("需求关键词", lambda c: "、".join(c.keywords)),
    ("备注", lambda c: c.notes),
)


def interactive() -> bool:
    """Whether a person is there to answer: standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(groups: Sequence[DuplicateGroup], lines: Sequence[str]) -> dict[str, str]:
    """Each group shown side by side and decided at a prompt; group key -> decision text."""
    from flowkit.customers.decisions import group_key

    answers: dict[str, str] = {}
    for number, (group, line) in enumerate(zip(groups, lines, strict=True), start=1):
        say(msg("doubtful group {n} of {total}: {line}", n=number, total=len(groups), line=line))
        _side_by_side(group.customers)
        choice = click.prompt(
            said(msg("merge, apart or skip")),
            type=click.Choice(["merge", "apart", "skip"]),
            default="skip",
        )
        if choice == "merge" and len(group.existing) > 1:
            into = click.prompt(
                said(msg("merge into which profile")),
                type=click.Choice([c.id for c in group.existing]),
            )
            choice = f"merge into {into}"
        answers[group_key(group)] = choice
    return answers


def _side_by_side(customers: Sequence[Customer]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None, padding=(0, 2))
    for _ in range(len(customers) + 1):
        table.add_column(overflow="fold")
    for label, value in ROWS:
        table.add_row(label, *(visible(value(c)) or "-" for c in customers))
    Console(highlight=False, markup=False).print(table)
