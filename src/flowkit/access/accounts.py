"""Logging in to the workspace: passwords, invitations, sessions and API tokens.

Who a request comes from is decided here, once, for every screen and endpoint; what that
person may then see and do is the guard's (`access.guard`), as for the CLI. Only the
people of org.yaml have accounts, and an inactive person's sessions and tokens stop
working the moment org.yaml says so (they are checked against it on every request).

Secrets never reach the database as they are: passwords are argon2id hashes
(argon2-cffi's defaults, RFC 9106's second recommended setting); session cookies,
invitation links and API tokens are random and kept as SHA-256 digests, so a copy of the
database lets nobody in. Failed logins are counted per account in the database (shared by
every worker): after `LOCK_AFTER` in a row, the account is locked for `LOCK_FOR`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from flowkit.access.guard import Access, Actor
from flowkit.access.identity import person_actor
from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.store.rows import SessionRow

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from flowkit.model import Org
    from flowkit.store import Store, Tx

LOCK_AFTER = 5  # failed logins in a row
LOCK_FOR = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(days=7)  # a phone stays logged in for a working week
INVITATION_LIFETIME = timedelta(days=3)
MIN_PASSWORD = 10
SCOPES = ("read", "write")
TOKEN_PREFIX = "fk_"  # tells a flowkit token from a password in a log or a secret scanner


class LoginRefused(InputError):
    """Wrong name or password, or locked: one message, so a guess learns nothing."""


@dataclass(frozen=True)
class Login:
    """A new session: the cookie's value (given once, never stored) and its CSRF token."""

    token: str
    csrf: str
    person: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenUse:
    person: str
    scope: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@cache
def hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id


class Accounts:
    """The accounts of one store, for the people of one org.yaml; `access` is who acts
    (an admin managing others' accounts, or a person their own)."""

    def __init__(self, store: Store, org: Org | None, access: Access) -> None:
        self.store = store
        self.org = org
        self.access = access

    # passwords ----------------------------------------------------------------------------
    def set_password(self, person: str, password: str, now: datetime) -> None:
        """A new password for `person` (their own, or an admin's reset): every session of
        theirs ends."""
        self._known(person)
        with self.store.write() as tx:
            entry = self.access.require("user set-password", person, f"account {person}")
            check_password(person, password)  # after the check: a refusal says nothing more
            hashed = hasher().hash(password)  # before the first write: no lock held meanwhile
            tx.serialize()  # a first password set twice at once: one account, the last wins
            tx.log.add([entry])
            tx.accounts.set_password(person, hashed, now)

    def login(self, person: str, password: str, now: datetime, how: str = "password") -> Login:
        """A session for `person` if the password is theirs and the account is not locked."""
        from argon2.exceptions import InvalidHashError, VerificationError

        refused = LoginRefused(msg("wrong name or password"))
        with self.store.read() as tx:
            account = tx.accounts.account(person)
        known = self.org is not None and self.org.person(person) is not None
        if account is None or account["password_hash"] is None or not known:
            hasher().hash(password)  # as long as a real check: no hint the name is unknown
            raise refused
        if account["locked_until"] is not None and account["locked_until"] > now:
            raise LoginRefused(
                msg(
                    "too many failed logins: try again after {at}",
                    at=_minute(account["locked_until"]),
                )
            )
        try:
            hasher().verify(account["password_hash"], password)
        except (VerificationError, InvalidHashError):
            locks = account["failures"] + 1 >= LOCK_AFTER
            with self.store.write() as tx:
                tx.accounts.failed(person, now + LOCK_FOR if locks else None)
            raise refused from None
        actor = person_actor(self.org, person, "web")  # inactive: refused here
        with self.store.write() as tx:
            if account["failures"] or account["locked_until"] is not None:
                tx.accounts.unlock(person)
            return _new_session(tx, actor, now, how)

    def proxy_login(self, person: str, now: datetime) -> Login:
        """A session for the person a trusted single-sign-on proxy vouched for."""
        actor = person_actor(self.org, person, "proxy")
        with self.store.write() as tx:
            return _new_session(tx, actor, now, "proxy")

    # invitations --------------------------------------------------------------------------
    def invite(self, person: str, now: datetime) -> str:
        """A one-time invitation for `person` to set their password: the secret part of
        the link (shown once)."""
        self._known(person)
        secret = secrets.token_urlsafe(32)
        with self.store.write() as tx:
            tx.log.add([self.access.require("user invite", person, f"account {person}")])
            tx.accounts.add_invitation(
                {
                    "digest": digest(secret),
                    "person": person,
                    "created_by": self.access.actor.id,
                    "created_at": now,
                    "expires_at": now + INVITATION_LIFETIME,
                    "used_at": None,
                }
            )
        return secret

    def invited(self, secret: str, now: datetime) -> str:
        """The person an unused, unexpired invitation is for (else an input error)."""
        with self.store.read() as tx:
            found = tx.accounts.invitation(digest(secret))
        if found is None or found["used_at"] is not None or found["expires_at"] <= now:
            raise InputError(
                msg("this invitation link is used, expired or wrong"),
                msg("ask your administrator for a new one"),
            )
        return found["person"]

    def accept(self, secret: str, password: str, now: datetime) -> Login:
        """Set the invited person's password and log them in; the link works once."""
        person = self.invited(secret, now)
        check_password(person, password)
        actor = person_actor(self.org, person, "invitation")
        hashed = hasher().hash(password)
        with self.store.write() as tx:
            if not tx.accounts.use_invitation(digest(secret), now):
                raise InputError(msg("this invitation link is used, expired or wrong"))
            tx.accounts.set_password(person, hashed, now)
            return _new_session(tx, actor, now, "invitation")

    # sessions -----------------------------------------------------------------------------
    def session(self, token: str, now: datetime) -> tuple[Actor, SessionRow] | None:
        """Who a session cookie is, if it is still good: unexpired, not ended by a logout
        everywhere or a new password, and its person still active in org.yaml."""
        with self.store.read() as tx:
            found = tx.accounts.session(digest(token))
            account = tx.accounts.account(found["person"]) if found else None
        if found is None or account is None or found["expires_at"] <= now:
            return None
        after = account["sessions_after"]
        if after is not None and found["created_at"] < after:
            return None
        actor = self._actor(found["person"], "web")
        return (actor, found) if actor is not None else None

    def logout(self, token: str) -> None:
        with self.store.write() as tx:
            tx.accounts.drop_session(digest(token))

    def logout_everywhere(self, person: str, now: datetime) -> int:
        """End every session of `person` (theirs, or an admin's decision): how many."""
        with self.store.write() as tx:
            tx.log.add([self.access.require("user logout", person, f"account {person}")])
            tx.accounts.drop_expired(now)
            return tx.accounts.end_sessions(person, now)

    def unlock(self, person: str) -> None:
        self._known(person)
        with self.store.write() as tx:
            tx.log.add([self.access.require("user unlock", person, f"account {person}")])
            tx.accounts.unlock(person)

    # API tokens ---------------------------------------------------------------------------
    def create_token(
        self, person: str, name: str, scope: str, now: datetime, days: int | None = None
    ) -> tuple[int, str]:
        """A personal access token for the API: its id and the secret (shown once)."""
        self._known(person)
        if scope not in SCOPES:
            raise InputError(
                msg("unknown token scope '{scope}'", scope=scope), msg("use read or write")
            )
        if not name.strip():
            raise InputError(msg("a token needs a name (what it is for)"))
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = now + timedelta(days=days) if days else None
        with self.store.write() as tx:
            tx.log.add([self.access.require("user token", person, f"account {person}")])
            token_id = tx.accounts.add_token(
                {
                    "person": person,
                    "name": name.strip()[:100],
                    "digest": digest(secret),
                    "scope": scope,
                    "created_at": now,
                    "expires_at": expires,
                }
            )
        return token_id, secret

    def revoke_token(self, token_id: int, now: datetime) -> None:
        with self.store.read() as tx:
            owner = tx.accounts.token_owner(token_id)
        target = f"token {token_id}"

        def missing() -> InputError:
            return InputError(msg("no token {id}", id=token_id))

        with self.store.write() as tx:
            tx.log.add([self.access.found("user token", target, owner, missing)])
            tx.accounts.revoke_token(token_id, now)

    def token_user(self, secret: str, now: datetime) -> tuple[Actor, str] | None:
        """Who an API token is and its scope, if it is good (not revoked or expired, its
        person active)."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self.store.read() as tx:
            found = tx.accounts.token(digest(secret))
        if found is None or found["revoked_at"] is not None:
            return None
        if found["expires_at"] is not None and found["expires_at"] <= now:
            return None
        actor = self._actor(found["person"], "token")
        return (actor, found["scope"]) if actor is not None else None

    # ---------------------------------------------------------------------------------------
    def _known(self, person: str) -> None:
        """A declared person (an inactive one too: an admin may still end their sessions)."""
        if self.org is None or self.org.person(person) is None:
            raise self.access.refusal("user set-password", f"account {person}")

    def _actor(self, person: str, how: str) -> Actor | None:
        try:
            return person_actor(self.org, person, how)
        except InputError:
            return None


def check_password(person: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            msg("a password needs at least {n} characters", n=MIN_PASSWORD),
            msg("a short sentence is easy to remember and hard to guess"),
        )
    if password.strip().lower() == person.lower():
        raise InputError(msg("a password must not be the name it logs in"))


def _new_session(tx: Tx, actor: Actor, now: datetime, how: str) -> Login:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + SESSION_LIFETIME
    tx.accounts.add_session(
        {
            "digest": digest(token),
            "person": actor.id,
            "csrf": csrf,
            "created_at": now,
            "expires_at": expires,
            "how": how,
        }
    )
    return Login(token, csrf, actor.id, expires)


def _minute(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M %Z").strip()
