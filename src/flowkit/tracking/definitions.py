"""Which process definition an instance runs on: pinned by content hash, never re-read.

New instances start on the definition in the process files now; every later command on
an instance loads the exact text it started on from the store, so editing a YAML file
never changes what a running opportunity means.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flowkit.calendar import CalendarSpec
from flowkit.diagnostics import Diagnostic, Severity
from flowkit.errors import InputError, ValidationFailed
from flowkit.messages import msg, words
from flowkit.model import CustomerRules, Org, Process
from flowkit.model.notify import NotifyConfig

if TYPE_CHECKING:
    from flowkit.store import Tx
    from flowkit.store.reading import Reads


class InvalidDefinitions(ValidationFailed):
    """The processes, org or rules a tracking command needs do not validate."""

    exit_code = 2


@dataclass
class Definitions:
    """The current process files, plus a cache of pinned versions read from the store."""

    current: dict[str, Process] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # process id -> source text
    pinned: dict[str, Process] = field(default_factory=dict)  # digest -> model
    org: Org | None = None  # the people (org.yaml beside the processes), when declared
    calendars: dict[str, CalendarSpec] = field(default_factory=dict)  # custom, by name
    customers: CustomerRules | None = None  # customers.yaml: grading, tags, upkeep
    notify: NotifyConfig | None = None  # notify.yaml: channels and notification rules
    # notify.yaml's errors: they stop `flowkit notify`, never the tracking commands
    notify_errors: tuple[Diagnostic, ...] = ()

    @classmethod
    def load(cls, paths: Sequence[str | Path]) -> Definitions:
        """Valid processes under `paths`; any error refuses them all, as `validate` would.

        For the tracking commands a broken definition is an input error (exit 2), never
        exit 1: `status --fail-on-breach` exits 1 for breaches, and cron must not read a
        typo in a YAML file as late deals.

        Validated once per content: the models are kept in the compiled-definitions cache
        (`flowkit.load.cache`) under the hash of every input file, so a command on
        unchanged files skips validation (and never imports its libraries)."""
        from flowkit.load import cache

        given = [str(p) for p in paths]
        name = cache.slot("definitions", os.getcwd(), *given)
        key = _inputs_key(paths)
        compiled = cache.read(name, key)
        if not isinstance(compiled, Compiled):
            compiled = _compile(paths)
            if _inputs_key(paths) == key:  # no file changed while it was validated
                cache.write(name, key, compiled)
        found = cls(
            org=compiled.org,
            calendars=dict(compiled.calendars),
            customers=compiled.customers,
            notify=compiled.notify,
            notify_errors=compiled.notify_errors,
        )
        for process, text in zip(compiled.processes, compiled.texts, strict=True):
            found.current[process.id] = process
            found.texts[process.id] = text
            found.pinned[_digest(text)] = process
        return found

    def start_on(self, process_id: str) -> Process:
        if process_id not in self.current:
            known = words(sorted(self.current)) or msg("none")
            raise InputError(
                msg("unknown process '{process}' (known: {known})", process=process_id, known=known)
            )
        return self.current[process_id]

    def digest(self, process: Process) -> str:
        """The hash a new opportunity on `process` is pinned to."""
        return _digest(self.texts[process.id])

    def pin(self, tx: Tx, process: Process, now: datetime) -> str:
        """Store the definition's text (once) and return the hash instances refer to."""
        text = self.texts[process.id]
        digest = _digest(text)
        tx.pin(digest, process.id, process.version, process.source, text, now)
        return digest

    def of(self, tx: Reads, digest: str) -> Process:
        """The definition an instance is pinned to, rebuilt from the stored text (once per
        text: the model is cached under the text's own hash, like the current files)."""
        if digest not in self.pinned:
            row = tx.pinned(digest)
            if row is None:
                raise InputError(
                    msg(
                        "process version {version} is missing from the database",
                        version=digest[:12],
                    )
                )
            self.pinned[digest] = _stored_version(digest, row["source_text"], row["source_path"])
        return self.pinned[digest]


@dataclass(frozen=True)
class Compiled:
    """What validating the process folder gives the tracking commands: the entry the
    compiled-definitions cache keeps (processes and their texts in the same order)."""

    processes: tuple[Process, ...]
    texts: tuple[str, ...]
    org: Org | None
    calendars: dict[str, CalendarSpec]
    customers: CustomerRules | None
    notify: NotifyConfig | None = None
    notify_errors: tuple[Diagnostic, ...] = ()


def _inputs_key(paths: Sequence[str | Path]) -> str:
    """The content key of every file validation reads for `paths`: the files found and
    the other YAML files beside them (whose process ids FAQ links may name)."""
    from flowkit.load import cache
    from flowkit.load.paths import discover, siblings

    files = discover(paths)
    return cache.content_key([*files, *siblings(files)], "definitions", *map(str, paths))


def _compile(paths: Sequence[str | Path]) -> Compiled:
    """Validate the files as `flowkit validate` would; any error refuses them all (and
    nothing is cached: the next command reports it again) — except the notification
    file's: a mistake there leaves the notifications off (`flowkit notify` says why), and
    never stops the sales team's work."""
    from flowkit.validate import validate_paths

    report = validate_paths(paths)
    notify_files = {f.path for f in report.files if f.kind == "notify"}
    found = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    errors = [d for d in found if d.loc.file not in notify_files]
    if errors:
        first = errors[0]
        raise InvalidDefinitions(
            msg(
                "{where}: {problem} ({n} error(s); run flowkit validate)",
                where=first.loc,
                problem=first.message,  # a diagnostic's words, as flowkit validate says them
                n=len(errors),
            ),
            errors,
        )
    processes = tuple(report.processes)
    return Compiled(
        processes=processes,
        texts=tuple(Path(p.source).read_text("utf-8-sig") for p in processes),
        org=report.org,
        calendars=dict(report.calendars),
        customers=getattr(report, "customers", None),
        notify=report.notify,
        notify_errors=tuple(d for d in found if d.loc.file in notify_files),
    )


def _stored_version(digest: str, text: str, path: str) -> Process:
    """A pinned process text as a model: from the cache, else validated (and kept)."""
    from flowkit.load import cache

    name = cache.slot("pinned", _digest(text), path)
    key = cache.content_key((), "pinned", _digest(text), path)
    found = cache.read(name, key)
    if isinstance(found, Process):
        return found
    from flowkit.validate import validate_text

    report = validate_text(text, path)
    if not report.processes:
        raise InputError(
            msg("stored process version {version} no longer loads", version=digest[:12])
        )
    cache.write(name, key, report.processes[0])
    return report.processes[0]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
