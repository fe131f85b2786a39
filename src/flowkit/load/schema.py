"""Check a file's shape against the JSON Schema and turn failures into located diagnostics.

jsonschema's own messages are written for schema authors ("is not valid under any of the
given schemas"); ops leads need "node 'x' → next: unknown key 'tp'; did you mean 'to'?".
So each failing keyword is explained by a small function, and `oneOf`/`anyOf` failures
are explained by the branch the value was evidently meant to match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from flowkit.diagnostics import Diagnostic
from flowkit.lang.spelling import did_you_mean
from flowkit.load.yamlsource import PathKey, Source

FORMAT_VERSION = 1

_TYPE_WORDS = {
    "string": "text",
    "object": "a mapping (key: value)",
    "array": "a list",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
}
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


SchemaKind = Literal["process", "org", "customers", "notify"]
_NOUNS: dict[SchemaKind, str] = {
    "process": "a process",
    "org": "an org",
    "customers": "a customer rules",
    "notify": "a notification rules",
}


@cache
def load_schema(kind: SchemaKind) -> dict[str, Any]:
    """A JSON Schema shipped inside the package: `process`, `org`, `customers` or `notify`."""
    text = resources.files("flowkit").joinpath(f"schemas/{kind}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def process_schema() -> dict[str, Any]:
    """The process JSON Schema shipped inside the package."""
    return load_schema("process")


def org_schema() -> dict[str, Any]:
    """The org (people) JSON Schema shipped inside the package."""
    return load_schema("org")


def customers_schema() -> dict[str, Any]:
    """The customer rules JSON Schema shipped inside the package."""
    return load_schema("customers")


def notify_schema() -> dict[str, Any]:
    """The notification rules JSON Schema shipped inside the package."""
    return load_schema("notify")


@cache
def _validator(kind: SchemaKind) -> Draft202012Validator:
    """A validator over the schema with its local `$ref`s inlined.

    The schema has no recursion, so inlining is exact; it halves validation time of a
    large process by skipping reference resolution on every node.
    """
    schema = load_schema(kind)
    defs = schema["$defs"]
    return Draft202012Validator(_inline({k: v for k, v in schema.items() if k != "$defs"}, defs))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            rest = {k: _inline(v, defs) for k, v in node.items() if k != "$ref"}
            return {**_inline(defs[ref.removeprefix("#/$defs/")], defs), **rest}
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def check_schema(source: Source, kind: SchemaKind = "process") -> list[Diagnostic]:
    """All shape problems of one parsed file; empty when it matches the schema of `kind`."""
    data = source.data
    if not isinstance(data, dict):
        held = _TYPE_WORDS.get(_json_type(data), "a value")
        message = f"the file holds {held}, not {_NOUNS[kind]} mapping"
        return [Diagnostic("FK006", message, source.loc(()))]
    version = _format_version(source)
    if version:
        return [version]
    found: list[Diagnostic] = []
    for error in _validator(kind).iter_errors(data):
        found.extend(_explain(error, source))
    return found


def _format_version(source: Source) -> Diagnostic | None:
    data = source.data
    if "flowkit" not in data:
        return Diagnostic(
            "FK100",
            "the file does not say its format version",
            source.loc(()),
            "add `flowkit: 1` as the first key",
        )
    if data["flowkit"] != FORMAT_VERSION or isinstance(data["flowkit"], bool):
        return Diagnostic(
            "FK100",
            f"format version {data['flowkit']!r} is not supported; this flowkit reads version 1",
            source.loc(("flowkit",)),
            "upgrade flowkit, or write `flowkit: 1`",
        )
    return None


def _schema(error: ValidationError) -> dict[str, Any]:
    """The failing subschema (jsonschema types it loosely)."""
    return error.schema if isinstance(error.schema, dict) else {}


def _expected(error: ValidationError) -> Any:
    """The failing keyword's value in the schema, e.g. the `required` list."""
    return error.validator_value


def _instance(error: ValidationError) -> Any:
    return error.instance


def _explain(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    if error.validator is None:  # a `false` schema: a key one form of a `oneOf` forbids
        yield from _explain_forbidden(error, source)
        return
    explain = _EXPLAINERS.get(str(error.validator), _explain_other)
    yield from explain(error, source)


def _explain_forbidden(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    """`{default: C, grade: B}`: the form of `default` forbids `grade` (a `false` property)."""
    path = tuple(error.absolute_path)
    parent: Any = error.parent  # the `oneOf` whose form `relative_schema_path[0]` failed
    if parent is None or not error.relative_schema_path:
        yield Diagnostic("FK104", f"{_where(source, path)}: not allowed here", source.loc(path))
        return
    i = error.relative_schema_path[0]
    form: dict[str, Any] = parent.validator_value[i]
    given: dict[str, Any] = parent.instance
    forbidden = [k for k, v in form.get("properties", {}).items() if v is False and k in given]
    siblings = [
        e for e in parent.context or () if e.validator is None and e.relative_schema_path[0] == i
    ]
    n = next((n for n, e in enumerate(siblings) if e is error), 0)
    key = forbidden[n] if n < len(forbidden) else "?"
    with_ = " and ".join(f"'{k}'" for k in form.get("required", ()))
    message = f"{_where(source, path)}: '{key}' does not go with {with_}"
    hint = parent.schema.get("description") if isinstance(parent.schema, dict) else None
    yield Diagnostic("FK101", message, source.key_loc((*path, key)), hint)


_COLLECTIONS = {
    "nodes": "node",
    "lanes": "lane",
    "documents": "document",
    "events": "event",
    "people": "person",
    "teams": "team",
}
_ITEMS = {
    "next": "route",
    "overrides": "override",
    "pain_points": "pain point",
    "faq": "entry",
    "grades": "rule",
    "tags": "tag",
    "rules": "rule",
    "escalate": "step",
}


def _where(source: Source, path: PathKey) -> str:
    """A breadcrumb a person can follow: `node 'lead_screening' → sla → within`."""
    parts: list[str] = []
    value: Any = source.data
    for key in path:
        value = value[key] if isinstance(value, dict | list) else None  # type: ignore[index]
        if not isinstance(key, int) or not parts:
            parts.append(str(key))
        elif parts[-1] in _COLLECTIONS:
            ident = value.get("id") if isinstance(value, dict) else None
            noun = _COLLECTIONS[parts[-1]]
            parts[-1] = f"{noun} '{ident}'" if isinstance(ident, str) else f"{noun} {key + 1}"
        else:
            parts.append(f"{_ITEMS.get(parts[-1], 'item')} {key + 1}")
    return " → ".join(parts) if parts else "the file"


def _explain_additional(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    allowed = sorted(_schema(error).get("properties", {}))
    instance: dict[str, Any] = _instance(error)
    for key in instance:
        if key in allowed:
            continue
        hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        where = _where(source, path)
        yield Diagnostic(
            "FK101", f"{where}: unknown key '{key}'", source.key_loc((*path, key)), hint
        )


def _explain_required(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    instance: dict[str, Any] = _instance(error)
    for key in _expected(error):
        if key not in instance:
            where = _where(source, path)
            yield Diagnostic("FK102", f"{where}: missing required key '{key}'", source.loc(path))


def _explain_type(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    expected = _expected(error)
    wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in _as_list(expected))
    got = _TYPE_WORDS.get(_json_type(error.instance), "a value")
    hint = None
    raw = source.raw(path)
    if isinstance(error.instance, bool) and raw and raw.lower() in _YAML11_BOOLEANS:
        hint = f"YAML reads a bare {raw} as true/false; quote it: '{raw}'"
    elif isinstance(error.instance, int | float) and "string" in _as_list(expected):
        hint = f"quote it if it is meant as text: '{raw}'"
    elif len(path) >= 2 and path[-2] == "next" and isinstance(error.instance, str):
        hint = (
            f"for a single next step write `next: {error.instance}`; a list holds routes "
            f"such as `- default: {error.instance}`"
        )
    message = f"{_where(source, path)}: expected {wanted}, got {got}"
    yield Diagnostic("FK103", message, source.loc(path), hint)


def _explain_enum(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    options = _as_list(_expected(error))
    shown = ", ".join(str(o) for o in options)
    hint = did_you_mean(str(error.instance), [str(o) for o in options]) or f"use one of: {shown}"
    message = f"{_where(source, path)}: {error.instance!r} is not one of {shown}"
    yield Diagnostic("FK104", message, source.loc(path), hint)


def _explain_pattern(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    if "propertyNames" in error.schema_path:
        path = (*path, str(error.instance))
        loc = source.key_loc(path)
    else:
        loc = source.loc(path)
    known = _id_hints().get(_expected(error))
    hint: str | None
    if known is not None:
        what, hint = known
    else:
        what, hint = "in the expected form", _schema(error).get("description")
    message = f"{_where(source, path)}: {error.instance!r} is not {what}"
    yield Diagnostic("FK105", message, loc, hint)


_ID_HINT = (
    "ids start with a letter and use only letters, digits, '_' and '-'; put Chinese in `name`"
)
_PERSON_ID_HINT = (
    "person and team ids use lowercase ascii letters, digits, '.', '_' and '-', "
    "e.g. li.lei or east-1; put Chinese in `name`"
)


_GRADE_HINT = "grades use ascii letters, digits, '_', '+' and '-', e.g. A; put words in `label`"


@cache
def _id_hints() -> dict[str, tuple[str, str]]:
    """What a value of each id pattern of the schemas is, and the hint, keyed by the pattern."""
    return {
        process_schema()["$defs"]["id"]["pattern"]: ("a valid id", _ID_HINT),
        org_schema()["$defs"]["person_id"]["pattern"]: ("a valid id", _PERSON_ID_HINT),
        customers_schema()["$defs"]["grade"]["pattern"]: ("a valid grade", _GRADE_HINT),
    }


def _explain_one_of(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    branches = _branches(error)
    if not branches and _json_type(_instance(error)) not in _as_list(
        _schema(error).get("type", [])
    ):
        return  # every branch "passed" only because the value has the wrong type: FK103 says so
    if not branches:
        path = tuple(error.absolute_path)
        yield Diagnostic(
            "FK104",
            f"{_where(source, path)}: matches more than one form",
            source.loc(path),
            _schema(error).get("description"),
        )
        return
    fitting = [errs for errs in branches.values() if not _type_mismatch(errs)]
    if not fitting:
        yield from _explain_no_branch_type(error, source)
        return
    best = min(fitting, key=len)
    for sub in best:
        yield from _explain(sub, source)


def _explain_no_branch_type(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    kinds: list[str] = []
    for option in _expected(error):
        kinds.extend(_branch_types(option))
    wanted = " or ".join(dict.fromkeys(_TYPE_WORDS.get(k, k) for k in kinds)) or "another form"
    got = _TYPE_WORDS.get(_json_type(error.instance), "a value")
    message = f"{_where(source, path)}: expected {wanted}, got {got}"
    yield Diagnostic("FK103", message, source.loc(path), _schema(error).get("description"))


def _branch_types(option: dict[str, Any]) -> list[str]:
    if "type" in option:
        return _as_list(option["type"])
    ref = option.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return _branch_types(process_schema()["$defs"][ref.removeprefix("#/$defs/")])
    return []


def _branches(error: ValidationError) -> dict[int, list[ValidationError]]:
    grouped: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        grouped.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    return grouped


def _type_mismatch(errors: Iterable[ValidationError]) -> bool:
    """A branch whose very type (or const) does not fit was not the one the author meant."""
    return any(e.validator in ("type", "const") and not e.relative_path for e in errors)


def _explain_size(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    messages = {
        "minLength": "must not be empty",
        "minItems": "must not be an empty list",
        "minProperties": "must not be an empty mapping",
        "uniqueItems": "lists the same item twice",
    }
    message = f"{_where(source, path)}: {messages.get(str(error.validator), error.message)}"
    yield Diagnostic("FK104", message, source.loc(path))


def _explain_other(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    yield Diagnostic("FK104", f"{_where(source, path)}: {error.message}", source.loc(path))


def _explain_any_of_required(error: ValidationError, source: Source) -> Iterator[Diagnostic]:
    if all(sub.validator == "required" for sub in error.context or ()):
        path = tuple(error.absolute_path)
        keys = ", ".join(k for option in _expected(error) for k in option.get("required", ()))
        message = f"{_where(source, path)}: needs at least one of {keys}"
        yield Diagnostic("FK102", message, source.loc(path))
        return
    yield from _explain_one_of(error, source)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "null"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


_EXPLAINERS: dict[str, Callable[[ValidationError, Source], Iterator[Diagnostic]]] = {
    "additionalProperties": _explain_additional,
    "required": _explain_required,
    "type": _explain_type,
    "enum": _explain_enum,
    "const": _explain_enum,
    "pattern": _explain_pattern,
    "oneOf": _explain_one_of,
    "anyOf": _explain_any_of_required,
    "minLength": _explain_size,
    "minItems": _explain_size,
    "minProperties": _explain_size,
    "uniqueItems": _explain_size,
}
