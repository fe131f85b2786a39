"""Replacing an output folder all at once: readers see the old handbook or the new one.

A handbook folder is often served or synced while it is rebuilt. Everything is written
into a fresh folder beside `out` (same parent, so the renames stay on one file system
and are atomic), then swapped in; on any error the new folder is removed and `out` is
exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary folder to fill; when the block ends without error it becomes `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _as_usual(staging)
        yield staging
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _as_usual(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; the handbook is read by web servers and colleagues."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


def _swap(staging: Path, out: Path) -> None:
    """Move `out` aside, move `staging` in, delete the old one; put `out` back on failure."""
    if not (out.exists() or out.is_symlink()):
        os.replace(staging, out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent)) / out.name
    os.replace(out, aside)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(aside, out)
        aside.parent.rmdir()
        raise
    _remove(aside)
    shutil.rmtree(aside.parent, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
