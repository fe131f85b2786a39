"""Progress of long imports and exports: the library reports it, a surface shows it.

A command over 100,000 rows takes tens of seconds; the library says how far it is through
a `Progress` callback (what it is doing, how many done, how many in all when it knows),
every `EVERY` items and once at the end of a step. It never draws anything: the CLI shows
rich's bar on a terminal and nothing when piped (`cli/progress.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flowkit.messages import Message

Progress = Callable[[Message, int, int | None], None]  # step, done, total (None: unknown)
EVERY = 1000  # items between two reports: cheap beside the work on them
T = TypeVar("T")


def quiet(step: Message, done: int, total: int | None) -> None:
    """Nobody is watching."""


def counted(
    items: Iterable[T], progress: Progress, step: Message, total: int | None = None
) -> Iterator[T]:
    """The items, with `progress` told every `EVERY` of them and when they are through."""
    done = 0
    for item in items:
        yield item
        done += 1
        if done % EVERY == 0:
            progress(step, done, total)
    progress(step, done, total if total is not None else done)
