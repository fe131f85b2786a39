"""Build the model from schema-valid data, parsing the two small languages on the way.

The schema has already vouched for the shape, so this module only converts. What it
cannot convert (an SLA phrase or a condition that does not parse) it reports, located
inside the YAML scalar, and leaves out of the model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang import expr
from flowkit.lang.sla import (
    Cadence,
    Deadline,
    Phrase,
    SlaSyntaxError,
    Warn,
    parse_cadence,
    parse_phrase,
    parse_warn,
)
from flowkit.load.yamlsource import PathKey, Source
from flowkit.model import (
    Anchor,
    Document,
    Event,
    Faq,
    Field,
    Lane,
    LostReason,
    Node,
    PainPoint,
    Process,
    Route,
    Sla,
    SlaOverride,
)
from flowkit.model.process import AnchorKind, RouteKind

T = TypeVar("T")


class _Build:
    """Holds the source and the diagnostics while one process is converted."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Diagnostic] = []
        data = source.data
        self.events = list(data.get("events", []))
        self.nodes = data["nodes"]
        self.english = data.get("locale") == "en"
        self.anchors = _anchor_index(self.events, self.nodes)

    def process(self) -> Process:
        data, src = self.source.data, self.source
        return Process(
            id=data["id"],
            name=data["name"],
            version=_text(src, ("version",), data["version"]),
            nodes=tuple(self.node(n, ("nodes", i)) for i, n in enumerate(data["nodes"])),
            lanes=tuple(
                Lane(x["id"], x["name"], x.get("description", ""), src.loc(("lanes", i)))
                for i, x in enumerate(data["lanes"])
            ),
            documents=tuple(
                Document(
                    x["id"],
                    x["name"],
                    x.get("template"),
                    x.get("description", ""),
                    src.loc(("documents", i)),
                )
                for i, x in enumerate(data.get("documents", []))
            ),
            fields=tuple(self.field(k, v) for k, v in data.get("fields", {}).items()),
            events=tuple(
                Event(x["id"], x["name"], x.get("description", ""), src.loc(("events", i)))
                for i, x in enumerate(self.events)
            ),
            lost_reasons=tuple(
                LostReason(
                    x["id"], x["name"], x.get("description", ""), src.loc(("lost_reasons", i))
                )
                for i, x in enumerate(data.get("lost_reasons", []))
            ),
            faq=tuple(
                Faq(
                    x["question"],
                    x["answer"],
                    tuple(x.get("nodes", ())),
                    x.get("process"),
                    src.loc(("faq", i)),
                    self.spots(("faq", i)),
                )
                for i, x in enumerate(data.get("faq", []))
            ),
            description=data.get("description", ""),
            status=data.get("status", "active"),
            pilot_teams=tuple(data.get("pilot_teams", ())),
            locale=data.get("locale", "zh-CN"),
            calendar=data.get("calendar", "cn"),
            owner=data.get("owner", ""),
            source=src.path,
            digest=hashlib.sha256(src.text.encode("utf-8")).hexdigest(),
            loc=src.loc(()),
            spots=self.spots(()),
        )

    def spots(self, prefix: PathKey) -> MappingProxyType[PathKey, Location]:
        return spots(self.source, prefix)

    def field(self, fid: str, spec: Any) -> Field:
        return build_field(self.source, fid, spec)

    def node(self, data: dict[str, Any], path: PathKey) -> Node:
        kind, routes = self.routes(data.get("next"), (*path, "next"))
        ntype = data.get("type", "task")
        return Node(
            id=data["id"],
            name=data.get("name", data["id"] if ntype in ("start", "end") else ""),
            type=ntype,
            lane=data.get("lane"),
            support=tuple(data.get("support", ())),
            action=data.get("action", ""),
            steps=tuple(data.get("steps", ())),
            inputs=tuple(data.get("inputs", ())),
            outputs=tuple(data.get("outputs", ())),
            sla=self.sla(data["sla"], (*path, "sla")) if "sla" in data else None,
            pain_points=tuple(
                PainPoint(
                    p["problem"],
                    p["improvement"],
                    p.get("status", "proposed"),
                    _date(p.get("adopted")),
                    self.source.loc((*path, "pain_points", i)),
                )
                for i, p in enumerate(data.get("pain_points", ()))
            ),
            routes=routes,
            route_kind=kind,
            outcome=data.get("outcome"),
            notes=data.get("notes", ""),
            probability=share(data.get("probability")),
            reason=data.get("reason"),
            loc=self.source.loc(path),
            spots=self.spots(path),
        )

    def routes(self, spec: Any, path: PathKey) -> tuple[RouteKind, tuple[Route, ...]]:
        loc = self.source.loc
        if spec is None:
            return "none", ()
        if isinstance(spec, str):
            return "single", (Route(spec, loc=loc(path)),)
        if isinstance(spec, dict):
            return "outcomes", tuple(
                Route(to, outcome=name, label=name, loc=self.source.key_loc((*path, name)))
                for name, to in spec.items()
            )
        return "conditions", tuple(self.route(r, (*path, i)) for i, r in enumerate(spec))

    def route(self, spec: dict[str, Any], path: PathKey) -> Route:
        label = spec.get("label", "")
        if "default" in spec:
            return Route(spec["default"], default=True, label=label, loc=self.source.loc(path))
        when = self.condition(spec["when"], (*path, "when"))
        return Route(
            spec["to"],
            when=when,
            label=label,
            loc=self.source.loc(path),
            when_loc=self.source.loc_in((*path, "when"), 0),
        )

    def condition(self, text: str, path: PathKey) -> expr.Condition | None:
        try:
            return expr.parse(text)
        except expr.ExprError as e:
            self.report(
                "FK401", f"cannot read condition {text!r}: {e.message}", path, e.start, e.hint
            )
            return None

    def sla(self, spec: Any, path: PathKey) -> Sla:
        errors_before = len(self.found)
        if isinstance(spec, str):
            sla = self.short_sla(spec, path)
        else:
            deadline = self.deadline(spec, path)
            sla = Sla(
                text=_sla_text(spec, self.english),
                deadline=deadline,
                anchor=self.anchor(spec.get("from") or (deadline.anchor if deadline else None)),
                warn=self.warn(spec, path),
                cadence=self.cadence(spec, path),
                ongoing=spec.get("ongoing", False),
                per=spec.get("per", "opportunity"),
                overrides=tuple(
                    self.override(o, (*path, "overrides", i))
                    for i, o in enumerate(spec.get("overrides", ()))
                ),
                loc=self.source.loc(path),
            )
        return replace(sla, parsed=len(self.found) == errors_before)

    def short_sla(self, text: str, path: PathKey) -> Sla:
        phrase = self.phrase(text, path) or Phrase()
        deadline = phrase.deadline
        return Sla(
            text=text.strip(),
            deadline=deadline,
            anchor=self.anchor(deadline.anchor if deadline else None),
            cadence=phrase.cadence,
            ongoing=phrase.ongoing,
            loc=self.source.loc(path),
        )

    def override(self, spec: dict[str, Any], path: PathKey) -> SlaOverride:
        deadline = self.deadline(spec, path)
        anchor_text = spec.get("from") or (deadline.anchor if deadline else None)
        return SlaOverride(
            when=self.condition(spec["when"], (*path, "when")),
            deadline=deadline,
            anchor=self.anchor(anchor_text),
            warn=self.warn(spec, path),
            cadence=self.cadence(spec, path),
            label=spec.get("label", ""),
            loc=self.source.loc(path),
            when_loc=self.source.loc_in((*path, "when"), 0),
        )

    def phrase(self, text: str, path: PathKey) -> Phrase | None:
        return self._parse(parse_phrase, text, path)

    def deadline(self, spec: dict[str, Any], path: PathKey) -> Deadline | None:
        if "within" not in spec:
            return None
        phrase = self._parse(parse_phrase, spec["within"], (*path, "within"))
        if phrase is not None and phrase.deadline is None:
            self.report(
                "FK501",
                f"`within` needs a deadline such as '24h' or '3个工作日', not {spec['within']!r}",
                (*path, "within"),
                hint="put cadences under `cadence` and use `ongoing: true` for 持续进行",
            )
            return None
        return phrase.deadline if phrase else None

    def warn(self, spec: dict[str, Any], path: PathKey) -> Warn | None:
        if "warn" not in spec:
            return None
        value = spec["warn"]
        text = f"{value}%" if isinstance(value, int | float) else value
        return self._parse(parse_warn, text, (*path, "warn"))

    def cadence(self, spec: dict[str, Any], path: PathKey) -> Cadence | None:
        if "cadence" not in spec:
            return None
        return self._parse(parse_cadence, spec["cadence"], (*path, "cadence"))

    def anchor(self, text: str | None) -> Anchor | None:
        """Resolve anchor text to an event or node: ids before names, events before nodes."""
        if text is None:
            return None
        kind, ref = self.anchors.get(text, (None, None))
        return Anchor(text, kind, ref)

    def _parse(self, parse: Callable[[str], T], text: str, path: PathKey) -> T | None:
        try:
            return parse(text)
        except SlaSyntaxError as e:
            self.report("FK501", e.message, path, e.offset)
            return None

    def report(
        self, code: str, message: str, path: PathKey, offset: int = 0, hint: str | None = None
    ) -> None:
        self.found.append(Diagnostic(code, message, self.source.loc_in(path, offset), hint))


def build_process(source: Source) -> tuple[Process, list[Diagnostic]]:
    """Convert one schema-valid file into the model, with the language errors found on the way."""
    build = _Build(source)
    return build.process(), build.found


def build_field(source: Source, fid: str, spec: Any) -> Field:
    """One entry of a top-level `fields` mapping, in the short or the long form."""
    loc = source.loc(("fields", fid))
    if isinstance(spec, str):
        return Field(fid, _short_field_type(spec), loc=loc)
    ftype = expr.FieldType(spec["type"], tuple(spec.get("values", ())))
    return Field(
        fid,
        ftype,
        label=spec.get("label", ""),
        unit=spec.get("unit", ""),
        required=spec.get("required", False),
        labels=tuple(spec.get("labels", {}).items()),
        description=spec.get("description", ""),
        loc=loc,
    )


def spots(source: Source, prefix: PathKey) -> MappingProxyType[PathKey, Location]:
    """Locations of the values one and two levels below prefix, keyed relative to it."""
    found: dict[PathKey, Location] = {}
    data = source.data
    for key in prefix:
        data = data[key]
    for key, value in _items(data):
        found[(key,)] = source.loc((*prefix, key))
        for sub, _ in _items(value):
            found[(key, sub)] = source.loc((*prefix, key, sub))
    return MappingProxyType(found)


def _anchor_index(
    events: list[dict[str, Any]], nodes: list[dict[str, Any]]
) -> dict[str, tuple[AnchorKind, str]]:
    """What each anchor text names; later entries win, so the order sets the precedence."""
    index: dict[str, tuple[AnchorKind, str]] = {}
    for key in ("name", "id"):
        for kind, items in (("node", nodes), ("event", events)):
            for item in items:
                index[item[key] if key in item else item["id"]] = (kind, item["id"])  # type: ignore[assignment]
    return index


def _date(value: Any) -> date | None:
    """A date as YAML reads it (unquoted) or as text the schema checked (quoted)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def share(value: Any) -> float | None:
    """A share written as 0.4 or 40% (the schema checked the shape), as 0..1."""
    if value is None:
        return None
    text = str(value).strip()
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def _items(value: Any) -> list[tuple[str | int, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    return list(enumerate(value)) if isinstance(value, list) else []


def _short_field_type(spec: str) -> expr.FieldType:
    """`number` or `enum [A, B, C]`; the schema has already checked the outline."""
    text = spec.strip()
    if not text.startswith("enum"):
        return expr.FieldType(text)  # type: ignore[arg-type]
    inner = text[text.index("[") + 1 : text.rindex("]")]
    values = tuple(v.strip().strip("'\"") for v in inner.split(",") if v.strip())
    return expr.FieldType("enum", values)


def _text(source: Source, path: PathKey, value: Any) -> str:
    """A scalar as the author wrote it: `version: 1.10` stays '1.10', not 1.1."""
    return source.raw(path) or str(value)


def _sla_text(spec: dict[str, Any], english: bool) -> str:
    """The long form's parts as written, joined for the handbook's 时间要求 column."""
    ongoing = ("ongoing" if english else "持续进行") if spec.get("ongoing") else ""
    parts = [ongoing, spec.get("within", ""), spec.get("cadence", "")]
    return ("; " if english else "，").join(p for p in parts if p)
