"""`flowkit sla`: SLA phrases on a business calendar, e.g. when "3个工作日" falls due and why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from flowkit.cli.formats import emit_page, page_format_option
from flowkit.cli.session import lang_option

if TYPE_CHECKING:
    from flowkit.calendar import Calendar
    from flowkit.diagnostics import Diagnostic
    from flowkit.messages import Message


@click.group()
def sla() -> None:
    """SLA phrases (时间要求) on a business calendar.

    \b
    Example:
      flowkit sla explain --calendar cn --from 2025-09-30T16:00 "3 business days"
    """


@sla.command()
@click.argument("phrase")
@click.option(
    "--calendar",
    "calendar_name",
    default="cn",
    show_default=True,
    metavar="NAME",
    help="cn, weekdays, 24x7 or a custom calendar loaded with --calendars/--calendar-file.",
)
@click.option(
    "--from",
    "start",
    metavar="TIME",
    help="When the clock starts, such as 2025-09-30T16:00 or 2025-09-30 16:00 (default: "
    "flowkit --now, else now); without an offset it is read in flowkit's zone (FLOWKIT_TZ), "
    "as every time flowkit reads, and the start and due instants are shown in it too. For "
    "an anchored phrase, when the anchor happened.",
)
@click.option(
    "--calendars",
    "folders",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Load the custom calendar files (*.yaml) in this folder (repeatable; default: "
    "the calendars/ folder beside the processes, when there is one).",
)
@click.option(
    "--calendar-file",
    "files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Load one custom calendar file (repeatable).",
)
@lang_option(
    "Language of the explanation (default: flowkit --lang, else zh-CN), and of messages "
    "(else English)."
)
@page_format_option
def explain(
    *,
    phrase: str,
    calendar_name: str,
    start: str | None,
    folders: tuple[Path, ...],
    files: tuple[Path, ...],
    lang: str | None,
    fmt: str,
) -> None:
    """Say when a deadline phrase falls due, and why: the days skipped with their
    holiday names, the 调休 make-up days counted, and any warnings.

    A business day is one working day's worth of working time (9 hours on cn);
    counting starts at --from, or at the next working-hours start when --from is
    outside them. Exit status: 0 explained, 1 invalid calendar files, 2 a phrase,
    time or calendar that cannot be used.

    \b
    Example:
      flowkit sla explain --calendar cn --from 2025-09-30T16:00 "3 business days"
      flowkit sla explain --from "2026-02-13 17:00" --lang en 3个工作日
      flowkit sla explain --calendars calendars/ --calendar acme --format json 2个工作小时
    """
    from datetime import datetime

    from flowkit.calendar import explain_phrase
    from flowkit.errors import InputError
    from flowkit.lang.sla import SlaSyntaxError
    from flowkit.lang.times import parse_time, zone
    from flowkit.output.formats import Page

    lang = lang or click.get_current_context().find_root().params.get("lang") or "zh-CN"
    if not folders and not files:  # the company calendars shipped beside the processes
        root = click.get_current_context().find_root().params.get("processes")
        beside = Path(root or "processes") / "calendars"
        folders = (beside,) if beside.is_dir() else ()
    cal = _calendar(calendar_name, (*folders, *files))
    start = start or click.get_current_context().find_root().params.get("fixed_now")
    instant = parse_time(start, "--from") if start else datetime.now(cal.tz).replace(microsecond=0)
    try:
        result = explain_phrase(cal, instant, phrase).seen_in(zone())  # as every command
    except SlaSyntaxError as e:
        raise InputError(_located(phrase, e.message, e.offset)) from None
    page = Page(
        text=lambda: "".join(line + "\n" for line in result.lines(lang)),
        record={"phrase": phrase, **result.to_dict(lang)},
    )
    emit_page(page, fmt)


def _calendar(name: str, paths: tuple[Path, ...]) -> Calendar:
    """The calendar asked for; invalid calendar files are reported and refused."""
    from flowkit.calendar import get_calendar, load_calendars
    from flowkit.errors import EXIT_INPUT, Findings

    custom, found = load_calendars(paths) if paths else ({}, [])
    for line in _diagnostic_lines(found):
        click.echo(line, err=True)
    if any(d.unreadable for d in found):
        raise Findings(EXIT_INPUT)
    if any(d.severity == "error" for d in found):
        raise Findings()
    return get_calendar(name, custom)


def _diagnostic_lines(found: list[Diagnostic]) -> list[str]:
    lines: list[str] = []
    for d in found:
        lines.append(f"{d.loc}: {d.severity.value} {d.code}: {d.message}")
        lines.extend([f"    hint: {d.hint}"] if d.hint else [])
    return lines


def _located(phrase: str, message: str, offset: int) -> Message:
    """The message, the phrase, and a caret under the offending character (CJK is 2 wide).
    The message is the SLA parser's, as `flowkit validate` reports it (FK501): English."""
    from flowkit.messages import msg
    from flowkit.output.width import width

    return msg(
        "{problem} (column {column})\n    {phrase}\n    {caret}",
        problem=message,
        column=offset + 1,
        phrase=phrase,
        caret=" " * width(phrase[:offset]) + "^",
    )
