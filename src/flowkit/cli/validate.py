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
def validate(
    *, paths: tuple[Path, ...], fmt: str, strict: bool, calendars: tuple[str, ...]
) -> None:
    """Check process files (or folders of them) and report located problems.

    The org file among them (org.yaml, or a file whose top level has `org:` or
    `people:`) is checked too, with the processes' lanes.

    Exit status: 0 clean, 1 errors found (warnings too with --strict),
    2 usage error or unreadable input.

    \b
    Example:
      flowkit validate processes/
      flowkit validate --format github --strict processes/standard-sales.yaml
    """
    from flowkit.report import REPORTERS
    from flowkit.validate import validate_paths

    report = validate_paths(paths or default_paths(), calendars)
    click.echo(REPORTERS[fmt](report, strict), nl=False)
    raise SystemExit(report.exit_code(strict))


def default_paths() -> tuple[Path, ...]:
    default = Path("processes")
    if not default.is_dir():
        raise click.UsageError("give the process files or folders to check (no ./processes here)")
    return (default,)
