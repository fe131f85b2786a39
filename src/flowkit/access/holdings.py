"""Staff turnover, the flag: people marked `active: false` in org.yaml who still own
customers or open opportunities. Nobody works those records, and the status would name as
their owner someone who will never act again. `flowkit status` warns about each of them and
`flowkit validate --db` reports them as findings, both with the handover that ends it
(`access.handover`).

Read through `store.reading.Reads`, so a status on a current SQLite file still imports no
database library for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowkit.messages import Message, msg, nmsg

if TYPE_CHECKING:
    from flowkit.store.reading import Reads
    from flowkit.tracking import Tracker


@dataclass(frozen=True)
class Holding:
    """What a person who left (inactive) still owns."""

    person: str
    name: str
    customers: int
    opportunities: int

    def message(self) -> Message:
        """The warning, with the command that ends it."""
        return msg(
            "{person} ({name}) is inactive and still owns {owned}: "
            "flowkit handover {person} --to PERSON",
            person=self.person,
            name=self.name,
            owned=owned(self.customers, self.opportunities),
        )


def owned(customers: int, opportunities: int) -> Message:
    """ "3 customers and 2 open opportunities", in the reader's language."""
    return msg(
        "{customers} and {opportunities}",
        customers=nmsg("{n} customer", "{n} customers", customers),
        opportunities=nmsg("{n} open opportunity", "{n} open opportunities", opportunities),
    )


def holdings(tracker: Tracker, reads: Reads) -> list[Holding]:
    """The inactive people who still own customers or open opportunities, among the owners
    the person acting may see (a consultant sees none but themselves)."""
    org = tracker.people
    if org is None:
        return []
    gone = [p.id for p in org.people if not p.active]
    shown = tracker.access.narrowed("status", gone) if gone else ()
    if not shown:
        return []
    counts = reads.holdings(shown)
    return [
        Holding(person, org.person_by_id[person].name, *counts[person])
        for person in shown
        if person in counts
    ]
