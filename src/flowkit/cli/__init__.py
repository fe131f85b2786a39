"""The `flowkit` command: a thin layer that parses options, calls the library, prints.

Only click is imported here, so `flowkit --help` starts fast; each command imports the
library parts it needs when it runs. One handler maps errors to exit codes.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import click

from flowkit.cli.calendar import calendar
from flowkit.cli.customers import audit, customer
from flowkit.cli.demo import demo
from flowkit.cli.migrate import migrate
from flowkit.cli.render import render
from flowkit.cli.session import Session
from flowkit.cli.sla import sla
from flowkit.cli.status import list_, show, status
from flowkit.cli.tracking import COMMANDS
from flowkit.cli.validate import validate
from flowkit.errors import FlowkitError

BUG_EXIT = 3


class FlowkitGroup(click.Group):
    """Maps flowkit errors to their exit codes and turns crashes into a bug-report hint."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlowkitError as e:
            click.echo(f"error: {e.message}", err=True)
            if e.hint:
                click.echo(f"    hint: {e.hint}", err=True)
            ctx.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(130)
        except Exception:
            ctx.exit(_report_bug())


def _report_bug() -> int:
    with tempfile.NamedTemporaryFile(
        "w", prefix="flowkit-crash-", suffix=".log", delete=False, encoding="utf-8"
    ) as log:
        log.write(f"flowkit crash\nargv: {sys.argv}\n\n{traceback.format_exc()}")
    click.echo(
        f"flowkit hit an internal error (a bug, not your input). Details: {log.name}\n"
        "Please attach that file to a bug report.",
        err=True,
    )
    return BUG_EXIT


@click.group(cls=FlowkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flowkit")
@click.option(
    "--db",
    envvar="FLOWKIT_DB",
    metavar="URL",
    help="Tracking database: a SQLite file (default ./flowkit.db) or postgresql://... [FLOWKIT_DB]",
)
@click.option(
    "--now",
    "fixed_now",
    envvar="FLOWKIT_NOW",
    metavar="TIME",
    help="Fix the clock, for reproducible runs (e.g. 2026-11-30T09:00). [FLOWKIT_NOW]",
)
@click.option(
    "--processes",
    type=click.Path(path_type=Path),
    default=Path("processes"),
    envvar="FLOWKIT_PROCESSES",
    show_default=True,
    help="Folder of process files (and org.yaml) the tracking commands use.",
)
@click.option(
    "--user",
    envvar="FLOWKIT_USER",
    metavar="PERSON",
    help="Who runs the command (a person of org.yaml), kept in customer histories. [FLOWKIT_USER]",
)
@click.pass_context
def main(
    ctx: click.Context, db: str | None, fixed_now: str | None, processes: Path, user: str | None
) -> None:
    """flowkit: sales processes as code.

    Declare each sales process in YAML, check it like code, publish it, and track
    every opportunity through it.
    """
    session = Session(db, fixed_now, processes, user)
    ctx.obj = session
    ctx.call_on_close(session.close)


main.add_command(validate)
main.add_command(render)
main.add_command(sla)
for command in (*COMMANDS, status, list_, show, demo, calendar, migrate, customer, audit):
    main.add_command(command)
