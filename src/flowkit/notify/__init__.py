"""Notifications and escalation: SLA breaches, warnings and digests told to the right people
in WeCom, DingTalk or Feishu groups, by email or to a webhook — each notice once.

The modules, in the order a pass uses them (docs/notifications.md):

- `records`: what a pass works with (snapshot, notices, deliveries, the report);
- `snapshot`: what a pass reads first (the status, the day, each team's week);
- `planning`: who is told what and when, a pure function of the snapshot and the ledger;
- `sending`: HTTP with timeouts, retries and rate limits;
- `channels`: one small sender per channel type (WeCom, DingTalk, Feishu, email, webhook);
- `passes`: claim, send, record — `run_pass`, `send_test`, `log`;
- here: `failing`, the channels failing since their last delivery, without the rest.

The rules come from `notify.yaml` beside the processes (`flowkit.model.notify`), the notice
ledger is `store.notices`, and the words of a message are `output.notices`'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowkit.notify.passes import Network, log, run_pass, send_test
    from flowkit.notify.records import PassReport, Sent
    from flowkit.store import ChannelFailure
    from flowkit.tracking import Tracker

__all__ = ["Network", "PassReport", "Sent", "failing", "log", "run_pass", "send_test"]


def __getattr__(name: str) -> Any:
    from importlib import import_module

    if name in ("Network", "log", "run_pass", "send_test"):
        return getattr(import_module("flowkit.notify.passes"), name)
    if name in ("PassReport", "Sent"):
        return getattr(import_module("flowkit.notify.records"), name)
    raise AttributeError(f"module 'flowkit.notify' has no attribute {name!r}")


def failing(tracker: Tracker) -> list[ChannelFailure]:
    """The channels failing since their last delivery: what `flowkit status` warns about
    (here, so that a status imports none of the sending machinery to ask)."""
    with tracker.store.reading() as reads:
        return list(reads.failing_channels())
