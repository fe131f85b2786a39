"""Which commit a process file was published from: the handbook footer's provenance.

A printed handbook lies around for months; the footer lets anyone find the exact
definition it was made from (`git -C processes rev-parse --short=12 HEAD`) and see when
the file had uncommitted edits. Git is asked, never a clock: the same checkout gives the
same footer, so builds stay byte-identical. Any failure (no git, not a repository, a
process made from text) reads as "not in git" rather than breaking the build.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

_TIMEOUT_S = 10


@dataclass(frozen=True)
class Stamp:
    """Where one process shown on a page came from."""

    source: str  # the file's path in its repository (processes/x.yaml), else its name
    version: str
    commit: str | None  # None: not in git
    modified: bool = False


def stamp(source: str, version: str) -> Stamp:
    """The commit of the repository holding `source`, and whether the file differs from it."""
    if not source:
        return Stamp(source, version, None)
    path = Path(source)
    if not path.is_file():  # e.g. '<text>': a process validated from a string
        return Stamp(source, version, None)
    folder = path.parent
    # the folder's place in its repository and the commit: the page names the file as the
    # repository does, never the absolute path of the machine that built it
    found = _git(folder, "rev-parse", "--show-prefix", "--short=12", "HEAD")
    if not found:
        return Stamp(path.name, version, None)
    *prefix, commit = found.splitlines()
    status = _git(folder, "status", "--porcelain", "--", path.name)
    return Stamp("".join(prefix) + path.name, version, commit, modified=bool(status))


def _git(folder: Path, *args: str) -> str | None:
    """Git's output, or None on any failure. A list argv and no shell: paths stay data."""
    # GIT_OPTIONAL_LOCKS=0: `git status` must not rewrite the index of the repository it reads.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            timeout=_TIMEOUT_S,
            env=env,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
