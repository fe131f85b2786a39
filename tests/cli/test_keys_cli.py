"""`flowkit keys`, encrypted profiles through the commands, private files and verified
backups: what a person running flowkit sees."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.cli.test_customer_cli import HONGDA


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, key: Path | None = None, db: str = "t.db") -> Result:
        base = ["--db", str(tmp_path / db), "--processes", str(processes)]
        env = {"FLOWKIT_KEY_FILE": str(key) if key else "", "FLOWKIT_KEY": ""}
        return CliRunner().invoke(
            main, [*base, "--now", "2026-11-02T10:00", *args], env=env, catch_exceptions=False
        )

    return invoke


@pytest.fixture
def key(run: Any, tmp_path: Path) -> Path:
    path = tmp_path / "key"
    assert run("keys", "new", str(path)).exit_code == 0
    return path


def _raw(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT profile FROM customers").fetchall()
        rows += conn.execute("SELECT changes FROM customer_changes").fetchall()
    return "\n".join(json.dumps(json.loads(r[0]), ensure_ascii=False) for r in rows)


def test_a_key_file_is_private_and_never_overwritten(run: Any, key: Path) -> None:
    assert key.stat().st_mode & 0o777 == 0o600
    again = run("keys", "new", str(key))
    assert again.exit_code == 2 and "never overwritten" in again.output


def test_profiles_added_with_a_key_are_encrypted_in_the_file(
    run: Any, key: Path, tmp_path: Path
) -> None:
    assert run(*HONGDA, key=key).exit_code == 0
    raw = _raw(tmp_path / "t.db")
    for secret in ("13812345678", "zhangwei@hongda.cn", "浦东"):
        assert secret not in raw
    key_text = key.read_text("ascii").strip()
    assert key_text.encode() not in (tmp_path / "t.db").read_bytes()  # never in the database
    shown = run("customer", "show", "C00001", key=key)
    assert "13812345678" in shown.output and "上海市浦东新区" in shown.output
    assert "encrypted with key" in run("keys", "status", key=key).output


def test_a_missing_or_wrong_key_exits_2_with_the_way_out(
    run: Any, key: Path, tmp_path: Path
) -> None:
    run(*HONGDA, key=key)
    missing = run("customer", "show", "C00001")
    assert missing.exit_code == 2
    assert "no key is configured" in missing.output and "FLOWKIT_KEY_FILE" in missing.output
    other = tmp_path / "other"
    run("keys", "new", str(other))
    wrong = run("customer", "show", "C00001", key=other)
    assert wrong.exit_code == 2 and "is not the key this database is encrypted with" in wrong.output
    assert "Traceback" not in missing.output + wrong.output
    assert run("customer", "list").exit_code == 0  # names and grades stay readable


def test_rotate_then_read_back_with_the_new_key(run: Any, key: Path, tmp_path: Path) -> None:
    run(*HONGDA, key=key)
    new = tmp_path / "new"
    run("keys", "new", str(new))
    done = run("keys", "rotate", "--new-key-file", str(new), key=key)
    assert done.exit_code == 0 and "re-encrypted 1 customer profiles" in done.output
    assert run("customer", "show", "C00001", key=key).exit_code == 2  # the old key: refused
    assert "13812345678" in run("customer", "show", "C00001", key=new).output
    dup = run("customer", "add", "宏达二号", "--contact", "李四,,13812345678", "--owner", "li.lei",
              key=new)  # fmt: skip
    assert dup.exit_code == 2 and "撞单" in dup.output


def test_a_plaintext_database_is_encrypted_by_keys_encrypt(
    run: Any, key: Path, tmp_path: Path
) -> None:
    run(*HONGDA)
    assert "13812345678" in _raw(tmp_path / "t.db")
    refused = run("customer", "edit", "C00001", "--address", "北京", key=key)
    assert refused.exit_code == 2 and "flowkit keys encrypt" in refused.output
    assert "encrypted 1 customer profiles" in run("keys", "encrypt", key=key).output
    assert "13812345678" not in _raw(tmp_path / "t.db")
    assert run("customer", "edit", "C00001", "--address", "北京", key=key).exit_code == 0


def test_files_holding_customer_data_are_private(run: Any, key: Path, tmp_path: Path) -> None:
    run(*HONGDA, key=key, db="new.db")  # created by this command
    run("customer", "export", str(tmp_path / "out.xlsx"), key=key, db="new.db")
    run("customer", "export", str(tmp_path / "out.csv"), key=key, db="new.db")
    run("backup", str(tmp_path / "b.db"), key=key, db="new.db")
    made = [tmp_path / "new.db", tmp_path / "out.xlsx", tmp_path / "b.db"]
    made += [tmp_path / "b.db.manifest.json", *tmp_path.glob("out-*.csv")]
    assert len(made) == 8  # the three CSV tables and the export's 导出信息
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in made} == {p.name: "0o600" for p in made}


def test_backup_verify_passes_and_keeps_values_encrypted(
    run: Any, key: Path, tmp_path: Path
) -> None:
    run(*HONGDA, key=key)
    target = tmp_path / "b.db"
    done = run("backup", str(target), "--verify", key=key)
    assert done.exit_code == 0, done.output
    assert "match its manifest" in done.output
    assert "every encrypted value of its 1 customer profiles opens" in done.output
    assert "13812345678" not in _raw(target)
    again = run("backup", str(target), "--verify")  # an existing backup: verified only
    assert again.exit_code == 0 and "encrypted (key" in again.output


def test_backup_verify_fails_on_a_tampered_backup(run: Any, key: Path, tmp_path: Path) -> None:
    run(*HONGDA, key=key)
    target = tmp_path / "b.db"
    run("backup", str(target), key=key)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE customers SET owner = 'han.meimei'")
    conn.close()
    tampered = run("backup", str(target), "--verify", key=key)
    assert tampered.exit_code == 1
    assert "table customers: the rows differ" in tampered.output
    assert "does NOT restore as it was backed up" in tampered.output


def test_backup_verify_without_a_manifest_says_so(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    target = tmp_path / "b.db"
    run("backup", str(target))
    (tmp_path / "b.db.manifest.json").unlink()
    result = run("backup", str(target), "--verify")
    assert result.exit_code == 2 and "has no manifest" in result.output
