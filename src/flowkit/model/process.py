"""A process definition as immutable data.

Every element keeps the `Location` it was declared at, so any later stage (the engine
refusing a route, the handbook linking to source) can point back to the YAML line.
Locations are excluded from equality: two processes that say the same thing are equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Literal

from flowkit.diagnostics import Location
from flowkit.lang.expr import Condition, FieldType
from flowkit.lang.sla import Cadence, Deadline, Warn

NodeType = Literal["start", "task", "decision", "end"]
RouteKind = Literal["none", "single", "outcomes", "conditions"]
AnchorKind = Literal["event", "node"]
Owed = Literal["opportunity", "lane", "owner"]  # who owes a node's cadence
NOWHERE = Location("<unknown>")


SpotKey = tuple[str | int, ...]


def _loc() -> Location:
    return field(default=NOWHERE, compare=False, repr=False)


def _spots() -> Mapping[SpotKey, Location]:
    return field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)


def shifted(loc: Location, offset: int) -> Location:
    """The place `offset` characters into a one-line scalar that starts at `loc`."""
    return replace(loc, col=loc.col + offset) if loc.line else loc


@dataclass(frozen=True)
class Lane:
    id: str
    name: str
    description: str = ""
    loc: Location = _loc()


@dataclass(frozen=True)
class Document:
    id: str
    name: str
    template: str | None = None
    description: str = ""
    loc: Location = _loc()


@dataclass(frozen=True)
class Field:
    id: str
    type: FieldType
    label: str = ""
    unit: str = ""
    required: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    description: str = ""
    loc: Location = _loc()

    def display(self, value: str) -> str:
        """The display name of an enum value (大型企业 for `large`), or the value itself."""
        return dict(self.labels).get(value, value)


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    description: str = ""
    loc: Location = _loc()


@dataclass(frozen=True)
class PainPoint:
    problem: str
    improvement: str
    status: str = "proposed"
    adopted: date | None = None  # when the improvement took effect (the review marks it)
    loc: Location = _loc()


@dataclass(frozen=True)
class LostReason:
    """A code of the process's lost-reason vocabulary (丢单原因): `close --lost --reason`."""

    id: str
    name: str
    description: str = ""
    loc: Location = _loc()


@dataclass(frozen=True)
class Anchor:
    """What a deadline counts from: an event, or an earlier node's completion."""

    text: str
    kind: AnchorKind | None = None  # None: the text names nothing known
    ref: str | None = None


@dataclass(frozen=True)
class SlaOverride:
    """Replaces parts of a node's SLA for the instances its condition matches."""

    when: Condition | None  # None only in an invalid process (the condition did not parse)
    deadline: Deadline | None = None
    anchor: Anchor | None = None
    warn: Warn | None = None
    cadence: Cadence | None = None
    label: str = ""
    loc: Location = _loc()
    when_loc: Location = _loc()  # the first character of the condition text


@dataclass(frozen=True)
class Sla:
    text: str  # as written, for the handbook's 时间要求 column
    deadline: Deadline | None = None
    anchor: Anchor | None = None
    warn: Warn | None = None
    cadence: Cadence | None = None
    ongoing: bool = False
    overrides: tuple[SlaOverride, ...] = ()
    parsed: bool = True  # False when part of it could not be read (an invalid process)
    loc: Location = _loc()
    # A cadence owed by each opportunity at the node (the default), or a routine of the
    # role: once per period by each person of the node's lane, or by each owner of
    # opportunities at the node (`tracking.routines`).
    per: Owed = "opportunity"

    @property
    def routine(self) -> bool:
        return self.per != "opportunity" and self.cadence is not None


@dataclass(frozen=True)
class Route:
    """One way out of a node: always taken, chosen by outcome, or taken when a condition holds."""

    to: str
    outcome: str | None = None
    when: Condition | None = None
    default: bool = False
    label: str = ""
    loc: Location = _loc()
    when_loc: Location = _loc()  # the first character of the condition text


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    type: NodeType = "task"
    lane: str | None = None
    support: tuple[str, ...] = ()
    action: str = ""
    steps: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    sla: Sla | None = None
    pain_points: tuple[PainPoint, ...] = ()
    routes: tuple[Route, ...] = ()
    route_kind: RouteKind = "none"
    outcome: str | None = None
    notes: str = ""
    probability: float | None = None  # chance a deal at this stage is won (weighted forecast)
    reason: str | None = None  # an end node's lost-reason code (丢单原因 of who ends here)
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        """Where the value under `key` (e.g. "outputs", 1) was written, else the node itself."""
        return self.spots.get(key, self.loc)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(r.outcome for r in self.routes if r.outcome is not None)


@dataclass(frozen=True)
class Faq:
    question: str
    answer: str
    nodes: tuple[str, ...] = ()
    process: str | None = None
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)


@dataclass(frozen=True)
class Process:
    id: str
    name: str
    version: str
    nodes: tuple[Node, ...]
    lanes: tuple[Lane, ...]
    documents: tuple[Document, ...] = ()
    fields: tuple[Field, ...] = ()
    events: tuple[Event, ...] = ()
    faq: tuple[Faq, ...] = ()
    lost_reasons: tuple[LostReason, ...] = ()  # the vocabulary of 丢单原因; () for free text
    description: str = ""
    status: str = "active"
    pilot_teams: tuple[str, ...] = ()
    locale: str = "zh-CN"
    calendar: str = "cn"
    owner: str = ""
    source: str = ""
    digest: str = ""  # sha256 of the source text: what running instances are pinned to
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        """Where the value under `key` (e.g. "calendar") was written, else the file's start."""
        return self.spots.get(key, self.loc)

    @cached_property
    def node_by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    @cached_property
    def lane_by_id(self) -> dict[str, Lane]:
        return {lane.id: lane for lane in self.lanes}

    @cached_property
    def document_by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def field_types(self) -> dict[str, FieldType]:
        return {f.id: f.type for f in self.fields}

    def lost_reason(self, text: str) -> LostReason | None:
        """The vocabulary's code named by `text`, by id or by name (None: not one of them)."""
        wanted = text.strip()
        return next((r for r in self.lost_reasons if wanted in (r.id, r.name)), None)

    @property
    def start(self) -> Node | None:
        starts = [n for n in self.nodes if n.type == "start"]
        return starts[0] if len(starts) == 1 else None
