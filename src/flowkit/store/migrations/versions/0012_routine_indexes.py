"""Routines of a role (issue 16): the status reads, for each routine, the work recorded at
its node in the last weeks and when its process's first opportunity started. Two indexes
make both a range read rather than a scan of every event and every opportunity:
events by node and time, opportunities by process and start.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-10
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_node_at", "events", ["node", "at"])
    op.create_index("ix_instances_process_started", "instances", ["process_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_instances_process_started", table_name="instances")
    op.drop_index("ix_events_node_at", table_name="events")
