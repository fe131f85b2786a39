"""`flowkit serve` (the team's workspace) and `flowkit user` (its accounts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flowkit.cli.session import Session, pass_session, say


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (several need PostgreSQL: --db postgresql://…).",
)
@click.option(
    "--handbook",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder `flowkit render` wrote, served at /handbook/ (default: rendered at start).",
)
@click.option("--https", "secure", is_flag=True, help="Behind HTTPS: cookies only over TLS.")
@click.option("--base-url", default="", help="How people reach it, e.g. https://crm.example.com.")
@click.option(
    "--proxy-header",
    metavar="HEADER",
    help="Single sign-on: the header a trusted proxy sets to the person id (X-Forwarded-User).",
)
@click.option(
    "--proxy-address",
    multiple=True,
    metavar="IP",
    help="The address that proxy connects from (repeatable; required with --proxy-header).",
)
@pass_session
def serve(
    session: Session,
    *,
    host: str,
    port: int,
    workers: int,
    handbook: Path | None,
    secure: bool,
    base_url: str,
    proxy_header: str | None,
    proxy_address: tuple[str, ...],
) -> None:
    """The sales team's workspace: web pages and a JSON API (/api/v1) over the database.

    Everyone logs in as a person of org.yaml and sees and does what their role allows
    (docs/security.md). `flowkit user invite PERSON` makes a one-time link to set a
    password. The process files are read again when they change.

    \b
    Example:
      flowkit --db demo.db serve                       # http://127.0.0.1:8000
      flowkit --db postgresql://… serve --workers 4 --https --base-url https://crm.example.com
    """
    from flowkit.web.server import run

    if proxy_header and not proxy_address:
        raise click.UsageError("--proxy-header needs --proxy-address: the proxy's own address")
    if workers > 1 and not (session.db or "").startswith("postgresql"):
        raise click.UsageError("several --workers need PostgreSQL (--db postgresql://…)")
    session.tracker()  # the database and the processes are checked before listening
    if handbook is None:
        handbook = _rendered(session.processes)
    settings = dict(
        db=session.db,
        processes=str(session.processes),
        fixed_now=session.fixed_now,
        secure_cookies=secure,
        proxy_header=proxy_header,
        proxy_addresses=list(proxy_address),
        base_url=base_url.rstrip("/"),
        handbook=str(handbook),
    )
    click.echo(f"flowkit workspace on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    run(settings, host, port, workers)


def _rendered(processes: Path) -> Path:
    """The handbook of the processes, written once at start into a folder of its own."""
    import tempfile

    from flowkit.publish import publish

    out = Path(tempfile.mkdtemp(prefix="flowkit-handbook-"))
    publish([processes], out)
    return out


@click.group()
def user() -> None:
    """The workspace's accounts: passwords, invitations, lock-outs, API tokens."""


def _accounts(session: Session):  # type: ignore[no-untyped-def]
    from flowkit.access.accounts import Accounts

    tracker = session.tracker()
    return Accounts(tracker.store, tracker.people, tracker.access)


@user.command(name="set-password")
@click.argument("person")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from standard input.")
@pass_session
def set_password(session: Session, *, person: str, from_stdin: bool) -> None:
    """Set PERSON's password (asked twice, not shown); their sessions end."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _accounts(session).set_password(person, password, session.now())
    from flowkit.messages import msg

    say(msg("{person}'s password is set", person=person))


@user.command()
@click.argument("person")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True)
@pass_session
def invite(session: Session, *, person: str, base_url: str) -> None:
    """A one-time link for PERSON to set their password (valid 3 days)."""
    secret = _accounts(session).invite(person, session.now())
    click.echo(f"{base_url.rstrip('/')}/invite/{secret}")


@user.command()
@click.argument("person")
@pass_session
def unlock(session: Session, *, person: str) -> None:
    """Lift PERSON's lock-out after failed logins."""
    _accounts(session).unlock(person)


@user.command()
@click.argument("person")
@pass_session
def logout(session: Session, *, person: str) -> None:
    """End every session of PERSON (a lost phone, someone leaving)."""
    ended = _accounts(session).logout_everywhere(person, session.now())
    from flowkit.messages import msg

    say(msg("{n} sessions of {person} ended", n=ended, person=person))


@user.command()
@click.argument("person")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--days", type=click.IntRange(1, 3650), help="Expires after this many days.")
@pass_session
def token(session: Session, *, person: str, name: str, scope: str, days: int | None) -> None:
    """A personal API token for PERSON, named NAME (what it is for); printed once."""
    _, secret = _accounts(session).create_token(person, name, scope, session.now(), days)
    click.echo(secret)


@user.command()
@click.argument("token_id", type=int)
@pass_session
def revoke(session: Session, *, token_id: int) -> None:
    """Revoke the API token TOKEN_ID."""
    _accounts(session).revoke_token(token_id, session.now())
