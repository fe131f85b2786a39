"""The one place that decides whether the person acting may see or change a record.

Every command of the library asks `Access` before it reads or writes a record, with the
command's name (`rules.COMMANDS`) and the record's owner: it answers from the role table,
raises `NotPermitted` — worded the same whether the record exists or not — and hands back
the audit-log entry the store writes with the command's transaction (or, for a refusal,
after it). Reports ask `owners()` for the owners whose records they may show.

The actor is given, never looked up here: the CLI finds it from the database login or
`FLOWKIT_USER` (`flowkit.access.identity`), the web server from its session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flowkit.access.rules import COMMANDS, Action, Role, Scope, scope
from flowkit.errors import InputError, NotPermitted
from flowkit.messages import msg
from flowkit.model import Org
from flowkit.store.rows import Json, NewLogEntry


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person of org.yaml, or a system account (`system:NAME`) that acts
    with the admin role — the owner of a single-user file, the database's owner login,
    an import or a schedule."""

    id: str
    role: Role
    how: str  # how flowkit knows: db-login, user (FLOWKIT_USER/--user), system

    @property
    def is_person(self) -> bool:
        return not self.id.startswith("system:")


SYSTEM = Actor("system:flowkit", Role.ADMIN, "system")


class Access:
    def __init__(
        self,
        org: Org | None,
        actor: Actor = SYSTEM,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.org = org
        self.actor = actor
        self._clock = clock or (lambda: datetime.now(UTC))
        self._team: frozenset[str] | None = None

    # what the actor may reach -----------------------------------------------------------
    def owners(self, command: str) -> frozenset[str] | None:
        """The owners whose records `command` may touch for this actor; None: everyone's."""
        reach = scope(self.actor.role, COMMANDS[command])
        if reach is Scope.ALL:
            return None
        if reach is Scope.NONE:
            return frozenset()
        if reach is Scope.OWN:
            return frozenset({self.actor.id})
        return self.team()

    def team(self) -> frozenset[str]:
        """The actor and everyone below them in the manager chain, and the members of the
        teams they lead (a team's manager need not be its members' manager in org.yaml)."""
        if self._team is None:
            from flowkit.access.people import team

            self._team = team(self.org, self.actor.id)
        return self._team

    @property
    def sees_everything(self) -> bool:
        """An admin (or a system account): told plainly when a record does not exist."""
        return self.actor.role is Role.ADMIN

    def permits(self, command: str, owner: str) -> bool:
        reach = self.owners(command)
        return reach is None or owner in reach

    def may(self, action: Action) -> bool:
        """Whether the role grants `action` on anything at all (a command's first check)."""
        return scope(self.actor.role, action) is not Scope.NONE

    def narrowed(self, command: str, asked: Iterable[str] | None) -> tuple[str, ...] | None:
        """The owners a report shows: those asked for (None: all) that the actor may see."""
        reach = self.owners(command)
        if reach is None:
            return None if asked is None else tuple(sorted(set(asked)))
        return tuple(sorted(reach if asked is None else reach & set(asked)))

    def doer(self, by: str | None, owner: str, command: str) -> str:
        """Who did the work a command records: `by` as given, else the person acting, else
        (a system account acting) the owner. Someone else's work may be recorded only by a
        person who may act on that person's records (their manager, an admin)."""
        actor = self.actor
        if by is not None and by != actor.id:
            from flowkit.access.people import check_owner

            check_owner(self.org, by)  # a declared, active person: never free text
        if not actor.is_person:
            return by or owner
        if by is None or by == actor.id:
            return actor.id
        if not self.permits(command, by):
            raise InputError(
                msg("{person} may not record work done by {other}", person=actor.id, other=by),
                msg("leave out --by: the work is recorded as yours"),
            )
        return by

    # decisions, logged ------------------------------------------------------------------
    def require(
        self, command: str, owner: str, target: str, detail: dict[str, Json] | None = None
    ) -> NewLogEntry:
        """The entry of `command` on `target` (owned by `owner`), or NotPermitted."""
        if self.permits(command, owner):
            return self.entry(command, target, owner, "done", detail)
        raise self.refusal(command, target, owner)

    def found(
        self, command: str, target: str, owner: str | None, missing: Callable[[], Exception]
    ) -> NewLogEntry:
        """The check of a record looked up by its id (`owner` None: there is none). Missing
        and not permitted are one answer, except to an admin, who is told `missing()` (made
        only then: every command on a record passes here)."""
        if owner is None:
            if self.sees_everything:
                raise missing()
            raise self.refusal(command, target)
        return self.require(command, owner, target)

    def require_any(self, command: str, target: str = "") -> NewLogEntry:
        """For a command on no one record (an import, a migration): the role must grant it."""
        if self.may(COMMANDS[command]):
            return self.entry(command, target, "", "done")
        message = msg(
            "{person} ({role}) may not {command}",
            person=self.actor.id,
            role=self.actor.role.value,
            command=command,
        )
        raise NotPermitted(message, self.entry(command, target, "", "refused"), record=False)

    def refusal(self, command: str, target: str, owner: str = "") -> NotPermitted:
        """Not found or not permitted: one message for both."""
        message = msg("{target}: not found or not permitted", target=target)
        return NotPermitted(message, self.entry(command, target, owner, "refused"))

    def entry(
        self,
        command: str,
        target: str,
        owner: str,
        outcome: str,
        detail: dict[str, Json] | None = None,
    ) -> NewLogEntry:
        return NewLogEntry(
            at=self._clock(),
            actor=self.actor.id,
            command=command,
            action=COMMANDS[command].value,
            target=target[:200],
            owner=owner,
            outcome=outcome,
            detail=detail or {},
        )
