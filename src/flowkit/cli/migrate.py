"""`flowkit migrate`: move running opportunities to the current version of their process."""

from __future__ import annotations

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, pass_session, said, say
from flowkit.messages import msg


@click.command()
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="OLD=NEW",
    help="Where opportunities at a removed node go (repeatable).",
)
@click.option("--apply", "apply_", is_flag=True, help="Do it (without: only show the plan).")
@format_option
@pass_session
def migrate(session: Session, *, pairs: tuple[str, ...], apply_: bool, fmt: str) -> None:
    """Show (then, with --apply, carry out) moving opportunities to edited processes.

    Opportunities keep the process version they started on until moved. Each keeps its
    node (or goes where --map says, when the new version removed it); when the node's
    SLA changed, its timers are recomputed from when it entered the node. One transaction.
    Exit 1 when some opportunities cannot move (a removed node with no --map).

    \b
    Example:
      flowkit migrate
      flowkit migrate --map legal_review=contract_execution --apply
      flowkit migrate --format json
    """
    from flowkit.errors import Findings
    from flowkit.output.tracking import migration_listing
    from flowkit.tracking.versions import migrate as move
    from flowkit.tracking.versions import plan

    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise click.BadParameter(
                said(msg("{pair!r}: write OLD=NEW", pair=pair)), param_hint="--map"
            )
        mapping[old.strip()] = new.strip()
    tracker = session.tracker()
    steps = plan(tracker, mapping)
    lines = [("  " if step.movable else "! ") + said(step.message()) for step in steps]
    stuck = sum(s.count for s in steps if not s.movable)
    if not steps:
        lines.append(said(msg("every open opportunity runs on the current version of its process")))
    elif apply_:
        moved = move(tracker, steps, session.now())
        if not moved and any(s.movable for s in steps):  # another migrate moved them first
            steps, stuck = [], 0
            lines = [said(msg("nothing to do: another migrate moved these opportunities first"))]
        else:
            lines.append(said(msg("moved {n} opportunities", n=moved)))
    else:
        lines.append(said(msg("dry run: nothing changed; add --apply to move them")))
    emit(migration_listing(steps, lines), fmt)
    if stuck:
        say(msg("{n} opportunities cannot move until their node is mapped", n=stuck), err=True)
        raise Findings()
