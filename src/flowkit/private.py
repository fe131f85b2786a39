"""Files that hold customer data are created readable by their owner only (0600).

The SQLite database, its backups and the files `customer export` writes hold phones,
emails and addresses; with the usual umask they would be created 0644, readable by any
local user. Each is created here first, empty and private, and then filled: SQLite keeps
the mode of the database for its -wal and -shm files, and writing into an existing file
keeps its mode. The handbook (`render`) is meant to be published and is not made here.
"""

from __future__ import annotations

import os
from pathlib import Path

from flowkit.messages import Message, msg

PRIVATE = 0o600


def create_private(path: Path | str, *, replace: bool = False) -> None:
    """An empty file at `path` only its owner may read and write. An existing file is
    left as it is, or with `replace` (a temporary file left behind) made anew."""
    if replace:
        Path(path).unlink(missing_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return
    os.close(fd)


def folder_missing(path: Path) -> Message | None:
    """Why `path` cannot be written when its folder does not exist (None: it does), in the
    one wording of every command that writes such a file; each raises it as its own kind of
    error (an input error, a store error)."""
    if path.parent.is_dir():
        return None
    return msg(
        "cannot write {target}: the folder {folder} does not exist",
        target=path,
        folder=path.parent,
    )
