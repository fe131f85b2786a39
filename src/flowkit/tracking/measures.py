"""The numbers management asks of the process: 流程节点准时率, how often each owner, team,
process or node meets its deadlines, and the funnel, where deals stall or drop out.

The template asks that process execution count in the sales appraisal, with 流程节点准时率
(the share of process nodes done on time) beside 档案完整率. A deadline is met when its
node was completed by its due instant and missed when it was completed (or the deal
closed) later; deadlines still open past their due instant are counted apart, as overdue,
so a stalled deal is visible before it is settled. Deadlines are credited to the
opportunity's owner (负责人) as it is now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from flowkit.access.people import team_key, team_name
from flowkit.errors import InputError
from flowkit.messages import msg, words
from flowkit.store import DeadlineCounts
from flowkit.tracking.tracker import Tracker
from flowkit.tracking.views import OnTime, Stage


def on_time(
    tracker: Tracker,
    by: str,
    since: datetime,
    until: datetime,
    owners: Sequence[str] | None = None,
) -> list[OnTime]:
    """流程节点准时率 per owner, team, process or node (`by`), worst first, over the
    deadlines of the owners the person acting may see."""
    owners = tracker.access.narrowed("on-time", owners)
    with tracker.store.read() as tx:
        rows = tx.deadline_outcomes(since, until, "owner" if by == "team" else by, owners)
    groups: dict[str, list[DeadlineCounts]] = defaultdict(list)
    for row in rows:
        groups[_key(tracker, row, by)].append(row)
    lines = [
        OnTime(
            key,
            _name(tracker, key, by),
            sum(int(r["met"] or 0) for r in members),
            sum(int(r["missed"] or 0) for r in members),
            sum(int(r["overdue"] or 0) for r in members),
        )
        for key, members in groups.items()
    ]
    return sorted(lines, key=lambda v: (v.rate is None, v.rate or 0.0, -v.overdue, v.key))


def _key(tracker: Tracker, row: DeadlineCounts, by: str) -> str:
    if by == "node":
        return f"{row['process_id']}/{row['node']}"
    if by == "team":
        return team_key(tracker.people, row["owner"])
    return str(row["owner"] if by == "owner" else row["process_id"])


def _name(tracker: Tracker, key: str, by: str) -> str:
    current = tracker.definitions.current
    if by == "owner":
        return tracker.person_name(key)
    if by == "team":
        return team_name(tracker.people, key)
    process_id, _, node_id = key.partition("/")
    process = current.get(process_id)
    if process is None:
        return key
    node = process.node_by_id.get(node_id)
    return f"{process.name} / {node.name}" if node is not None else process.name


def funnel(tracker: Tracker, process_id: str, since: datetime, until: datetime) -> list[Stage]:
    """Each node of the process in declared order: how many opportunities entered it,
    moved on, were closed there in [since, until), and how many sit there now — of the
    opportunities the person acting may see."""
    process = tracker.definitions.current.get(process_id)
    if process is None:
        known = words(sorted(tracker.definitions.current))
        raise InputError(
            msg("unknown process '{process}'", process=process_id),
            msg("processes: {processes}", processes=known),
        )
    owners = tracker.access.narrowed("funnel", None)  # counts of what they may see
    with tracker.store.read() as tx:
        traffic = tx.node_traffic(process_id, since, until, owners)
        here = tx.opportunities_at(process_id, owners)
        spent: dict[str, list[timedelta]] = defaultdict(list)
        for node_id, seconds in tx.stage_times(process_id, since, until, owners):
            spent[node_id].append(timedelta(seconds=round(seconds)))
    counts = {(r["node"], r["kind"]): int(r["count"]) for r in traffic}
    return [
        Stage(
            node.id,
            node.name,
            node.type,
            counts.get((node.id, "entered"), 0) + counts.get((node.id, "routed"), 0),
            counts.get((node.id, "completed"), 0) + counts.get((node.id, "routed"), 0),
            counts.get((node.id, "closed"), 0) if node.type != "end" else 0,
            here.get(node.id, 0),
            _median(spent[node.id]),
        )
        for node in process.nodes
        if node.type != "start"
    ]


def _median(lengths: list[timedelta]) -> timedelta | None:
    if not lengths:
        return None
    ordered, middle = sorted(lengths), len(lengths) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
