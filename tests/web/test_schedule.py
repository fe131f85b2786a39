"""The workspace's own schedule: one leader among several server processes (a second one
waits for the lease), and a tick that runs the notification pass of notify.yaml."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from flowkit.web.schedule import Scheduler
from tests.web.conftest import Site


def test_only_one_scheduler_leads_until_it_stops(
    site: Site, client: Callable[..., TestClient]
) -> None:
    first = Scheduler(client().app.state.workspace)  # type: ignore[attr-defined]
    second = Scheduler(client().app.state.workspace)  # type: ignore[attr-defined]
    assert first.lead() is True
    assert second.lead() is False  # another worker holds it
    first._lease.close()  # the leader stopped
    assert second.lead() is True
    second._lease.close()


def test_a_tick_runs_the_notification_pass(site: Site, client: Callable[..., TestClient]) -> None:
    """The shipped notify.yaml's channels name environment variables this test does not
    set: the pass runs, plans the contract-approval breach and records the failed delivery
    instead of raising (the ledger says the schedule ran)."""
    workspace = client().app.state.workspace  # type: ignore[attr-defined]
    assert workspace.tracker.definitions.notify is not None
    Scheduler(workspace).tick()
    with workspace.tracker.store.read() as tx:
        entries = list(tx.log.entries(_notify_entries()))
    assert any(e["actor"] == "system:schedule" for e in entries)


def _notify_entries():  # type: ignore[no-untyped-def]
    from flowkit.store.auditlog import LogFilter

    return LogFilter(commands=("notify",))
