"""Which files a set of paths means: the one rule `validate` and the tracking commands share.

Kept apart from `flowkit.validate` so that a command can name (and hash) its input files
without importing the validation pipeline: that is how the compiled-definitions cache
knows, in a millisecond, that nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flowkit.errors import InputError
from flowkit.messages import msg

SUFFIXES = (".yaml", ".yml")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders searched for *.yaml / *.yml (hidden folders skipped), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                raise InputError(msg("no process files (*.yaml, *.yml) under '{path}'", path=raw))
            found.extend(files)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(msg("'{path}' does not exist", path=raw))
    return list(dict.fromkeys(found))


def siblings(files: Iterable[Path]) -> list[Path]:
    """The other YAML files in the folders of `files` (validation reads the process ids they
    declare, so they are inputs too), sorted."""
    chosen = set(files)
    found: list[Path] = []
    for folder in sorted({f.parent for f in chosen}):
        found.extend(
            sorted(
                p
                for p in folder.iterdir()
                if p.suffix in SUFFIXES and p not in chosen and p.is_file()
            )
        )
    return found
