"""Processes made up for layout tests: any size, lanes, branching and loops."""

from __future__ import annotations

import random

from flowkit.model import Document, Lane, Node, Process, Route


def generated(nodes: int, lanes: int, seed: int = 0, loops: float = 0.1) -> Process:
    """A process with `nodes` tasks spread over `lanes` lanes, branching forward, some loops."""
    rnd = random.Random(seed)
    lane_ids = [f"lane{i}" for i in range(lanes)]
    ids = [f"n{i}" for i in range(nodes)]
    out: list[Node] = [Node("start", "开始", "start", lane_ids[0], routes=(Route(ids[0]),))]
    for i, node_id in enumerate(ids):
        targets = _targets(rnd, i, ids, loops)
        kind = "decision" if len(targets) > 1 and rnd.random() < 0.4 else "task"
        routes = (
            tuple(Route(t, outcome=f"o{k}", label=f"结果{k}") for k, t in enumerate(targets))
            if len(targets) > 1
            else (Route(targets[0]),)
        )
        support = (rnd.choice(lane_ids),) if rnd.random() < 0.15 else ()
        out.append(
            Node(
                node_id,
                f"步骤{i}",
                kind,
                rnd.choice(lane_ids),
                support=support,
                outputs=("doc",),
                routes=routes,
                route_kind="outcomes",
            )
        )
    out.append(Node("won", "成交", "end", outcome="won"))
    lanes_ = tuple(Lane(lane, f"角色{i}") for i, lane in enumerate(lane_ids))
    docs = (Document("doc", "记录表"),)
    return Process("gen", "生成的流程", "1", tuple(out), lanes_, documents=docs)


def _targets(rnd: random.Random, i: int, ids: list[str], loops: float) -> list[str]:
    ahead = ids[i + 1 : i + 6]
    if not ahead:
        return ["won"]
    targets = [ahead[0]]
    if rnd.random() < 0.35:
        targets.append(rnd.choice([*ahead, "won"]))
    if i > 2 and rnd.random() < loops:
        targets.append(rnd.choice(ids[max(0, i - 5) : i]))
    return list(dict.fromkeys(targets))
