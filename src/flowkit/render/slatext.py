"""SLAs in plain words: `within: 3个工作日` → 进入本环节后3个工作日内完成（按 cn 工作日历）.

The 时间要求 column keeps the phrase as the author wrote it; the step's section says what
it means for the person doing the work: from when the clock counts (entering the step,
or an event such as 交付), on which calendar, when the warning comes, how often to follow
up. Durations are written by `describe`, so the numbers read the same as everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flowkit.lang.sla import Cadence, Cutoff, Deadline, Lang, Warn, describe
from flowkit.model import Anchor, Process, Sla, SlaOverride
from flowkit.render.conditions import plain_condition
from flowkit.render.words import cadence_words


@dataclass(frozen=True)
class OverrideText:
    """One segment rule: its label, its condition in plain words, what it changes."""

    label: str
    condition: str
    condition_source: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class SlaText:
    written: str  # as in the file: the 时间要求 column
    parts: tuple[str, ...]  # the meaning, one clause each
    overrides: tuple[OverrideText, ...]


class _Writer:
    def __init__(self, process: Process, lang: Lang, w: Mapping[str, str]) -> None:
        self.process = process
        self.lang = lang
        self.w = w

    def sla(self, sla: Sla, lane: str = "") -> SlaText:
        parts = [self.w["sla_ongoing"]] if sla.ongoing else []
        parts += self.clauses(sla.deadline, sla.anchor, sla.cadence, sla.warn)
        if sla.routine and sla.cadence is not None:
            parts.append(self.owed_by(sla, lane))
        overrides = tuple(self.override(o) for o in sla.overrides)
        return SlaText(sla.text, tuple(parts), overrides)

    def owed_by(self, sla: Sla, lane: str) -> str:
        """Who owes a routine: each person of the lane, or each owner at the step."""
        if sla.per == "owner":
            return self.w["sla_per_owner"]
        name = self.process.lane_by_id[lane].name if lane in self.process.lane_by_id else lane
        daily = sla.cadence is not None and sla.cadence.period == "day"
        return self.w["sla_per_lane_daily" if daily else "sla_per_lane"].format(lane=name)

    def override(self, o: SlaOverride) -> OverrideText:
        condition = plain_condition(o.when, self.process, self.w) if o.when else ""
        source = o.when.text if o.when else ""
        anchor = o.anchor if o.deadline or o.anchor else None
        parts = self.clauses(o.deadline, anchor, o.cadence, o.warn)
        return OverrideText(o.label, condition, source, tuple(parts))

    def clauses(
        self,
        deadline: Deadline | None,
        anchor: Anchor | None,
        cadence: Cadence | None,
        warn: Warn | None,
    ) -> list[str]:
        found = []
        if deadline is not None:
            found.append(self.deadline(deadline, anchor))
        if cadence is not None:
            found.append(self.cadence(cadence))
        if warn is not None:
            found.append(self.warn(warn))
        return found

    def deadline(self, deadline: Deadline, anchor: Anchor | None) -> str:
        if isinstance(deadline.within, Cutoff):
            return self.cutoff(deadline.within, anchor)
        d = describe(deadline.within, self.lang)
        if anchor is None:
            text = self.w["sla_from_entry"].format(d=d)
        else:
            text = self.w["sla_from_anchor"].format(d=d, anchor=self.anchor_name(anchor))
        if deadline.within.business:
            text += self.w["sla_calendar"].format(cal=self.process.calendar)
        return text

    def cutoff(self, c: Cutoff, anchor: Anchor | None) -> str:
        """A date-based deadline in plain words: which day, and when on it."""
        w = self.w
        when = (
            w["sla_when_entry"]
            if anchor is None
            else w["sla_when_anchor"].format(anchor=self.anchor_name(anchor))
        )
        if c.kind == "calendar_day":
            return w["sla_cut_calendar"].format(n=c.days, when=when)
        if c.kind == "period_end":
            if c.weekday is not None:
                text = w["sla_cut_weekday"].format(weekday=w[f"weekday_{c.weekday}"], when=when)
            else:
                text = w["sla_cut_period"].format(period=w[f"period_{c.period}"], when=when)
        else:
            time = w["sla_cut_close"] if c.at is None else f"{c.at // 60:02d}:{c.at % 60:02d}"
            key = {0: "sla_cut_same", 1: "sla_cut_next"}.get(c.days, "sla_cut_n")
            text = w[key].format(time=time, when=when, n=c.days)
        return text + w["sla_calendar"].format(cal=self.process.calendar)

    def anchor_name(self, anchor: Anchor) -> str:
        """The event's or node's display name (交付 for `delivered`), else the text as written."""
        if anchor.kind == "event":
            names = {e.id: e.name for e in self.process.events}
            return names.get(anchor.ref or "", anchor.text)
        if anchor.kind == "node" and anchor.ref in self.process.node_by_id:
            return self.process.node_by_id[anchor.ref].name
        return anchor.text

    def cadence(self, cadence: Cadence) -> str:
        return cadence_words(cadence, self.lang)

    def warn(self, warn: Warn) -> str:
        if warn.before is not None:
            return self.w["sla_warn_before"].format(d=describe(warn.before, self.lang))
        return self.w["sla_warn_percent"].format(percent=f"{warn.percent}%")


def sla_text(
    sla: Sla, process: Process, lang: Lang, w: Mapping[str, str], lane: str = ""
) -> SlaText:
    """`sla` of a node of `process` (in `lane`), in the words of a page in `lang`."""
    return _Writer(process, lang, w).sla(sla, lane)
