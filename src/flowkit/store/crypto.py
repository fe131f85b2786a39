"""Contact and cooperation details encrypted at rest (数据安全: 客户档案加密存储).

A 256-bit data key, never in the database or the repository, comes from the file named by
`FLOWKIT_KEY_FILE` (refused when group or others may read it) or from `FLOWKIT_KEY`
(base64). Each sensitive value of a profile is sealed on its own with AES-GCM: a random
96-bit nonce per value, and as associated data the table, column, row and field it belongs
to, so a ciphertext copied into another customer's row or field fails authentication
instead of showing someone else's phone number. A sealed value is text,
`fk1:<key id>:<base64 of nonce + ciphertext>`: the key id (derived from the key, revealing
nothing about it) tells a value sealed with an old key from one sealed with the current key
during rotation, and tells a wrong key from damaged data.

Duplicate detection cannot compare ciphertexts (each sealing is random), so the normalised
phone and email keys of `customers.dedupe` are stored as a blind index: HMAC-SHA256 under a
key derived from the data key by HKDF, in the `customer_keys` table.

`cryptography` is imported only when a value is sealed or opened: reading the key and its
id needs only the standard library, and commands that never touch a profile (`status`)
never import it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from flowkit.errors import InputError, StoreError
from flowkit.messages import msg

KEY_FILE_ENV = "FLOWKIT_KEY_FILE"
KEY_ENV = "FLOWKIT_KEY"
PREFIX = "fk1"  # the format of a sealed value; a later format gets another prefix
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
# The profile fields sealed whole (注册地址 and the cooperation history, 合作历史: orders with
# their amounts and contract terms, payments, after-sales), and the contact fields sealed one
# by one (手机号码, 邮箱). Names, owners, grades and stages stay clear: lists, filters and
# access rules need them.
SEALED_FIELDS = ("address", "orders", "payments", "after_sales")
SEALED_CONTACT_FIELDS = ("mobile", "email")
# What a profile's history (`customer_changes.changes`) seals: the same fields, and contacts
# (their before/after lists hold mobiles and emails).
SEALED_CHANGES = (*SEALED_FIELDS, "contacts")
_UNKEYED = b"flowkit blind index without a key"  # a plaintext database's index (data is clear)

Json = Any
KeySource = Callable[[], "Key | None"]  # the data key when first needed; None: no key


@dataclass(frozen=True)
class Key:
    """A data key and its id (the first 16 hex digits of an HMAC of a constant under it)."""

    raw: bytes

    @cached_property
    def id(self) -> str:
        return hmac.new(self.raw, b"flowkit key id", hashlib.sha256).hexdigest()[:16]

    @classmethod
    def generate(cls) -> Key:
        return cls(os.urandom(KEY_BYTES))

    def text(self) -> str:
        """The key as a key file holds it (and FLOWKIT_KEY takes it): base64."""
        return base64.b64encode(self.raw).decode("ascii")


def parse_key(text: str, where: str) -> Key:
    """A key from its base64 text; InputError naming `where` it came from when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise InputError(
            msg("{where} holds no flowkit key (base64 of 32 bytes)", where=where),
            msg("make one with: flowkit keys new KEYFILE"),
        )
    return Key(raw)


def read_key_file(path: Path) -> Key:
    """The key in `path`; refused when the file is missing or readable by group or others."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(
            msg("cannot read the key file {file}: {problem}", file=path, problem=str(e))
        ) from e
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(
            msg(
                "the key file {file} may be read by others (mode {mode}); flowkit uses it "
                "only when its owner alone can read it",
                file=path,
                mode=f"{stat.S_IMODE(mode):04o}",
            ),
            msg("chmod 600 {file}", file=path),
        )
    return parse_key(text, str(path))


def key_from_env(environ: Mapping[str, str] | None = None) -> Key | None:
    """The key FLOWKIT_KEY_FILE names, else FLOWKIT_KEY's, else None (no key configured)."""
    env = os.environ if environ is None else environ
    if env.get(KEY_FILE_ENV):
        return read_key_file(Path(env[KEY_FILE_ENV]))
    if env.get(KEY_ENV):
        return parse_key(env[KEY_ENV], KEY_ENV)
    return None


def write_key_file(path: Path, key: Key) -> None:
    """A new key file readable by its owner only (0600); an existing file is never replaced."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as e:
        raise InputError(msg("{file} exists; a key file is never overwritten", file=path)) from e
    except OSError as e:
        raise InputError(msg("cannot write {file}: {problem}", file=path, problem=str(e))) from e
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.text() + "\n")


def missing_key() -> InputError:
    return InputError(
        msg("the customer profiles in this database are encrypted, and no key is configured"),
        msg(
            "set {file} to the key file's path (or {env} to the key itself)",
            file=KEY_FILE_ENV,
            env=KEY_ENV,
        ),
    )


class Vault:
    """Seals and opens values with one key; computes the blind index under it."""

    def __init__(self, key: Key) -> None:
        self.key = key

    @cached_property
    def _aead(self) -> Any:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self.key.raw)

    @cached_property
    def _index_key(self) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        derive = HKDF(hashes.SHA256(), length=32, salt=None, info=b"flowkit blind index")
        return derive.derive(self.key.raw)

    def seal(self, value: Json, where: str) -> str:
        """`value` (any JSON) sealed for the place `where` (table/column/row/field)."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        sealed = self._aead.encrypt(nonce, plain, where.encode("utf-8"))
        return f"{PREFIX}:{self.key.id}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def open(self, text: Json, where: str) -> Json:
        """The value sealed in `text` for `where`; StoreError (or InputError for another
        key) when it was not sealed here, with this key, or was changed since."""
        from cryptography.exceptions import InvalidTag

        parts = text.split(":", 2) if isinstance(text, str) else []
        if len(parts) != 3 or parts[0] != PREFIX:
            raise _damaged(where)
        if parts[1] != self.key.id:
            raise InputError(
                msg(
                    "{where} was encrypted with key {found}, and the configured key is {key}",
                    where=where,
                    found=parts[1],
                    key=self.key.id,
                ),
                msg("set {file} to that key's file", file=KEY_FILE_ENV),
            )
        try:
            blob = base64.b64decode(parts[2], validate=True)
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], where.encode())
        except (binascii.Error, ValueError, InvalidTag) as e:
            raise _damaged(where) from e
        return json.loads(plain)

    def blind(self, kind: str, value: str) -> str:
        return blind(self._index_key, kind, value)


def blind(index_key: bytes, kind: str, value: str) -> str:
    """The blind index of a normalised key (`kind` is phone or email)."""
    return hmac.new(index_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def unkeyed_blind(kind: str, value: str) -> str:
    """A plaintext database's index: no secret, as the values beside it are clear anyway."""
    return blind(_UNKEYED, kind, value)


def _damaged(where: str) -> StoreError:
    return StoreError(
        msg(
            "{where}: the encrypted value does not authenticate (changed, or copied from "
            "another row); nothing was shown",
            where=where,
        ),
        msg("restore the database from a backup (flowkit restore)"),
    )


# profiles and their history ------------------------------------------------------------
def _place(table: str, row: str, field: str) -> str:
    return f"{table}/{row}/{field}"


def seal_profile(vault: Vault, customer_id: str, doc: Mapping[str, Json]) -> dict[str, Json]:
    """The profile document with its sensitive values sealed (empty ones stay empty)."""
    out = dict(doc)
    for field in SEALED_FIELDS:
        if out.get(field):
            out[field] = vault.seal(out[field], _place("customers.profile", customer_id, field))
    out["contacts"] = [
        _contact(c, i, customer_id, vault.seal) for i, c in enumerate(out.get("contacts") or ())
    ]
    return out


def open_profile(vault: Vault, customer_id: str, doc: Mapping[str, Json]) -> dict[str, Json]:
    """The profile document with its sealed values opened."""
    out = dict(doc)
    for field in SEALED_FIELDS:
        if out.get(field):
            out[field] = vault.open(out[field], _place("customers.profile", customer_id, field))
    out["contacts"] = [
        _contact(c, i, customer_id, vault.open) for i, c in enumerate(out.get("contacts") or ())
    ]
    return out


def open_text(vault: Vault, customer_id: str, field: str, text: str | None) -> Json:
    """One field of a profile as the database's JSON function returns it: a sealed value
    opened, an empty one (`[]`, `""`) as it is. A report that sums orders thus decrypts
    no phone number."""
    place = _place("customers.profile", customer_id, field)
    if text and text.startswith(f"{PREFIX}:"):
        return vault.open(text, place)
    value = json.loads(text) if text else None
    if value:  # a value in clear where a sealed one belongs: not what flowkit wrote
        raise _damaged(place)
    return value


def _contact(
    contact: Mapping[str, Json], index: int, customer_id: str, how: Callable[[Json, str], Json]
) -> dict[str, Json]:
    out = dict(contact)
    for field in SEALED_CONTACT_FIELDS:
        if out.get(field):
            place = _place("customers.profile", customer_id, f"contacts/{index}/{field}")
            out[field] = how(out[field], place)
    return out


def seal_changes(vault: Vault, customer_id: str, changes: Mapping[str, Json]) -> dict[str, Json]:
    """A history line with the before/after of sensitive fields sealed (bound to the
    customer: a line moved to another customer fails)."""
    return {
        k: vault.seal(v, _place("customer_changes.changes", customer_id, k))
        if k in SEALED_CHANGES
        else v
        for k, v in changes.items()
    }


def open_changes(vault: Vault, customer_id: str, changes: Mapping[str, Json]) -> dict[str, Json]:
    return {
        k: vault.open(v, _place("customer_changes.changes", customer_id, k))
        if k in SEALED_CHANGES
        else v
        for k, v in changes.items()
    }
