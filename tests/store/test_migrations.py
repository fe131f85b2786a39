"""A database made by an older flowkit is upgraded in place, keeping its data."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from flowkit.store import Store
from flowkit.store.db import MIGRATIONS, database_url


def test_upgrade_from_the_first_revision_keeps_opportunities(db_url: str) -> None:
    engine = create_engine(database_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO process_versions VALUES ('h', 'p', '1', 'p.yaml', 'x', "
                "'2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO instances (process_id, process_hash, name, customer, owner, node, "
                "node_entered_at, state, next_action, risk, risk_note, fields, started_at, "
                "close_reason, revision) VALUES ('p', 'h', '老商机', '老客户', 'li.lei', 'a', "
                "'2026-11-01 00:00:00', 'open', '', false, '', '{}', '2026-11-01 00:00:00', '', 1)"
            )
        )
        for seq in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO events (instance_id, seq, kind, at, recorded_at, node, data) "
                    f"VALUES (1, {seq}, 'entered', '2026-11-01 00:00:00', "
                    "'2026-11-01 00:00:00', 'a', '{}')"
                )
            )
    engine.dispose()
    store = Store.open(db_url)  # upgrades to the newest revision (0002 copies `instances`)
    with store.read() as tx:
        row = tx.instance(1)
        if tx.conn.dialect.name == "sqlite":  # switched off for the copy, on again after
            assert tx.conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
    assert row is not None and row["customer"] == "老客户" and row["customer_id"] is None
    assert row["last_seq"] == 2  # counted from its events: the next command numbers on


def test_head_is_the_newest_migration() -> None:
    """`db.HEAD` lets an up-to-date database open without Alembic: it must name the newest
    revision under migrations/versions/ (add a migration, move HEAD)."""
    from alembic.script import ScriptDirectory

    from flowkit.store.db import HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_an_older_database_is_still_upgraded_through_alembic(db_url: str) -> None:
    from flowkit.store.db import HEAD, schema_revision

    engine = create_engine(database_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    assert schema_revision(engine) == "0002"
    engine.dispose()
    store = Store.open(db_url)
    assert schema_revision(store.engine) == HEAD
    store.close()


def test_a_database_newer_than_flowkit_is_refused(db_url: str) -> None:
    from flowkit.errors import StoreError

    Store.open(db_url).close()
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema revision 9999, newer than this flowkit"):
        Store.open(db_url)


def test_profiles_from_before_encryption_are_indexed_for_duplicates(db_url: str) -> None:
    from flowkit.store.crypto import unkeyed_blind

    engine = create_engine(database_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    profile = '{"contacts": [{"name": "张伟", "mobile": "+86 138 1234 5678", "email": "A@B.cn"}]}'
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")  # the revision before encryption
        conn.execute(
            text(
                "INSERT INTO customers (id, name, name_key, owner, industry, stage, completeness, "
                "missing, rules_digest, profile, created_at, updated_at, revision) VALUES "
                "('C00001', '宏达', '宏达', 'li.lei', '', 'potential', 0, '[]', 'x', :p, "
                "'2026-11-01 00:00:00', '2026-11-01 00:00:00', 1)"
            ),
            {"p": profile},
        )
    engine.dispose()
    store = Store.open(db_url, keys=lambda: None)
    with store.read() as tx:
        assert tx.customers.key_id() is None  # plaintext, as it was made
        assert tx.customers.sharing([("phone", "13812345678")]) == ["C00001"]
        assert tx.customers.sharing([("email", "a@b.cn")]) == ["C00001"]
        digests = tx.conn.execute(text("SELECT digest FROM customer_keys")).scalars().all()
    store.close()
    assert sorted(digests) == sorted(
        [unkeyed_blind("phone", "13812345678"), unkeyed_blind("email", "a@b.cn")]
    )
