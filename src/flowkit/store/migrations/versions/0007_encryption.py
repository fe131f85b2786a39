"""Encrypted contact data (issue 12 item 5): which key the profiles are sealed with, and the
blind index that finds duplicates without reading a phone or an email.

- `encryption`: one row once the profiles are encrypted, naming the key's id (never the key);
  no row: a plaintext database (made and used without a key);
- `customer_keys`: per customer, the HMAC of each normalised mobile and email
  (`customers.dedupe`), indexed, so that 撞单 checks look up candidates instead of reading
  every profile. A database from before this revision is plaintext: its index is filled
  here, unkeyed (`store.crypto.unkeyed_blind`), and `flowkit keys encrypt` rekeys it.

The blind index has no row-level security (revision 0006): it maps keyed hashes to customer
numbers and nothing else, so that the duplicate check at entry (撞单) finds another team's
customer even on a person's own PostgreSQL login, which cannot read that customer's row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "encryption",
        sa.Column("id", sa.Integer, primary_key=True),  # always 1
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    keys = op.create_table(
        "customer_keys",
        sa.Column("customer_id", sa.String(20), sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("digest", sa.String(64), primary_key=True),
    )
    op.create_index("ix_customer_keys_digest", "customer_keys", ["digest"])
    _index_existing(keys)


def _index_existing(keys: sa.Table) -> None:
    """The unkeyed index of the profiles on file (plaintext: no key was ever configured)."""
    from flowkit.customers.dedupe import email_key, phone_key
    from flowkit.store.crypto import unkeyed_blind

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, profile FROM customers")).all()
    pairs = []
    for customer_id, profile in rows:
        doc = json.loads(profile) if isinstance(profile, str) else profile
        digests = set()
        for contact in doc.get("contacts") or ():
            phone = phone_key(str(contact.get("mobile") or ""))
            email = email_key(str(contact.get("email") or ""))
            digests |= {unkeyed_blind(k, v) for k, v in (("phone", phone), ("email", email)) if v}
        pairs += [{"customer_id": customer_id, "digest": d} for d in sorted(digests)]
    if pairs:
        op.bulk_insert(keys, pairs)


def downgrade() -> None:
    op.drop_index("ix_customer_keys_digest", "customer_keys")
    op.drop_table("customer_keys")
    op.drop_table("encryption")
