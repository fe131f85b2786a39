"""Replacing an output folder all at once: readers see the old handbook or the new one.

A handbook folder is often served or synced while it is rebuilt. Everything is written
into a fresh folder beside `out` (same parent, so the renames stay on one file system
and are atomic), then swapped in; on any error the new folder is removed and `out` is
exactly as it was.

Only a folder flowkit rendered is ever replaced: each carries a marker file (MARKER), and
`-o` pointing at anything else — the processes folder, a folder of someone's files, a plain
file — is refused before anything is written. Handbooks rendered before the marker existed
are recognised by the generator tag of their index.html. A render killed half-way leaves its
staging folder behind; the next render of the same folder removes it, holding a lock on the
parent folder (flock) so that it never removes the folder of a render still running.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flowkit.errors import InputError
from flowkit.messages import msg

MARKER = ".flowkit-handbook"  # in every folder flowkit renders: it may replace that folder
_LEGACY = '<meta name="generator" content="flowkit">'  # index.html of an older handbook


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary folder to fill; when the block ends without error it becomes `out`.

    InputError, before anything is written, when `out` is something flowkit did not render."""
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent):
        _remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            _as_usual(staging)
            (staging / MARKER).write_text(
                "rendered by flowkit; `flowkit render` replaces this folder\n"
            )
            yield staging
            check_replaceable(out)  # it may have changed while rendering
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def check_replaceable(out: Path) -> None:
    """Refuse an output path that holds anything but a handbook flowkit rendered."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(
            msg(
                "{out}: not a folder; flowkit renders into a folder of its own and would "
                "replace it",
                out=str(out),
            ),
            msg("choose a new or empty folder with -o"),
        )
    if not out.is_dir() or (out / MARKER).is_file() or not any(out.iterdir()):
        return
    index = out / "index.html"
    if index.is_file() and _LEGACY in index.read_text("utf-8", errors="replace")[:2000]:
        return
    raise InputError(
        msg(
            "{out}: this folder holds files flowkit did not render; replacing it would delete them",
            out=str(out),
        ),
        msg(
            "choose a new or empty folder with -o (a folder flowkit rendered has a {marker} "
            "file and is replaced as a whole)",
            marker=MARKER,
        ),
    )


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One render at a time in `folder`: an exclusive lock on the folder itself, so that no
    lock file is left behind."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_leftovers(out: Path) -> None:
    """The staging and set-aside folders of renders of `out` that were killed (the lock says
    no render of this folder is running)."""
    for prefix in (f".{out.name}.new-", f".{out.name}.old-"):
        for stale in out.parent.glob(f"{prefix}*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)


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
