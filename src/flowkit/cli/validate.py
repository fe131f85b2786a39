"""`flowkit validate`: check process files (and the org file) like a compiler checks code."""

from __future__ import annotations

from pathlib import Path

import click

FORMATS = ("text", "json", "github")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for pull-request annotations.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--calendar",
    "calendars",
    multiple=True,
    metavar="NAME",
    help="Accept this custom calendar name (repeatable).",
)
@click.option(
    "--db",
    metavar="URL",
    help="Also report what the edit means for live opportunities in this tracking database.",
)
def validate(
    *, paths: tuple[Path, ...], fmt: str, strict: bool, calendars: tuple[str, ...], db: str | None
) -> None:
    """Check process files (or folders of them) and report located problems.

    The other files beside them are checked too, each with the processes: the org
    file (org.yaml, or a top-level `org:`/`people:`), the customer rules
    (customers.yaml, or a top-level `customers:`) and company calendars (a top-level
    `calendar:` and no `nodes:`, e.g. calendars/*.yaml).

    Exit status: 0 clean, 1 errors found (warnings too with --strict),
    2 usage error or unreadable input.

    With --db, also lists the live opportunities the edit concerns: those at a node
    the new version removes (a warning), and timers whose SLA changed; `flowkit
    migrate` moves them. And people org.yaml marks inactive who still own customers
    or open opportunities (an error: `flowkit handover` moves them).

    \b
    Example:
      flowkit validate processes/
      flowkit validate --format github --strict processes/standard-sales.yaml
      flowkit validate --db flowkit.db processes/
    """
    from flowkit.errors import Findings
    from flowkit.output import REPORTERS
    from flowkit.validate import validate_paths

    chosen = paths or default_paths()
    report = validate_paths(chosen, calendars)
    click.echo(REPORTERS[fmt](report, strict), nl=False)
    code = report.exit_code(strict)
    if db and code == 0:
        blocked, held = _live_impact(db, chosen)
        code = 1 if held or (blocked and strict) else code
    if code:
        raise Findings(code)


def _live_impact(db: str, paths: tuple[Path, ...]) -> tuple[bool, bool]:
    """Print what the edit means for live opportunities, and who left still owning
    records; whether some opportunities could not move, and whether anyone left so."""
    from flowkit.access.holdings import holdings
    from flowkit.cli.session import say
    from flowkit.messages import msg
    from flowkit.tracking.tracker import open_tracker
    from flowkit.tracking.versions import plan

    tracker = open_tracker(db, paths)
    try:
        steps = plan(tracker)
        with tracker.store.reading() as reads:
            held = holdings(tracker, reads)
    finally:
        tracker.store.close()
    for holding in held:
        say(msg("live error: {problem}", problem=holding.message()))
    for step in steps:
        if step.movable:
            say(msg("live note: {step}", step=step.message()))
        else:
            say(msg("live warning: {step}", step=step.message()))
    if not steps:
        say(msg("live: every open opportunity runs on the current version of its process"))
    return any(not s.movable for s in steps), bool(held)


def default_paths() -> tuple[Path, ...]:
    default = Path("processes")
    if not default.is_dir():
        from flowkit.cli.session import said
        from flowkit.messages import msg

        raise click.UsageError(
            said(msg("give the process files or folders to check (no ./processes here)"))
        )
    return (default,)
