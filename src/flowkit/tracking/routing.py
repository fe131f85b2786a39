"""Where an instance goes when it leaves a node: by the outcome chosen, or by conditions."""

from __future__ import annotations

from flowkit.errors import InputError
from flowkit.lang.expr import ExprError, evaluate
from flowkit.model import Node
from flowkit.store.rows import Fields


def next_node(node: Node, outcome: str | None, fields: Fields) -> str:
    """The id of the node after `node`; a wrong or missing outcome names the valid ones."""
    if node.route_kind == "outcomes":
        choices = node.outcomes
        if outcome is None:
            raise InputError(
                f"'{node.name}' ({node.id}) needs an outcome: --outcome {' | '.join(choices)}"
            )
        for route in node.routes:
            if route.outcome == outcome:
                return route.to
        raise InputError(
            f"'{node.name}' has no outcome '{outcome}'; choose one of: {', '.join(choices)}"
        )
    if outcome is not None:
        raise InputError(f"'{node.name}' ({node.id}) takes no outcome; leave out --outcome")
    if node.route_kind == "conditions":
        return _by_conditions(node, fields)
    if not node.routes:
        raise InputError(f"'{node.name}' ({node.id}) is an end: close the opportunity instead")
    return node.routes[0].to


def _by_conditions(node: Node, fields: Fields) -> str:
    for route in node.routes:
        if route.default:
            return route.to
        if route.when is None:
            continue
        try:
            if evaluate(route.when, fields):
                return route.to
        except ExprError as e:
            raise InputError(
                f"'{node.name}' routes on '{route.when.text}', but {e}",
                "set the field with: flowkit set ID FIELD=VALUE",
            ) from e
    raise InputError(f"no route of '{node.name}' matches this opportunity's fields")
