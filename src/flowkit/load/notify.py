"""The notification rules file (`notify.yaml`): how it is recognised, and its model.

A YAML file is the notification file when it is named `notify.yaml` or `notify.yml`, or
when its top level has a `notify` key and no `nodes` key. The schema has vouched for the
shape before `build_notify` runs; building reads the small languages inside (escalation
delays, times of day, weekdays, shares) and reports what does not read, located at the
value, leaving it out of the model.
"""

from __future__ import annotations

from datetime import time
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

from flowkit.calendar.hours import parse_clock
from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.sla import SlaSyntaxError, parse_duration
from flowkit.lang.spelling import did_you_mean
from flowkit.load.build import spots
from flowkit.load.yamlsource import PathKey, Source
from flowkit.model.notify import (
    OWNER,
    TEAM,
    WEEKDAYS,
    Channel,
    Escalation,
    NotifyConfig,
    PersonRoute,
    Rule,
    Secret,
)

NOTIFY_FILE_NAMES = ("notify.yaml", "notify.yml")
NOTIFY_KEY = "notify"
_CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def is_notify_file(name: str, data: Any) -> bool:
    """Whether the file `name`, holding `data` (None when unreadable), holds the notification
    rules."""
    if PurePath(name).name in NOTIFY_FILE_NAMES:
        return True
    return isinstance(data, dict) and "nodes" not in data and NOTIFY_KEY in data


def build_notify(source: Source) -> tuple[NotifyConfig, list[Diagnostic]]:
    """Convert one schema-valid notification file into the model, with what did not read."""
    build = _Build(source)
    return build.config(), build.found


class _Build:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Diagnostic] = []

    def config(self) -> NotifyConfig:
        data, src = self.source.data, self.source
        return NotifyConfig(
            name=data[NOTIFY_KEY],
            channels=tuple(self.channel(k, v) for k, v in data["channels"].items()),
            teams=MappingProxyType(dict(data.get("teams", {}))),
            people=tuple(
                PersonRoute(k, v.get("feishu", ""), v.get("wecom", ""), src.key_loc(("people", k)))
                for k, v in data.get("people", {}).items()
            ),
            rules=tuple(self.rule(r, ("rules", i)) for i, r in enumerate(data["rules"])),
            base_url=data.get("base_url", "").rstrip("/"),
            calendar=data.get("calendar", "cn"),
            source=src.path,
            loc=src.loc(()),
            spots=self.spots(),
        )

    def channel(self, channel_id: str, spec: dict[str, Any]) -> Channel:
        path = ("channels", channel_id)

        def secret(key: str) -> Secret | None:
            return Secret(spec[key]) if key in spec else None

        return Channel(
            id=channel_id,
            type=spec["type"],
            url=secret("webhook") or secret("url"),
            secret=secret("secret"),
            host=spec.get("host", ""),
            port=spec.get("port", 587),
            username=spec.get("username", ""),
            password=secret("password"),
            sender=spec.get("from", ""),
            ca_file=spec.get("ca_file", ""),
            rate=spec.get("rate", 0),
            limit=spec.get("limit", 0),
            timeout=float(spec.get("timeout", 10.0)),
            retries=spec.get("retries", 3),
            loc=self.source.key_loc(path),
            spots=spots(self.source, path),
        )

    def rule(self, spec: dict[str, Any], path: PathKey) -> Rule:
        on = spec["on"]
        at = self.clock(spec, (*path, "at")) if "at" in spec else None
        if at is None and on in ("daily", "weekly") and "at" not in spec:
            at = time(9, 0)  # a digest's default: the start of a working day
        return Rule(
            id=spec.get("id") or (f"{on}@{at:%H:%M}" if at is not None else on),
            on=on,
            process=spec.get("process"),
            nodes=tuple(spec.get("nodes", ())),
            lanes=tuple(spec.get("lanes", ())),
            tell=_listed(spec.get("tell", OWNER)),
            escalate=tuple(
                e
                for i, text in enumerate(spec.get("escalate", ()))
                if (e := self.escalation(text, (*path, "escalate", i))) is not None
            ),
            via=_listed(spec.get("via", TEAM)),
            at=at,
            day=self.weekday(spec, (*path, "day")) if "day" in spec else 0,
            contacts=spec.get("contacts", False),
            sample=float(spec["sample"].rstrip("%")) / 100 if "sample" in spec else 0.2,
            loc=self.source.loc(path),
            spots=spots(self.source, path),
        )

    def escalation(self, text: str, path: PathKey) -> Escalation | None:
        try:
            return Escalation(parse_duration(text), text.strip(), self.source.loc(path))
        except SlaSyntaxError as e:
            self.report("FK501", e.message, path, e.offset)
            return None

    def clock(self, spec: dict[str, Any], path: PathKey) -> time | None:
        text = spec[str(path[-1])]
        minutes = parse_clock(text)
        if minutes is None or minutes >= 24 * 60:
            self.report("FK704", f"'{text}' is not a time of day", path, hint="write it as 09:00")
            return None
        return time(minutes // 60, minutes % 60)

    def weekday(self, spec: dict[str, Any], path: PathKey) -> int:
        text = str(spec[str(path[-1])]).strip()
        lowered = text.lower()
        if lowered in WEEKDAYS:
            return WEEKDAYS.index(lowered)
        for prefix in ("周", "星期", "礼拜"):
            rest = text.removeprefix(prefix)
            if rest != text and rest in _CHINESE_DAYS:
                return _CHINESE_DAYS[rest]
        hint = did_you_mean(lowered, list(WEEKDAYS)) or "monday … sunday, or 周一 … 周日"
        self.report("FK104", f"'{text}' is not a day of the week", path, hint=hint)
        return 0

    def spots(self) -> MappingProxyType[PathKey, Location]:
        """The usual two levels of locations, plus the keys of every channel and rule."""
        found = dict(spots(self.source, ()))
        data = self.source.data
        for channel_id in data["channels"]:
            found[("channels", channel_id)] = self.source.key_loc(("channels", channel_id))
        for team in data.get("teams", {}):
            found[("teams", team)] = self.source.key_loc(("teams", team))
            found[("teams", team, "value")] = self.source.loc(("teams", team))
        for person in data.get("people", {}):
            found[("people", person)] = self.source.key_loc(("people", person))
        return MappingProxyType(found)

    def report(
        self, code: str, message: str, path: PathKey, offset: int = 0, hint: str | None = None
    ) -> None:
        self.found.append(Diagnostic(code, message, self.source.loc_in(path, offset), hint))


def _listed(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)
