"""Recursive-descent parser: condition text to a `Condition`, or a located ExprError.

Grammar, loosest binding first:

  or_expr    := and_expr (('or' | '||') and_expr)*
  and_expr   := not_expr (('and' | '&&') not_expr)*
  not_expr   := ('not' | '!') not_expr | comparison
  comparison := primary [cmp operand | ['not'] 'in' list]
  primary    := '(' or_expr ')' | operand
  operand    := NAME | NUMBER | STRING | BOOL
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from flowkit.lang.expr.ast import (
    BoolOp,
    Compare,
    CompareOp,
    Condition,
    Expr,
    ExprError,
    Literal_,
    Membership,
    Name,
    Not,
    Operand,
)
from flowkit.lang.expr.lexer import Token, tokenize, where

_MAX_DEPTH = 64
_OPERAND_KINDS = frozenset({"name", "number", "string", "bool"})
_STARTS_OPERAND = _OPERAND_KINDS | {"("}
_ENDS_OPERAND = _OPERAND_KINDS | {")", "]"}
_KEYWORD_NAMES = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass
class _Cursor:
    text: str
    tokens: list[Token]
    pos: int = 0
    depth: int = 0


def _peek(c: _Cursor, ahead: int = 0) -> Token:
    return c.tokens[min(c.pos + ahead, len(c.tokens) - 1)]


def _advance(c: _Cursor) -> Token:
    token = _peek(c)
    c.pos = min(c.pos + 1, len(c.tokens) - 1)
    return token


def _source(c: _Cursor, start: int, end: int) -> str:
    snippet = c.text[start:end]
    return snippet if len(snippet) <= 30 else snippet[:27] + "..."


def _show(c: _Cursor, token: Token) -> str:
    snippet = _source(c, token.start, token.end)
    return f"string {snippet}" if token.kind == "string" else f"'{snippet}'"


def parse(text: str) -> Condition:
    """Parse a condition, raising ExprError located at the first syntax problem."""
    tokens = tokenize(text)
    if tokens[0].kind == "end":
        raise ExprError(
            "empty condition", 0, len(text), "write a condition such as amount < 100000"
        )
    cursor = _Cursor(text, tokens)
    expr = _parse_or(cursor)
    if _peek(cursor).kind != "end":
        raise _unexpected(cursor, _peek(cursor))
    return Condition(text, expr)


def _unexpected(
    c: _Cursor, token: Token, expected: str | None = None, hint: str | None = None
) -> ExprError:
    wanted = f"; expected {expected}" if expected else ""
    if token.kind == "end":
        previous = c.tokens[c.pos - 1] if c.pos else None
        after = f" after {_show(c, previous)}" if previous else ""
        return ExprError(f"unexpected end of condition{after}{wanted}", token.start, token.end)
    return ExprError(
        f"unexpected {_show(c, token)} at {where(c.text, token.start)}{wanted}",
        token.start,
        token.end,
        hint or _token_hint(c, token),
    )


def _token_hint(c: _Cursor, token: Token) -> str | None:
    previous = c.tokens[c.pos - 1] if c.pos else None
    if token.kind == ")" and c.depth == 0:
        return "this ')' has no matching '('"
    if token.kind == "[":
        return "a list can only follow 'in' or 'not in'"
    if token.kind == "not":
        return "'not' goes before a condition (not vip) or before 'in' (grade not in ['A'])"
    if token.kind == "name" and str(token.value).lower() in _KEYWORD_NAMES:
        return f"write '{str(token.value).lower()}' in lowercase"
    if token.kind in _STARTS_OPERAND and previous and previous.kind in _ENDS_OPERAND:
        return "join conditions with 'and' / 'or', and compare with an operator such as '=='"
    return None


def _enter(c: _Cursor, token: Token) -> None:
    """Bound nesting so hostile input cannot exhaust the Python stack."""
    c.depth += 1
    if c.depth > _MAX_DEPTH:
        raise ExprError(
            f"condition nests too deeply at {where(c.text, token.start)}",
            token.start,
            token.end,
            f"simplify it: at most {_MAX_DEPTH} levels of parentheses and 'not'",
        )


def _parse_or(c: _Cursor) -> Expr:
    operands = [_parse_and(c)]
    while _peek(c).kind == "or":
        _advance(c)
        operands.append(_parse_and(c))
    return _bool_op("or", operands)


def _parse_and(c: _Cursor) -> Expr:
    operands = [_parse_not(c)]
    while _peek(c).kind == "and":
        _advance(c)
        operands.append(_parse_not(c))
    return _bool_op("and", operands)


def _bool_op(op: Literal["and", "or"], operands: list[Expr]) -> Expr:
    if len(operands) == 1:
        return operands[0]
    return BoolOp(op, tuple(operands), operands[0].start, operands[-1].end)


def _parse_not(c: _Cursor) -> Expr:
    token = _peek(c)
    if token.kind != "not":
        return _parse_comparison(c)
    _advance(c)
    _enter(c, token)
    operand = _parse_not(c)
    c.depth -= 1
    return Not(operand, token.start, operand.end)


def _is_membership(c: _Cursor) -> bool:
    token = _peek(c)
    return token.kind == "in" or (token.kind == "not" and _peek(c, 1).kind == "in")


def _parse_comparison(c: _Cursor) -> Expr:
    left = _parse_primary(c)
    token = _peek(c)
    if token.kind != "cmp" and not _is_membership(c):
        return left
    if not isinstance(left, Name | Literal_):
        raise ExprError(
            f"cannot compare a whole condition with {_show(c, token)} at "
            f"{where(c.text, token.start)}",
            token.start,
            token.end,
            "compare a field with a value, e.g. amount < 100000",
        )
    node: Compare | Membership
    if token.kind == "cmp":
        _advance(c)
        right = _parse_operand(c)
        node = Compare(_compare_op(token), left, right, left.start, right.end)
    else:
        negated = _advance(c).kind == "not"
        if negated:
            _advance(c)
        items, end = _parse_list(c)
        node = Membership(negated, left, items, left.start, end)
    _reject_chain(c, node)
    return node


_COMPARE_OPS: dict[object, CompareOp] = {op: op for op in ("==", "!=", "<", "<=", ">", ">=")}


def _compare_op(token: Token) -> CompareOp:
    return _COMPARE_OPS[token.value]


def _reject_chain(c: _Cursor, node: Compare | Membership) -> None:
    """Python reads '1 < a < 3' as a range, most languages do not: refuse it outright."""
    token = _peek(c)
    if token.kind != "cmp" and not _is_membership(c):
        return
    hint = "split it with 'and', e.g. '1 < a and a < 3'"
    if isinstance(node, Compare):
        middle = _source(c, node.right.start, node.right.end)
        whole = _source(c, node.start, node.end)
        op = _source(c, token.start, token.end)
        hint = f"split it with 'and': '{whole} and {middle} {op} ...'"
    raise ExprError(
        f"chained comparisons are not supported: unexpected {_show(c, token)} at "
        f"{where(c.text, token.start)}",
        token.start,
        token.end,
        hint,
    )


def _parse_primary(c: _Cursor) -> Expr:
    token = _peek(c)
    if token.kind != "(":
        return _parse_operand(c)
    _advance(c)
    _enter(c, token)
    inner = _parse_or(c)
    close = _peek(c)
    if close.kind == "end":
        raise ExprError(
            f"'(' at {where(c.text, token.start)} is never closed",
            token.start,
            token.end,
            "add a matching ')'",
        )
    if close.kind != ")":
        raise _unexpected(c, close, "')'")
    _advance(c)
    c.depth -= 1
    # The span covers the parentheses, so text[start:end] is always a parsable piece.
    return replace(inner, start=token.start, end=close.end)


def _parse_operand(c: _Cursor) -> Operand:
    token = _peek(c)
    if token.kind == "name":
        _advance(c)
        return Name(str(token.value), token.start, token.end)
    if token.kind in ("number", "string", "bool") and token.value is not None:
        _advance(c)
        return Literal_(token.value, token.start, token.end)
    raise _unexpected(c, token, "a field or a value")


def _parse_list(c: _Cursor) -> tuple[tuple[Literal_, ...], int]:
    opening = _peek(c)
    if opening.kind != "[":
        raise ExprError(
            f"expected '[' after 'in' at {where(c.text, opening.start)}",
            opening.start,
            opening.end,
            "write a list, e.g. grade in ['A', 'B']",
        )
    _advance(c)
    items: list[Literal_] = []
    while True:
        items.append(_parse_list_item(c, opening, first=not items))
        separator = _peek(c)
        if separator.kind == "," and _peek(c, 1).kind == "]":
            _advance(c)
            separator = _peek(c)
        if separator.kind == "]":
            _advance(c)
            return tuple(items), separator.end
        if separator.kind == "end":
            raise _unclosed_list(c, opening)
        if separator.kind != ",":
            raise _unexpected(c, separator, "',' or ']'", "separate list values with ','")
        _advance(c)


def _parse_list_item(c: _Cursor, opening: Token, first: bool) -> Literal_:
    token = _peek(c)
    if token.kind in ("number", "string", "bool") and token.value is not None:
        _advance(c)
        return Literal_(token.value, token.start, token.end)
    if token.kind == "]" and first:
        raise ExprError(
            f"empty list at {where(c.text, opening.start)}",
            opening.start,
            token.end,
            "list at least one value, e.g. ['A']",
        )
    if token.kind == "name":
        raise ExprError(
            f"expected a value in the list, got field name '{token.value}' at "
            f"{where(c.text, token.start)}",
            token.start,
            token.end,
            f"quote text values: '{token.value}'",
        )
    if token.kind == "end":
        raise _unclosed_list(c, opening)
    raise _unexpected(c, token, "a value")


def _unclosed_list(c: _Cursor, opening: Token) -> ExprError:
    return ExprError(
        f"'[' at {where(c.text, opening.start)} is never closed",
        opening.start,
        opening.end,
        "add a matching ']'",
    )
