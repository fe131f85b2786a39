"""Keeping PostgreSQL's row-level security in step with org.yaml (revision 0006's tables).

Written only by the owner of flowkit's tables (the administrators' login), in one
transaction, and only when something changed: then each mapped login that exists is also
granted what flowkit needs of the tables (its rows are still limited by the policies).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, text

from flowkit.store.tables import access_logins, access_reach

Login = tuple[str, str, bool]  # login, person, whether it is the web server's pooled login
Reach = tuple[str, str, str]  # person, action (read | edit | audit), owner ("*": all)


def sync(conn: Connection, logins: Sequence[Login], reach: Sequence[Reach]) -> bool:
    """Make the tables hold `logins` and `reach`; whether anything changed."""
    held_logins = {tuple(r) for r in conn.execute(select(access_logins))}
    held_reach = {tuple(r) for r in conn.execute(select(access_reach))}
    if held_logins == set(logins) and held_reach == set(reach):
        return False
    conn.execute(delete(access_logins))
    conn.execute(delete(access_reach))
    if logins:
        conn.execute(
            insert(access_logins),
            [{"login": a, "person": b, "server": c} for a, b, c in logins],
        )
    if reach:
        conn.execute(
            insert(access_reach), [{"person": a, "action": b, "owner": c} for a, b, c in reach]
        )
    _grant(conn, [login for login, _, _ in logins])
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
            f"REVOKE ALL ON access_logins, access_reach FROM {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
            f"REVOKE UPDATE, DELETE ON audit_log FROM {role}",
        ):
            conn.execute(text(statement))
