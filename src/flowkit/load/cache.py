"""The compiled-definitions cache: validated models kept between commands, keyed by content.

Validating the process files takes longer than most commands' own work (YAML with
positions, the JSON Schema, the semantic checks, networkx). The tracking commands need
only the result, so it is kept here and used again while no input changed.

- **Key.** The SHA-256 of every input file's bytes (content, never mtime), with the
  paths as given, plus a fingerprint of flowkit's own code and Python's version: editing,
  adding or removing any process, org.yaml, customers.yaml or calendar file, or upgrading
  flowkit, is a different key. A cache entry whose key differs is simply rebuilt.
- **Where.** A per-user folder, `$XDG_CACHE_HOME/flowkit` (`~/.cache/flowkit`;
  `%LOCALAPPDATA%\\flowkit\\cache` on Windows), or `FLOWKIT_CACHE_DIR`; set that to an
  empty string to turn the cache off. Not the database: a team's database is shared,
  read-only commands must not write to it, and anyone who can write to it would get to
  hand this user's process objects to unpickle. The definitions belong to the checkout.
- **Trust.** The entries are pickles, so they are treated as code: written owner-only
  (0600, atomically), and read only when they are regular files owned by this user that no
  one else may read or write. On top of that the loader refuses every global except
  flowkit's own dataclasses and enums, a few `datetime` types and the mapping proxy the
  model uses: even a planted file cannot name a function to call. Anything unexpected —
  a foreign owner, a torn write, a different key, a class that moved — is a miss, never
  an error: the command validates the files as if there were no cache.
"""

from __future__ import annotations

import dataclasses
import datetime as _datetime
import gc
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cache
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

FORMAT = b"flowkit compiled definitions 1\n"
_PACKAGE = Path(__file__).resolve().parents[1]  # src/flowkit
_ALLOWED_STDLIB: Mapping[tuple[str, str], Any] = {
    ("datetime", name): getattr(_datetime, name)
    for name in ("date", "datetime", "time", "timedelta", "timezone")
}


def folder() -> Path | None:
    """The per-user cache folder (None: the cache is off or there is no home)."""
    chosen = os.environ.get("FLOWKIT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "flowkit" / "cache"
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "flowkit"


@cache
def code_fingerprint() -> str:
    """flowkit's version, Python's, and the size and modification time of every file of the
    package (code, schemas): a changed flowkit never reads models another one pickled.

    Stat data, not content, for flowkit's own files: they change only when flowkit is
    installed or edited, both of which touch them, and reading them all would cost more
    than the rest of the key (about 1 ms for stat against 8 ms for content)."""
    from flowkit import __version__

    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    pending = [_PACKAGE]
    while pending:
        for entry in sorted(os.scandir(pending.pop()), key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append(Path(entry.path))
            elif entry.is_file():
                info = entry.stat()
                digest.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def content_key(files: Iterable[Path], *extra: str) -> str:
    """The key of a set of input files: each one's name and the SHA-256 of its bytes, in
    order, with `extra` strings and the code fingerprint. A file that cannot be read makes
    a key no entry has (its error is the validation's to report)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for text in extra:
        digest.update(f"\0{text}".encode())
    for path in files:
        try:
            body = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as e:
            body = f"unreadable {os.urandom(8).hex()} {e.errno}"
        digest.update(f"\0{path}\0{body}".encode())
    return digest.hexdigest()


def slot(*parts: str) -> str:
    """A file name for what `parts` name (one entry per project folder, overwritten when
    its key changes, so the folder holds one entry per place rather than per edit)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32] + ".pickle"


# What this process read or wrote, by folder and entry: the key it was for and the object.
# A process that loads the same definitions again (the web server's workspace, a test run)
# gets the object it has rather than unpickling the file again; a different key is a miss
# here as on disk. The objects are the model's immutable dataclasses, safe to share.
_kept: dict[tuple[Path, str], tuple[str, object]] = {}


def read(name: str, key: str) -> object | None:
    """The object stored under `name` with this `key`, or None for any kind of miss."""
    where = folder()
    if where is None:
        return None
    kept = _kept.get((where, name))
    if kept is not None and kept[0] == key:
        return kept[1]
    found = _read_file(where, name, key)
    if found is not None:
        _kept[(where, name)] = (key, found)
    return found


def forget() -> None:
    """Drop what this process kept: the next read goes to the files, as the next command's
    would (the tests of what a later command finds on disk)."""
    _kept.clear()


def _read_file(where: Path, name: str, key: str) -> object | None:
    try:
        fd = os.open(where / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            if handle.readline() != FORMAT or handle.readline() != key.encode() + b"\n":
                return None
            return _load(handle)
    except Exception:  # a torn or foreign entry is a miss, whatever it raises
        return None


def write(name: str, key: str, value: object) -> None:
    """Store `value` under `name` (best effort: a cache that cannot be written is no cache)."""
    where = folder()
    if where is None:
        return
    temporary = None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # here: a command that finds its entry never writes one

        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=where)  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(FORMAT + key.encode() + b"\n")
            _Dumper(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        os.replace(temporary, where / name)
        temporary = None
        _kept[(where, name)] = (key, value)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _load(handle: BinaryIO) -> object:
    """Unpickle with the cycle collector paused: the model is thousands of small objects
    and no cycles, yet their allocation would set off full collections over everything
    the command imported (measured: 2 ms to load, up to 50 ms with the collector on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        found: object = _Loader(handle).load()
    finally:
        if was_enabled:
            gc.enable()
    return found


def _trusted(info: os.stat_result) -> bool:
    """A regular file of this user that nobody else may read or write."""
    if not stat.S_ISREG(info.st_mode):
        return False
    if hasattr(os, "getuid"):
        return info.st_uid == os.getuid() and not info.st_mode & 0o077
    return True  # Windows: the per-user profile folder is the protection


def _mapping(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """The model's read-only mappings (`spots`), rebuilt: a mappingproxy does not pickle."""
    return MappingProxyType(items)


class _Dumper(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return _mapping, (dict(obj),)
        return NotImplemented


class _Loader(pickle.Unpickler):
    """An unpickler that builds flowkit's model and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_STDLIB:
            return _ALLOWED_STDLIB[module, name]
        if module == __name__ and name == "_mapping":
            return _mapping
        if module.startswith("flowkit.") and "." not in name:
            found = getattr(import_module(module), name, None)
            if isinstance(found, type) and (
                dataclasses.is_dataclass(found) or issubclass(found, Enum)
            ):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of flowkit's model")
