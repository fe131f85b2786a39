"""Imports: one row per tracking file imported, keyed by the SHA-256 of its bytes, so that a
re-run of the same import (after an interruption, or by a colleague) says "already imported"
instead of adding every opportunity again; the key makes two runs at once a conflict too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opportunities", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("imports")
