"""The weekly spot check of profiles (档案抽查): a manager checks a share of them at random.

The sample of a (week, team) is drawn once, from a seed made of the week and the team, and
stored: asking again shows the same customers, and the results recorded against it are the
audit history.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flowkit.access.people import check_owner, selected_owners
from flowkit.customers.book import CustomerBook
from flowkit.errors import InputError
from flowkit.lang.numerals import parse_number
from flowkit.messages import msg
from flowkit.store import CustomerFilter, OwnerChange, SampledRow

RESULTS = ("ok", "problem")


@dataclass(frozen=True)
class Sample:
    week: str
    team: str
    rate: float
    population: int
    rows: tuple[SampledRow, ...]


def parse_week(text: str) -> str:
    """An ISO week such as 2026-W48, checked to exist."""
    raw = text.strip().upper()
    try:
        year, week = raw.split("-W")
        date.fromisocalendar(int(year), int(week), 1)
    except ValueError as e:
        raise InputError(
            msg("week {text!r} is not an ISO week", text=text), msg("write it as 2026-W48")
        ) from e
    return f"{int(year)}-W{int(week):02d}"


def parse_rate(text: str) -> float:
    raw = text.strip()
    try:
        value = parse_number(raw[:-1]) / 100 if raw.endswith("%") else parse_number(raw)
    except ValueError as e:
        raise InputError(msg("rate {text!r} is not a share such as 20%", text=text)) from e
    if not 0 < value <= 1:
        raise InputError(msg("rate {text!r} must be above 0% and at most 100%", text=text))
    return value


def sample(
    book: CustomerBook, week: str, team: str, rate: float, now: datetime, dry_run: bool = False
) -> Sample:
    """The week's sample for the team (every customer when `team` is ""): drawn and stored
    the first time, read back afterwards (`dry_run`: drawn, shown, not stored)."""
    owners = selected_owners(book.people, (), team or None)
    reach = book.access.owners("audit sample")
    target = f"sample {week} {team or '(all)'}"
    with book.store.write(dry_run=dry_run) as tx:
        if reach is not None and (owners is None or not reach.issuperset(owners)):
            raise book.access.refusal("audit sample", target)  # a sample of others' teams
        tx.log.add([book.access.require_any("audit sample", target)])
        tx.serialize()  # a sample drawn at the same moment is read back, not drawn again
        existing = tx.customers.audits(week, team)
        population = tx.customers.find(CustomerFilter(owners=owners))
        if not existing:
            ids = sorted(r["id"] for r in population)
            seed = int(hashlib.sha256(f"{week}|{team}".encode()).hexdigest(), 16)
            chosen = random.Random(seed).sample(ids, min(len(ids), math.ceil(rate * len(ids))))
            tx.customers.add_audits(
                [
                    {
                        "week": week,
                        "team": team,
                        "customer_id": cid,
                        "sampled_at": now,
                        "result": None,
                        "note": "",
                    }
                    for cid in sorted(chosen)
                ]
            )
            existing = tx.customers.audits(week, team)
    return Sample(week, team, rate, len(population), tuple(existing))


def record(
    book: CustomerBook,
    week: str,
    team: str,
    customer_id: str,
    result: str,
    note: str,
    by: str,
    now: datetime,
) -> None:
    """The finding on one sampled profile, by a manager or auditor whose reach includes
    its owner — never by the owner (a system account acting records `by`)."""
    check_owner(book.people, by)
    if result not in RESULTS:
        raise InputError(msg("result is ok or problem, not {result!r}", result=result))
    if result == "problem" and not note.strip():
        raise InputError(msg("a problem needs a note saying what was wrong (--note)"))
    with book.store.write() as tx:
        rows = {r["customer_id"]: r for r in tx.customers.audits(week, team)}
        if not rows:
            raise InputError(
                msg("no sample for {week} {team}", week=week, team=team or msg("(all)")),
                msg("flowkit audit sample first"),
            )
        if customer_id not in rows:
            raise InputError(
                msg("{customer} is not in the sample of {week}", customer=customer_id, week=week)
            )
        profile, _ = book.get(tx, customer_id, "audit record")
        by = book.access.doer(by, profile["owner"], "audit record")
        if by == profile["owner"]:
            raise InputError(
                msg(
                    "{person} owns {customer}: a spot check is recorded by someone else",
                    person=by,
                    customer=customer_id,
                ),
                msg("the owner's manager or an auditor records it"),
            )
        tx.customers.record_audit(
            rows[customer_id]["id"],
            {"result": result, "note": note, "checked_by": by, "checked_at": now},
        )


@dataclass(frozen=True)
class OwnerAudits:
    """One owner's spot checks of a month (考核): profiles checked, problems found."""

    owner: str
    name: str
    team: str
    checked: int
    problems: int

    @property
    def rate(self) -> float:
        """The share of checked profiles that had a problem."""
        return self.problems / self.checked


def parse_month(text: str) -> date:
    """A month such as 2026-11, as its first day."""
    raw = text.strip()
    try:
        year, month = raw.split("-")
        first = date(int(year), int(month), 1)
        if first.year >= date.max.year:  # its end would be past the calendar's
            raise ValueError(raw)
        return first
    except ValueError as e:
        raise InputError(
            msg("month {text!r} is not a month", text=text), msg("write it as 2026-11")
        ) from e


def report(book: CustomerBook, month: date) -> list[OwnerAudits]:
    """The spot checks recorded in `month` (on the rules' calendar) rolled up per owner —
    the owner when the profile was checked, so a profile handed over later still counts
    for whoever kept it then. A manager sees their team's owners, an auditor everyone's."""
    from flowkit.access.people import person_name, team_key

    access = book.access
    tz = book.calendar.tz
    since = datetime(month.year, month.month, 1, tzinfo=tz)
    until = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    with book.store.read() as tx:
        access.require_any("audit report")
        checks = tx.checked_audits(since, until)
        changes = tx.owner_changes(sorted({c["customer_id"] for c in checks}), since)
    reach = access.owners("audit report")
    tally: dict[str, list[int]] = {}
    for check in checks:
        owner = _owner_then(check, changes)
        if reach is None or owner in reach:
            counts = tally.setdefault(owner, [0, 0])
            counts[0] += 1
            counts[1] += check["result"] == "problem"
    people = book.people
    return [
        OwnerAudits(owner, person_name(people, owner), team_key(people, owner), *tally[owner])
        for owner in sorted(tally)
    ]


def _owner_then(check: SampledRow, changes: Sequence[OwnerChange]) -> str:
    """Who owned the checked profile when it was checked: the owner before the first change
    recorded after the check, else the owner now."""
    at = check["checked_at"]
    for change in changes:
        if change["customer_id"] == check["customer_id"] and at is not None and change["at"] > at:
            return str(change["owner"][0])
    return check["owner"]
