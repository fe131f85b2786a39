"""An opportunity's actions as the forms and the API post them: one library call each, with
the revision the person saw (a change on top of someone else's is refused) and, for work
that only adds to the record, a retry when another write won the row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flowkit.errors import ConflictError, InputError
from flowkit.messages import msg
from flowkit.tracking.tracker import Tracker
from flowkit.web.requests import follow_up

APPEND_ONLY = ("log", "deliver")  # adds to the record: retried when another write won


def act(tracker: Tracker, instance_id: int, action: str, f: dict[str, str], now: datetime) -> None:
    """One form's action on an opportunity, through the library."""
    run: dict[str, Callable[[], object]] = {
        "log": lambda: tracker.log(instance_id, **follow_up(f, now), now=now),
        "deliver": lambda: tracker.deliver(instance_id, f.get("document", ""), now=now),
        "advance": lambda: tracker.advance(instance_id, outcome=f.get("outcome") or None, now=now),
        "risk": lambda: tracker.set_risk(
            instance_id, f.get("flag") == "on", note=f.get("note", ""), now=now
        ),
        "pause": lambda: tracker.pause(instance_id, f.get("reason", ""), now=now),
        "resume": lambda: tracker.resume(instance_id, reason=f.get("reason", ""), now=now),
        "assign": lambda: tracker.assign(instance_id, f.get("owner", ""), now=now),
        "close": lambda: tracker.close(
            instance_id,
            f.get("result") == "won",
            f.get("reason", ""),
            now=now,
            note=f.get("note", ""),
            mentor=f.get("mentor") or None,
        ),
    }
    if action not in run:
        raise InputError(msg("unknown action '{action}'", action=action))
    if action not in APPEND_ONLY and f.get("revision"):
        tracker.seen[instance_id] = int(f["revision"])
    for attempt in range(5):
        try:
            run[action]()
            return
        except ConflictError:
            if action not in APPEND_ONLY or attempt == 4:
                raise  # a follow-up is added again on the fresh record; a change is not
