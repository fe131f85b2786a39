"""Safe YAML reading that remembers where every value came from.

PyYAML's constructors throw positions away, so we compose the node graph (C loader when
present) and build plain JSON-like data ourselves, recording each value's and each key's
position by path. That walk is also where the dangerous inputs are refused: duplicate
keys, alias bombs, recursive aliases, non-text keys. Values are only ever built by the
safe constructor: no tag can instantiate a Python object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flowkit.diagnostics import Diagnostic, Location

MAX_BYTES = 5 * 1024 * 1024
MAX_VALUES = 1_000_000

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PathKey = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "merge")
)
_TYPED_SCALARS = {
    _STD + t: yaml.constructor.SafeConstructor.yaml_constructors[_STD + t]
    for t in ("int", "float", "bool", "null")
}
_COLLECTION_TAGS: dict[type, frozenset[str]] = {
    yaml.MappingNode: frozenset({_STD + "map"}),
    yaml.SequenceNode: frozenset({_STD + "seq"}),
}


@dataclass(frozen=True)
class Span:
    """Where one YAML node stands: 1-based start line and column, and how it was quoted."""

    line: int
    col: int
    style: str | None = None
    raw: str | None = None  # a scalar's text as written, before YAML typed it


@dataclass
class Source:
    """One file's data plus the positions of its values (by path) and of its keys."""

    path: str
    text: str
    data: Any = None
    values: dict[PathKey, Span] = field(default_factory=dict)
    keys: dict[PathKey, Span] = field(default_factory=dict)

    def loc(self, path: PathKey) -> Location:
        """The position of the value at path, or of its nearest recorded ancestor."""
        return self._nearest(self.values, path)

    def key_loc(self, path: PathKey) -> Location:
        """The position of the key that names the value at path."""
        return self._nearest(self.keys, path) if path in self.keys else self.loc(path)

    def loc_in(self, path: PathKey, offset: int) -> Location:
        """The position of character `offset` inside the one-line scalar at path."""
        span = self.values.get(path)
        raw = span.raw if span else None
        if (
            span is None
            or raw is None
            or "\n" in raw[:offset]
            or span.style not in (None, "'", '"')
        ):
            return self.loc(path)
        quote = 1 if span.style else 0
        return Location(self.path, span.line, span.col + quote + offset)

    def raw(self, path: PathKey) -> str | None:
        span = self.values.get(path)
        return span.raw if span else None

    def _nearest(self, table: dict[PathKey, Span], path: PathKey) -> Location:
        for end in range(len(path), -1, -1):
            span = table.get(path[:end])
            if span is not None:
                return Location(self.path, span.line, span.col)
        return Location(self.path, 1, 1)


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def read_source(path: Path, display: str | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Read and parse one file; on failure return no source and the located reasons."""
    name = display or str(path)
    try:
        text = _read_text(path, name)
        return parse_text(text, name)
    except _Refused as refused:
        return None, [refused.diagnostic]


def parse_text(text: str, name: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse YAML text into a Source, collecting every duplicate key rather than the first."""
    return _parse(Source(name, text), text, name)


def _parse(source: Source, text: str, name: str) -> tuple[Source | None, list[Diagnostic]]:
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as e:
        return None, [_syntax_diagnostic(e, name, text)]
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML raises marked errors for text input
        return None, [Diagnostic("FK001", str(e), Location(name, 1, 1))]
    if root is None:
        return None, [_refusal("FK006", "the file is empty", Location(name, 1, 1)).diagnostic]
    builder = _Builder(source)
    try:
        source.data = builder.build(root, ())
    except _Refused as refused:
        return None, [refused.diagnostic]
    if builder.duplicates:
        return None, builder.duplicates
    return source, []


def _read_text(path: Path, name: str) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as e:
        raise _refusal("FK007", f"cannot read the file: {e.strerror or e}", Location(name)) from e
    if len(data) > MAX_BYTES:
        raise _refusal(
            "FK004",
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; processes are far smaller",
            Location(name),
            "split the process into several files, or check that this is the right file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise _refusal(
            "FK002",
            f"byte 0x{data[e.start]:02x} is not valid UTF-8",
            Location(name, line, col),
            "save the file as UTF-8 (GBK or GB18030 files must be converted, e.g. with "
            "`iconv -f GB18030 -t UTF-8`)",
        ) from e


def _syntax_diagnostic(e: yaml.MarkedYAMLError, name: str, text: str) -> Diagnostic:
    mark = e.problem_mark or e.context_mark
    loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 1, 1)
    problem, context = e.problem or "invalid YAML", e.context or ""
    if "expected a single document" in problem + context:
        return Diagnostic(
            "FK006",
            "the file holds more than one YAML document",
            loc,
            "put one process in each file (remove the '---' separator)",
        )
    if context and e.context_mark and e.context_mark.line != (mark.line if mark else -1):
        context = f"{context} that starts on line {e.context_mark.line + 1}"
    message = f"{problem} ({context})" if context else problem
    return Diagnostic("FK001", message, loc, _syntax_hint(problem, _char_at(text, loc)))


def _char_at(text: str, loc: Location) -> str:
    lines = text.splitlines()
    if 0 < loc.line <= len(lines) and 0 < loc.col <= len(lines[loc.line - 1]):
        return lines[loc.line - 1][loc.col - 1]
    return ""


def _syntax_hint(problem: str, char: str) -> str | None:
    if char == "\t" or "'\\t'" in problem:
        return "YAML indents with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value holding ': ' must be quoted, or a key is missing its indentation"
    if "could not find expected ':'" in problem:
        return "a key is missing its ':' or a quoted value is not closed"
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return "check the indentation: this line does not line up with the lines above it"
    return None


def _refusal(code: str, message: str, loc: Location, hint: str | None = None) -> _Refused:
    return _Refused(Diagnostic(code, message, loc, hint))


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and line feed

# Chinese and Japanese: ideographs, kana, CJK and full-width punctuation.
_WIDE = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_FOLDED_SPACE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")


def _unfolded(node: yaml.Node) -> str:
    """Text of a string scalar; a line break YAML folded between two Chinese characters
    leaves no space (as CSS does for the same text), so a long Chinese sentence can be
    wrapped over several lines with `>-` without gaining stray spaces.
    """
    text = str(node.value)
    style = getattr(node, "style", None)
    folds = style in (None, "", ">") and node.end_mark.line > node.start_mark.line
    return _FOLDED_SPACE.sub("", text) if folds else text


class _Builder:
    """Turns a composed node graph into plain data, recording positions as it goes."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0
        self.active: set[int] = set()
        self.duplicates: list[Diagnostic] = []
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _refusal(
                "FK005",
                f"the document expands to more than {MAX_VALUES:,} values through aliases",
                self.source.key_loc(path[:1]),
                "this looks like an alias bomb; write the values out instead of nesting aliases",
            )
        if id(node) in self.active:
            raise _refusal(
                "FK005", "an alias refers to the value that contains it", self._loc(node)
            )
        self._check_tag(node)
        self.source.values.setdefault(path, self._span(node))
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._scalar(node)
        finally:
            self.active.discard(id(node))

    def _check_tag(self, node: yaml.Node) -> None:
        """Only YAML's standard types: an application tag (`!!python/...`, `!foo`) is refused."""
        allowed = _COLLECTION_TAGS.get(type(node), _SCALAR_TAGS)
        if node.tag not in allowed:
            raise _refusal(
                "FK001",
                f"the tag '{node.tag}' is not allowed in a process file",
                self._loc(node),
                "remove the tag; values are plain text, numbers, lists and mappings",
            )

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path))
                continue
            key = self._key(key_node)
            if key in first_seen:
                self.duplicates.append(self._duplicate(key, key_node, first_seen[key]))
                continue
            first_seen[key] = key_node
            self.source.keys[(*path, key)] = self._span(key_node)
            result[key] = self.build(value_node, (*path, key))
        return {**merged, **result}

    def _merge(self, node: yaml.Node, path: PathKey) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for item in reversed(sources):
            if not isinstance(item, yaml.MappingNode):
                raise _refusal("FK006", "'<<' merges only mappings", self._loc(item))
            merged.update(self._mapping(item, path))
        return merged

    def _key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _refusal(
                "FK006", "a key must be plain text, not a list or mapping", self._loc(node)
            )
        return self._printable(node, str(node.value))

    def _printable(self, node: yaml.Node, text: str) -> str:
        """Text as people can read it: a control character (written as an escape such as
        "\\0" or "\\x1b") would reach terminals, pages and the database, and PostgreSQL
        refuses NUL where SQLite keeps it; only tabs and line breaks pass."""
        found = _CONTROL.search(text)
        if found is not None:
            raise _refusal(
                "FK008",
                f"the text holds the control character U+{ord(found.group()):04X}",
                self._loc(node),
                "remove it: process texts are plain text (tabs and line breaks are fine)",
            )
        return text

    def _scalar(self, node: yaml.Node) -> Any:
        """Text stays text; numbers, booleans and nulls are typed by YAML's own rules.

        Timestamps and binary stay as written: JSON has no such types, and a date in a
        process file is meant as the text the author typed.
        """
        construct = _TYPED_SCALARS.get(node.tag)
        if construct is None:
            return self._printable(node, _unfolded(node))
        try:
            return construct(self.constructor, node)
        except (yaml.YAMLError, ValueError) as e:
            raise _refusal("FK001", f"cannot read value {node.value!r}", self._loc(node)) from e

    def _duplicate(self, key: str, node: yaml.Node, first: yaml.Node) -> Diagnostic:
        return Diagnostic(
            "FK003",
            f"key '{key}' appears twice here (first on line {first.start_mark.line + 1})",
            self._loc(node),
            "YAML keeps only one of them; remove or rename one",
        )

    def _span(self, node: yaml.Node) -> Span:
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        style = getattr(node, "style", None) or None
        return Span(node.start_mark.line + 1, node.start_mark.column + 1, style, raw)

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.source.path, node.start_mark.line + 1, node.start_mark.column + 1)


def walk_paths(data: Any, path: PathKey = ()) -> Iterator[PathKey]:
    """Every path in a data tree, parents before children (used by tests and fuzzers)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk_paths(value, (*path, i))
