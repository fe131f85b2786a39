"""`flowkit demo`: fill a fresh database with realistic opportunities to look at."""

from __future__ import annotations

import click

from flowkit.cli.session import Session, pass_session, say


@click.command()
@click.option(
    "--count",
    type=click.IntRange(1, 100_000),
    default=300,
    show_default=True,
    help="How many opportunities to start.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same data.")
@pass_session
def demo(session: Session, *, count: int, seed: int) -> None:
    """Fill a fresh database with opportunities on the shipped processes.

    They are started over the last weeks and moved along as people would, so that
    now some are on time, some at risk, some breached, and some won or lost. The
    same --seed and --now give the same data.

    \b
    Example:
      flowkit --db demo.db demo && flowkit --db demo.db status
    """
    from flowkit.demo import fill
    from flowkit.messages import msg

    result = fill(session.tracker(), session.now(), count, seed)
    said = msg(
        "demo: {started} opportunities ({open} open, {closed} closed)",
        started=result.started,
        open=result.open,
        closed=result.closed,
    )
    say(said)
