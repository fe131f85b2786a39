"""`flowkit keys`: the data key that encrypts contact and cooperation details at rest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from flowkit.cli.session import Session, pass_session, say

if TYPE_CHECKING:
    from flowkit.store.crypto import Key


@click.group()
def keys() -> None:
    """The key that encrypts customers' contact and cooperation details (数据安全).

    Phones, emails, addresses, orders, payments and after-sales records of customer
    profiles are encrypted with the key in the file FLOWKIT_KEY_FILE names (or in
    FLOWKIT_KEY, base64). Keep the key file out of the database's folder and out of the
    repository, readable by its owner only, and keep a copy somewhere safe: without it
    the encrypted fields cannot be read by anyone. docs/operations.md says more.
    """


@keys.command("new")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def new(file: Path) -> None:
    """Write a new random key into FILE (a new file, readable by its owner only).

    \b
    Example:
      flowkit keys new ~/.config/flowkit/key
      export FLOWKIT_KEY_FILE=~/.config/flowkit/key
    """
    from flowkit.messages import msg
    from flowkit.store.crypto import Key, write_key_file

    key = Key.generate()
    write_key_file(file, key)
    say(msg("wrote a new key (id {key}) to {file}", key=key.id, file=file))
    say(msg("set FLOWKIT_KEY_FILE={file}, and keep a copy of the file somewhere safe", file=file))


@keys.command("status")
@pass_session
def status(session: Session) -> None:
    """Whether the profiles are encrypted, with which key, and whether it is configured."""
    from flowkit.messages import msg
    from flowkit.store import Store
    from flowkit.store.crypto import key_from_env

    configured = key_from_env()
    store = Store.open(session.db)
    try:
        with store.read() as tx:
            found = tx.customers.key_id()
    finally:
        store.close()
    if found is None:
        say(msg("the customer profiles are not encrypted"))
    else:
        say(msg("the customer profiles are encrypted with key {key}", key=found))
    if configured is None:
        say(msg("no key is configured (FLOWKIT_KEY_FILE, FLOWKIT_KEY)"))
    else:
        say(msg("the configured key is {key}", key=configured.id))


@keys.command("encrypt")
@pass_session
def encrypt(session: Session) -> None:
    """Encrypt the profiles of a database made without a key, in one transaction.

    The key is the configured one (FLOWKIT_KEY_FILE or FLOWKIT_KEY).
    """
    from flowkit.customers.keys import encrypt as encrypt_profiles
    from flowkit.messages import msg
    from flowkit.store import Store

    key = _configured()
    store = Store.open(session.db, keys=lambda: key)
    try:
        count = encrypt_profiles(store, key)
    finally:
        store.close()
    say(msg("encrypted {n:,} customer profiles with key {key}", n=count, key=key.id))


@keys.command("rotate")
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new key (flowkit keys new makes one).",
)
@pass_session
def rotate(session: Session, *, new_key_file: Path) -> None:
    """Re-encrypt every encrypted value with the key in --new-key-file, in one transaction.

    The configured key (FLOWKIT_KEY_FILE) must open every value first, or nothing
    changes. Afterwards point FLOWKIT_KEY_FILE at the new file; keep the old one until
    every backup made with it has expired (backups stay encrypted with the old key).

    \b
    Example:
      flowkit keys new key-2027
      flowkit keys rotate --new-key-file key-2027
    """
    from flowkit.customers.keys import rotate as rotate_profiles
    from flowkit.messages import msg
    from flowkit.store import Store
    from flowkit.store.crypto import read_key_file

    old = _configured()
    new_key = read_key_file(new_key_file)
    store = Store.open(session.db, keys=lambda: old)
    try:
        count = rotate_profiles(store, new_key)
    finally:
        store.close()
    say(
        msg(
            "re-encrypted {n:,} customer profiles with key {key}; set FLOWKIT_KEY_FILE={file}",
            n=count,
            key=new_key.id,
            file=new_key_file,
        )
    )


def _configured() -> Key:
    from flowkit.errors import InputError
    from flowkit.messages import msg
    from flowkit.store.crypto import key_from_env

    key = key_from_env()
    if key is None:
        raise InputError(
            msg("no key is configured"),
            msg("set FLOWKIT_KEY_FILE to a key file (flowkit keys new FILE makes one)"),
        )
    return key
