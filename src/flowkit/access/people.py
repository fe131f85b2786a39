"""Who may own and act on an opportunity: the people org.yaml declares, checked.

Without an org.yaml nothing is checked (any id is taken as given), so a team can start
tracking before it writes down its people.
"""

from __future__ import annotations

from collections.abc import Sequence

from flowkit.errors import InputError
from flowkit.messages import msg, words
from flowkit.model import Node, Org, Process
from flowkit.model.org import Person


def person_name(people: Org | None, person_id: str) -> str:
    """李雷 for li.lei when org.yaml declares them, else the id itself."""
    found = people.person(person_id) if people is not None else None
    return found.name if found else person_id


def team_key(people: Org | None, person_id: str) -> str:
    """The id of the team `person_id` belongs to, "-" for none: a report's team line."""
    team = people.team_of(person_id) if people is not None else None
    return team.id if team else "-"


def team_name(people: Org | None, team_id: str) -> str:
    """华东一组 for east-1 when org.yaml declares it, else the id itself."""
    team = people.team_by_id.get(team_id) if people is not None else None
    return team.name if team else team_id


def person_id(people: Org | None, text: str) -> str:
    """The id of the person `text` names: an id of org.yaml, or a name only one person
    there has (李雷 for li.lei), as spreadsheets teams keep name their people. Without an
    org.yaml, the text as given. A name two people share, or one nobody has, is an
    InputError whose message says which people it could be (it is read per cell, where a
    hint would be lost)."""
    if people is None or people.person(text) is not None:
        return text
    named = [p for p in people.people if p.name == text]
    if len(named) == 1:
        return named[0].id
    if named:
        return _ambiguous(text, named)
    from flowkit.lang.spelling import guess

    hint = guess(text, [*(p.id for p in people.people), *(p.name for p in people.people)])
    if hint is None:
        raise InputError(msg("'{person}' is not a person in org.yaml (by id or name)", person=text))
    raise InputError(
        msg(
            "'{person}' is not a person in org.yaml (by id or name); {hint}", person=text, hint=hint
        )
    )


def _ambiguous(text: str, named: Sequence[Person]) -> str:
    raise InputError(
        msg(
            "'{name}' is the name of {n} people in org.yaml ({ids}): write the id",
            name=text,
            n=len(named),
            ids=words(p.id for p in named),
        )
    )


def check_owner(people: Org | None, person: str) -> None:
    """A declared, active person: an owner is someone who can be given work."""
    if people is None:
        return
    found = people.person(person)
    if found is None:
        raise _unknown(people, person)
    if not found.active:
        raise InputError(
            msg(
                "'{person}' ({name}) is inactive and cannot be given work",
                person=person,
                name=found.name,
            )
        )


def check_actor(
    people: Org | None, person: str, node: Node, process: Process, owner: str | None = None
) -> None:
    """A declared person who can act in the lane where `node` is done, or (given the
    opportunity's `owner`) a manager whose team the owner is in: the work on a node
    (advancing it, a follow-up, a document delivered) is recorded only from people whose
    work it can be (真实性), so nobody's quota fills with another lane's visits."""
    if people is None or node.lane is None:
        return
    if people.person(person) is None:
        raise _unknown(people, person)
    if people.can_act(person, node.lane) or (owner is not None and manages(people, person, owner)):
        return
    lane = process.lane_by_id[node.lane].name
    able = words(p.id for p in people.people_in(node.lane)) or msg("nobody")
    said = msg(
        "'{person}' cannot act in lane '{lane}' ({lane_name}) where '{node}' is done",
        person=person,
        lane=node.lane,
        lane_name=lane,
        node=node.name,
    )
    if owner is None:
        raise InputError(said, msg("pass --by one of: {people}", people=able))
    raise InputError(said, msg("pass --by one of: {people}, or the owner's manager", people=able))


def manages(people: Org, person: str, owner: str) -> bool:
    """Whether `person` is an active manager whose team `owner` is in."""
    found = people.person(person)
    return (
        found is not None
        and found.active
        and found.role == "manager"
        and owner in team(people, person)
    )


def team(people: Org | None, person: str) -> frozenset[str]:
    """`person` and everyone below them in the manager chain, and the members of the teams
    they lead (a team's manager need not be its members' manager in org.yaml)."""
    found = {person}
    if people is not None:
        found |= people.below(person)
        for led in people.teams:
            if led.manager == person:
                for member in people.members(led.id):
                    found |= {member, *people.below(member)}
    return frozenset(found)


def _unknown(people: Org, person: str) -> InputError:
    from flowkit.lang.spelling import guess

    hint = guess(person, [p.id for p in people.people])
    return InputError(msg("'{person}' is not a person in org.yaml", person=person), hint)


def selected_owners(
    people: Org | None, owners: tuple[str, ...], team: str | None
) -> tuple[str, ...] | None:
    """The owners a report or a sample keeps, from people and a team (None: everyone).

    Every person named must be in org.yaml (active or not: a report may ask after someone
    who left), so a typo is an error rather than an empty report or a green cron job."""
    if not owners and not team:
        return None
    if people is None:
        if team:
            raise InputError(msg("--team needs an org.yaml beside the processes"))
        return tuple(sorted(set(owners)))
    for person in owners:
        if people.person(person) is None:
            from flowkit.lang.spelling import guess

            hint = guess(person, [p.id for p in people.people])
            if hint is None:
                raise InputError(msg("no person {person!r} in org.yaml", person=person))
            raise InputError(
                msg("no person {person!r} in org.yaml ({hint})", person=person, hint=hint)
            )
    chosen = set(owners)
    if team:
        members = people.members(team)
        if not members:
            teams = words(t.id for t in people.teams)
            raise InputError(msg("no team {team!r} (teams: {teams})", team=team, teams=teams))
        chosen |= set(members)
    return tuple(sorted(chosen))
