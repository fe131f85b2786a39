"""The web server's pooled login, declared in org.yaml (`service_logins:`), acts only for
the people it is declared to serve.

Revision 0006 let a login marked `server` in `access_logins` be whoever it named in
`flowkit.person`, an administrator too: a pooled login that wrote the setting itself held
every row. `access_serves` lists, per service login, the people it may name (the active
people of the roles its declaration's `acts_for` lists; not administrators unless listed),
and `flowkit_person()` answers a service login's setting only when it names one of them:
any other name, or none, is no one, and no one's reach is empty. The server names the
person per transaction (`set_config('flowkit.person', id, true)`, `Store.acting_for`).

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


def upgrade() -> None:
    op.create_table(
        "access_serves",
        sa.Column("login", sa.String(63), primary_key=True),
        sa.Column("person", sa.String(100), primary_key=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PERSON)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PERSON_0006)
    op.drop_table("access_serves")
