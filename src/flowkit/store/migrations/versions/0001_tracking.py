"""Tracking: process versions, instances, events, timers.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "process_versions",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("process_id", sa.String(100), nullable=False, index=True),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
    )
    op.create_table(
        "instances",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column(
            "process_hash", sa.String(64), sa.ForeignKey("process_versions.hash"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("customer", sa.Text, nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("node", sa.String(100), nullable=True),
        sa.Column("node_entered_at", TS, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("expected_close", sa.Date, nullable=True),
        sa.Column("next_action", sa.Text, nullable=False),
        sa.Column("risk", sa.Boolean, nullable=False),
        sa.Column("risk_note", sa.Text, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("paused_at", TS, nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("close_reason", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_index("ix_instances_state_owner", "instances", ["state", "owner"])
    op.create_index("ix_instances_process_node", "instances", ["process_id", "node"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("node", sa.String(100), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.UniqueConstraint("instance_id", "seq", name="uq_events_instance_seq"),
    )
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False),
        sa.Column("node", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("sla", sa.Text, nullable=False),
        sa.Column("business", sa.Boolean, nullable=False),
        sa.Column("calendar", sa.String(100), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("warn_at", TS, nullable=True),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("anchor", sa.String(100), nullable=True),
        sa.Column("required", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("method", sa.String(10), nullable=True),
        sa.Column("period", sa.String(10), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("ended_at", TS, nullable=True),
    )
    op.create_index("ix_timers_running", "timers", ["state", "warn_at"])
    op.create_index("ix_timers_instance", "timers", ["instance_id", "state"])


def downgrade() -> None:
    op.drop_table("timers")
    op.drop_table("events")
    op.drop_table("instances")
    op.drop_table("process_versions")
