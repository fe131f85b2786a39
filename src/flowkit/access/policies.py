"""What PostgreSQL's row-level security policies read, worked out from org.yaml and the role
table: which person each login is, whom each service login (the web server's pooled one)
may act for, and whose rows each person reaches for reading, for writing and for spot
checks. The same answers as the guard's, in rows (`store.security`)."""

from __future__ import annotations

from flowkit.access.guard import Access, Actor
from flowkit.access.rules import Role
from flowkit.model import Org
from flowkit.model.org import Person
from flowkit.store.security import Policies

# The SQL actions of the policies, and the commands whose reach they unite: a person may
# write a row when any command of theirs may change it.
SQL_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("show",),
    "edit": (
        "advance",
        "close",
        "assign",
        "import",
        "customer grade",
        "migrate",
        "calendar retime",
    ),
    "audit": ("audit record",),
    "accounts": ("user invite",),  # the workspace's account tables (revision 0014)
}


def policies(org: Org) -> Policies:
    """Everything the policies read, for `Store.sync_access`."""
    return Policies(logins(org), reach(org), serves(org))


def logins(org: Org) -> list[tuple[str, str, bool]]:
    people = [(p.db_role, p.id, False) for p in org.people if p.db_role and p.active]
    return people + [(s.login, "", True) for s in org.service_logins]


def serves(org: Org) -> list[tuple[str, str]]:
    """Per service login, the people it may name per transaction."""
    return sorted({(s.login, p.id) for s in org.service_logins for p in org.served_by(s)})


def reach(org: Org) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    served = {person for _, person in serves(org)}
    for person in org.people:
        if person.active and (person.db_role or person.id in served):
            rows += _reach_of(org, person)
    return rows


def _reach_of(org: Org, person: Person) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    access = Access(org, Actor(person.id, Role(person.role), "db-login"))
    for action, commands in SQL_ACTIONS.items():
        reaches = [access.owners(command) for command in commands]
        if any(found is None for found in reaches):
            rows.append((person.id, action, "*"))
        else:
            owners = set().union(*(found for found in reaches if found is not None))
            rows += [(person.id, action, owner) for owner in sorted(owners)]
    return rows
