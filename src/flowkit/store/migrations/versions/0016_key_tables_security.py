"""The encryption tables under row-level security (PostgreSQL): a person's login reads them
and changes only what is theirs to change.

Revision 0007's `encryption` (the id of the key the profiles are sealed with) and
`customer_keys` (the blind index that finds a duplicate mobile or email across every team)
had no policy: any person's login could rewrite the key id, so that no command opened the
profiles any more, or delete the blind index of another team's customers, so that a
duplicate of theirs went unnoticed (撞单). Reading stays open to every login — the
duplicate check must see every team's digests, which reveal nothing without the key —
but a row of `customer_keys` is written only by a login that may edit its customer, and
`encryption` only by one whose edits reach everyone (an administrator's) or the owner of
the tables (who bypasses the policies, as before). Writers keep their UPDATE grant on
`encryption`: it is what lets each write take its share lock on it (revision 0014's
rotation, `CustomerQueries.hold_for_reseal`).

On SQLite, one person's file, there is nothing to do.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_CUSTOMER_OWNER = "(SELECT c.owner FROM customers c WHERE c.id = customer_keys.customer_id)"
WRITES = {
    "customer_keys": f"flowkit_reaches({_CUSTOMER_OWNER}, 'edit')",
    "encryption": "flowkit_reaches('*', 'edit')",  # only a reach of '*' matches '*'
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, edit in WRITES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING (true)")
        op.execute(f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({edit})")
        op.execute(
            f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({edit}) WITH CHECK ({edit})"
        )
        op.execute(f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({edit})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WRITES:
        for name in ("read", "insert", "update", "delete"):
            op.execute(f"DROP POLICY IF EXISTS {table}_{name} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
