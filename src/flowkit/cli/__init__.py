"""The `flowkit` command: a thin layer that parses options, calls the library, prints.

Only click is imported here, so `flowkit --help` starts fast; each command imports the
library parts it needs when it runs. One handler maps errors to exit codes.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from typing import Any

import click

from flowkit.cli.render import render
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
def main() -> None:
    """flowkit: sales processes as code.

    Declare each sales process in YAML, check it like code, publish it, and track
    every opportunity through it.
    """


main.add_command(validate)
main.add_command(render)
