"""One notification pass: read, plan, then for each message claim, send and record.

`run_pass(tracker, config, now)` is what `flowkit notify` runs from cron and what a web
server may call on a schedule, from several workers at once: every message's notices are
claimed in the ledger under the database's write lock before it is sent (`store.notices`),
so a notice is sent by one pass only, and a pass killed half-way leaves nothing to send
twice. A channel that fails is recorded and reported; the others go on.

The guarantee, precisely: each notice (subject, escalation level, recipient, channel) is
sent **at most once**. It is sent exactly once unless the pass dies, or the network times
out, after the message was handed over and before the outcome was recorded: then the
notice stays `sending` or becomes `unknown`, is never sent again, and `flowkit notify log`
lists it (docs/notifications.md). A failure known to have sent nothing (refused connection,
an error answer) is `failed` and sent again by the next pass while the notice is still due.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.model.notify import NotifyConfig, Secret
from flowkit.notify import planning, snapshot
from flowkit.notify.channels import Outgoing, Sender, read_secret, senders
from flowkit.notify.records import Delivery, Notice, PassReport, Sent
from flowkit.notify.sending import BYTES, Deferred, DeliveryError, Http, Pacing
from flowkit.output.notices import (
    Block,
    Composed,
    Context,
    Section,
    block,
    compose,
    folded_lines,
    test_message,
)

if TYPE_CHECKING:
    import smtplib

    import httpx

    from flowkit.model import Org
    from flowkit.model.notify import Channel
    from flowkit.store import NoticeRow
    from flowkit.tracking.tracker import Tracker

STALE = timedelta(minutes=15)  # a notice `sending` this long: its run died (shown as unknown)


@dataclass
class Network:
    """How a pass reaches the outside: an httpx client (one per pass when None), an SMTP
    connection factory, real time for waiting and signing, and how secrets are read.
    Tests give local servers, a fake clock and fixed secrets."""

    client: httpx.Client | None = None
    smtp: Callable[..., smtplib.SMTP] | None = None
    pacing: Pacing = field(default_factory=Pacing)
    secrets: Callable[[Secret], str] = read_secret


def run_pass(
    tracker: Tracker,
    config: NotifyConfig,
    now: datetime,
    *,
    dry_run: bool = False,
    network: Network | None = None,
) -> PassReport:
    """One pass at `now`: what is due is planned, and (unless `dry_run`) claimed, sent and
    recorded message by message. Safe to call from several processes at once."""
    entry = tracker.access.require_any("notify")
    org = _org(tracker)
    net = network or Network()
    snap = snapshot.read(tracker, config, now)
    teams = [t.id for t in org.teams if t.manager] if snapshot.weekly_due(snap, config) else []
    with tracker.store.read() as tx:
        settled = tx.notices.settled(planning.subjects(snap, config, teams))
    snap = snapshot.with_weeks(tracker, config, snap, settled, dry_run)
    if any(rule.contacts for rule in config.rules):
        covered = [
            a for a in snap.lines if any(r.contacts and planning.covers(r, a) for r in config.rules)
        ]
        snap = replace(snap, contacts=snapshot.contacts(tracker, covered))
    plan = planning.plan(snap, config, org, settled)
    ctx = Context(
        org,
        tracker.calendar(config.calendar).tz,
        config.base_url,
        snap.actions,
        snap.contacts,
    )
    found = _Pass(tracker, config, now, ctx, net)
    parts = [(d, p) for d in plan.deliveries for p in found.parts(d)]
    if dry_run:
        sent = tuple(found.preview(d, p) for d, p in parts)
        return PassReport(now, True, sent, plan.unrouted, plan.settled)
    with found.http():
        sent = tuple(found.deliver(d, p) for d, p in parts)
    if sent:
        detail = {
            "sent": sum(s.notices for s in sent if s.ok),
            "failed": sum(s.notices for s in sent if not s.ok),
        }
        tracker.store.log([{**entry, "detail": detail}])
    return PassReport(now, False, sent, plan.unrouted, plan.settled)


def send_test(
    tracker: Tracker,
    config: NotifyConfig,
    channel_id: str,
    now: datetime,
    *,
    to: str | None = None,
    lang: str = "zh-CN",
    network: Network | None = None,
) -> Sent:
    """A test message through one channel (`flowkit notify test`), recorded as a delivery
    (the channel's health: a channel that works again is no longer reported failing)."""
    tracker.access.require_any("notify test")
    org = _org(tracker)
    channel = config.channel(channel_id)
    if channel is None:
        known = ", ".join(c.id for c in config.channels)
        raise InputError(
            msg("no channel {channel} in notify.yaml", channel=channel_id),
            msg("the channels are: {known}", known=known),
        )
    composed = test_message(channel.id, lang)
    if channel.type == "email":
        person = org.person(to or "")
        if person is None or not person.email:
            raise InputError(
                msg("an email test needs --to PERSON, someone with an email in org.yaml")
            )
        composed = replace(
            composed,
            sections=(replace(composed.sections[0], recipient=person.id, name=person.name),),
        )
    net = network or Network()
    found = _Pass(tracker, config, now, Context(org, tracker.calendar(config.calendar).tz), net)
    with found.http():
        out = found.outgoing(channel, 0, reserved=False)
        try:
            tries = senders()[channel.type].send(composed, out)
            ok, error = True, ""
        except DeliveryError as e:
            ok, error, tries = False, e.reason, e.tries
    with tracker.store.write() as tx:
        tx.notices.record_delivery(channel.id, to or "test", ok, tries, error, now)
    return Sent(channel.id, to or "test", (), 0, ok, error, "", tries)


def log(
    tracker: Tracker, since: datetime | None, states: Sequence[str] = (), limit: int | None = None
) -> list[NoticeRow]:
    """The ledger's notices changed since `since`, newest first (`flowkit notify log`)."""
    tracker.access.require_any("notify log")
    with tracker.store.read() as tx:
        return tx.notices.log(since, states, limit)


def shown_state(row: NoticeRow, now: datetime) -> str:
    """A notice's state as `notify log` says it: one left `sending` by a run that stopped
    long ago is `unknown`, like a timeout after sending."""
    if row["state"] == "sending" and row["updated_at"] < now - STALE:
        return "unknown"
    return row["state"]


def _org(tracker: Tracker) -> Org:
    if tracker.people is None:
        raise InputError(
            msg("notifications need the people of org.yaml beside the processes"),
            msg("declare them in processes/org.yaml (docs/process-format.md)"),
        )
    return tracker.people


class _Pass:
    """The sending half of a pass: messages cut to size, claimed, sent, recorded."""

    def __init__(
        self, tracker: Tracker, config: NotifyConfig, now: datetime, ctx: Context, net: Network
    ) -> None:
        self.tracker, self.config, self.now, self.ctx, self.net = tracker, config, now, ctx, net
        self.senders: dict[str, Sender] = senders()
        self.routes = {p.id: p for p in config.people}
        self._http: Http | None = None
        self._seeded: set[str] = set()

    def http(self) -> _Client:
        return _Client(self)

    def outgoing(self, channel: Channel, delivery: int, reserved: bool) -> Outgoing:
        assert self._http is not None, "inside `with self.http()`"
        return Outgoing(
            channel=channel,
            http=self._http,
            org=self.ctx.org,
            delivery=delivery,
            routes=self.routes,
            secrets=self.net.secrets,
            smtp=self.net.smtp,
            reserved=reserved,
        )

    # cutting to size ---------------------------------------------------------------------
    def parts(self, delivery: Delivery) -> list[Composed]:
        """The delivery as messages each within its channel's size limit: blocks kept
        whole where they fit, a long list shortened ("… and 12 more") where not."""
        channel = self._channel(delivery.channel)
        sender = self.senders[channel.type]
        limit = channel.limit or BYTES[channel.type]
        out = Outgoing(channel, Http(None, self.net.pacing), self.ctx.org, routes=self.routes)  # type: ignore[arg-type]
        composed = compose(delivery, self.ctx, channel.is_group)

        def fits(sections: list[Section]) -> bool:
            part = replace(composed, sections=tuple(sections))
            return len(sender.content(part, out).encode("utf-8")) <= limit

        found: list[Composed] = []
        current: list[Section] = []
        for section in composed.sections:
            for whole in section.blocks:
                trying = _added(current, section, whole)
                if fits(trying):
                    current = trying
                    continue
                if current:
                    found.append(replace(composed, sections=tuple(current)))
                piece = self._shortened(whole, section, delivery.lang, fits)
                current = _added([], section, piece)
        if current:
            found.append(replace(composed, sections=tuple(current)))
        return found

    def _shortened(
        self, whole: Block, section: Section, lang: str, fits: Callable[[list[Section]], bool]
    ) -> Block:
        """A block alone too long: its list shortened, else its last lines left out."""
        items = 10
        piece = whole
        while not fits(_added([], section, piece)) and items > 1:
            items //= 2
            notices = whole.notices
            if len(notices) > 1:
                piece = Block(notices, folded_lines(list(notices), self.ctx, lang, items))
            elif notices and notices[0].kind in ("daily", "weekly"):
                piece = block(notices[0], self.ctx, lang, items)
            else:
                break
        lines = list(piece.lines)
        while len(lines) > 1 and not fits(_added([], section, Block(piece.notices, tuple(lines)))):
            lines.pop()
        return Block(piece.notices, tuple(lines))

    # sending -----------------------------------------------------------------------------
    def preview(self, delivery: Delivery, part: Composed) -> Sent:
        from flowkit.notify.channels.email import plain

        notices = _notices(part)
        people = tuple(dict.fromkeys(n.recipient for n in notices))
        return Sent(
            delivery.channel, delivery.audience, people, len(notices), True, "", plain(part)
        )

    def deliver(self, delivery: Delivery, part: Composed) -> Sent:
        from flowkit.notify.channels.email import plain

        channel = self._channel(delivery.channel)
        notices = _notices(part)
        people = tuple(dict.fromkeys(n.recipient for n in notices))
        self._seed(channel)
        try:
            self.net.pacing.turn(channel)
        except Deferred:
            return Sent(
                channel.id, delivery.audience, people, len(notices), True, "deferred: rate limit"
            )
        with self.tracker.store.write() as tx:
            number, claimed = tx.notices.claim(
                [n.row() for n in notices], channel.id, delivery.audience, self.now
            )
        if number is None:
            return Sent(channel.id, delivery.audience, people, 0, True, "", "", 0, len(notices))
        if len(claimed) < len(notices):  # another run took some meanwhile: only ours go
            keys = {(c["subject"], c["level"], c["recipient"], c["channel"]) for c in claimed}
            mine = tuple(n for n in notices if n.key in keys)
            part = compose(replace(delivery, notices=mine), self.ctx, channel.is_group)
        state, error, tries = "sent", "", 0
        try:
            tries = self.senders[channel.type].send(part, self.outgoing(channel, number, True))
        except DeliveryError as e:
            state = "unknown" if e.unknown else "failed"
            error, tries = e.reason, e.tries
        except BaseException as e:  # interrupted, or a bug: it may have gone out, so unknown
            with self.tracker.store.write() as tx:
                tx.notices.finish(number, "unknown", tries, f"interrupted: {e!r}", self.now)
            raise
        with self.tracker.store.write() as tx:
            tx.notices.finish(number, state, tries, error, self.now)
        skipped = len(notices) - len(claimed)
        return Sent(
            channel.id, delivery.audience, people, len(claimed), state == "sent", error,
            plain(part), tries, skipped,
        )  # fmt: skip

    def _seed(self, channel: Channel) -> None:
        """This channel's deliveries of the last minute, by other runs too, count."""
        if channel.id in self._seeded:
            return
        self._seeded.add(channel.id)
        with self.tracker.store.read() as tx:
            recent = tx.notices.started_since(channel.id, self.now - timedelta(minutes=1))
        self.net.pacing.seed(channel.id, recent)

    def _channel(self, channel_id: str) -> Channel:
        channel = self.config.channel(channel_id)
        assert channel is not None, "planned channels are declared (validated)"
        return channel


class _Client:
    """The pass's HTTP client for the duration of the sending (made and closed here unless
    the network gave one)."""

    def __init__(self, owner: _Pass) -> None:
        self.owner = owner
        self.made: httpx.Client | None = None

    def __enter__(self) -> None:
        client = self.owner.net.client
        if client is None:
            import httpx

            client = self.made = httpx.Client(follow_redirects=False)
        self.owner._http = Http(client, self.owner.net.pacing)

    def __exit__(self, *exc: object) -> None:
        if self.made is not None:
            self.made.close()
        self.owner._http = None


def _added(current: list[Section], section: Section, piece: Block) -> list[Section]:
    """`current` sections with `piece` added under `section`'s person."""
    if current and current[-1].recipient == section.recipient:
        last = current[-1]
        return [*current[:-1], replace(last, blocks=(*last.blocks, piece))]
    return [*current, replace(section, blocks=(piece,))]


def _notices(part: Composed) -> tuple[Notice, ...]:
    return tuple(n for s in part.sections for b in s.blocks for n in b.notices)
