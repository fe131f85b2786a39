"""The weekly spot check of profiles (档案抽查): a manager checks a share of them at random.

The sample of a (week, team) is drawn once, from a seed made of the week and the team, and
stored: asking again shows the same customers, and the results recorded against it are the
audit history.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, datetime

from flowkit.access.people import check_owner, selected_owners
from flowkit.customers.book import CustomerBook
from flowkit.errors import InputError
from flowkit.lang.numerals import parse_number
from flowkit.messages import msg
from flowkit.store import CustomerFilter, SampledRow

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


def sample(book: CustomerBook, week: str, team: str, rate: float, now: datetime) -> Sample:
    """The week's sample for the team (every customer when `team` is ""): drawn and stored
    the first time, read back afterwards."""
    owners = selected_owners(book.people, (), team or None)
    reach = book.access.owners("audit sample")
    target = f"sample {week} {team or '(all)'}"
    with book.store.write() as tx:
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
