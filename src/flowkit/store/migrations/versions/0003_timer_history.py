"""Timer history: what a running timer's (an opportunity's or a customer's) state, due
and warning instants and count were before each change, so that `flowkit status --as-of`
answers for a past moment exactly; each timer's `data_until`, the last year of holiday data
its due instant was computed on, so that `flowkit calendar retime` can move it when new data
is installed; and each instance's `last_seq`, so a command numbers its events without asking
for the last one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    for history, timers in (
        ("timer_history", "timers"),
        ("customer_timer_history", "customer_timers"),
    ):
        op.create_table(
            history,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("timer_id", sa.Integer, sa.ForeignKey(f"{timers}.id"), nullable=False),
            sa.Column("until", TS, nullable=False),
            sa.Column("state", sa.String(10), nullable=False),
            sa.Column("warn_at", TS, nullable=True),
            sa.Column("due_at", TS, nullable=True),
            sa.Column("done", sa.Integer, nullable=False),
        )
        op.create_index(f"ix_{history}_until", history, ["until", "timer_id"])
    # plain ADD COLUMN (SQLite has it): a batch copy would drop tables others refer to
    op.add_column("timers", sa.Column("data_until", sa.Integer, nullable=True))
    op.add_column(
        "instances", sa.Column("last_seq", sa.Integer, nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE instances SET last_seq = "
        "(SELECT COALESCE(MAX(seq), 0) FROM events WHERE events.instance_id = instances.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.drop_column("last_seq")
    with op.batch_alter_table("timers") as batch:
        batch.drop_column("data_until")
    op.drop_table("customer_timer_history")
    op.drop_table("timer_history")
