"""Indexes the monthly review reads by (issue 15, measured on 100,000 opportunities):

- the timers that ended in a period with the columns the review counts them by, so that
  six months of deadlines and cadence periods (about 190,000) are counted from the index
  alone, not by a lookup of each timer's row (SQLite: 1.1 s → 0.64 s for the periods);
- the timers of a kind still running past their due instant (the cadence periods nobody
  settled): found by (kind, state, due_at), where the index of ended timers made SQLite
  walk every cadence period ever recorded (0.6 s → 0 s);
- the profile changes by the time they were recorded: the profiles changed since a month's
  end are read one by one, the others counted together;
- on SQLite, the columns of a profile the review counts (owner, industry, size, stage,
  grade, completeness, missing fields, made, merged): a scan of this index instead of the
  profiles' rows, which hold the whole record (100,000 profiles: 0.53 s → 0.23 s).
  PostgreSQL keeps `missing` as json, which has no b-tree order; it scans in parallel.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COUNTED = ["kind", "ended_at", "state", "instance_id", "node", "required", "done", "due_at"]
PROFILE = ["owner", "industry", "size", "stage", "grade", "completeness", "missing"]
PROFILE += ["created_at", "merged_into", "id"]


def upgrade() -> None:
    op.create_index("ix_timers_review_ended", "timers", COUNTED)
    op.create_index("ix_timers_kind_state_due", "timers", ["kind", "state", "due_at"])
    op.create_index(
        "ix_customer_changes_recorded", "customer_changes", ["recorded_at", "customer_id"]
    )
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_customers_review", "customers", PROFILE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_customers_review", table_name="customers")
    op.drop_index("ix_customer_changes_recorded", table_name="customer_changes")
    op.drop_index("ix_timers_kind_state_due", table_name="timers")
    op.drop_index("ix_timers_review_ended", table_name="timers")
