"""The customer rules file (`customers.yaml`): how it is recognised, and its model.

A YAML file is the customer rules file when it is named `customers.yaml` or
`customers.yml`, or when its top level has a `customers` key and no `nodes` key. The
schema has vouched for the shape before `build_customer_rules` runs; building parses the
small languages inside (grading conditions, cadence and duration phrases) and reports what
does not parse, located at the character, leaving it out of the model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from types import MappingProxyType
from typing import Any, TypeVar

from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang import expr
from flowkit.lang.sla import SlaSyntaxError, parse_cadence, parse_duration
from flowkit.load.build import build_field, share, spots
from flowkit.load.yamlsource import PathKey, Source
from flowkit.model import CustomerRules, GradeRule, Maintenance
from flowkit.model.customer import FollowUpMethod
from flowkit.model.kpis import Kpi, Kpis, RoleWeights

CUSTOMERS_FILE_NAMES = ("customers.yaml", "customers.yml")
CUSTOMERS_KEY = "customers"

T = TypeVar("T")


def is_customers_file(name: str, data: Any) -> bool:
    """Whether the file `name`, holding `data` (None when unreadable), holds the customer rules."""
    if PurePath(name).name in CUSTOMERS_FILE_NAMES:
        return True
    return isinstance(data, dict) and "nodes" not in data and CUSTOMERS_KEY in data


def build_customer_rules(source: Source) -> tuple[CustomerRules, list[Diagnostic]]:
    """Convert one schema-valid rules file into the model, with what did not parse on the way."""
    build = _Build(source)
    return build.rules(), build.found


class _Build:
    """Holds the source and the diagnostics while one rules file is converted."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Diagnostic] = []

    def rules(self) -> CustomerRules:
        data, src = self.source.data, self.source
        fields = tuple(build_field(src, k, v) for k, v in data.get("fields", {}).items())
        listed = tuple(data.get("required", ()))
        flagged = tuple(f.id for f in fields if f.required and f.id not in listed)
        upkeep = data.get("upkeep", {})
        return CustomerRules(
            fields=fields,
            required=listed + flagged,
            tags=tuple(data.get("tags", ())),
            methods=tuple(self.method(k, v) for k, v in data.get("methods", {}).items()),
            grades=tuple(self.grade(r, ("grades", i)) for i, r in enumerate(data["grades"])),
            maintenance=tuple(
                m
                for grade, spec in data.get("maintenance", {}).items()
                if (m := self.maintenance(grade, spec)) is not None
            ),
            follow_up_within=self.phrase(parse_duration, upkeep, ("upkeep", "follow_up_within")),
            review=self.phrase(parse_cadence, upkeep, ("upkeep", "review")),
            kpis=self.kpis(data["kpis"]) if "kpis" in data else None,
            calendar=data.get("calendar", "cn"),
            name=data[CUSTOMERS_KEY],
            source=src.path,
            loc=src.loc(()),
            spots=self.spots(),
        )

    def kpis(self, spec: dict[str, Any]) -> Kpis:
        """`kpis: {measures: {on_time: {target: 85%}}, weights: {consultant: {on_time: 60%}}}`."""
        src = self.source
        measures = tuple(
            Kpi(
                mid,
                share(m.get("target")) if m else None,
                (m or {}).get("label", ""),
                src.key_loc(("kpis", "measures", mid)),
            )
            for mid, m in spec.get("measures", {}).items()
        )
        weights = tuple(
            RoleWeights(
                role,
                tuple((mid, share(w) or 0.0) for mid, w in given.items()),
                src.key_loc(("kpis", "weights", role)),
            )
            for role, given in spec.get("weights", {}).items()
        )
        return Kpis(measures, weights, src.key_loc(("kpis",)))

    def method(self, method_id: str, spec: str | dict[str, Any]) -> FollowUpMethod:
        """`wechat: 微信`, or `wechat: {label: 微信, aliases: [微信沟通]}`."""
        loc = self.source.key_loc(("methods", method_id))
        if isinstance(spec, str):
            return FollowUpMethod(method_id, spec.strip(), loc=loc)
        aliases = tuple(a.strip() for a in spec.get("aliases", ()))
        return FollowUpMethod(method_id, spec["label"].strip(), aliases, loc)

    def grade(self, spec: dict[str, Any], path: PathKey) -> GradeRule:
        label, loc = spec.get("label", ""), self.source.loc(path)
        if "default" in spec:
            return GradeRule(spec["default"], None, label, loc)
        when_path = (*path, "when")
        when = self.condition(spec["when"], when_path)
        when_loc = self.source.loc_in(when_path, 0)
        return GradeRule(spec["grade"], when, label, loc, when_loc, parsed=when is not None)

    def condition(self, text: str, path: PathKey) -> expr.Condition | None:
        try:
            return expr.parse(text)
        except expr.ExprError as e:
            message = f"cannot read condition {text!r}: {e.message}"
            self.report("FK401", message, path, e.start, e.hint)
            return None

    def maintenance(self, grade: str, spec: dict[str, Any]) -> Maintenance | None:
        path = ("maintenance", grade)
        cadence = self.phrase(parse_cadence, spec, (*path, "cadence"))
        if cadence is None:
            return None
        return Maintenance(
            grade,
            cadence,
            text=spec["cadence"].strip(),
            lane=spec.get("lane"),
            action=spec.get("action", ""),
            loc=self.source.key_loc(path),
        )

    def phrase(self, parse: Callable[[str], T], spec: dict[str, Any], path: PathKey) -> T | None:
        """The phrase under the last key of `path` in `spec`, or None when absent or unreadable."""
        if path[-1] not in spec:
            return None
        try:
            return parse(spec[path[-1]])
        except SlaSyntaxError as e:
            self.report("FK501", e.message, path, e.offset)
            return None

    def spots(self) -> MappingProxyType[PathKey, Location]:
        """The usual two levels of locations, plus the keys of each rule and maintenance entry."""
        found = dict(spots(self.source, ()))
        data = self.source.data
        for i, rule in enumerate(data["grades"]):
            found.update({("grades", i, k): self.source.loc(("grades", i, k)) for k in rule})
        for grade, spec in data.get("maintenance", {}).items():
            path = ("maintenance", grade)
            found.update({(*path, k): self.source.loc((*path, k)) for k in spec})
        for section in ("measures", "weights"):
            for key, given in data.get("kpis", {}).get(section, {}).items():
                at: PathKey = ("kpis", section, key)
                found.update({(*at, k): self.source.loc((*at, k)) for k in given or {}})
        return MappingProxyType(found)

    def report(
        self, code: str, message: str, path: PathKey, offset: int = 0, hint: str | None = None
    ) -> None:
        self.found.append(Diagnostic(code, message, self.source.loc_in(path, offset), hint))
