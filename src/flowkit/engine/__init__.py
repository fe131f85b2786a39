"""Tracking opportunities through their process: timers, commands, and the answers.

`Tracker` holds the write commands (one transaction each); `reports` answers questions
(`show`, `listing`, `status`) without writing. Both read the model and the store; the
store is the only place SQL lives.
"""

from flowkit.engine.changes import METHODS
from flowkit.engine.definitions import Definitions
from flowkit.engine.reports import listing, show, status
from flowkit.engine.tracker import Tracker, open_tracker
from flowkit.engine.views import Alert, EventView, InstanceView, Status, TimerView

__all__ = [
    "METHODS",
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
