"""The validation pipeline: paths → files → (read, schema, build, checks) → one report.

This is the library entry point behind `flowkit validate`, and how every other command
gets a model: `load_process` returns a Process only when its file has no errors,
`load_org` the Org of an org file (`org.yaml`), `load_customer_rules` the CustomerRules
of the customer rules file (`customers.yaml`) and `load_notify` the NotifyConfig of the
notification file (`notify.yaml`) in the same way. Each is checked together with the
processes beside them, so the lanes, people and nodes they name are checked against those.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from flowkit.check import (
    CheckContext,
    run_checks,
    run_customer_checks,
    run_notify_checks,
    run_org_checks,
)
from flowkit.diagnostics import Diagnostic, Location, Severity
from flowkit.errors import ValidationFailed
from flowkit.load.build import build_process
from flowkit.load.customer_rules import (
    CUSTOMERS_FILE_NAMES,
    build_customer_rules,
    is_customers_file,
)
from flowkit.load.notify import NOTIFY_FILE_NAMES, build_notify, is_notify_file
from flowkit.load.org import build_org, is_org_file
from flowkit.load.paths import discover, siblings
from flowkit.load.schema import check_schema
from flowkit.load.yamlsource import Source, parse_text, read_source
from flowkit.messages import Message, msg
from flowkit.model import CustomerRules, Org, Process
from flowkit.model.notify import NotifyConfig

if TYPE_CHECKING:
    from flowkit.calendar import CalendarSpec

_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z][A-Za-z0-9_-]*)", re.MULTILINE)


FileKind = Literal["process", "org", "calendar", "customers", "notify"]
# A calendar file names itself with a top-level `calendar:` and has no `nodes:` (a process
# names its calendar too, but always has nodes; so does the customer rules file, which is
# known by its name or its `customers:` key).
_CALENDAR_KEY = re.compile(r"^(?:calendar|extends)\s*:", re.MULTILINE)  # or a holiday notice
_NODES_KEY = re.compile(r"^nodes\s*:", re.MULTILINE)
_CUSTOMERS_KEY = re.compile(r"^customers\s*:", re.MULTILINE)
_NOTIFY_KEY = re.compile(r"^notify\s*:", re.MULTILINE)


@dataclass(frozen=True)
class FileResult:
    path: str
    process: Process | None  # None when the file could not be read or built, or is not one
    diagnostics: tuple[Diagnostic, ...]
    kind: FileKind = "process"
    org: Org | None = None  # the org file's model, once built
    customers: CustomerRules | None = None  # the customer rules file's model, once built
    notify: NotifyConfig | None = None  # the notification file's model, once built

    @property
    def ok(self) -> bool:
        models = (self.process, self.org, self.customers, self.notify)
        built = any(m is not None for m in models)
        return built and not any(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True)
class Report:
    files: tuple[FileResult, ...]
    calendars: Mapping[str, CalendarSpec] = field(default_factory=dict)  # the valid custom ones

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for f in self.files for d in f.diagnostics]
        return sorted(found, key=Diagnostic.sort_key)

    @property
    def processes(self) -> list[Process]:
        """The processes that validated without errors."""
        return [f.process for f in self.files if f.ok and f.process is not None]

    @property
    def org(self) -> Org | None:
        """The org, when an org file was validated without errors."""
        return next((f.org for f in self.files if f.ok and f.org is not None), None)

    @property
    def customers(self) -> CustomerRules | None:
        """The customer rules, when their file was validated without errors."""
        return next((f.customers for f in self.files if f.ok and f.customers is not None), None)

    @property
    def notify(self) -> NotifyConfig | None:
        """The notification rules, when their file was validated without errors."""
        return next((f.notify for f in self.files if f.ok and f.notify is not None), None)

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for f in self.files for d in f.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings (warnings too when strict), 2 when some input was unreadable."""
        if any(d.unreadable for f in self.files for d in f.diagnostics):
            return 2
        if self.count(Severity.ERROR) or (strict and self.count(Severity.WARNING)):
            return 1
        return 0


def validate_paths(paths: Sequence[str | Path], calendars: Iterable[str] | None = None) -> Report:
    """Validate every process file, the org file and the customer rules under `paths` together.

    Together, so that cross-file references are checked: process ids, and the lanes the
    org's people act in and the customer rules name against the lanes the processes declare.
    """
    files = discover(paths)
    calendar_files = [path for path in files if _is_calendar_file(path)]
    files = [path for path in files if path not in calendar_files]
    custom, calendar_results = _calendars(calendar_files)
    with _paused_gc():
        staged = _single_notify(_single_customers(_single_org([_stage(path) for path in files])))
    ids = {r.process.id for r in staged if r.process} | _sibling_ids(files)
    base = CheckContext()
    named = frozenset(n for n, spec in custom.items() if not spec.is_notice)
    known = base.calendars | frozenset(calendars or ()) | named
    ctx = CheckContext(
        calendars=known,
        processes=frozenset(ids),
        org=next((r.org for r in staged if r.org is not None), None),
        lanes=_process_lanes(staged),
        nodes=_process_nodes(staged),
    )
    results = [_check(r, ctx) for r in staged]
    return Report(tuple(_duplicate_ids(results)) + calendar_results, custom)


def _is_calendar_file(path: Path) -> bool:
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # read again as a process, which reports why it cannot be read
    if path.name in CUSTOMERS_FILE_NAMES or _CUSTOMERS_KEY.search(text):
        return False
    if path.name in NOTIFY_FILE_NAMES or _NOTIFY_KEY.search(text):
        return False
    return bool(_CALENDAR_KEY.search(text)) and not _NODES_KEY.search(text)


def _calendars(
    paths: list[Path],
) -> tuple[dict[str, CalendarSpec], tuple[FileResult, ...]]:
    """Custom calendars (their names become valid `calendar:` values) and their findings."""
    if not paths:
        return {}, ()
    from flowkit.calendar import load_calendars

    specs, found = load_calendars(paths)
    results = tuple(
        FileResult(str(p), None, tuple(d for d in found if d.loc.file == str(p)), "calendar")
        for p in paths
    )
    return specs, results


def validate_text(text: str, name: str = "<text>") -> Report:
    """Validate one process given as text (an editor buffer, a test, a fuzzer)."""
    with _paused_gc():
        source, found = parse_text(text, name)
        staged = _staged_source(name, source, found)
    return Report((_check(staged, CheckContext(processes=_own_id(staged))),))


T = TypeVar("T")


def load_process(path: str | Path) -> Process:
    """One valid process, or ValidationFailed carrying the diagnostics."""
    return _valid(
        path,
        lambda report: report.processes[0] if report.processes else None,
        msg("'{path}' holds no process", path=path),
        lambda problem: msg("{path} is not a valid process: {problem}", path=path, problem=problem),
    )


def _valid(
    path: str | Path,
    part: Callable[[Report], T | None],
    missing: Message,
    invalid: Callable[[Message], Message],
) -> T:
    """The `part` of the report of `path` when nothing validated has an error and it is
    there; else ValidationFailed with the diagnostics, saying the first error (or that the
    part is `missing`) in the words of `invalid`."""
    report = validate_paths([path])
    bad = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    found = part(report)
    if bad or found is None:
        raise ValidationFailed(invalid(_first(bad[0]) if bad else missing), tuple(bad))
    return found


def load_org(path: str | Path) -> Org:
    """The valid org of an org file, or of the folder holding it (checked with its processes).

    Raises ValidationFailed carrying the diagnostics when anything validated has an error,
    or when there is no org file.
    """
    return _valid(
        path,
        lambda report: report.org,
        msg("'{path}' holds no org file", path=path),
        lambda problem: msg("{path} is not a valid org: {problem}", path=path, problem=problem),
    )


def load_customer_rules(path: str | Path) -> CustomerRules:
    """The valid customer rules of a rules file, or of the folder holding it (checked with the
    processes and calendars beside it).

    Raises ValidationFailed carrying the diagnostics when anything validated has an error,
    or when there is no customer rules file.
    """
    return _valid(
        path,
        lambda report: report.customers,
        msg("'{path}' holds no customer rules", path=path),
        lambda problem: msg(
            "{path} is not valid customer rules: {problem}", path=path, problem=problem
        ),
    )


def load_notify(path: str | Path) -> NotifyConfig:
    """The valid notification rules of a notification file, or of the folder holding it
    (checked with the processes, org and calendars beside it).

    Raises ValidationFailed carrying the diagnostics when anything validated has an error,
    or when there is no notification file.
    """
    return _valid(
        path,
        lambda report: report.notify,
        msg("'{path}' holds no notification rules", path=path),
        lambda problem: msg(
            "{path} is not valid notification rules: {problem}", path=path, problem=problem
        ),
    )


def _first(d: Diagnostic) -> Message:
    """The first error of a file, where it is and what it is (its words are the
    diagnostic's, as `flowkit validate` says them)."""
    return msg("{where}: {problem}", where=d.loc, problem=d.message)


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
    kind = _file_kind(name, source.data if source else None)
    if kind == "org":
        return _staged_org(name, source, found)
    if kind == "customers":
        return _staged_customers(name, source, found)
    if kind == "notify":
        return _staged_notify(name, source, found)
    if source is None:
        return FileResult(name, None, tuple(found))
    shape = check_schema(source)
    if shape:
        return FileResult(name, None, tuple(shape))
    process, language = build_process(source)
    return FileResult(name, process, tuple(language))


def _staged_org(name: str, source: Source | None, found: list[Diagnostic]) -> FileResult:
    if source is None:
        return FileResult(name, None, tuple(found), "org")
    shape = check_schema(source, "org")
    if shape:
        return FileResult(name, None, tuple(shape), "org")
    return FileResult(name, None, (), "org", build_org(source))


def _file_kind(name: str, data: Any) -> FileKind:
    """The file's name decides first (org.yaml, customers.yaml), then its top-level keys."""
    if Path(name).name in CUSTOMERS_FILE_NAMES:
        return "customers"
    if Path(name).name in NOTIFY_FILE_NAMES:
        return "notify"
    if is_org_file(name, data):
        return "org"
    if is_customers_file(name, data):
        return "customers"
    return "notify" if is_notify_file(name, data) else "process"


def _staged_customers(name: str, source: Source | None, found: list[Diagnostic]) -> FileResult:
    if source is None:
        return FileResult(name, None, tuple(found), "customers")
    shape = check_schema(source, "customers")
    if shape:
        return FileResult(name, None, tuple(shape), "customers")
    rules, language = build_customer_rules(source)
    return FileResult(name, None, tuple(language), "customers", customers=rules)


def _staged_notify(name: str, source: Source | None, found: list[Diagnostic]) -> FileResult:
    if source is None:
        return FileResult(name, None, tuple(found), "notify")
    shape = check_schema(source, "notify")
    if shape:
        return FileResult(name, None, tuple(shape), "notify")
    config, language = build_notify(source)
    return FileResult(name, None, tuple(language), "notify", notify=config)


def _single_notify(results: list[FileResult]) -> list[FileResult]:
    """At most one notification file: every later one gets FK957, naming the first."""
    return _single(
        results,
        "notify",
        "FK957",
        "a second notification file: the rules are already declared at {first}",
        "keep one notify.yaml for all notifications; move these rules into it",
    )


def _single_org(results: list[FileResult]) -> list[FileResult]:
    """At most one org file: every later one gets FK807, naming where the first is."""
    return _single(
        results,
        "org",
        "FK807",
        "a second org file: the org is already declared at {first}",
        "keep one org file for the whole sales organisation; move these people and teams into it",
    )


def _single_customers(results: list[FileResult]) -> list[FileResult]:
    """At most one customer rules file: every later one gets FK908, naming the first."""
    return _single(
        results,
        "customers",
        "FK908",
        "a second customer rules file: the rules are already declared at {first}",
        "keep one customers.yaml for all customers; move these rules into it",
    )


def _single(
    results: list[FileResult], kind: FileKind, code: str, message: str, hint: str
) -> list[FileResult]:
    """Every file of `kind` after the first gets `code`, its message naming the first."""
    ones = [r for r in results if r.kind == kind]
    if len(ones) < 2:
        return results
    first = _model_loc(ones[0])
    out = []
    for result in results:
        if result.kind == kind and result is not ones[0]:
            clash = Diagnostic(code, message.format(first=first), _model_loc(result), hint)
            result = replace(result, diagnostics=(*result.diagnostics, clash))
        out.append(result)
    return out


def _model_loc(result: FileResult) -> Location:
    model = result.org or result.customers or result.notify
    return model.loc if model is not None else Location(result.path)


def _process_lanes(results: list[FileResult]) -> frozenset[str] | None:
    """The lanes of the processes validated, or None when some process could not be built."""
    processes = [r for r in results if r.kind == "process"]
    if not processes or any(r.process is None for r in processes):
        return None
    return frozenset(lane.id for r in processes if r.process for lane in r.process.lanes)


def _process_nodes(results: list[FileResult]) -> dict[str, frozenset[str]] | None:
    """Each process's node ids, or None when some process could not be built."""
    processes = [r for r in results if r.kind == "process"]
    if any(r.process is None for r in processes):
        return None
    return {r.process.id: frozenset(r.process.node_by_id) for r in processes if r.process}


def _own_id(result: FileResult) -> frozenset[str]:
    return frozenset({result.process.id}) if result.process else frozenset()


def _check(result: FileResult, ctx: CheckContext) -> FileResult:
    if result.org is not None:
        found = (*result.diagnostics, *run_org_checks(result.org, ctx))
        return FileResult(result.path, None, found, "org", result.org)
    if result.customers is not None:
        found = (*result.diagnostics, *run_customer_checks(result.customers, ctx))
        return replace(result, diagnostics=found)
    if result.notify is not None:
        found = (*result.diagnostics, *run_notify_checks(result.notify, ctx))
        return replace(result, diagnostics=found)
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
    for sibling in siblings(files):
        try:
            head = sibling.read_text("utf-8", errors="replace")[:65536]
        except OSError:
            continue
        ids.update(_ID_LINE.findall(head))
    return ids
