"""rich's progress bar for long imports and exports, on a terminal only.

The library reports progress through a callback (`flowkit.progress`); this draws it on
standard error while it is a terminal, one bar per step, removed when the command ends.
Piped or redirected, the callback does nothing and the output is as it always was.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flowkit.messages import Message
from flowkit.progress import Progress, quiet


def on_terminal() -> bool:
    """Whether standard error is a terminal, where a bar can be drawn and erased."""
    return sys.stderr.isatty()


@contextmanager
def bar() -> Iterator[Progress]:
    """A `Progress` callback that draws rich's bar on a terminal (nothing elsewhere)."""
    if not on_terminal():
        yield quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    tasks: dict[str, TaskID] = {}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Bars(
        *columns, console=Console(file=sys.stderr, force_terminal=True), transient=True
    ) as bars:

        def report(step: Message, done: int, total: int | None) -> None:
            text = step.text()
            if text not in tasks:
                tasks[text] = bars.add_task(text, total=total)
            bars.update(tasks[text], completed=done, total=total)

        yield report
