"""The people of the sales organisation as immutable data: who may own and act on work.

Built from `org.yaml` by `flowkit.load.org`. The helpers answer the engine's questions
(may this person act in this lane, who can take work in it, whom do they report to) and
stay safe on an org that failed its checks: unknown ids and management cycles end a
manager chain instead of looping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from flowkit.diagnostics import Location
from flowkit.model.process import SpotKey, _loc, _spots


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    manager: str | None = None  # a person id; the manager need not be in the team
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        """Where the value under `key` (e.g. "manager") was written, else the team itself."""
        return self.spots.get(key, self.loc)


@dataclass(frozen=True)
class Person:
    id: str  # ascii, used on the command line: li.lei
    name: str  # the display name: 李雷
    lanes: tuple[str, ...] = ()  # lane ids of the processes this person may act in
    team: str | None = None
    manager: str | None = None  # a person id
    email: str | None = None
    mobile: str | None = None  # a work mobile: chat robots mention the person by it (通知@)
    language: str | None = None  # zh-CN or en: the language of notifications to them
    active: bool = True  # an inactive person keeps their history but gets no new work
    role: str = "consultant"  # what they may see and do: flowkit.access.rules.Role
    db_role: str | None = None  # the PostgreSQL login they connect as
    # a new hire in training (新员工培训): their mentor, until certified (the key removed)
    mentor: str | None = None
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        """Where the value under `key` (e.g. "lanes", 1) was written, else the person itself."""
        return self.spots.get(key, self.loc)

    @property
    def in_training(self) -> bool:
        """Not yet certified: may not be the sole owner of an A customer, nor close a deal
        as won without their mentor (新员工须完成培训并通过考核方可独立跟进客户)."""
        return self.mentor is not None


# The roles a service login acts for when its declaration names none: those whose reach is
# their own or their team's (a pooled login that could name an admin, an auditor or ops would
# read every row: org.yaml must say so).
SERVICE_DEFAULT_ROLES = ("consultant", "manager")


@dataclass(frozen=True)
class ServiceLogin:
    """A PostgreSQL login that is no one's own: the web server's pooled login, which names
    the person it acts for per transaction (`set_config('flowkit.person', id, true)`).
    PostgreSQL's policies let it act only for active people of the roles in `acts_for`."""

    login: str
    acts_for: tuple[str, ...] = SERVICE_DEFAULT_ROLES
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)


@dataclass(frozen=True)
class Org:
    name: str
    teams: tuple[Team, ...]
    people: tuple[Person, ...]
    service_logins: tuple[ServiceLogin, ...] = ()
    source: str = ""
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People by id; when an id is repeated (an invalid org) the first one counts."""
        found: dict[str, Person] = {}
        for person in self.people:
            found.setdefault(person.id, person)
        return found

    @cached_property
    def team_by_id(self) -> dict[str, Team]:
        found: dict[str, Team] = {}
        for team in self.teams:
            found.setdefault(team.id, team)
        return found

    def person(self, person_id: str) -> Person | None:
        return self.person_by_id.get(person_id)

    def can_act(self, person_id: str, lane_id: str) -> bool:
        """Whether the person exists, is active and may act in the lane."""
        person = self.person(person_id)
        return person is not None and person.active and lane_id in person.lanes

    def people_in(self, lane_id: str, *, include_inactive: bool = False) -> tuple[Person, ...]:
        """Who may act in the lane, in declared order: the active people unless asked."""
        return tuple(
            p
            for p in self.person_by_id.values()
            if lane_id in p.lanes and (p.active or include_inactive)
        )

    def members(self, team_id: str) -> tuple[str, ...]:
        """The ids of the team's people (inactive ones too: they still own records)."""
        return tuple(p.id for p in self.person_by_id.values() if p.team == team_id)

    def team_of(self, person_id: str) -> Team | None:
        person = self.person(person_id)
        return self.team_by_id.get(person.team) if person and person.team else None

    def reports_to(self, person_id: str) -> tuple[Person, ...]:
        """The manager chain, nearest first: manager, their manager, … up to the top.

        The chain ends at a person without a manager, at an id that names nobody, or
        before anyone would appear twice (a cycle, which the checks report as FK804).
        """
        chain: list[Person] = []
        seen = {person_id}
        person = self.person(person_id)
        while person is not None and person.manager and person.manager not in seen:
            person = self.person(person.manager)
            if person is not None:
                chain.append(person)
                seen.add(person.id)
        return tuple(chain)

    def below(self, person_id: str) -> frozenset[str]:
        """Everyone whose manager chain reaches `person_id` (not themselves): a manager's
        team, as far down as it goes."""
        return frozenset(
            p.id
            for p in self.person_by_id.values()
            if any(m.id == person_id for m in self.reports_to(p.id))
        )

    def by_db_role(self, login: str) -> Person | None:
        """The person who connects to PostgreSQL as `login`, if org.yaml maps one."""
        return next((p for p in self.person_by_id.values() if p.db_role == login), None)

    def service_login(self, login: str) -> ServiceLogin | None:
        """The service login (the web server's pooled one) named `login`, if declared."""
        return next((s for s in self.service_logins if s.login == login), None)

    def served_by(self, service: ServiceLogin) -> tuple[Person, ...]:
        """The active people `service` may act for: those of the roles it declares."""
        return tuple(
            p for p in self.person_by_id.values() if p.active and p.role in service.acts_for
        )
