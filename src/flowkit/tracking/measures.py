"""The numbers management asks of the process: 流程节点准时率, how often each owner, team,
process or node meets its deadlines, and the funnel, where deals stall or drop out.

The template asks that process execution count in the sales appraisal, with 流程节点准时率
(the share of process nodes done on time) beside 档案完整率. A deadline is met when its
node was completed by its due instant and missed when it was completed (or the deal
closed) later; deadlines still open past their due instant are counted apart, as overdue,
so a stalled deal is visible before it is settled. A deadline is credited to the person
who did its step (the `--by` of the advance that completed the node: a 电销 rep's 电话邀约
counts for the rep, not for the account manager), and to the opportunity's owner when the
deal was closed instead or the deadline is still open.

The funnel's end rows count every deal that ended that way in the period: a deal lost at
线索初筛 by `close --lost` lands in 丢单 (or in the lost end whose `reason` is the code it
was closed with), as one advanced into it does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from flowkit.access.people import team_key, team_name
from flowkit.errors import InputError
from flowkit.messages import msg, words
from flowkit.model import Node, Process
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
        closes = tx.closes(process_id, since, until, owners)
        amounts = tx.amounts_at(process_id, owners)
    counts = {(r["node"], r["kind"]): int(r["count"]) for r in traffic}
    ended: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])  # end -> [count, amount]
    for closed_at, outcome, code, count, amount in closes:
        end = end_for(process, closed_at, outcome, code)
        if end is not None:
            ended[end.id][0] += count if closed_at != end.id else 0  # else entered counts it
            ended[end.id][1] += amount
    return [
        Stage(
            node.id,
            node.name,
            node.type,
            counts.get((node.id, "entered"), 0)
            + counts.get((node.id, "routed"), 0)
            + int(ended[node.id][0]),
            counts.get((node.id, "completed"), 0) + counts.get((node.id, "routed"), 0),
            counts.get((node.id, "closed"), 0) if node.type != "end" else 0,
            here.get(node.id, 0),
            _median(spent[node.id]),
            ended[node.id][1] if node.type == "end" else amounts.get(node.id, 0.0),
        )
        for node in process.nodes
        if node.type != "start"
    ]


def end_for(process: Process, node_id: str | None, outcome: str, code: str | None) -> Node | None:
    """The end node a close lands on: the node itself when the deal advanced into an end;
    else an end of the same outcome — for a lost deal the one whose `reason` is the code it
    was closed with, else one with no reason (丢单), else the last."""
    node = process.node_by_id.get(node_id or "")
    if node is not None and node.type == "end":
        return node
    ends = [n for n in process.nodes if n.type == "end" and n.outcome == outcome]
    if outcome == "lost":
        ends = (
            [n for n in ends if code is not None and n.reason == code]
            or [n for n in ends if n.reason is None]
            or ends
        )
    return ends[-1] if ends else None


def lead_to_won(
    tracker: Tracker, process_id: str, since: datetime, until: datetime
) -> tuple[int, int]:
    """Lead → won: of the process's opportunities started in [since, until), how many (of
    those the person acting may see), and how many of them were won by `until`."""
    owners = tracker.access.narrowed("funnel", None)
    with tracker.store.read() as tx:
        return tx.lead_cohort(process_id, since, until, owners)


def _median(lengths: list[timedelta]) -> timedelta | None:
    if not lengths:
        return None
    ordered, middle = sorted(lengths), len(lengths) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
