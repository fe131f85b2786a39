"""The `flowkit` command: a thin layer that parses options, calls the library, prints.

Only click is imported here, so `flowkit --help` starts fast; each command imports the
library parts it needs when it runs. One handler maps errors to exit codes.
"""

from __future__ import annotations

import atexit
import gc
import sys
from importlib import import_module
from typing import Any

import click

from flowkit.errors import EXIT_BUG, EXIT_INPUT, EXIT_OK, Findings, FlowkitError

# At exit Python's last collections walk every object still alive (SQLAlchemy, the model,
# the rows) only to free memory the system takes back anyway: a fifth of a short
# command's time. Frozen objects are skipped. The command has closed its database and
# flushed its output by then; nothing flowkit keeps needs a finalizer at exit.
atexit.register(gc.freeze)

# Every command: (module, attribute, its one-line help). A command's module is imported only
# when that command runs, so `flowkit --help` and every command start fast; a test keeps
# the one-line helps equal to the commands' own.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": (
        "validate",
        "validate",
        "Check process files (or folders of them) and report located problems.",
    ),
    "render": (
        "render",
        "render",
        "Publish the 销售业务流程手册 (handbook) or swimlane diagrams of processes.",
    ),
    "sla": ("sla", "sla", "SLA phrases (时间要求) on a business calendar."),
    "start": ("tracking", "start", "Start tracking an opportunity on PROCESS (a process id)."),
    "advance": (
        "tracking",
        "advance",
        "Complete the current node of INSTANCE and move on (by outcome or conditions).",
    ),
    "log": ("tracking", "log", "Record a follow-up (跟进记录); it counts toward cadence SLAs."),
    "deliver": ("tracking", "deliver", "Record that an output document (输出物) was produced."),
    "event": (
        "tracking",
        "event",
        "Record a business event the process declares (timers anchored on it start).",
    ),
    "risk": ("tracking", "risk", "Raise or clear the risk flag (风险预警) of an opportunity."),
    "assign": ("tracking", "assign", "Give an opportunity to another owner (负责人)."),
    "set": (
        "tracking",
        "set_",
        "Change an opportunity's fields, expected close date, next key action or customer.",
    ),
    "pause": (
        "tracking",
        "pause",
        "Pause an opportunity: paused time does not count against its SLAs.",
    ),
    "resume": (
        "tracking",
        "resume",
        "Resume a paused opportunity; its due times move later by the pause.",
    ),
    "close": (
        "tracking",
        "close",
        "Close an opportunity as won or lost, from whatever node it is at.",
    ),
    "import": (
        "tracking",
        "import_",
        "Import the tracking table (销售节点进度跟踪表) from .csv or .xlsx.",
    ),
    "export": (
        "tracking",
        "export",
        "Write the tracking table (销售节点进度跟踪表) of open opportunities to .xlsx or .csv.",
    ),
    "status": (
        "status",
        "status",
        "Breached and at-risk SLA timers, worst first, with a summary line.",
    ),
    "list": (
        "status",
        "list_",
        "The progress tracking table (销售节点进度跟踪表) of opportunities.",
    ),
    "show": (
        "status",
        "show",
        "One opportunity: its state, its timers with due times and why, its full history.",
    ),
    "on-time": (
        "status",
        "on_time",
        "流程节点准时率: deadlines met on time, per owner, team, process or node.",
    ),
    "funnel": (
        "status",
        "funnel",
        "Where deals stall or drop out: each stage of PROCESS, entered and moved on.",
    ),
    "review": (
        "review",
        "review",
        "The monthly review pack (月度复盘): HTML for A4, PDF, XLSX of every table.",
    ),
    "kpi": ("review", "kpi", "One measure of the monthly review, as a table, CSV or JSON."),
    "demo": ("demo", "demo", "Fill a fresh database with opportunities on the shipped processes."),
    "backup": (
        "backup",
        "backup",
        "Copy the database into TARGET, a new file, while others may write.",
    ),
    "restore": (
        "backup",
        "restore",
        "Bring back the SQLite database from SOURCE, a file `flowkit backup` made.",
    ),
    "keys": (
        "keys",
        "keys",
        "The key that encrypts customers' contact and cooperation details (数据安全).",
    ),
    "calendar": ("calendar", "calendar", "Business calendars and the data behind them."),
    "migrate": (
        "migrate",
        "migrate",
        "Show (then, with --apply, carry out) moving opportunities to edited processes.",
    ),
    "customer": (
        "customers",
        "customer",
        "Customer profiles (客户档案): records, grades, tags, completeness, value, Excel.",
    ),
    "audit": ("customers", "audit", "The weekly spot check of customer profiles (档案抽查)."),
    "handover": (
        "access",
        "handover",
        "Hand a person's customers and open opportunities over to another (人员交接).",
    ),
    "audit-log": (
        "access",
        "audit_log",
        "Who did what, and what was refused: the append-only audit log (数据安全).",
    ),
    "serve": (
        "serve",
        "serve",
        "The sales team's workspace: web pages and a JSON API (/api/v1) over the database.",
    ),
    "user": (
        "serve",
        "user",
        "The workspace's accounts: passwords, invitations, lock-outs, API tokens.",
    ),
    "notify": (
        "notify",
        "notify",
        "Send what is due: breaches, escalations, reminders and digests (one pass, for cron).",
    ),
}


class FlowkitGroup(click.Group):
    """Loads each command when it runs, maps flowkit errors to their exit codes and
    turns crashes into a bug-report hint."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(import_module(f"flowkit.cli.{module}"), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table above: listing needs no command module."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _shortened(COMMANDS[name][2], limit)) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """The one place exit statuses are decided: 0 done, 1 findings, 2 usage or input
        (click's own usage errors too), 3 a bug of flowkit's, with a crash log."""
        try:
            return super().invoke(ctx)
        except Findings as e:  # the command printed what it found
            ctx.exit(e.exit_code)
        except FlowkitError as e:
            _say_error(ctx, e)
            ctx.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader stopped reading (`| head`): nobody's mistake
            _stop_writing()
            ctx.exit(EXIT_OK)
        except OSError as e:  # a file or folder the machine refused: not a bug of ours
            _say_refused(ctx, e)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            ctx.exit(130)
        except Exception:
            ctx.exit(_report_bug(ctx))


def _say_error(ctx: click.Context, e: FlowkitError) -> None:
    """The error, and how to fix it, in the language the user asked for (else English)."""
    from flowkit.cli.session import message_lang
    from flowkit.messages import msg
    from flowkit.output.terminal import visible_lines

    lang = message_lang(ctx)  # messages quote files: their control characters shown escaped
    said = msg("error: {message}", message=e.msg).text(lang)
    click.echo(visible_lines(said), err=True)
    if e.hint_msg is not None:
        hint = msg("hint: {hint}", hint=e.hint_msg).text(lang)
        click.echo("    " + visible_lines(hint), err=True)


def _say_refused(ctx: click.Context, e: OSError) -> None:
    """A file or folder the system refused, in its own words (the system's language)."""
    from flowkit.cli.session import message_lang
    from flowkit.messages import msg

    problem = e.strerror or str(e)
    said = (
        msg("error: {file}: {problem}; nothing more was written", file=e.filename, problem=problem)
        if e.filename
        else msg("error: {problem}; nothing more was written", problem=problem)
    )
    click.echo(said.text(message_lang(ctx)), err=True)


def _stop_writing() -> None:
    """Point standard output at the null device, as Python's documentation advises, so
    the flush at exit does not fail on the closed pipe a second time."""
    import os
    from contextlib import suppress

    with suppress(OSError, ValueError):  # not a real file: a test runner's stream
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _report_bug(ctx: click.Context) -> int:
    import tempfile  # only when something went wrong: start-up stays fast

    from flowkit.cli.crashlog import crash_log
    from flowkit.cli.session import message_lang
    from flowkit.messages import msg

    with tempfile.NamedTemporaryFile(
        "w", prefix="flowkit-crash-", suffix=".log", delete=False, encoding="utf-8"
    ) as log:  # created owner-only (0600)
        log.write(crash_log(sys.argv, sys.exc_info()[1]))
    said = msg(
        "flowkit hit an internal error (a bug, not your input). Details: {log}\n"
        "Please attach that file to a bug report.",
        log=log.name,
    )
    click.echo(said.text(message_lang(ctx)), err=True)
    return EXIT_BUG


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
    type=click.Path(),
    default="processes",
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
@click.option(
    "--lang",
    type=click.Choice(["zh-CN", "en"]),
    envvar="FLOWKIT_LANG",
    help="Language of labels, words and messages in every command (default: labels zh-CN, "
    "messages English). [FLOWKIT_LANG]",
)
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    fixed_now: str | None,
    processes: str,
    user: str | None,
    lang: str | None,
) -> None:
    """flowkit: sales processes as code.

    Declare each sales process in YAML, check it like code, publish it, and track
    every opportunity through it.
    """
    from pathlib import Path

    from flowkit.cli.session import Session

    session = Session(db, fixed_now, Path(processes), user, lang)
    ctx.obj = session
    ctx.call_on_close(session.close)
    ctx.call_on_close(session.warn)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 10)].rstrip() + "..."
