"""`flowkit backup` and `--verify` on PostgreSQL: pg_dump from one snapshot with its
manifest, restored into a scratch database made and dropped for the purpose, compared per
table; a login that may not create it is told so."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from flowkit.customers.book import CustomerBook
from flowkit.errors import StoreError
from flowkit.model.customer import Contact, Customer
from flowkit.store import Store
from flowkit.store.crypto import Key
from flowkit.store.db import database_url
from flowkit.store.verify import _mac, back_up, manifest_path, verify
from flowkit.tracking import Definitions
from tests.conftest import cst
from tests.databases import _admin, database, require_postgresql

NOW = cst("2026-11-02T10:00")
KEY = Key(bytes(range(32)))
MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_postgresql()


@pytest.fixture
def filled(processes: Path, tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL database (a schema of its own) with three encrypted profiles."""
    db = database("postgresql", tmp_path)
    url = next(db)
    definitions = Definitions.load([processes])
    store = Store.open(url, keys=lambda: KEY)
    book = CustomerBook(store, definitions.customers, people=definitions.org)
    book.add(
        [
            Customer("", f"宏达{i}号有限公司", "li.lei", contacts=(Contact("张", mobile=m),))
            for i, m in enumerate((MOBILE, "13900000001", "13900000002"))
        ],
        now=NOW,
        distinct=True,
    )
    store.close()
    yield url
    next(db, None)


def _scratch_databases() -> set[str]:
    engine = create_engine(database_url("postgresql://postgres@127.0.0.1:5432/test"))
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE 'flowkit_verify_%'")
        )
        names = {str(r[0]) for r in found}
    engine.dispose()
    return names


def _backed_up(url: str, target: Path, key: Key | None) -> int:
    """`back_up` of the database at `url` to `target` on a store opened for it alone."""
    store = Store.open(url)
    try:
        return back_up(store, target, key)
    finally:
        store.close()


def test_a_backup_restores_into_a_scratch_database_and_matches(filled: str, tmp_path: Path) -> None:
    target = tmp_path / "flowkit.dump"
    size = _backed_up(filled, target, KEY)
    assert size == target.stat().st_size > 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    manifest = json.loads(manifest_path(target).read_text("utf-8"))
    assert manifest["dialect"] == "postgresql" and manifest["tables"]["customers"]["rows"] == 3
    before = _scratch_databases()
    done = verify(target, KEY, filled)
    assert done.problems == []
    assert done.tables == len(manifest["tables"]) and done.rows >= 3
    assert (done.opened, done.key_id) == (3, KEY.id)  # every sealed value opens
    assert _scratch_databases() == before  # the scratch database is gone
    sql = subprocess.run(
        ["pg_restore", "--file=-", str(target)], capture_output=True, text=True, check=True
    ).stdout
    assert "宏达0号有限公司" in sql and MOBILE not in sql  # the dump holds sealed values


def test_a_difference_from_the_manifest_is_named_per_table(filled: str, tmp_path: Path) -> None:
    target = tmp_path / "flowkit.dump"
    _backed_up(filled, target, KEY)
    path = manifest_path(target)
    manifest = json.loads(path.read_text("utf-8"))
    manifest["tables"]["customers"]["rows"] = 4  # what the dump should have held
    manifest["tables"]["follow_ups"]["sha256"] = "0" * 64
    manifest["mac"] = _mac(KEY, manifest["tables"])
    path.write_text(json.dumps(manifest), "utf-8")
    done = verify(target, KEY, filled)
    assert [str(p) for p in done.problems] == [
        "table customers: 3 rows restored, 4 backed up",
        "table follow_ups: the rows differ from the backup's",
    ]
    assert done.opened is None


def test_a_login_that_may_not_create_the_scratch_database_is_told(
    filled: str, tmp_path: Path
) -> None:
    target = tmp_path / "flowkit.dump"
    _backed_up(filled, target, None)
    login = f"fk_{uuid.uuid4().hex[:8]}_nocreate"
    _admin(f"CREATE ROLE {login} LOGIN NOCREATEDB")
    try:
        url = str(make_url(database_url(filled)).set(username=login).render_as_string(False))
        before = _scratch_databases()
        with pytest.raises(StoreError) as caught:
            verify(target, None, url)
        assert f"the login {login} may not create the scratch database" in str(caught.value)
        assert "CREATEDB" in str(caught.value.hint)
        assert _scratch_databases() == before
    finally:
        _admin(f"DROP ROLE {login}")


def test_a_postgresql_backup_is_verified_on_a_postgresql_server(
    filled: str, tmp_path: Path
) -> None:
    target = tmp_path / "flowkit.dump"
    store = Store.open(filled)
    try:
        back_up(store, target, None)
        with pytest.raises(StoreError, match="exists; a backup never overwrites"):
            back_up(store, target, None)
    finally:
        store.close()
    with pytest.raises(StoreError, match="verified on a PostgreSQL server"):
        verify(target, None, str(tmp_path / "local.db"))


def test_the_command_backs_up_and_verifies_postgresql(
    filled: str, tmp_path: Path, processes: Path
) -> None:
    from click.testing import CliRunner

    from flowkit.cli import main

    key = tmp_path / "key"
    key.write_text(KEY.text() + "\n", "ascii")
    key.chmod(0o600)
    target = tmp_path / "flowkit.dump"
    env = {"FLOWKIT_KEY_FILE": str(key), "FLOWKIT_KEY": ""}
    args = ["--db", filled, "--processes", str(processes), "backup", str(target), "--verify"]
    done = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "restored into a scratch database" in done.output
    assert "every encrypted value of its 3 customer profiles opens" in done.output
    login = f"fk_{uuid.uuid4().hex[:8]}_nocreate"
    _admin(f"CREATE ROLE {login} LOGIN NOCREATEDB")
    try:
        url = str(make_url(filled).set(username=login).render_as_string(False))
        args[1] = url
        refused = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    finally:
        _admin(f"DROP ROLE {login}")
    assert refused.exit_code == 2, refused.output
    assert "may not create the scratch database" in refused.output
