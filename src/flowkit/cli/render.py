"""`flowkit render`: publish the process handbook or the swimlane diagrams."""

from __future__ import annotations

from pathlib import Path

import click

from flowkit.cli.session import lang_option, say

FORMATS = ("html", "md", "svg", "png", "pdf", "dot")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=Path("handbook"),
    show_default=True,
    help="Folder to write to (the handbook folder is replaced as a whole).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="html",
    show_default=True,
    help="html or md: the handbook; svg, png, pdf or dot: one diagram per process.",
)
@lang_option(
    "Language of headings and labels (default: flowkit --lang, else each process's locale), "
    "and of messages (else English)."
)
def render(*, paths: tuple[Path, ...], out: Path, fmt: str, lang: str | None) -> None:
    """Publish the 销售业务流程手册 (handbook) or swimlane diagrams of processes.

    Invalid processes are refused with the diagnostics of `flowkit validate`,
    and nothing is written.

    \b
    Example:
      flowkit render processes/ -o handbook/
      flowkit render processes/standard-sales.yaml --format png -o diagrams/
    """
    from flowkit.cli.validate import default_paths
    from flowkit.errors import Findings
    from flowkit.messages import msg, nmsg
    from flowkit.output import REPORTERS
    from flowkit.publish import InvalidProcesses, publish

    lang = lang or click.get_current_context().find_root().params.get("lang")
    try:
        written = publish(paths or default_paths(), out, fmt, lang)  # type: ignore[arg-type]
    except InvalidProcesses as e:
        click.echo(REPORTERS["text"](e.report, False), nl=False, err=True)
        say(msg("error: nothing was written"), err=True)
        raise Findings(e.exit_code) from None
    say(nmsg("wrote {n} file to {out}", "wrote {n} files to {out}", n=len(written), out=out))
