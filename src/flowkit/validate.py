"""The validation pipeline: paths → files → (read, schema, build, checks) → one report.

This is the library entry point behind `flowkit validate`, and how every other command
gets a model: `load_process` returns a Process only when its file has no errors.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flowkit.check import CheckContext, run_checks
from flowkit.diagnostics import Diagnostic, Severity
from flowkit.errors import InputError, ValidationFailed
from flowkit.load.build import build_process
from flowkit.load.schema import check_schema
from flowkit.load.yamlsource import Source, parse_text, read_source
from flowkit.model import Process

SUFFIXES = (".yaml", ".yml")
_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z][A-Za-z0-9_-]*)", re.MULTILINE)


@dataclass(frozen=True)
class FileResult:
    path: str
    process: Process | None  # None when the file could not be read or built
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return self.process is not None and not any(
            d.severity is Severity.ERROR for d in self.diagnostics
        )


@dataclass(frozen=True)
class Report:
    files: tuple[FileResult, ...]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for f in self.files for d in f.diagnostics]
        return sorted(found, key=Diagnostic.sort_key)

    @property
    def processes(self) -> list[Process]:
        """The processes that validated without errors."""
        return [f.process for f in self.files if f.ok and f.process is not None]

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for f in self.files for d in f.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings (warnings too when strict), 2 when some input was unreadable."""
        if any(d.unreadable for f in self.files for d in f.diagnostics):
            return 2
        if self.count(Severity.ERROR) or (strict and self.count(Severity.WARNING)):
            return 1
        return 0


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
                raise InputError(f"no process files (*.yaml, *.yml) under '{raw}'")
            found.extend(files)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(f"'{raw}' does not exist")
    return list(dict.fromkeys(found))


def validate_paths(paths: Sequence[str | Path], calendars: Iterable[str] | None = None) -> Report:
    """Validate every process file under `paths` together (so cross-file ids are checked)."""
    files = discover(paths)
    with _paused_gc():
        staged = [_stage(path) for path in files]
    ids = {r.process.id for r in staged if r.process} | _sibling_ids(files)
    base = CheckContext()
    ctx = CheckContext(
        calendars=frozenset(calendars) | base.calendars if calendars else base.calendars,
        processes=frozenset(ids),
    )
    results = [_check(r, ctx) for r in staged]
    return Report(tuple(_duplicate_ids(results)))


def validate_text(text: str, name: str = "<text>") -> Report:
    """Validate one process given as text (an editor buffer, a test, a fuzzer)."""
    with _paused_gc():
        source, found = parse_text(text, name)
        staged = _staged_source(name, source, found)
    return Report((_check(staged, CheckContext(processes=_own_id(staged))),))


def load_process(path: str | Path) -> Process:
    """One valid process, or ValidationFailed carrying the diagnostics."""
    report = validate_paths([path])
    bad = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if bad or not report.processes:
        first = bad[0] if bad else None
        message = f"{first.loc}: {first.message}" if first else f"'{path}' holds no process"
        raise ValidationFailed(f"{path} is not a valid process: {message}", tuple(bad))
    return report.processes[0]


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cycle collector while files become tens of thousands of small objects.

    None of them form cycles, yet the allocation bursts trigger repeated full collections:
    pausing cuts the time to load a large process by a third. The state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stage(path: Path) -> FileResult:
    """Read, shape-check and build one file; checks come later, with the whole context."""
    source, found = read_source(path)
    return _staged_source(str(path), source, found)


def _staged_source(name: str, source: Source | None, found: list[Diagnostic]) -> FileResult:
    if source is None:
        return FileResult(name, None, tuple(found))
    shape = check_schema(source)
    if shape:
        return FileResult(name, None, tuple(shape))
    process, language = build_process(source)
    return FileResult(name, process, tuple(language))


def _own_id(result: FileResult) -> frozenset[str]:
    return frozenset({result.process.id}) if result.process else frozenset()


def _check(result: FileResult, ctx: CheckContext) -> FileResult:
    if result.process is None:
        return result
    found = (*result.diagnostics, *run_checks(result.process, ctx))
    return FileResult(result.path, result.process, found)


def _duplicate_ids(results: list[FileResult]) -> list[FileResult]:
    first: dict[str, str] = {}
    out = []
    for result in results:
        process = result.process
        if process is not None and process.id in first:
            clash = Diagnostic(
                "FK208",
                f"process id '{process.id}' is also used by {first[process.id]}",
                process.at("id"),
                "give each process its own id; a new version of a process keeps its id "
                "and changes `version` instead",
            )
            result = FileResult(result.path, process, (*result.diagnostics, clash))
        elif process is not None:
            first[process.id] = result.path
        out.append(result)
    return out


def _sibling_ids(files: list[Path]) -> set[str]:
    """Process ids declared by the other YAML files beside the ones validated (for FAQ links)."""
    ids: set[str] = set()
    for folder in {f.parent for f in files}:
        for sibling in folder.iterdir():
            if sibling.suffix in SUFFIXES and sibling not in files and sibling.is_file():
                try:
                    head = sibling.read_text("utf-8", errors="replace")[:65536]
                except OSError:
                    continue
                ids.update(_ID_LINE.findall(head))
    return ids
