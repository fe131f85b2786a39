"""`flowkit user` (the workspace's accounts) and `flowkit serve`'s refusals, from the command
line: passwords from standard input, one-time links, tokens printed once and revocable, a
consultant managing only their own account, and options that cannot work refused before
anything listens."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.access import accounts
from flowkit.access.accounts import Accounts
from flowkit.access.guard import SYSTEM, Access
from flowkit.cli import main
from flowkit.tracking.tracker import open_tracker
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, user: str | None = None, stdin: str | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        who = ["--user", user] if user else []
        return CliRunner().invoke(
            main, [*base, *who, "--now", "2026-11-27T10:00", *args], input=stdin
        )

    invoke.db = tmp_path / "t.db"  # type: ignore[attr-defined]
    invoke.processes = processes  # type: ignore[attr-defined]
    return invoke


REAL_HASHER = accounts.hasher  # read at import: before tests/conftest.py makes it cheap


def _accounts(run: Any) -> Accounts:
    tracker = open_tracker(str(run.db), [run.processes], None, lambda: NOW)
    return Accounts(tracker.store, tracker.people, Access(tracker.people, SYSTEM))


def test_a_password_from_stdin_lets_the_person_log_in(run: Any) -> None:
    done = run("user", "set-password", "li.lei", "--stdin", stdin="一句足够长的口令用来登录\n")
    assert done.exit_code == 0, done.output
    assert "li.lei" in done.output
    login = _accounts(run).login("li.lei", "一句足够长的口令用来登录", NOW)
    assert login.person == "li.lei" and login.token


def test_passwords_are_stored_as_argon2id_at_its_recommended_cost(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests hash at argon2's cheapest (tests/conftest.py); flowkit itself at the
    parameters RFC 9106 recommends for low memory (64 MiB, 3 passes, 4 lanes)."""
    monkeypatch.setattr(accounts, "hasher", REAL_HASHER)
    done = run("user", "set-password", "li.lei", "--stdin", stdin="一句足够长的口令用来登录\n")
    assert done.exit_code == 0, done.output
    with _accounts(run).store.read() as tx:
        found = tx.accounts.account("li.lei")
    assert found is not None
    assert found["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "一句足够长" not in found["password_hash"]


def test_a_short_password_is_refused_and_nothing_is_set(run: Any) -> None:
    refused = run("user", "set-password", "li.lei", "--stdin", stdin="short\n")
    assert refused.exit_code == 2
    assert "at least 10 characters" in refused.output
    with _accounts(run).store.read() as tx:
        assert tx.accounts.account("li.lei") is None


def test_a_consultant_sets_only_their_own_password(run: Any) -> None:
    mine = run(
        "user", "set-password", "li.lei", "--stdin", user="li.lei", stdin="我自己的新密码够长了\n"
    )
    assert mine.exit_code == 0, mine.output
    other = run(
        "user", "set-password", "han.meimei", "--stdin", user="li.lei", stdin="别人的密码也够长了\n"
    )
    assert other.exit_code == 2
    assert "not found or not permitted" in other.output


def test_an_invitation_is_a_link_that_works_once(run: Any) -> None:
    link = run("user", "invite", "han.meimei", "--base-url", "https://crm.example.com/")
    assert link.exit_code == 0, link.output
    url = link.output.strip()
    assert url.startswith("https://crm.example.com/invite/")
    secret = url.rsplit("/", 1)[1]
    accounts = _accounts(run)
    assert accounts.invited(secret, NOW) == "han.meimei"
    accounts.accept(secret, "韩梅梅自己设置的新密码", NOW)
    with pytest.raises(Exception, match="used, expired or wrong"):
        accounts.invited(secret, NOW)


def test_a_token_is_printed_once_and_revocable(run: Any) -> None:
    made = run("user", "token", "li.lei", "日报脚本", "--scope", "read", "--days", "30")
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert secret.startswith("fk_")
    accounts = _accounts(run)
    found = accounts.token_user(secret, NOW)
    assert found is not None and found[0].id == "li.lei" and found[1] == "read"
    with accounts.store.read() as tx:
        [row] = tx.accounts.tokens("li.lei")
        assert secret not in str(row)  # only its digest is kept
    assert run("user", "revoke", str(row["id"])).exit_code == 0
    assert accounts.token_user(secret, NOW) is None


def test_unknown_people_are_refused(run: Any) -> None:
    refused = run("user", "invite", "nobody.here")
    assert refused.exit_code == 2
    assert "not found or not permitted" in refused.output


def test_serve_refuses_what_cannot_work(run: Any) -> None:
    several = run("serve", "--workers", "4")
    assert several.exit_code == 2
    assert "PostgreSQL" in several.output
    proxy = run("serve", "--proxy-header", "X-Forwarded-User")
    assert proxy.exit_code == 2
    assert "--proxy-address" in proxy.output
