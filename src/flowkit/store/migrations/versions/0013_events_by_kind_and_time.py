"""Indexes of the event log and the timers by kind and time: the monthly review reads a
month's entries, completions and closes, and the deadlines and cadence periods that ended
in it (`store.review`), without scanning every event or timer ever recorded.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_kind_at", "events", ["kind", "at"])
    op.create_index("ix_timers_kind_ended", "timers", ["kind", "ended_at", "due_at"])
    op.create_index("ix_customer_timers_kind_ended", "customer_timers", ["kind", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_customer_timers_kind_ended", table_name="customer_timers")
    op.drop_index("ix_timers_kind_ended", table_name="timers")
    op.drop_index("ix_events_kind_at", table_name="events")
