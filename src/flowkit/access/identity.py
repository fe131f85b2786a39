"""Who is acting, as the CLI finds out: from the database login, else from FLOWKIT_USER.

- **PostgreSQL** (a shared database): the login PostgreSQL authenticated. A login that
  org.yaml maps to a person (`db_role:`) is that person, whatever is typed; `--user` naming
  someone else is refused. The database owner's login (or a superuser's) maps to no one: it
  is the administrators' and may act as a person it names. Any other login is refused once
  org.yaml maps logins at all; until it maps none, the database is run as before, by
  whoever can log in (docs/security.md says how to set up one role per person).
- **A service login** (org.yaml's `service_logins:`, the web server's pooled login): the
  server, which names each request's person to PostgreSQL itself; a command is refused.
- **SQLite** (one person's file): `--user`/`FLOWKIT_USER` names the person; without it the
  file's user acts as its administrator (`system:` and their login name).

The library never reads the environment for this: `open_tracker` is given the result.
"""

from __future__ import annotations

import getpass

from flowkit.access.guard import Actor
from flowkit.access.rules import Role
from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.model import Org


def actor_for(
    org: Org | None, *, login: tuple[str, bool] | None, asked: str | None, service: bool = False
) -> Actor:
    """The actor of a command: `login` is PostgreSQL's (name, owner or superuser), None on
    SQLite; `asked` is --user / FLOWKIT_USER. `service`: the caller is the web server,
    which may connect with a service login of org.yaml and names each request's person
    itself (`Store.acting_for`); a command connected with one is refused."""
    if login is not None and org is not None:
        if org.service_login(login[0]) is not None:
            return _service(login[0], service)
        return _from_login(org, *login, asked)
    if asked:
        return person_actor(org, asked, "user")
    return Actor(f"system:{_os_user()}", Role.ADMIN, "system")


def _from_login(org: Org, login: str, owner: bool, asked: str | None) -> Actor:
    person = org.by_db_role(login)
    if person is not None:
        if asked and asked != person.id:
            raise InputError(
                msg(
                    "you are connected as {login} ({person}); --user {asked} is not "
                    "trusted on a shared database",
                    login=login,
                    person=person.id,
                    asked=asked,
                )
            )
        return person_actor(org, person.id, "db-login")
    if owner or not any(p.db_role for p in org.people):
        if asked:
            return person_actor(org, asked, "user")
        return Actor(f"system:{login}", Role.ADMIN, "db-login")
    raise InputError(
        msg("database login {login} is no one's in org.yaml", login=login),
        msg("give the person it belongs to `db_role: {login}` in org.yaml", login=login),
    )


def _service(login: str, allowed: bool) -> Actor:
    if not allowed:
        raise InputError(
            msg(
                "database login {login} is a service login (service_logins in org.yaml): "
                "it acts only for the person the web server names",
                login=login,
            ),
            msg("connect with your own login (db_role), or the owner's"),
        )
    return Actor(f"system:{login}", Role.ADMIN, "service-login")


def check_served(org: Org | None, login: str | None, actor: Actor) -> None:
    """On the service login `login` (None: not one), `actor` must be someone org.yaml lets
    it act for: PostgreSQL would show anyone else no row and refuse their writes, so they
    are told why instead."""
    if login is None or org is None or actor.id.startswith("system:"):
        return
    service = org.service_login(login)
    if service is None or any(p.id == actor.id for p in org.served_by(service)):
        return
    raise InputError(
        msg(
            "the workspace's database login {login} may not act for {person} ({role})",
            login=login,
            person=actor.id,
            role=actor.role.value,
        ),
        msg(
            "add {role} to acts_for of {login} in org.yaml, or serve with the owner login",
            role=actor.role.value,
            login=login,
        ),
    )


def person_actor(org: Org | None, person_id: str, how: str) -> Actor:
    """A declared, active person as the actor (a typo gets a did-you-mean)."""
    if org is None:
        raise InputError(msg("--user needs an org.yaml beside the processes"))
    person = org.person(person_id)
    if person is None:
        from flowkit.lang.spelling import guess

        hint = guess(person_id, [p.id for p in org.people])
        raise InputError(msg("'{person}' is not a person in org.yaml", person=person_id), hint)
    if not person.active:
        raise InputError(
            msg(
                "'{person}' ({name}) is inactive and cannot act", person=person.id, name=person.name
            )
        )
    return Actor(person.id, Role(person.role), how)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): still someone
        return "unknown"
