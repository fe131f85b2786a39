"""The tables, in SQLAlchemy Core: state that queries need lives in real, indexed columns.

- `process_versions` pins every definition an instance ever ran on (content hash → text);
- `instances` holds each opportunity's current state (node, owner, risk, fields);
- `events` is the append-only history, numbered per instance (a unique `(instance, seq)`
  makes two concurrent writers collide instead of interleaving);
- `timers` holds each SLA timer with its due and warning instants computed when it
  starts, so `flowkit status` is one indexed query, never a replay of history.

Changing a table means a new Alembic revision under `migrations/versions/`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class Instant(TypeDecorator[datetime]):
    """An aware instant stored as UTC: SQLite keeps no offsets, PostgreSQL's timestamptz does;
    either way flowkit reads back an aware UTC datetime and never a naive one."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("flowkit stores aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


metadata = MetaData()

process_versions = Table(
    "process_versions",
    metadata,
    Column("hash", String(64), primary_key=True),  # sha256 of the source text
    Column("process_id", String(100), nullable=False, index=True),
    Column("version", String(50), nullable=False),
    Column("source_path", Text, nullable=False),
    Column("source_text", Text, nullable=False),
    Column("loaded_at", Instant(), nullable=False),
)

instances = Table(
    "instances",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", String(100), nullable=False),
    Column("process_hash", String(64), ForeignKey("process_versions.hash"), nullable=False),
    Column("name", Text, nullable=False),  # 商机名称
    Column("customer", Text, nullable=False),  # 客户名称
    Column("owner", String(100), nullable=False),  # 负责人 (a person id from org.yaml)
    Column("node", String(100), nullable=True),  # 当前阶段; None once closed
    Column("node_entered_at", Instant(), nullable=False),
    Column("state", String(10), nullable=False),  # open | paused | won | lost
    Column("expected_close", Date, nullable=True),  # 预计成交时间
    Column("next_action", Text, nullable=False, default=""),  # 关键动作
    Column("risk", Boolean, nullable=False, default=False),  # 风险预警
    Column("risk_note", Text, nullable=False, default=""),  # 风险描述
    Column("fields", JSON, nullable=False),
    Column("paused_at", Instant(), nullable=True),
    Column("started_at", Instant(), nullable=False),
    Column("closed_at", Instant(), nullable=True),
    Column("close_reason", Text, nullable=False, default=""),
    Column("revision", Integer, nullable=False, default=1),  # bumped by every write
    Index("ix_instances_state_owner", "state", "owner"),
    Index("ix_instances_process_node", "process_id", "node"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("at", Instant(), nullable=False),  # when it happened (--at)
    Column("recorded_at", Instant(), nullable=False),  # when it was written
    Column("node", String(100), nullable=True),
    Column("data", JSON, nullable=False),
    UniqueConstraint("instance_id", "seq", name="uq_events_instance_seq"),
)

timers = Table(
    "timers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False),
    Column("node", String(100), nullable=False),
    Column("kind", String(10), nullable=False),  # deadline | cadence
    Column("sla", Text, nullable=False),  # as written (or the override's label)
    Column("business", Boolean, nullable=False),  # counted in working time
    Column("calendar", String(100), nullable=False),
    Column("started_at", Instant(), nullable=False),
    Column("warn_at", Instant(), nullable=True),  # None: waits for its anchor
    Column("due_at", Instant(), nullable=True),
    Column("anchor", String(100), nullable=True),  # event or node a waiting timer needs
    Column("required", Integer, nullable=False, default=0),  # cadence: entries per period
    Column("done", Integer, nullable=False, default=0),  # cadence: entries so far
    Column("method", String(10), nullable=True),  # cadence: which follow-ups count
    Column("period", String(10), nullable=True),  # cadence: day | week | month | quarter
    Column("state", String(10), nullable=False),  # running|paused|late|met|missed|stopped
    Column("ended_at", Instant(), nullable=True),
    Index("ix_timers_running", "state", "warn_at"),
    Index("ix_timers_instance", "instance_id", "state"),
)
