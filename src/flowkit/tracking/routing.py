"""Where an instance goes when it leaves a node: by the outcome chosen, or by conditions."""

from __future__ import annotations

from flowkit.errors import InputError
from flowkit.lang.expr import ExprError, evaluate
from flowkit.messages import msg, words
from flowkit.model import Node
from flowkit.store.rows import Fields


def next_node(node: Node, outcome: str | None, fields: Fields) -> str:
    """The id of the node after `node`; a wrong or missing outcome names the valid ones."""
    if node.route_kind == "outcomes":
        choices = node.outcomes
        if outcome is None:
            raise InputError(
                msg(
                    "'{name}' ({node}) needs an outcome: --outcome {choices}",
                    name=node.name,
                    node=node.id,
                    choices=words(choices, sep=" | "),
                )
            )
        for route in node.routes:
            if route.outcome == outcome:
                return route.to
        raise InputError(
            msg(
                "'{name}' has no outcome '{outcome}'; choose one of: {choices}",
                name=node.name,
                outcome=outcome,
                choices=words(choices),
            )
        )
    if outcome is not None:
        raise InputError(
            msg(
                "'{name}' ({node}) takes no outcome; leave out --outcome",
                name=node.name,
                node=node.id,
            )
        )
    if node.route_kind == "conditions":
        return _by_conditions(node, fields)
    if not node.routes:
        raise InputError(
            msg(
                "'{name}' ({node}) is an end: close the opportunity instead",
                name=node.name,
                node=node.id,
            )
        )
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
                msg(
                    "'{name}' routes on '{condition}', but {problem}",
                    name=node.name,
                    condition=route.when.text,
                    problem=str(e),  # the condition language's own words, as FK401 says them
                ),
                msg("set the field with: flowkit set ID FIELD=VALUE"),
            ) from e
    raise InputError(msg("no route of '{name}' matches this opportunity's fields", name=node.name))
