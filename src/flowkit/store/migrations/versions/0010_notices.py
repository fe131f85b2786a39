"""Notifications (issue 14): the notice ledger and the deliveries of each channel.

`notices` holds each notice — a subject (a timer's breach or warning, a digest), an
escalation level, a recipient and a channel, unique together — with its state: `sending`
is written (and committed) before the message goes out, `sent` or `failed` after. A run
claims notices under the database's write lock, so two runs at once never both send one,
and a run killed between sending and recording leaves it `sending`: never sent again.
`deliveries` holds each message sent through a channel: its health and its rate.

On PostgreSQL both tables are under row-level security with no policy: only the owner of
the tables (the administrators' login, which `flowkit notify` and the web server's
scheduler use) reads or writes them; a person's login sees none of them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("delivery", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.UniqueConstraint("subject", "level", "recipient", "channel", name="uq_notices_key"),
    )
    op.create_index("ix_notices_updated", "notices", ["updated_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("audience", sa.String(100), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("notices", sa.Integer, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
    )
    op.create_index("ix_deliveries_channel", "deliveries", ["channel", "state", "id"])
    op.create_index("ix_deliveries_started", "deliveries", ["started_at"])
    if op.get_bind().dialect.name == "postgresql":
        for table in ("notices", "deliveries"):
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("notices")
