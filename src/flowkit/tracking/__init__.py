"""Tracking opportunities through their process: timers, commands, and the answers.

`Tracker` holds the write commands (one transaction each); `reports` answers questions
(`show`, `listing`, `status`) without writing. Both read the model and the store; the
store is the only place SQL lives.
"""

from flowkit.tracking.definitions import Definitions
from flowkit.tracking.queries import listing, show, status
from flowkit.tracking.tracker import Tracker, open_tracker
from flowkit.tracking.views import Alert, EventView, InstanceView, Status, TimerView

__all__ = [
    "Alert",
    "Definitions",
    "EventView",
    "InstanceView",
    "Status",
    "TimerView",
    "Tracker",
    "listing",
    "open_tracker",
    "show",
    "status",
]
