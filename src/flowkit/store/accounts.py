"""The accounts' queries: who may log in to the workspace, their sessions, invitations
and API tokens. Only digests and hashes come in and out (`flowkit.access.accounts` makes
them); each write is one statement, so two workers racing over one row cannot both win
(an invitation is used once, a failure is counted once)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, delete, insert, select, update

from flowkit.store.rows import AccountRow, InvitationRow, NewToken, SessionRow, TokenRow
from flowkit.store.tables import api_tokens, web_accounts, web_invitations, web_sessions


class AccountQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # accounts -----------------------------------------------------------------------------
    def account(self, person: str) -> AccountRow | None:
        row = self.conn.execute(select(web_accounts).where(web_accounts.c.person == person))
        found = row.first()
        return cast(AccountRow, dict(found._mapping)) if found else None

    def accounts(self) -> list[AccountRow]:
        rows = self.conn.execute(select(web_accounts).order_by(web_accounts.c.person))
        return [cast(AccountRow, dict(r._mapping)) for r in rows]

    def set_password(self, person: str, password_hash: str, at: datetime) -> None:
        """A new password: failures forgotten, the lock lifted, every session ended."""
        values = {
            "password_hash": password_hash,
            "password_set_at": at,
            "failures": 0,
            "locked_until": None,
            "sessions_after": at,
        }
        if self.account(person) is None:
            self.conn.execute(insert(web_accounts), {"person": person, **values})
        else:
            self.conn.execute(
                update(web_accounts).where(web_accounts.c.person == person).values(values)
            )
        self.end_sessions(person, at)

    def failed(self, person: str, lock_until: datetime | None) -> None:
        """One more failed login; `lock_until` when this one reaches the limit."""
        c = web_accounts.c
        values: dict[str, object] = {"failures": c.failures + 1}
        if lock_until is not None:
            values["locked_until"] = lock_until
        self.conn.execute(update(web_accounts).where(c.person == person).values(values))

    def unlock(self, person: str) -> None:
        c = web_accounts.c
        self.conn.execute(
            update(web_accounts).where(c.person == person).values(failures=0, locked_until=None)
        )

    def end_sessions(self, person: str, at: datetime) -> int:
        """Log `person` out everywhere: their sessions go, and none made before `at` counts."""
        c = web_accounts.c
        self.conn.execute(update(web_accounts).where(c.person == person).values(sessions_after=at))
        gone = self.conn.execute(delete(web_sessions).where(web_sessions.c.person == person))
        return gone.rowcount

    # sessions -----------------------------------------------------------------------------
    def add_session(self, row: SessionRow) -> None:
        self.conn.execute(insert(web_sessions), dict(row))

    def session(self, digest: str) -> SessionRow | None:
        found = self.conn.execute(select(web_sessions).where(web_sessions.c.digest == digest))
        row = found.first()
        return cast(SessionRow, dict(row._mapping)) if row else None

    def drop_session(self, digest: str) -> None:
        self.conn.execute(delete(web_sessions).where(web_sessions.c.digest == digest))

    def drop_expired(self, now: datetime) -> int:
        gone = self.conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
        return gone.rowcount

    # invitations --------------------------------------------------------------------------
    def add_invitation(self, row: InvitationRow) -> None:
        self.conn.execute(insert(web_invitations), dict(row))

    def invitation(self, digest: str) -> InvitationRow | None:
        query = select(web_invitations).where(web_invitations.c.digest == digest)
        row = self.conn.execute(query).first()
        return cast(InvitationRow, dict(row._mapping)) if row else None

    def use_invitation(self, digest: str, at: datetime) -> bool:
        """Mark the invitation used; False when someone used it first (one statement)."""
        c = web_invitations.c
        done = self.conn.execute(
            update(web_invitations)
            .where(c.digest == digest, c.used_at.is_(None))
            .values(used_at=at)
        )
        return done.rowcount == 1

    # API tokens ---------------------------------------------------------------------------
    def add_token(self, row: NewToken) -> int:
        result = self.conn.execute(insert(api_tokens), dict(row))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def token(self, digest: str) -> TokenRow | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.digest == digest)).first()
        return cast(TokenRow, dict(row._mapping)) if row else None

    def tokens(self, person: str | None = None) -> list[TokenRow]:
        query = select(api_tokens).order_by(api_tokens.c.id)
        if person is not None:
            query = query.where(api_tokens.c.person == person)
        return [cast(TokenRow, dict(r._mapping)) for r in self.conn.execute(query)]

    def token_owner(self, token_id: int) -> str | None:
        query = select(api_tokens.c.person).where(api_tokens.c.id == token_id)
        return self.conn.execute(query).scalar()

    def revoke_token(self, token_id: int, at: datetime) -> bool:
        c = api_tokens.c
        done = self.conn.execute(
            update(api_tokens).where(c.id == token_id, c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return done.rowcount == 1

    def used_token(self, token_id: int, at: datetime) -> None:
        c = api_tokens.c
        self.conn.execute(update(api_tokens).where(c.id == token_id).values(last_used_at=at))
