"""The flow as a graph: one start, everything reachable, every path able to finish.

Loops are fine (rework, another visit) as long as they have a way out. Only root causes
are reported: the node with no `next` or the closed loop, not every node upstream of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import networkx as nx

from flowkit.diagnostics import Diagnostic
from flowkit.model import Node, Process

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def flow_graph(process: Process) -> nx.DiGraph:
    """Nodes by id, one edge per route to a declared node (unknown targets are FK204's job)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in process.nodes)
    for node in process.nodes:
        for route in node.routes:
            if route.to in process.node_by_id:
                graph.add_edge(node.id, route.to)
    return graph


def check_graph(process: Process, ctx: CheckContext) -> Iterator[Diagnostic]:
    graph = flow_graph(process)
    yield from _starts(process, graph)
    yield from _ends(process)
    yield from _dead_ends(process, graph)


def _starts(process: Process, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    starts = [n for n in process.nodes if n.type == "start"]
    if len(starts) != 1:
        found = ", ".join(f"'{n.id}' (line {n.loc.line})" for n in starts) or "none"
        loc = starts[1].at("type") if len(starts) > 1 else process.at("nodes")
        yield Diagnostic(
            "FK301",
            f"a process has exactly one start node; found {found}",
            loc,
            "mark the first node with `type: start`" if not starts else "keep one `type: start`",
        )
        return
    start = starts[0]
    for node in process.nodes:
        for route in node.routes:
            if route.to == start.id:
                yield Diagnostic(
                    "FK307",
                    f"node '{node.id}' routes back to the start node '{start.id}'",
                    route.loc,
                    "route to the first real step instead; the start only marks where "
                    "instances begin",
                )
    if any(r.to not in process.node_by_id for n in process.nodes for r in n.routes):
        return  # a broken route (FK204) leaves nodes unreached; report that, not its echo
    reached = nx.descendants(graph, start.id) | {start.id}
    for node in process.nodes:
        if node.id not in reached:
            yield Diagnostic(
                "FK302",
                f"node '{node.id}' cannot be reached from the start '{start.id}'",
                node.loc,
                "route to it from an earlier node, or remove it",
            )


def _ends(process: Process) -> Iterator[Diagnostic]:
    for node in process.nodes:
        if node.type == "end" and node.routes:
            yield Diagnostic(
                "FK305",
                f"end node '{node.id}' has a `next`",
                node.at("next"),
                "an end finishes the instance; make it a task to continue",
            )
        if node.type == "end" and not node.outcome:
            yield Diagnostic(
                "FK406",
                f"end node '{node.id}' has no outcome",
                node.loc,
                "add `outcome:` such as won, lost or resolved",
            )
        if node.type != "end" and not node.routes:
            yield Diagnostic(
                "FK306",
                f"{node.type} '{node.id}' has no `next` step",
                node.loc,
                "add `next:`, or make it `type: end` with an outcome",
            )


def _dead_ends(process: Process, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Report each closed loop that no node of can leave to reach an end."""
    ends = {n.id for n in process.nodes if n.type == "end"}
    alive = set(ends)
    for end in ends:
        alive |= nx.ancestors(graph, end)
    dead = graph.subgraph(n for n in graph if n not in alive)
    order = {n.id: i for i, n in enumerate(process.nodes)}
    for component in nx.strongly_connected_components(dead):
        members = sorted(component, key=order.__getitem__)
        closed = not any(s not in component for m in members for s in dead.successors(m))
        looping = len(members) > 1 or dead.has_edge(members[0], members[0])
        if closed and looping:
            yield _loop(process.node_by_id[members[0]], members)


def _loop(first: Node, members: list[str]) -> Diagnostic:
    cycle = " → ".join([*members, members[0]])
    return Diagnostic(
        "FK304",
        f"the loop {cycle} has no way out to an end",
        first.loc,
        "add a route (an outcome or a condition) from one of these nodes towards an end",
    )
