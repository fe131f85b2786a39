"""The workspace's accounts (issue 13): passwords, sessions, invitations, API tokens.

Nothing secret is kept as it was typed or sent: passwords as argon2id hashes, session
cookies, invitation links and API tokens as SHA-256 digests of random tokens (a copy of
this database lets nobody in).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    at = sa.DateTime(timezone=True)
    op.create_table(
        "web_accounts",
        sa.Column("person", sa.String(100), primary_key=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("password_set_at", at, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", at, nullable=True),
        sa.Column("sessions_after", at, nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", at, nullable=False),
        sa.Column("expires_at", at, nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
    )
    op.create_index("ix_web_sessions_person", "web_sessions", ["person"])
    op.create_table(
        "web_invitations",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", at, nullable=False),
        sa.Column("expires_at", at, nullable=False),
        sa.Column("used_at", at, nullable=True),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("created_at", at, nullable=False),
        sa.Column("expires_at", at, nullable=True),
        sa.Column("last_used_at", at, nullable=True),
        sa.Column("revoked_at", at, nullable=True),
    )
    op.create_index("ix_api_tokens_person", "api_tokens", ["person"])


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("web_invitations")
    op.drop_table("web_sessions")
    op.drop_table("web_accounts")
