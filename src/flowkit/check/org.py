"""The org file's checks: unique ids, references to people and teams, no management cycles,
and, across the org and the processes validated with it, lanes that exist and are staffed.

Org checks are `(org, context) -> diagnostics`; `check_staffing` is a process check that
reads the org from the context, so its warnings sit on the process's own lanes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.spelling import did_you_mean
from flowkit.model import Org, Person, Process, Team

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def check_unique_ids(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    groups: tuple[tuple[str, tuple[Team, ...] | tuple[Person, ...]], ...] = (
        ("team", org.teams),
        ("person", org.people),
    )
    for what, items in groups:
        first: dict[str, Location] = {}
        for item in items:
            if item.id in first:
                yield Diagnostic(
                    "FK801",
                    f"{what} id '{item.id}' is already used on line {first[item.id].line}",
                    item.at("id"),
                    f"give each {what} its own id",
                )
            first.setdefault(item.id, item.at("id"))


def check_db_roles(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    """One person per PostgreSQL login: the login is how a shared database knows who acts."""
    first: dict[str, Person] = {}
    for person in org.people:
        if person.db_role is None:
            continue
        if person.db_role in first:
            other = first[person.db_role]
            yield Diagnostic(
                "FK808",
                f"database role '{person.db_role}' is already {other.id}'s "
                f"(line {other.at('db_role').line})",
                person.at("db_role"),
                "give each person their own PostgreSQL login",
            )
        first.setdefault(person.db_role, person)


def check_service_logins(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A service login is nobody's own and declared once: a login that were also a
    person's would make that person whoever the server names."""
    first: dict[str, Location] = {}
    for service in org.service_logins:
        owner = org.by_db_role(service.login)
        if owner is not None:
            yield Diagnostic(
                "FK810",
                f"service login '{service.login}' is also {owner.id}'s db_role "
                f"(line {owner.at('db_role').line})",
                service.at("login"),
                "give the web server a login of its own, not a person's",
            )
        elif service.login in first:
            yield Diagnostic(
                "FK810",
                f"service login '{service.login}' is already declared on line "
                f"{first[service.login].line}",
                service.at("login"),
                "declare each service login once",
            )
        first.setdefault(service.login, service.at("login"))


def check_mentors(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A new hire's mentor is an active person of the org, certified (not in training
    themselves), and someone else: the one who signs off their A customers and won deals."""
    for person in org.people:
        mentor = person.mentor
        if mentor is None:
            continue
        found = org.person(mentor)
        problem = None
        if found is None:
            problem = f"mentor '{mentor}' of {person.id} is not a person of the org"
            hint = did_you_mean(mentor, sorted(org.person_by_id)) or "name a person by id"
        elif found.id == person.id:
            problem = f"{person.id} cannot mentor themselves"
            hint = "name the colleague who trains them"
        elif not found.active:
            problem = f"mentor '{mentor}' of {person.id} is inactive"
            hint = "name an active colleague"
        elif found.in_training:
            problem = f"mentor '{mentor}' of {person.id} is in training too"
            hint = "a mentor is certified: name someone without `training`"
        if problem is not None:
            yield Diagnostic("FK809", problem, person.at("training", "mentor"), hint)


def check_references(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    for team in org.teams:
        if team.manager is not None and team.manager not in org.person_by_id:
            yield _unknown("FK802", "person", team.manager, org.people, team.at("manager"))
    for person in org.people:
        if person.team is not None and person.team not in org.team_by_id:
            yield _unknown("FK803", "team", person.team, org.teams, person.at("team"))
        if person.manager is not None and person.manager not in org.person_by_id:
            yield _unknown("FK802", "person", person.manager, org.people, person.at("manager"))


def check_cycles(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Each cycle of `manager` links once, at the manager of its first-declared member."""
    people = org.person_by_id
    done: set[str] = set()
    for start in people:
        walk: list[str] = []
        current: str | None = start
        while current in people and current not in done and current not in walk:
            walk.append(current)
            current = people[current].manager
        if current is not None and current in walk:
            yield _cycle(org, walk[walk.index(current) :])
        done.update(walk)


def check_lanes(org: Org, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Lanes people act in must be declared by a process (only known when validated together)."""
    if ctx.lanes is None:
        return
    declared = sorted(ctx.lanes)
    for person in org.people:
        for i, lane in enumerate(person.lanes):
            if lane not in ctx.lanes:
                yield Diagnostic(
                    "FK805",
                    f"unknown lane '{lane}': no process validated with the org declares it",
                    person.at("lanes", i),
                    did_you_mean(lane, declared)
                    or f"the processes declare: {', '.join(declared) or 'no lanes'}",
                )


def check_staffing(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Every lane of a process needs an active person who may act in it."""
    org = ctx.org
    if org is None:
        return
    for lane in process.lanes:
        if org.people_in(lane.id):
            continue
        hint = f"add '{lane.id}' to the `lanes` of an active person in {org.source}"
        inactive = org.people_in(lane.id, include_inactive=True)
        if inactive:
            hint += f" (only inactive people have it: {', '.join(p.id for p in inactive)})"
        yield Diagnostic(
            "FK806",
            f"no active person in the org can act in lane '{lane.id}': "
            "work in this lane could never be assigned",
            lane.loc,
            hint,
        )


def _unknown(
    code: str, what: str, ref: str, known: Iterable[Person | Team], loc: Location
) -> Diagnostic:
    items = list(known)
    named = [item.id for item in items if item.name == ref]
    if named:
        hint = f"'{ref}' is the name of {what} '{named[0]}'; refer to it by id: {named[0]}"
    else:
        ids = sorted({item.id for item in items})
        hint = did_you_mean(ref, ids) or (
            f"declared ids: {', '.join(ids)}" if ids else f"no {what} is declared"
        )
    return Diagnostic(code, f"unknown {what} '{ref}'", loc, hint)


def _cycle(org: Org, members: list[str]) -> Diagnostic:
    people = org.person_by_id
    first = min(range(len(members)), key=lambda i: people[members[i]].loc)
    chain = [*members[first:], *members[:first]]
    person = people[chain[0]]
    if len(chain) == 1:
        message = f"person '{person.id}' is their own manager"
        hint = "remove `manager` from the person at the top, or name their real manager"
    else:
        shown = " → ".join([*chain, chain[0]])
        message = f"management cycle: {shown} (each reports to the next)"
        hint = "the person at the top has no `manager`; change or remove one of these managers"
    return Diagnostic("FK804", message, person.at("manager"), hint)
