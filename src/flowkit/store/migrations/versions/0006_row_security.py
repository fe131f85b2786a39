"""Row-level security on PostgreSQL: each person's login sees and changes only the rows in
their reach, whatever client they connect with (defence in depth beside flowkit's own checks).

Two tables hold what the policies need, written by flowkit from org.yaml when the owner of
the tables runs a command (`Store.sync_access`): `access_logins` maps a login to a person
(or marks the web server's pooled login, which names the person per transaction with
`SET LOCAL flowkit.person`), `access_reach` lists, per person and action (read, edit), the
owners whose rows they reach ('*': all). Functions owned by the table owner
(SECURITY DEFINER, search_path fixed) read them, so a login needs no grant on them; one
more tells the highest customer number, which a login's own rows would not. The
owner of the tables and superusers bypass the policies, as PostgreSQL does by default.

On SQLite, one person's file, there is nothing to do.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# tables whose rows have an owner of their own, and the others with the owner of the row
# they hang on (read through that table, so its own policy applies on the way)
OWNED = ("instances", "customers")
_INSTANCE = "(SELECT i.owner FROM instances i WHERE i.id = {t}.instance_id)"
_CUSTOMER = "(SELECT c.owner FROM customers c WHERE c.id = {t}.customer_id)"
OWNER_OF = {
    "events": _INSTANCE,
    "timers": _INSTANCE,
    "timer_history": "(SELECT i.owner FROM timers x JOIN instances i ON i.id = x.instance_id "
    "WHERE x.id = {t}.timer_id)",
    "customer_tags": _CUSTOMER,
    "follow_ups": _CUSTOMER,
    "customer_timers": _CUSTOMER,
    "customer_timer_history": "(SELECT c.owner FROM customer_timers x "
    "JOIN customers c ON c.id = x.customer_id WHERE x.id = {t}.timer_id)",
    "customer_changes": _CUSTOMER,
    "audits": _CUSTOMER,
}

_FUNCTIONS = """
CREATE FUNCTION flowkit_person() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT CASE WHEN l.server THEN nullif(current_setting('flowkit.person', true), '')
                ELSE l.person END
    FROM access_logins l WHERE l.login = session_user
$$;
CREATE FUNCTION flowkit_last_customer_id() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT max(id) FROM customers
$$;
CREATE FUNCTION flowkit_reaches(record_owner text, wanted text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (
        SELECT 1 FROM access_reach r
        WHERE r.person = flowkit_person() AND r.action = wanted
          AND (r.owner = '*' OR r.owner = record_owner))
$$;
"""


def upgrade() -> None:
    op.create_table(
        "access_logins",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("person", sa.String(100), nullable=False),  # "" for the server's login
        sa.Column("server", sa.Boolean, nullable=False),
    )
    op.create_table(
        "access_reach",
        sa.Column("person", sa.String(100), primary_key=True),
        sa.Column("action", sa.String(10), primary_key=True),  # read | edit | audit
        sa.Column("owner", sa.String(100), primary_key=True),  # '*' for everyone's
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTIONS)
    for table in OWNED:
        _secure(table, "flowkit_reaches(owner, 'read')", "flowkit_reaches(owner, 'edit')")
    for table, owner in OWNER_OF.items():
        of = owner.format(t=table)
        writes = "audit" if table == "audits" else "edit"  # spot checks: their own reach
        _secure(table, f"flowkit_reaches({of}, 'read')", f"flowkit_reaches({of}, '{writes}')")
    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY audit_log_read ON audit_log FOR SELECT "
        "USING (actor = flowkit_person() OR flowkit_reaches(owner, 'read'))"
    )
    op.execute(
        "CREATE POLICY audit_log_append ON audit_log FOR INSERT "
        "WITH CHECK (actor = flowkit_person())"
    )


def _secure(table: str, read: str, edit: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({read})")
    op.execute(f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({edit})")
    op.execute(
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({edit}) WITH CHECK ({edit})"
    )
    op.execute(f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({edit})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*OWNED, *OWNER_OF, "audit_log"):
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            for name in ("read", "insert", "update", "delete", "append"):
                op.execute(f"DROP POLICY IF EXISTS {table}_{name} ON {table}")
        op.execute("DROP FUNCTION flowkit_reaches(text, text)")
        op.execute("DROP FUNCTION flowkit_last_customer_id()")
        op.execute("DROP FUNCTION flowkit_person()")
    op.drop_table("access_reach")
    op.drop_table("access_logins")
