"""What PostgreSQL's row-level security policies read, worked out from org.yaml and the role
table: which person each login is, and whose rows each person reaches for reading, for
writing and for spot checks. The same answers as the guard's, in rows (`store.security`)."""

from __future__ import annotations

from flowkit.access.guard import Access, Actor
from flowkit.access.rules import Role
from flowkit.model import Org

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
}


def logins(org: Org) -> list[tuple[str, str, bool]]:
    return [(p.db_role, p.id, False) for p in org.people if p.db_role and p.active]


def reach(org: Org) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for person in org.people:
        if not person.db_role or not person.active:
            continue
        access = Access(org, Actor(person.id, Role(person.role), "db-login"))
        for action, commands in SQL_ACTIONS.items():
            reaches = [access.owners(command) for command in commands]
            if any(found is None for found in reaches):
                rows.append((person.id, action, "*"))
            else:
                owners = set().union(*(found for found in reaches if found is not None))
                rows += [(person.id, action, owner) for owner in sorted(owners)]
    return rows
