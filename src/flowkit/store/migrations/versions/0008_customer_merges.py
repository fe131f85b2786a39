"""Customer merges: one row per merge (`customer merge`, `customer import --merge`), holding
what it did field by field and what it moved, so that `customer unmerge` can undo it.

On an encrypted database the absorbed profiles, the field report and the changes are sealed
whole (`store.customers`); on PostgreSQL the rows follow their customer's row security, as
the profile's history does (revision 0006).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "customer_id",
            sa.String(20),
            sa.ForeignKey("customers.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("absorbed", sa.JSON, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("moved", sa.JSON, nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        owner = "(SELECT c.owner FROM customers c WHERE c.id = customer_merges.customer_id)"
        read, edit = (f"flowkit_reaches({owner}, '{a}')" for a in ("read", "edit"))
        op.execute("ALTER TABLE customer_merges ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY customer_merges_read ON customer_merges FOR SELECT USING ({read})"
        )
        op.execute(
            "CREATE POLICY customer_merges_insert ON customer_merges FOR INSERT "
            f"WITH CHECK ({edit})"
        )
        op.execute(
            f"CREATE POLICY customer_merges_update ON customer_merges FOR UPDATE "
            f"USING ({edit}) WITH CHECK ({edit})"
        )


def downgrade() -> None:
    op.drop_table("customer_merges")
