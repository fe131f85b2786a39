"""Customer profiles: customers, tags, follow-ups, customer timers, audits; opportunities
link to their customer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.String(20)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False, index=True),
        sa.Column("owner", sa.String(100), nullable=False, index=True),
        sa.Column("industry", sa.Text, nullable=False, index=True),
        sa.Column("size", sa.String(12), nullable=True, index=True),
        sa.Column("stage", sa.String(12), nullable=False, index=True),
        sa.Column("grade", sa.String(8), nullable=True, index=True),
        sa.Column("graded_at", TS, nullable=True),
        sa.Column("completeness", sa.Integer, nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.Column("rules_digest", sa.String(64), nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("merged_into", ID, nullable=True),
        sa.Column("referred_by", ID, nullable=True, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "customer_tags",
        sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("tag", sa.String(50), primary_key=True),
    )
    op.create_index("ix_customer_tags_tag", "customer_tags", ["tag"])
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("late_seconds", sa.Integer, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("feedback", sa.Text, nullable=False),
        sa.Column("next_step", sa.Text, nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
    )
    op.create_index("ix_follow_ups_customer_at", "follow_ups", ["customer_id", "at"])
    op.create_index("ix_follow_ups_recorded", "follow_ups", ["recorded_at", "late_seconds"])
    op.create_table(
        "customer_timers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("sla", sa.Text, nullable=False),
        sa.Column("lane", sa.String(100), nullable=True),
        sa.Column("calendar", sa.String(100), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("warn_at", TS, nullable=True),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("required", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("method", sa.String(10), nullable=True),
        sa.Column("period", sa.String(10), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("ended_at", TS, nullable=True),
    )
    op.create_index("ix_customer_timers_running", "customer_timers", ["state", "warn_at"])
    op.create_index("ix_customer_timers_customer", "customer_timers", ["customer_id", "state"])
    op.create_table(
        "customer_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
    )
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("team", sa.String(100), nullable=False),
        sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("sampled_at", TS, nullable=False),
        sa.Column("result", sa.String(10), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("checked_by", sa.String(100), nullable=True),
        sa.Column("checked_at", TS, nullable=True),
        sa.UniqueConstraint("week", "team", "customer_id", name="uq_audits_week_team_customer"),
    )
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("customer_id", ID, nullable=True))
        batch.create_index("ix_instances_customer_id", ["customer_id"])
        batch.create_foreign_key("fk_instances_customer_id", "customers", ["customer_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.drop_constraint("fk_instances_customer_id", type_="foreignkey")
        batch.drop_index("ix_instances_customer_id")
        batch.drop_column("customer_id")
    for table in (
        "audits",
        "customer_changes",
        "customer_timers",
        "follow_ups",
        "customer_tags",
        "customers",
    ):
        op.drop_table(table)
