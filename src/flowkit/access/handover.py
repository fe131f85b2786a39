"""Staff turnover (人员交接): when a person leaves, the company keeps their customers.

`hand_over` moves everything a person owns that is still in play — their customer profiles
and their open or paused opportunities — to another person, in one transaction, with the
history a reader of either record needs: a line "handed over" in each profile's history
(the owner before and after, which `status --as-of` reads to name past owners) and an
`assigned` event on each opportunity, as `flowkit assign` writes it. Closed opportunities
and merged profiles stay with the person who worked them: they are the record of who did
what.

Timers are not touched: they belong to the record, not to the person. Opportunity timers
hang on an opportunity's node and customer timers on a customer and a lane; neither
stores an owner, so each keeps running under its new owner (the status names the owner
from the record).

Who still owns something after leaving is `access.holdings`'s question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flowkit.access.people import check_owner
from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.model import Org
from flowkit.store import (
    CustomerFilter,
    CustomerRow,
    EventData,
    InstanceRow,
    Json,
    NewCustomerChange,
    StatusFilter,
)
from flowkit.tracking.changes import Change, event_row, write

if TYPE_CHECKING:
    from flowkit.store import Tx
    from flowkit.tracking import Tracker

OPEN = ("open", "paused")


@dataclass(frozen=True)
class Moved:
    """One record handed over (or that would be, in a dry run)."""

    kind: str  # customer | opportunity
    id: str  # C00001, or the opportunity's number
    name: str


@dataclass(frozen=True)
class Handover:
    source: str
    target: str
    moved: tuple[Moved, ...]
    dry_run: bool

    def count(self, kind: str) -> int:
        return sum(1 for m in self.moved if m.kind == kind)


def hand_over(
    tracker: Tracker,
    source: str,
    target: str,
    *,
    now: datetime,
    customers_only: bool = False,
    dry_run: bool = False,
) -> Handover:
    """Move `source`'s customers and (unless `customers_only`) open and paused
    opportunities to `target`, in one transaction, logged once with the counts; with
    `dry_run`, everything is done and checked, then rolled back."""
    _check_people(tracker.people, source, target)
    access = tracker.access
    with tracker.store.write(dry_run=dry_run) as tx:
        access.require_any("handover")  # a role without it is told so plainly
        entry = access.require("handover", source, f"person {source}")
        access.require("handover", target, f"person {target}")  # it stays within reach
        profiles = tx.customers.find(CustomerFilter(owners=(source,)))
        if tracker.customers is not None:  # a new hire takes no A customer alone
            for row in profiles:
                tracker.customers.may_own(row["id"], row["name"], target, row["grade"])
        deals = [] if customers_only else tx.instances(StatusFilter(owners=(source,), states=OPEN))
        _move_customers(tx, profiles, source, target, access.actor.id, now)
        _move_opportunities(tx, deals, source, target, now)
        detail: dict[str, Json] = {
            "to": target,
            "customers": len(profiles),
            "opportunities": len(deals),
        }
        tx.log.add([{**entry, "detail": {**detail, "customers_only": customers_only}}])
    moved = [Moved("customer", r["id"], r["name"]) for r in profiles]
    moved += [Moved("opportunity", str(r["id"]), r["name"]) for r in deals]
    return Handover(source, target, tuple(moved), dry_run)


def _check_people(org: Org | None, source: str, target: str) -> None:
    """Both are people of org.yaml (the source may have left), the target can take work,
    and they are two people."""
    if org is None:
        raise InputError(msg("a handover needs an org.yaml beside the processes"))
    if org.person(source) is None:
        from flowkit.lang.spelling import guess

        hint = guess(source, [p.id for p in org.people])
        raise InputError(msg("'{person}' is not a person in org.yaml", person=source), hint)
    if source == target:
        raise InputError(
            msg("{person} cannot hand over to themselves", person=source),
            msg("--to names the person who takes the records over"),
        )
    check_owner(org, target)


def _move_customers(
    tx: Tx, rows: Sequence[CustomerRow], source: str, target: str, actor: str, now: datetime
) -> None:
    """Each profile to `target`, a "handed over" line in its history."""
    for row in rows:
        tx.customers.update(row["id"], row["revision"], {"owner": target, "updated_at": now})
    changes: list[NewCustomerChange] = [
        {
            "customer_id": row["id"],
            "recorded_at": now,
            "actor": actor,
            "kind": "handed over",
            "changes": {"owner": [source, target]},
        }
        for row in rows
    ]
    tx.customers.add_changes(changes)


def _move_opportunities(
    tx: Tx, rows: Sequence[InstanceRow], source: str, target: str, now: datetime
) -> None:
    """Each opportunity to `target`, with the `assigned` event `flowkit assign` writes."""
    for row in rows:
        change = Change(instance={"owner": target})
        data: EventData = {"owner": target, "from": source, "handover": True}
        change.events.append(event_row("assigned", now, now, row["node"], data))
        write(tx, row["id"], row, change)
