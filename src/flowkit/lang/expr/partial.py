"""Conditions over partial data: a field without a value is unknown, never an error.

Customer profiles are often incomplete, so grading reads conditions in strong Kleene
logic: `and` is false when any operand is false, `or` true when any is true, `not` leaves
unknown unknown, and a condition holds only when it is true. `truth` combines the truths
of the atoms (comparisons, memberships, boolean fields) that way; `assume_missing`
rewrites a condition so that ordinary evaluation (and so `uncovered_case`) answers what
the partial reading answers when some fields have no value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from flowkit.lang.expr.ast import BoolOp, Condition, Expr, Literal_, Name, Not, walk

Truth = bool | None  # None: unknown


def truth(node: Expr, atom: Callable[[Expr], Truth]) -> Truth:
    """The value of `node`, given the truth of each atom (any node but and, or, not)."""
    match node:
        case BoolOp():
            values = [truth(operand, atom) for operand in node.operands]
            decisive = node.op == "or"  # true decides an `or`, false an `and`
            if decisive in values:
                return decisive
            return None if None in values else not decisive
        case Not():
            inner = truth(node.operand, atom)
            return None if inner is None else not inner
        case _:
            return atom(node)


def assume_missing(cond: Condition, names: Collection[str]) -> Condition:
    """A condition that holds exactly where `cond` holds while the fields `names` have no value.

    In negation normal form every atom is reached through and/or only, so an unknown atom
    can only make the whole true if it would be true with that atom false: replacing each
    atom that reads a missing field by `false` gives the partial reading.
    """
    return Condition(cond.text, _surely(cond.expr, frozenset(names), positive=True))


def _surely(node: Expr, names: frozenset[str], positive: bool) -> Expr:
    match node:
        case BoolOp():
            op = node.op if positive else ("or" if node.op == "and" else "and")
            operands = tuple(_surely(o, names, positive) for o in node.operands)
            return BoolOp(op, operands, node.start, node.end)
        case Not():
            return _surely(node.operand, names, not positive)
        case _:
            if any(isinstance(n, Name) and n.name in names for n in walk(node)):
                return Literal_(False, node.start, node.end)
            return node if positive else Not(node, node.start, node.end)
