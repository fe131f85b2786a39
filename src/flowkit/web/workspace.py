"""What the web server holds between requests: one store, the current definitions, the
clock, and a tracker per request for the person acting.

The process files and org.yaml are read again when they change (looked at no more than
every `RELOAD_EVERY`, or at once on SIGHUP): the new definitions are validated whole
before they replace the old ones, so a request sees the old set or the new one, never
half of each, and a broken edit keeps the old set running (and is logged) instead of
taking the workspace down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flowkit.access.accounts import Accounts
from flowkit.access.guard import SYSTEM, Access, Actor
from flowkit.access.identity import check_served
from flowkit.errors import FlowkitError
from flowkit.tracking.tracker import Tracker, open_tracker

RELOAD_EVERY = 2.0  # seconds between looks at the files' contents
log = logging.getLogger("flowkit.web")


@dataclass(frozen=True)
class Settings:
    """How `flowkit serve` was started (docs/workspace.md)."""

    db: str | None
    processes: Path
    fixed_now: str | None = None  # flowkit --now: a frozen clock (demos, tests)
    secure_cookies: bool = False  # behind HTTPS: cookies only over TLS
    proxy_header: str | None = None  # single sign-on: the header a trusted proxy sets
    proxy_addresses: tuple[str, ...] = ()  # and the addresses that proxy calls from
    base_url: str = ""  # how people reach the workspace (links in messages)
    handbook: Path | None = None  # `flowkit render` output, served at /handbook/
    schedule: bool = True  # run the scheduled passes (notifications) in this server


@dataclass
class Workspace:
    settings: Settings
    tracker: Tracker  # acting as the system: definitions, store and caches every request shares
    clock: Callable[[], datetime]
    _key: str = ""
    _looked: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    reload_error: str = ""  # why the last edit of the files was not taken, if it was not

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        from flowkit.lang.times import current
        from flowkit.tracking.definitions import _inputs_key

        def clock() -> datetime:
            return current(settings.fixed_now)

        tracker = open_tracker(settings.db, [settings.processes], None, clock, service=True)
        tracker.access = Access(tracker.people, SYSTEM, clock)
        return cls(settings, tracker, clock, _inputs_key([settings.processes]))

    def now(self) -> datetime:
        return self.clock()

    # per request --------------------------------------------------------------------------
    def acting(self, actor: Actor) -> Tracker:
        """A tracker for `actor`, on the current definitions."""
        self.refresh()
        check_served(self.tracker.people, self.tracker.store.service_login, actor)
        return self.tracker.acting_as(Access(self.tracker.people, actor, self.clock))

    def accounts(self, actor: Actor = SYSTEM) -> Accounts:
        self.refresh()
        check_served(self.tracker.people, self.tracker.store.service_login, actor)
        store = self.tracker.store.acting_for(actor.id)
        return Accounts(store, self.tracker.people, Access(self.tracker.people, actor))

    # reloading ----------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Take the files' new contents if they changed (validated whole first)."""
        if not force and time.monotonic() - self._looked < RELOAD_EVERY:
            return
        if not self._lock.acquire(blocking=False):
            return  # another request is reloading: this one uses the set in place
        try:
            self._looked = time.monotonic()
            self._reload()
        finally:
            self._lock.release()

    def _reload(self) -> None:
        from flowkit.customers.book import CustomerBook
        from flowkit.tracking.definitions import Definitions, _inputs_key

        paths = [self.settings.processes]
        key = _inputs_key(paths)
        if key == self._key:
            return
        try:
            definitions = Definitions.load(paths)
        except FlowkitError as e:
            self.reload_error = str(e)
            log.error(
                "process files changed but are not valid; still serving the last good set: %s", e
            )
            self._key = key  # said once per edit, not on every look
            return
        old = self.tracker
        book = CustomerBook(
            old.store,
            definitions.customers,
            people=definitions.org,
            calendars=definitions.calendars,
            access=old.access,
        )
        self.tracker = Tracker(
            old.store, definitions, definitions.org, definitions.calendars, book, old.access
        )
        self._key, self.reload_error = key, ""
        log.info("process files reloaded")

    def close(self) -> None:
        self.tracker.store.close()
