"""The tree types: position-free equality, field listing, ExprError."""

from __future__ import annotations

import pickle

from flowkit.lang.expr import ExprError, Name, parse


def test_positions_do_not_affect_equality() -> None:
    assert parse("a<1").expr == parse("  a  <  1 ").expr
    assert Name("a", 0, 1) == Name("a", 5, 6)


def test_fields_lists_every_referenced_name() -> None:
    cond = parse("amount < 1 or (grade in ['A'] and not vip) or 5 > count")
    assert cond.fields() == frozenset({"amount", "grade", "vip", "count"})
    assert parse("true").fields() == frozenset()


def test_expr_error_is_a_value_error_and_pickles() -> None:
    error = ExprError("bad", 3, 5, "fix it")
    assert isinstance(error, ValueError)
    assert str(error) == "bad"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.start, copy.end, copy.hint) == ("bad", 3, 5, "fix it")
    assert (ExprError("x").start, ExprError("x").end, ExprError("x").hint) == (0, 0, None)
