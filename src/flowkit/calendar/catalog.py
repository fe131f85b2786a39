"""Many calendar files at once: the specs they declare, checked against each other.

A calendar's `base` may name a calendar declared in another file, so ids, bases and
cycles are checked across all files together. Only specs whose whole base chain is
valid are returned: whatever `load_calendars` gives can be built by `get_calendar`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flowkit.calendar.files import read_calendar
from flowkit.calendar.registry import BUILTIN
from flowkit.calendar.spec import CalendarSpec
from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.spelling import did_you_mean
from flowkit.load.yamlsource import Source

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class _Declared:
    spec: CalendarSpec
    source: Source


def load_calendars(
    paths: Iterable[str | Path],
) -> tuple[dict[str, CalendarSpec], list[Diagnostic]]:
    """Read custom calendar files (folders: their *.yaml / *.yml files), check them together."""
    found: list[Diagnostic] = []
    declared: list[_Declared] = []
    named: set[str] = set()  # ids of files that failed too: no cascade of "unknown base"
    for path in _files(paths, found):
        source, spec, problems = read_calendar(path)
        found.extend(problems)
        if spec is not None and source is not None:
            declared.append(_Declared(spec, source))
        elif source is not None and isinstance(source.data, dict):
            named.add(str(source.data.get("calendar")))
    unique = _unique(declared, found)
    _unknown_bases(unique, named, found)
    _cycles(unique, found)
    valid = {name: d.spec for name, d in unique.items() if _resolves(name, unique)}
    return valid, sorted(found, key=Diagnostic.sort_key)


def _files(paths: Iterable[str | Path], found: list[Diagnostic]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            found.append(Diagnostic("FK007", f"'{raw}' does not exist", Location(str(raw))))
    return list(dict.fromkeys(files))


def _unique(declared: list[_Declared], found: list[Diagnostic]) -> dict[str, _Declared]:
    unique: dict[str, _Declared] = {}
    for item in declared:
        name, first = item.spec.id, unique.get(item.spec.id)
        loc = item.source.loc(("calendar",))
        if item.spec.is_notice:
            if first is not None:
                where = first.source.loc(("year",))
                message = f"the {item.spec.year} notice for {item.spec.base} is also in {where}"
                loc = item.source.loc(("year",))
                found.append(Diagnostic("FK701", message, loc, "keep one file per year"))
            else:
                unique[name] = item
            continue
        if name in BUILTIN:
            message = f"calendar id '{name}' is the name of a built-in calendar"
            found.append(Diagnostic("FK701", message, loc, "choose another id, e.g. acme"))
        elif first is not None:
            message = f"calendar id '{name}' is also declared in {first.source.loc(('calendar',))}"
            found.append(Diagnostic("FK701", message, loc, "give each calendar its own id"))
        else:
            unique[name] = item
    return unique


def _unknown_bases(unique: dict[str, _Declared], named: set[str], found: list[Diagnostic]) -> None:
    for item in unique.values():
        base = item.spec.base
        if base not in unique and base not in BUILTIN and base not in named:
            others = (n for n, d in unique.items() if n != item.spec.id and not d.spec.is_notice)
            known = [*BUILTIN, *others]
            hint = did_you_mean(base, known) or f"known calendars: {', '.join(known)}"
            loc = item.source.loc(("base",))
            found.append(Diagnostic("FK702", f"unknown base calendar '{base}'", loc, hint))


def _cycles(unique: dict[str, _Declared], found: list[Diagnostic]) -> None:
    """Each cycle once, reported at the `base` of its first member in file order."""
    reported: set[str] = set()
    for name in unique:
        chain = _chain(name, unique)
        if chain[-1] not in unique or chain[-1] in reported:
            continue
        loop = chain[chain.index(chain[-1]) :]
        if name not in loop:
            continue
        reported.update(loop)
        item = unique[name]
        found.append(
            Diagnostic(
                "FK703",
                f"calendars extend each other in a cycle: {' → '.join(loop)}",
                item.source.loc(("base",)),
                "one of them must extend a built-in calendar (cn, weekdays or 24x7)",
            )
        )


def _chain(name: str, unique: dict[str, _Declared]) -> list[str]:
    """`name`, its base, that one's base, … ending at the first repeat or non-custom name."""
    chain = [name]
    while chain[-1] in unique:
        base = unique[chain[-1]].spec.base
        chain.append(base)
        if base in chain[:-1]:
            break
    return chain


def _resolves(name: str, unique: dict[str, _Declared]) -> bool:
    """The chain ends at a built-in (not in a cycle, nor at an unknown or invalid file)."""
    end = _chain(name, unique)[-1]
    return end in BUILTIN and end not in unique
