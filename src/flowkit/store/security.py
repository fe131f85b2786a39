"""Keeping PostgreSQL's row-level security in step with org.yaml (revisions 0006, 0014).

Written only by the owner of flowkit's tables (the administrators' login), in one
transaction, and only when something changed: then each mapped login that exists is also
granted what flowkit needs of the tables (its rows are still limited by the policies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table, delete, insert, select, text

from flowkit.store.tables import access_logins, access_reach, access_serves

Login = tuple[str, str, bool]  # login, person, whether it is a service (pooled) login
Reach = tuple[str, str, str]  # person, action (read | edit | audit), owner ("*": all)
Serves = tuple[str, str]  # service login, a person it may name per transaction


@dataclass(frozen=True)
class Policies:
    """What the policies read, worked out from org.yaml (`flowkit.access.policies`)."""

    logins: Sequence[Login]
    reach: Sequence[Reach]
    serves: Sequence[Serves] = ()


_TABLES: tuple[tuple[Table, str], ...] = (
    (access_logins, "logins"),
    (access_reach, "reach"),
    (access_serves, "serves"),
)


def sync(conn: Connection, wanted: Policies) -> bool:
    """Make the tables hold `wanted`; whether anything changed."""
    held = {name: {tuple(r) for r in conn.execute(select(table))} for table, name in _TABLES}
    if all(held[name] == set(getattr(wanted, name)) for _, name in _TABLES):
        return False
    for table, name in _TABLES:
        conn.execute(delete(table))
        rows = [dict(zip(table.c.keys(), row, strict=True)) for row in getattr(wanted, name)]
        if rows:
            conn.execute(insert(table), rows)
    _grant(conn, [login for login, _, _ in wanted.logins])
    return True


def _grant(conn: Connection, logins: Sequence[str]) -> None:
    """What a person's login needs: the schema, flowkit's tables (rows as the policies
    allow), their sequences; not the access tables, and the migration record read-only."""
    existing = {
        str(r[0])
        for r in conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": list(logins)},
        )
    }
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    quoted = conn.dialect.identifier_preparer.quote_identifier  # SQLAlchemy's quoting
    schema = quoted(schema)
    for login in sorted(existing):
        role = quoted(login)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"REVOKE ALL ON access_logins, access_reach, access_serves FROM {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
            f"REVOKE UPDATE, DELETE ON audit_log FROM {role}",
        ):
            conn.execute(text(statement))
