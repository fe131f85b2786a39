"""Notifications as immutable data: the channels, the routes and the rules of `notify.yaml`.

Built by `flowkit.load.notify`, checked by `flowkit.check.notify`, read by `flowkit.notify`
(which plans and sends). Secrets (webhook addresses, signing keys, passwords) are never
values here: a `Secret` names where one is kept (`env:NAME`, `file:/path`), and only the
sender reads it, when it sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from types import MappingProxyType
from typing import Literal

from flowkit.diagnostics import Location
from flowkit.lang.sla import Duration
from flowkit.model.process import SpotKey, _loc, _spots

ChannelType = Literal["wecom", "dingtalk", "feishu", "email", "webhook"]
RuleKind = Literal["breach", "at-risk", "daily", "weekly"]
CHANNEL_TYPES: tuple[ChannelType, ...] = ("wecom", "dingtalk", "feishu", "email", "webhook")
# The group robots post into one chat of a team; email and webhooks reach one person or system.
GROUP_TYPES = frozenset({"wecom", "dingtalk", "feishu"})
TEAM = "team"  # in `via`: the group of the team (routing by team)
OWNER, MANAGER = "owner", "manager"  # in `tell`: relative to the record's owner
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Secret:
    """Where a secret is kept: `env:NAME` (an environment variable) or `file:/path` (a file
    outside the repository). The value is read when a message is sent, never stored."""

    ref: str

    @property
    def kind(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.ref.split(":", 1)[1]


@dataclass(frozen=True)
class Channel:
    id: str
    type: ChannelType
    url: Secret | None = None  # the robot's or the system's webhook address
    secret: Secret | None = None  # the signing key (DingTalk, Feishu, webhook)
    host: str = ""  # email: the SMTP server
    port: int = 587
    username: str = ""
    password: Secret | None = None
    sender: str = ""  # email: the From address
    ca_file: str = ""  # email: a CA bundle for a company's own SMTP certificate
    rate: int = 0  # messages per minute (0: the vendor's documented limit)
    limit: int = 0  # bytes per message (0: the vendor's documented limit)
    timeout: float = 10.0  # seconds per request
    retries: int = 3  # further tries after a timeout or a 5xx answer
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)

    @property
    def is_group(self) -> bool:
        """A chat group's robot: its messages are read by the whole group."""
        return self.type in GROUP_TYPES


@dataclass(frozen=True)
class Escalation:
    """One step up the manager chain, once the record is this late (`after` its deadline)."""

    after: Duration
    text: str  # as written: 4个工作小时
    loc: Location = _loc()


@dataclass(frozen=True)
class Rule:
    """Who is told what, and when: a breach, a warning, or a digest."""

    id: str  # as given, else made from the kind (and time): breach, daily@09:00
    on: RuleKind
    process: str | None = None  # only this process's timers (None: every process, customers too)
    nodes: tuple[str, ...] = ()  # only these nodes' timers
    lanes: tuple[str, ...] = ()  # only timers of nodes (or maintenance) in these lanes
    tell: tuple[str, ...] = (OWNER,)  # owner, manager, or person ids (digests: owner, manager)
    escalate: tuple[Escalation, ...] = ()  # level 1, 2, ... up the owner's manager chain
    via: tuple[str, ...] = (TEAM,)  # channel ids, or `team` (the team's group)
    at: time | None = None  # digests: the local time of day they are sent
    day: int = 0  # weekly digest: the weekday (0 Monday), moved to the next working day
    contacts: bool = False  # the customer's contact person in the message (groups too)
    sample: float = 0.2  # weekly digest: the share of profiles the spot check draws
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at_key(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)

    @property
    def is_digest(self) -> bool:
        return self.on in ("daily", "weekly")

    @property
    def customers(self) -> bool:
        """Whether customers' maintenance and review timers fall under the rule (they belong
        to no process and no node)."""
        return self.process is None and not self.nodes


@dataclass(frozen=True)
class PersonRoute:
    """How a chat reaches one person beyond the mobile of org.yaml: the Feishu open_id a
    Feishu custom bot mentions by (its documentation: open_id only), the WeCom userid."""

    id: str
    feishu: str = ""
    wecom: str = ""
    loc: Location = _loc()


@dataclass(frozen=True)
class NotifyConfig:
    name: str
    channels: tuple[Channel, ...] = ()
    teams: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # team -> channel
    people: tuple[PersonRoute, ...] = ()
    rules: tuple[Rule, ...] = ()
    base_url: str = ""  # the workspace: {base_url}/opportunities/12 in messages
    calendar: str = "cn"  # the working days of the digests
    source: str = ""
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def route_of(self, person_id: str) -> PersonRoute | None:
        return next((p for p in self.people if p.id == person_id), None)
