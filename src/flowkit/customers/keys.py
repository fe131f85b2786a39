"""Encrypting the profiles of a database, and moving them to a new key (`flowkit keys`).

The store seals and opens (`store.crypto`, `CustomerQueries.reseal`); what it cannot know
is a profile's normalised mobiles and emails, which the blind index is computed from:
those come from `customers.dedupe`, here. Everything happens in one transaction: the
current key must open every value, or nothing changes. On PostgreSQL the transaction first
locks the sealed tables against writers (`CustomerQueries.hold_for_reseal`): a write that
began before waits to be finished, one that begins meanwhile waits and then seals with the
new key, so nothing is left sealed with the old one and no write is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowkit.errors import InputError
from flowkit.messages import msg

if TYPE_CHECKING:
    from flowkit.store import CustomerRow, Store
    from flowkit.store.crypto import Key


def encrypt(store: Store, key: Key) -> int:
    """Seal the profiles of a plaintext database with `key`; the number of profiles."""
    from flowkit.store.crypto import Vault

    with store.write() as tx:
        tx.customers.hold_for_reseal()
        tx.serialize()  # see `rotate`
        found = tx.customers.key_id()
        if found is not None:
            raise InputError(
                msg("the profiles are already encrypted (key {key})", key=found),
                msg("to change the key: flowkit keys rotate --new-key-file FILE"),
            )
        return tx.customers.reseal(Vault(key), _contact_keys)


def rotate(store: Store, new: Key) -> int:
    """Open every sealed value with the current key (the store's) and seal it with `new`,
    the blind index recomputed; the number of profiles."""
    from flowkit.store.crypto import Vault

    with store.write() as tx:
        tx.customers.hold_for_reseal()  # first: every writer takes its share of it first
        # a rotation started at the same moment waits, then reads the values as the first
        # left them (and is refused by the key it no longer holds): never a mix of two keys
        tx.serialize()
        found = tx.customers.key_id()
        if found is None:
            raise InputError(
                msg("the profiles in this database are not encrypted"),
                msg("encrypt them with: flowkit keys encrypt"),
            )
        if found == new.id:
            raise InputError(msg("the new key is the key in use (id {key})", key=found))
        return tx.customers.reseal(Vault(new), _contact_keys)


def _contact_keys(row: CustomerRow) -> list[tuple[str, str]]:
    from flowkit.customers.dedupe import contact_keys
    from flowkit.customers.records import from_row

    return contact_keys(from_row(row, ()))
