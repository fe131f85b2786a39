"""The one `--format` option of every listing command (and of every page), and the call
that writes a listing or a page to standard output through `flowkit.output.formats`.

The names are spelled here rather than read from the registry so that loading a command
does not load the output layer; a test keeps them equal to the registry's.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flowkit.output.formats import Listing, Page

FORMATS = ("table", "csv", "json")  # flowkit.output.formats.WRITERS
PAGE_FORMATS = ("text", "json")  # flowkit.output.formats.PAGE_WRITERS
ALIASES = {"text": "table"}  # flowkit.output.formats.ALIASES: pages call their table `text`


class FormatChoice(click.Choice[str]):
    """A choice of format names that also takes another name of one (`text`, what `show`
    and `sla explain` call their text, for `table`) without listing it, so a script that
    says `--format text` to any command keeps working."""

    def __init__(self, choices: tuple[str, ...], aliases: dict[str, str]) -> None:
        super().__init__(choices)
        self.aliases = aliases

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = self.aliases.get(value, value)
        return super().convert(value, param, ctx)


format_option = click.option(
    "--format",
    "fmt",
    type=FormatChoice(FORMATS, ALIASES),
    default="table",
    show_default=True,
    help="table (rich in a terminal, plain when piped), csv or json.",
)
page_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(PAGE_FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)


def emit(listing: Listing, fmt: str) -> None:
    """Write `listing` to standard output as `fmt` asks."""
    from flowkit.output.formats import write

    write(listing, fmt, sys.stdout)


def emit_page(page: Page, fmt: str) -> None:
    from flowkit.output.formats import write_page

    write_page(page, fmt, sys.stdout)
