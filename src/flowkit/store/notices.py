"""The notice ledger's queries (revision 0010): claim notices before sending, record after.

The protocol that keeps every notice sent at most once, whatever runs at the same time:

1. `claim` (one transaction, under the writers' lock `Tx.serialize`): the notices of one
   message not yet `sending` or `sent` are written `sending`, with a `deliveries` row they
   point at; a `failed` one is taken again (its attempts counted). Committed before sending.
2. The message goes out (outside any transaction).
3. `finish` (one transaction): the delivery and its notices become `sent`, `failed` or
   `unknown` (a timeout after the message was handed over: it may have arrived).

Two runs at once claim under the lock one after the other: the second finds the first's
notices `sending` and leaves them. A run killed between 1 and 3 leaves its notices
`sending`, which no later run claims again: at most once, and `notify log` shows them as
unknown (docs/notifications.md says what to do about one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Select, and_, func, insert, or_, select, update

from flowkit.store.rows import ChannelFailure, DeliveryRow, NewNotice, NoticeRow
from flowkit.store.tables import deliveries, notices

NoticeKey = tuple[str, int, str, str]  # subject, level, recipient, channel
# a notice in these states is never claimed again: sent, being sent (or the run died while
# sending it), or unknown (a timeout after the message was handed over)
SETTLED = ("sending", "sent", "unknown")
_CHUNK = 200  # keys per statement: 4 parameters each, under SQLite's oldest limit of 999


def key_of(notice: NewNotice | NoticeRow) -> NoticeKey:
    return (notice["subject"], notice["level"], notice["recipient"], notice["channel"])


class NoticeQueries:
    def __init__(self, conn: Connection, serialize: Callable[[], None]) -> None:
        self.conn = conn
        self._serialize = serialize

    def settled(self, subjects: Sequence[str]) -> set[NoticeKey]:
        """The keys among these subjects' notices that are `sending` or `sent`: what a pass
        plans no more."""
        found: set[NoticeKey] = set()
        n = notices.c
        for first in range(0, len(subjects), _CHUNK * 4):
            chunk = list(subjects[first : first + _CHUNK * 4])
            query = select(n.subject, n.level, n.recipient, n.channel).where(
                n.subject.in_(chunk), n.state.in_(SETTLED)
            )
            found.update((r[0], int(r[1]), r[2], r[3]) for r in self.conn.execute(query))
        return found

    def claim(
        self, wanted: Sequence[NewNotice], channel: str, audience: str, now: datetime
    ) -> tuple[int | None, list[NewNotice]]:
        """Claim the `wanted` notices for one message: those nobody has claimed (or whose
        last delivery failed) become `sending` under a new delivery, returned with its id;
        (None, []) when every one is claimed already."""
        self._serialize()
        held = {key_of(r): r for r in self._rows([key_of(w) for w in wanted])}
        taken = [w for w in wanted if key_of(w) not in held or held[key_of(w)]["state"] == "failed"]
        if not taken:
            return None, []
        delivery = self.conn.execute(
            insert(deliveries).returning(deliveries.c.id),
            {
                "channel": channel,
                "audience": audience[:100],
                "started_at": now,
                "ended_at": None,
                "state": "sending",
                "notices": len(taken),
                "tries": 0,
                "error": "",
            },
        ).scalar_one()
        fresh = [w for w in taken if key_of(w) not in held]
        if fresh:
            self.conn.execute(
                insert(notices),
                [
                    {
                        **w,
                        "title": w["title"][:2000],
                        "state": "sending",
                        "attempts": 1,
                        "first_at": now,
                        "updated_at": now,
                        "sent_at": None,
                        "delivery": delivery,
                        "error": "",
                    }
                    for w in fresh
                ],
            )
        again = [held[key_of(w)]["id"] for w in taken if key_of(w) in held]
        if again:
            self.conn.execute(
                update(notices)
                .where(notices.c.id.in_(again), notices.c.state == "failed")
                .values(
                    state="sending",
                    attempts=notices.c.attempts + 1,
                    updated_at=now,
                    delivery=delivery,
                )
            )
        return int(delivery), taken

    def finish(self, delivery: int, state: str, tries: int, error: str, now: datetime) -> None:
        """The outcome of a delivery (sent, failed or unknown), for it and its notices."""
        sent = state == "sent"
        self.conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery)
            .values(state=state, ended_at=now, tries=tries, error=error[:2000])
        )
        self.conn.execute(
            update(notices)
            .where(notices.c.delivery == delivery, notices.c.state == "sending")
            .values(state=state, updated_at=now, sent_at=now if sent else None, error=error[:2000])
        )

    def record_delivery(
        self, channel: str, audience: str, sent: bool, tries: int, error: str, now: datetime
    ) -> int:
        """A delivery that carried no notice (`flowkit notify test`): the channel's health."""
        found = self.conn.execute(
            insert(deliveries).returning(deliveries.c.id),
            {
                "channel": channel,
                "audience": audience[:100],
                "started_at": now,
                "ended_at": now,
                "state": "sent" if sent else "failed",
                "notices": 0,
                "tries": tries,
                "error": error[:2000],
            },
        ).scalar_one()
        return int(found)

    def started_since(self, channel: str, since: datetime) -> int:
        """Deliveries through `channel` started at or after `since` (its rate so far)."""
        d = deliveries.c
        query = select(func.count()).where(d.channel == channel, d.started_at >= since)
        return int(self.conn.execute(query).scalar_one())

    def log(
        self, since: datetime | None, states: Sequence[str] = (), limit: int | None = None
    ) -> list[NoticeRow]:
        """Notices last changed at or after `since`, newest first."""
        n = notices.c
        query = select(notices).order_by(n.updated_at.desc(), n.id.desc())
        if since is not None:
            query = query.where(n.updated_at >= since)
        if states:
            query = query.where(n.state.in_(list(states)))
        if limit is not None:
            query = query.limit(limit)
        return cast(list[NoticeRow], [dict(r._mapping) for r in self.conn.execute(query)])

    def deliveries(self, ids: Sequence[int]) -> dict[int, DeliveryRow]:
        if not ids:
            return {}
        query = select(deliveries).where(deliveries.c.id.in_(list(ids)))
        found = {r.id: dict(r._mapping) for r in self.conn.execute(query)}
        return cast(dict[int, DeliveryRow], found)

    def failing_channels(self) -> list[ChannelFailure]:
        rows = self.conn.execute(failing_channels_query())
        return cast(list[ChannelFailure], [dict(r._mapping) for r in rows])

    def _rows(self, keys: Sequence[NoticeKey]) -> Iterator[NoticeRow]:
        n = notices.c
        for first in range(0, len(keys), _CHUNK):
            chunk = keys[first : first + _CHUNK]
            match = or_(
                *(
                    and_(
                        n.subject == subject,
                        n.level == level,
                        n.recipient == recipient,
                        n.channel == channel,
                    )
                    for subject, level, recipient, channel in chunk
                )
            )
            for row in self.conn.execute(select(notices).where(match)):
                yield cast(NoticeRow, dict(row._mapping))


@lru_cache(maxsize=1)
def failing_channels_query() -> Select[Any]:
    """Per channel whose latest deliveries failed: the first failure since its last success,
    how many, the latest one's id and error. Run by the direct SQLite reader too
    (`store.direct`), for `flowkit status`."""
    d = deliveries.alias("d")
    s = deliveries.alias("s")
    last_sent = (
        select(func.coalesce(func.max(s.c.id), 0))
        .where(s.c.channel == d.c.channel, s.c.state == "sent")
        .scalar_subquery()
    )
    failed = (
        select(
            d.c.channel,
            func.min(d.c.started_at).label("since"),
            func.count().label("failures"),
            func.max(d.c.id).label("last"),
        )
        .where(d.c.state == "failed", d.c.id > last_sent)
        .group_by(d.c.channel)
        .subquery("failed")
    )
    return (
        select(
            failed.c.channel, failed.c.since, failed.c.failures, failed.c.last, deliveries.c.error
        )
        .join(deliveries, deliveries.c.id == failed.c.last)
        .order_by(failed.c.channel)
    )
