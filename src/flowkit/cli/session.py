"""The options every tracking command shares (`--db`, `--now`, `--processes`), and the
tracker they open. Set on the `flowkit` group, so `flowkit --now 2026-11-30T09:00 status`.

Also the language of a run's messages (`message_lang`, `say`): a command's own --lang, else
flowkit --lang or FLOWKIT_LANG, else English (docs/translating.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

F = TypeVar("F", bound="Callable[..., Any]")

# The largest integer both databases hold in an INTEGER column (PostgreSQL's is 32 bits).
LARGEST = 2**31 - 1
# An opportunity's number: a positive integer the databases can hold (an id too large for
# the column is a usage error, not an overflow deep in the driver: SQLite said "no
# opportunity", PostgreSQL ended in an internal error past 2**31 - 1).
OPPORTUNITY_ID = click.IntRange(1, LARGEST)
# How many rows to show (--limit): SQLite's LIMIT overflowed past 2**63 (an internal error).
ROW_COUNT = click.IntRange(1, LARGEST)
SHOWN_WARNINGS = 3


def owner_filter(func: Any) -> Any:
    """`--owner PERSON` (repeatable) and `--team TEAM`: the filter `Session.owners` reads."""
    func = click.option("--team", help="Only what this team's people own.")(func)
    return click.option(
        "--owner", multiple=True, metavar="PERSON", help="Only this owner's (repeatable)."
    )(func)


if TYPE_CHECKING:
    from flowkit.messages import Message
    from flowkit.tracking import Tracker

LANG_KEY = "flowkit.lang"  # in click's meta, shared by a run's contexts: a command's --lang


def remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The callback of a command's own --lang: its messages follow it too (the error
    handler, on the group, reads it from the context's meta)."""
    if value:
        ctx.meta[LANG_KEY] = value
    return value


def lang_option(help: str) -> Callable[[F], F]:
    """A command's own `--lang`, for its labels and its messages (it wins over flowkit --lang)."""
    return click.option(
        "--lang",
        type=click.Choice(["zh-CN", "en"]),
        default=None,
        callback=remember_lang,
        help=help,
    )


def message_lang(ctx: click.Context | None = None) -> str:
    """The language messages are said in: the one asked for (a command's --lang, else
    flowkit --lang or FLOWKIT_LANG), else English, as flowkit always said them (labels
    keep their own default, zh-CN: `Session.language`)."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return "en"  # flowkit.messages.MESSAGE_LANG, without importing it for a constant
    asked = ctx.meta.get(LANG_KEY) or ctx.find_root().params.get("lang")
    return str(asked) if asked else "en"


def said(message: Message) -> str:
    """`message` in the language of this run's messages."""
    return message.text(message_lang())


def say(message: Message, err: bool = False) -> None:
    """Print `message` (a confirmation, a warning) in the language of this run's messages,
    control characters in the names it repeats shown, not obeyed (`output.terminal`)."""
    from flowkit.output.terminal import visible_lines

    click.echo(visible_lines(said(message)), err=err)


class Session:
    """The global options of one `flowkit` run, and the tracker they open (once).

    A plain class, not a dataclass: every command builds one, and `flowkit --help`
    should not pay for importing dataclasses' machinery.
    """

    def __init__(
        self,
        db: str | None = None,
        fixed_now: str | None = None,
        processes: Path = Path("processes"),
        user: str | None = None,
        lang: str | None = None,
    ) -> None:
        self.db = db
        self.fixed_now = fixed_now
        self.processes = processes
        self.user = user  # --user / FLOWKIT_USER: who runs the command
        self.lang = lang  # flowkit --lang / FLOWKIT_LANG; a command's own --lang wins
        self._tracker: Any = None

    def chosen_lang(self, asked: str | None) -> str | None:
        """The language someone asked for: the command's --lang, else flowkit --lang."""
        return asked or self.lang

    def language(self, asked: str | None) -> str:
        """The language to print in: as asked, else zh-CN."""
        from flowkit.i18n import DEFAULT_LANG

        return self.chosen_lang(asked) or DEFAULT_LANG

    def now(self) -> datetime:
        from flowkit.lang.times import current

        return current(self.fixed_now)

    def tracker(self) -> Tracker:
        if self._tracker is None:
            from flowkit.tracking.tracker import open_tracker

            if not self.processes.exists():
                from flowkit.messages import msg

                raise click.UsageError(
                    said(
                        msg(
                            "no process folder '{folder}' here: pass --processes DIR",
                            folder=self.processes,
                        )
                    )
                )
            self._tracker = open_tracker(self.db, [self.processes], self.user, self.now)
        return self._tracker  # type: ignore[no-any-return]

    def owners(self, owner: tuple[str, ...], team: str | None) -> tuple[str, ...] | None:
        """`--owner` and `--team` as the owners to keep (None: no filter)."""
        from flowkit.access.people import selected_owners

        return selected_owners(self.tracker().people, owner, team)

    def warn(self) -> None:
        """Print what the library warned about during the command: the first few in full,
        then how many more (a bulk command must not bury its result under warnings)."""
        warnings = self._tracker.warnings if self._tracker is not None else []
        if not warnings:
            return
        from flowkit.messages import msg

        for warning in warnings[:SHOWN_WARNINGS]:
            say(msg("warning: {warning}", warning=warning), err=True)
        if len(warnings) > SHOWN_WARNINGS:
            more = len(warnings) - SHOWN_WARNINGS
            say(msg("warning: ... and {n} more like these", n=more), err=True)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.store.close()


pass_session = click.make_pass_decorator(Session, ensure=True)


def at_option(func: Any) -> Any:
    return click.option(
        "--at",
        "at",
        metavar="TIME",
        default=None,
        help="When it really happened (e.g. 2026-11-28T15:30); default now.",
    )(func)


def follow_up_options(func: Any) -> Any:
    """The options of a follow-up (跟进记录), on an opportunity or on a customer."""
    options = [
        click.option(
            "--method",
            required=True,
            metavar="METHOD",
            help="跟进方式: phone, visit, email, other (电话/拜访/邮件/其他), or a method "
            "customers.yaml declares, by id or name (wechat, 微信).",
        ),
        click.option("--content", required=True, help="沟通内容: what was done and said."),
        click.option("--feedback", default="", help="客户反馈/需求变化."),
        click.option(
            "--next-step",
            default="",
            help="下一步计划 (on an opportunity, also its next key action).",
        ),
        click.option("--by", metavar="PERSON", help="Who followed up (default: the owner)."),
        at_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_at(text: str | None) -> datetime | None:
    from flowkit.lang.times import parse_time

    return parse_time(text, "--at") if text else None
