"""The passes the workspace runs on its own while it serves: notifications (issue 14) every
minute, so a team with `flowkit serve` needs no cron, and the SQLite planner's statistics
(`Store.refresh_statistics`).

One scheduler for the whole server: with several workers each starts this thread, but only
the one holding the store's `schedule` lease (`Store.leading`) runs passes; if it stops,
another takes the lease at its next look. A pass is safe to run twice at once anyway (the
notice ledger claims each notice), so the lease saves work, it does not guard correctness.
A failing pass is logged and the next one runs as usual.
"""

from __future__ import annotations

import logging
import threading
from contextlib import ExitStack

from flowkit.access.guard import Actor
from flowkit.access.rules import Role
from flowkit.web.workspace import Workspace

EVERY = 60.0  # seconds between passes
SCHEDULE = Actor("system:schedule", Role.ADMIN, "system")
log = logging.getLogger("flowkit.web.schedule")


class Scheduler(threading.Thread):
    def __init__(self, workspace: Workspace, every: float = EVERY) -> None:
        super().__init__(name="flowkit-schedule", daemon=True)
        self.workspace = workspace
        self.every = every
        self.stopped = threading.Event()
        self.leading = False
        self._lease = ExitStack()
        self._said_pooled = False

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                if not self.leading:
                    self.leading = self.lead()
                if self.leading:
                    self.tick()
        finally:
            self._lease.close()

    def lead(self) -> bool:
        """Take the lease if nobody holds it; held (a connection or a file lock) until stop."""
        with ExitStack() as attempt:
            got = attempt.enter_context(self.workspace.tracker.store.leading("schedule"))
            if got:
                self._lease = attempt.pop_all()
            return got

    def tick(self) -> None:
        """One round of the scheduled passes: the database's planner statistics kept
        current, then notifications (when notify.yaml exists)."""
        from flowkit.notify import run_pass

        try:
            self.workspace.tracker.store.refresh_statistics()
        except Exception:
            log.exception("gathering the planner statistics failed; the next pass tries again")
        config = self.workspace.tracker.definitions.notify
        if config is None:
            return
        if self.workspace.tracker.store.pooled:  # a service login reads no one's timers
            if not self._said_pooled:
                log.warning(
                    "notifications are not sent from a server on a service login (it sees "
                    "no one's timers); run `flowkit notify` from cron as the owner login"
                )
                self._said_pooled = True
            return
        try:
            tracker = self.workspace.acting(SCHEDULE)
            report = run_pass(tracker, config, self.workspace.now())
            if report.failed:
                log.warning("notification pass: %d deliveries failed", len(report.failed))
        except Exception:
            log.exception("notification pass failed; the next one runs in %.0f s", self.every)

    def stop(self) -> None:
        self.stopped.set()
