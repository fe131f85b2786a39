"""The tables, in SQLAlchemy Core: state that queries need lives in real, indexed columns.

- `process_versions` pins every definition an instance ever ran on (content hash → text);
- `instances` holds each opportunity's current state (node, owner, risk, fields);
- `events` is the append-only history, numbered per instance (a unique `(instance, seq)`
  makes two concurrent writers collide instead of interleaving);
- `timers` holds each SLA timer with its due and warning instants computed when it
  starts, so `flowkit status` is one indexed query, never a replay of history;
- `timer_history` keeps what a timer was before a pause, a resume, an arriving anchor or
  a counted follow-up changed it, so a past moment can be answered as it stood then.

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

    def bind_processor(self, dialect: Dialect) -> Any:
        """On SQLite, the UTC text written in one step (the text SQLAlchemy's DATETIME
        writes, `_sqlite_text`): every write binds several instants."""
        if dialect.name == "sqlite":
            return _sqlite_text
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """On SQLite, the stored UTC text parsed straight to an aware datetime (the
        same value SQLAlchemy's parser and `process_result_value` make, several times
        faster: a status reads tens of thousands of them)."""
        if dialect.name == "sqlite":
            return _sqlite_instant
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


def _sqlite_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("flowkit stores aware datetimes only")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value + "+00:00")


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
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=True, index=True),
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
    Column("last_seq", Integer, nullable=False, default=0, server_default="0"),  # events so far
    Index("ix_instances_state_owner", "state", "owner"),
    Index("ix_instances_process_node", "process_id", "node"),
    Index("ix_instances_process_started", "process_id", "started_at"),  # revision 0012
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
    Index("ix_events_node_at", "node", "at"),  # revision 0012: a routine's work
    Index("ix_events_kind_at", "kind", "at"),  # revision 0013: a month's events of a kind
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
    Column("data_until", Integer, nullable=True),  # the calendar's last year of holiday data
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
    # revision 0013: the timers that ended in a month, and whether they were due by then
    Index("ix_timers_kind_ended", "kind", "ended_at", "due_at"),
    # revision 0015: the review counts ended timers from the index alone; periods unsettled
    Index(
        "ix_timers_review_ended",
        "kind",
        "ended_at",
        "state",
        "instance_id",
        "node",
        "required",
        "done",
        "due_at",
    ),
    Index("ix_timers_kind_state_due", "kind", "state", "due_at"),
)


def _history(name: str, timers: str) -> Table:
    """Revision 0003: a timer's values before each change (`until` the instant they held
    to), so a past moment is answered as it stood; one such table per timers table."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("timer_id", Integer, ForeignKey(f"{timers}.id"), nullable=False),
        Column("until", Instant(), nullable=False),
        Column("state", String(10), nullable=False),
        Column("warn_at", Instant(), nullable=True),
        Column("due_at", Instant(), nullable=True),
        Column("done", Integer, nullable=False),
        Index(f"ix_{name}_until", "until", "timer_id"),
    )


timer_history = _history("timer_history", "timers")

# -- customer profiles (客户档案), revision 0002 ------------------------------------------

customers = Table(
    "customers",
    metadata,
    Column("id", String(20), primary_key=True),  # C0001
    Column("name", Text, nullable=False),  # 客户名称
    Column("name_key", Text, nullable=False, index=True),  # normalised, for duplicates
    Column("owner", String(100), nullable=False, index=True),
    Column("industry", Text, nullable=False, index=True),
    Column("size", String(12), nullable=True, index=True),
    Column("stage", String(12), nullable=False, index=True),
    Column("grade", String(8), nullable=True, index=True),
    Column("graded_at", Instant(), nullable=True),
    Column("completeness", Integer, nullable=False),  # percent, kept current by every write
    Column("missing", JSON, nullable=False),  # the required keys still empty
    Column("rules_digest", String(64), nullable=False),  # the rules those two were computed by
    Column("profile", JSON, nullable=False),  # the rest of the record, as the model holds it
    Column("merged_into", String(20), nullable=True),  # a merged duplicate points here
    Column("referred_by", String(20), nullable=True, index=True),  # 转介绍来源
    Column("created_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
    Column("revision", Integer, nullable=False),
)
# revision 0015, on SQLite only: the columns of a profile the review counts, read from the
# index rather than from rows that hold the whole record (PostgreSQL's json has no b-tree)
Index(
    "ix_customers_review",
    *(customers.c[k] for k in ("owner", "industry", "size", "stage", "grade", "completeness")),
    customers.c.missing,
    customers.c.created_at,
    customers.c.merged_into,
    customers.c.id,
).ddl_if(dialect="sqlite")

customer_tags = Table(
    "customer_tags",
    metadata,
    Column("customer_id", String(20), ForeignKey("customers.id"), primary_key=True),
    Column("tag", String(50), primary_key=True),
    Index("ix_customer_tags_tag", "tag"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=False),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=True),
    Column("at", Instant(), nullable=False),  # 跟进日期: when the contact happened
    Column("recorded_at", Instant(), nullable=False),
    # recorded_at - at, for the upkeep rule; 0 for history an import moved in without saying
    # when it was entered (never a late entry)
    Column("late_seconds", Integer, nullable=False),
    Column("method", String(10), nullable=False),
    Column("content", Text, nullable=False),
    Column("feedback", Text, nullable=False),
    Column("next_step", Text, nullable=False),
    Column("owner", String(100), nullable=False),
    Index("ix_follow_ups_customer_at", "customer_id", "at"),
    Index("ix_follow_ups_recorded", "recorded_at", "late_seconds"),
)

customer_timers = Table(
    "customer_timers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=False),
    Column("kind", String(12), nullable=False),  # maintenance | review
    Column("sla", Text, nullable=False),
    Column("lane", String(100), nullable=True),
    Column("calendar", String(100), nullable=False),
    Column("started_at", Instant(), nullable=False),
    Column("warn_at", Instant(), nullable=True),
    Column("due_at", Instant(), nullable=True),
    Column("required", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("method", String(10), nullable=True),
    Column("period", String(10), nullable=True),
    Column("state", String(10), nullable=False),  # running|late|met|missed|stopped
    Column("ended_at", Instant(), nullable=True),
    Index("ix_customer_timers_running", "state", "warn_at"),
    Index("ix_customer_timers_customer", "customer_id", "state"),
    Index("ix_customer_timers_kind_ended", "kind", "ended_at"),  # revision 0013
)

customer_timer_history = _history("customer_timer_history", "customer_timers")

customer_changes = Table(
    "customer_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=False, index=True),
    Column("recorded_at", Instant(), nullable=False),
    Column("kind", String(12), nullable=False),  # added | edited | graded | merged | won ...
    Column("actor", String(100), nullable=False),  # who ran the command (--user), or ""
    Column("changes", JSON, nullable=False),  # field -> [before, after]
    Index("ix_customer_changes_recorded", "recorded_at", "customer_id"),  # revision 0015
)

customer_merges = Table(  # each merge, what it did and what it moved: `customer unmerge`
    "customer_merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=False, index=True),
    Column("recorded_at", Instant(), nullable=False),
    Column("actor", String(100), nullable=False),  # who ran the command (--user), or ""
    Column("absorbed", JSON, nullable=False),  # the profiles folded in: id -> its document
    Column("fields", JSON, nullable=False),  # field by field: kept, taken from whom, united
    Column("changes", JSON, nullable=False),  # the kept profile's field -> [before, after]
    Column("moved", JSON, nullable=False),  # absorbed id -> table -> ids pointed at it before
    Column("undone_at", Instant(), nullable=True),
)

audits = Table(
    "audits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("week", String(10), nullable=False),  # ISO week, 2026-W48
    Column("team", String(100), nullable=False),  # "" for the whole organisation
    Column("customer_id", String(20), ForeignKey("customers.id"), nullable=False),
    Column("sampled_at", Instant(), nullable=False),
    Column("result", String(10), nullable=True),  # None until checked: ok | problem
    Column("note", Text, nullable=False),
    Column("checked_by", String(100), nullable=True),
    Column("checked_at", Instant(), nullable=True),
    UniqueConstraint("week", "team", "customer_id", name="uq_audits_week_team_customer"),
)

imports = Table(  # tracking files imported: a re-run of one is refused, not duplicated
    "imports",
    metadata,
    Column("fingerprint", String(64), primary_key=True),  # SHA-256 of the file's bytes
    Column("file", String(300), nullable=False),  # its name, for the message
    Column("imported_at", Instant(), nullable=False),
    Column("opportunities", Integer, nullable=False),
)

# Who did what, and what was refused (数据安全): appended in the transaction of each write,
# and after the rollback of each refusal; flowkit never updates or deletes a row, and the
# migration adds triggers that refuse anyone else's UPDATE or DELETE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Instant(), nullable=False),
    Column("actor", String(100), nullable=False),  # a person id, or system:NAME
    Column("command", String(40), nullable=False),  # as the CLI spells it: customer edit
    Column("action", String(20), nullable=False),  # flowkit.access.rules.Action
    Column("target", String(200), nullable=False),  # opportunity 12, customer C00003, ""
    Column("owner", String(100), nullable=False),  # whose record it is ("" for none)
    Column("outcome", String(10), nullable=False),  # done | refused
    Column("detail", JSON, nullable=False),  # the filter of an export, rows, the reason
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_actor_at", "actor", "at"),
)

# What PostgreSQL's row-level security reads (revision 0006), written from org.yaml by flowkit
# (`store.security`): which person each login is, and whose rows each person reaches.
access_logins = Table(
    "access_logins",
    metadata,
    Column("login", String(63), primary_key=True),
    Column("person", String(100), nullable=False),  # "" for the web server's pooled login
    Column("server", Boolean, nullable=False),
)
access_reach = Table(
    "access_reach",
    metadata,
    Column("person", String(100), primary_key=True),
    Column("action", String(10), primary_key=True),  # read | edit | audit | accounts
    Column("owner", String(100), primary_key=True),  # "*" for everyone's
)
# The people a service login (the web server's pooled one) may name per transaction
# (revision 0014): org.yaml's `service_logins:`, each with the roles it `acts_for`.
access_serves = Table(
    "access_serves",
    metadata,
    Column("login", String(63), primary_key=True),
    Column("person", String(100), primary_key=True),
)

# -- encrypted contact data, revision 0007 (store.crypto) ---------------------------------

encryption = Table(  # one row (id 1) once the profiles are encrypted; none: plaintext
    "encryption",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_id", String(16), nullable=False),  # the key's id, never the key
    Column("since", Instant(), nullable=False),
)

customer_keys = Table(  # the blind index: HMACs of each profile's normalised mobiles, emails
    "customer_keys",
    metadata,
    Column("customer_id", String(20), ForeignKey("customers.id"), primary_key=True),
    Column("digest", String(64), primary_key=True),
    Index("ix_customer_keys_digest", "digest"),
)

# -- the workspace's accounts, revision 0009 (store.accounts) --------------------------------
# Secrets are never kept as typed or sent: argon2id hashes of passwords, SHA-256 digests of
# the random tokens of sessions, invitations and API tokens.

web_accounts = Table(
    "web_accounts",
    metadata,
    Column("person", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=True),  # None: invited, no password yet
    Column("password_set_at", Instant(), nullable=True),
    Column("failures", Integer, nullable=False, default=0),  # failed logins in a row
    Column("locked_until", Instant(), nullable=True),
    Column("sessions_after", Instant(), nullable=True),  # "log out everywhere" at
)
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("person", String(100), nullable=False),
    Column("csrf", String(64), nullable=False),  # the token every form of the session posts
    Column("created_at", Instant(), nullable=False),
    Column("expires_at", Instant(), nullable=False),
    Column("how", String(20), nullable=False),  # password | invitation | proxy
    Index("ix_web_sessions_person", "person"),
)
web_invitations = Table(
    "web_invitations",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("person", String(100), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("expires_at", Instant(), nullable=False),
    Column("used_at", Instant(), nullable=True),
)
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person", String(100), nullable=False),
    Column("name", String(100), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("scope", String(10), nullable=False),  # read | write
    Column("created_at", Instant(), nullable=False),
    Column("expires_at", Instant(), nullable=True),
    Column("last_used_at", Instant(), nullable=True),
    Column("revoked_at", Instant(), nullable=True),
    Index("ix_api_tokens_person", "person"),
)

# -- notifications, revision 0010 (store.notices) ------------------------------------------

# Each notice (a breach, a warning, an escalation level, a digest) to one person through one
# channel: recorded `sending` before the message goes out and `sent` or `failed` after, so a
# run never sends one twice, even two runs at once or a run killed half-way.
notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(300), nullable=False),  # breach|opportunity:12:legal_review:...
    Column("level", Integer, nullable=False),  # 0 the first person told, 1 their manager, ...
    Column("recipient", String(100), nullable=False),  # a person id
    Column("channel", String(100), nullable=False),  # a channel id of notify.yaml
    Column("rule", String(100), nullable=False),  # the rule that planned it
    Column("kind", String(10), nullable=False),  # breach | at-risk | daily | weekly
    Column("owner", String(100), nullable=False),  # whose record it is about ("" for a digest)
    Column("title", Text, nullable=False),  # what it is about, for `notify log`
    Column("state", String(10), nullable=False),  # sending | sent | failed
    Column("attempts", Integer, nullable=False),  # deliveries it was claimed for
    Column("first_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
    Column("sent_at", Instant(), nullable=True),
    Column("delivery", Integer, nullable=True),  # the delivery (message) it last went in
    Column("error", Text, nullable=False),
    UniqueConstraint("subject", "level", "recipient", "channel", name="uq_notices_key"),
    Index("ix_notices_updated", "updated_at"),
)

# Each message sent through a channel (one or more notices): the channel's health, its rate.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(100), nullable=False),
    Column("audience", String(100), nullable=False),  # a person id, or the group: team:east-1
    Column("started_at", Instant(), nullable=False),
    Column("ended_at", Instant(), nullable=True),
    Column("state", String(10), nullable=False),  # sending | sent | failed
    Column("notices", Integer, nullable=False),
    Column("tries", Integer, nullable=False),  # requests made (retries included)
    Column("error", Text, nullable=False),
    Index("ix_deliveries_channel", "channel", "state", "id"),
    Index("ix_deliveries_started", "started_at"),
)
