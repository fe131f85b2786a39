"""The web server's pooled login, declared in org.yaml (`service_logins:`), acts only for
the people it is declared to serve.

Revision 0006 let a login marked `server` in `access_logins` be whoever it named in
`flowkit.person`, an administrator too: a pooled login that wrote the setting itself held
every row. `access_serves` lists, per service login, the people it may name (the active
people of the roles its declaration's `acts_for` lists; not administrators unless listed),
and `flowkit_person()` answers a service login's setting only when it names one of them:
any other name, or none, is no one, and no one's reach is empty. The server names the
person per transaction (`set_config('flowkit.person', id, true)`, `Store.acting_for`).

The workspace's account tables (revision 0009: passwords, sessions, invitations, API
tokens) come under row-level security too. Until now every person's login could read every
password hash and token digest, and write them: replace an administrator's hash with one of
its own and sign in to the workspace as them. Now a row is reached by the login of the person
it belongs to, by a person whose `accounts` reach covers it (an administrator's: the action
is written into `access_reach` like the others), and by a service login, which signs people
in (it finds a session or token before it knows whose it is). The owner of the tables
bypasses the policies as before.

On SQLite, one person's file, the table is made and nothing else.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_PERSON = """
CREATE OR REPLACE FUNCTION flowkit_person() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT CASE WHEN l.server THEN (
                    SELECT s.person FROM access_serves s
                    WHERE s.login = l.login
                      AND s.person = nullif(current_setting('flowkit.person', true), ''))
                ELSE l.person END
    FROM access_logins l WHERE l.login = session_user
$$;
"""

_PERSON_0006 = """
CREATE OR REPLACE FUNCTION flowkit_person() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT CASE WHEN l.server THEN nullif(current_setting('flowkit.person', true), '')
                ELSE l.person END
    FROM access_logins l WHERE l.login = session_user
$$;
"""


_SERVICE = """
CREATE FUNCTION flowkit_is_service() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM access_logins l WHERE l.login = session_user AND l.server)
$$;
"""
ACCOUNT_TABLES = ("web_accounts", "web_sessions", "web_invitations", "api_tokens")
_REACHED = "(flowkit_reaches(person, 'accounts') OR flowkit_is_service())"


def upgrade() -> None:
    op.create_table(
        "access_serves",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("person", sa.String(100), primary_key=True),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PERSON)
    op.execute(_SERVICE)
    for table in ACCOUNT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_own ON {table} USING {_REACHED} WITH CHECK {_REACHED}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ACCOUNT_TABLES:
            op.execute(f"DROP POLICY IF EXISTS {table}_own ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION flowkit_is_service()")
        op.execute(_PERSON_0006)
    op.drop_table("access_serves")
