"""Route conditions: a small, safe expression language over an instance's typed fields.

Routes and SLA overrides say things like ``amount < 100000`` or
``segment in ['large', 'sme'] and not vip``. The text comes from process files written by
people, so it is never handed to ``eval``: it is tokenized and parsed here into frozen
dataclasses, checked against the declared field types, evaluated by walking the tree, and
analysed for coverage (do a decision's conditions leave some input without a route?).

Node kinds are plain dataclasses; behaviour lives in small functions that dispatch on them,
so every pass (typing, evaluation, coverage) reads top to bottom in one place.
"""

from __future__ import annotations

import difflib
import itertools
import math
import operator
import re
import string
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeAlias

__all__ = [
    "BoolOp",
    "Compare",
    "Condition",
    "Expr",
    "ExprError",
    "FieldType",
    "Literal_",
    "Membership",
    "Name",
    "Not",
    "Operand",
    "evaluate",
    "parse",
    "typecheck",
    "uncovered_case",
]

FieldKind: TypeAlias = Literal["number", "integer", "string", "boolean", "enum", "date"]
CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
Scalar: TypeAlias = bool | int | float | str


@dataclass(frozen=True)
class FieldType:
    """The declared type of an instance field; enums carry their allowed values."""

    kind: FieldKind
    values: tuple[str, ...] = ()


# --- AST ------------------------------------------------------------------------------------
# Offsets are metadata for error messages, so they are left out of equality: the same
# condition written with different spacing gives equal trees.


@dataclass(frozen=True)
class Literal_:
    value: Scalar
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    name: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Operand: TypeAlias = Name | Literal_


@dataclass(frozen=True)
class Compare:
    op: CompareOp
    left: Operand
    right: Operand
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Membership:
    negated: bool
    left: Operand
    items: tuple[Literal_, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    operands: tuple[Expr, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Expr
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Expr: TypeAlias = Literal_ | Name | Compare | Membership | BoolOp | Not


@dataclass(frozen=True)
class Condition:
    """A parsed condition together with its source, which error messages point into."""

    text: str
    expr: Expr

    def fields(self) -> frozenset[str]:
        """The field names the condition reads, so callers can check they are declared."""
        return frozenset(node.name for node in _walk(self.expr) if isinstance(node, Name))


class ExprError(ValueError):
    """A condition that cannot be read, typed or evaluated, located so it can be underlined."""

    def __init__(
        self, message: str, start: int = 0, end: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = start if end is None else max(start, end)
        self.hint = hint

    def __reduce__(self) -> tuple[type[ExprError], tuple[str, int, int, str | None]]:
        # Keep the location when errors cross process boundaries (parallel checks).
        return (type(self), (self.message, self.start, self.end, self.hint))


def _children(node: Expr) -> tuple[Expr, ...]:
    match node:
        case Compare():
            return (node.left, node.right)
        case Membership():
            return (node.left, *node.items)
        case BoolOp():
            return node.operands
        case Not():
            return (node.operand,)
        case _:
            return ()


def _walk(node: Expr) -> Iterator[Expr]:
    """Pre-order, without recursion, so first-appearance order is source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_children(current)))


def _where(text: str, offset: int) -> str:
    """Humans count columns from 1; multi-line YAML scalars also need the line."""
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    if "\n" not in text:
        return f"column {column}"
    return f"line {text.count(chr(10), 0, offset) + 1}, column {column}"


# --- Tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # name number string bool cmp and or not in ( ) [ ] , end
    value: Scalar | None
    start: int
    end: int


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_NAME_START = frozenset(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | frozenset(string.digits)
_NUMBER = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")
_KEYWORDS: dict[str, tuple[str, Scalar | None]] = {
    "and": ("and", None),
    "or": ("or", None),
    "not": ("not", None),
    "in": ("in", None),
    "true": ("bool", True),
    "True": ("bool", True),
    "false": ("bool", False),
    "False": ("bool", False),
}
# Longest first, so '<=' wins over '<' and '!=' over '!'.
_SYMBOLS: tuple[tuple[str, str], ...] = (
    ("==", "cmp"),
    ("!=", "cmp"),
    ("<=", "cmp"),
    (">=", "cmp"),
    ("&&", "and"),
    ("||", "or"),
    ("<", "cmp"),
    (">", "cmp"),
    ("!", "not"),
    ("(", "("),
    (")", ")"),
    ("[", "["),
    ("]", "]"),
    (",", ","),
)
_QUOTE_HINT = "use ASCII quotes: 'text' or \"text\""
_CHAR_HINTS = {
    "&": "use 'and' (or '&&')",
    "|": "use 'or' (or '||')",
    "-": "arithmetic is not supported; write negative numbers as -3",
    ".": "write decimals with a leading digit, e.g. 0.5",
    "‘": _QUOTE_HINT,
    "’": _QUOTE_HINT,
    "“": _QUOTE_HINT,
    "”": _QUOTE_HINT,
    "`": _QUOTE_HINT,
    "≤": "use '<='",
    "≥": "use '>='",
    "≠": "use '!='",
}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():  # includes the full-width space Chinese keyboards type
            i += 1
            continue
        token = _scan(text, i)
        tokens.append(token)
        i = token.end
    tokens.append(_Token("end", None, len(text), len(text)))
    return tokens


def _scan(text: str, i: int) -> _Token:
    ch = text[i]
    if ch in _DIGITS or (ch == "-" and text[i + 1 : i + 2] in _DIGITS):
        return _scan_number(text, i)
    if ch in "'\"":
        return _scan_string(text, i)
    if ch in _NAME_START:
        return _scan_name(text, i)
    for symbol, kind in _SYMBOLS:
        if text.startswith(symbol, i):
            return _Token(kind, symbol if kind == "cmp" else None, i, i + len(symbol))
    raise ExprError(
        f"unexpected character {ch!r} at {_where(text, i)}", i, i + 1, _char_hint(text, i)
    )


def _scan_number(text: str, i: int) -> _Token:
    # Swallow trailing letters too, so '100k' is one bad number rather than a confusing pair.
    j = i + 1
    while j < len(text) and (text[j] in _DIGITS or text[j] in _NAME_CHARS or text[j] == "."):
        j += 1
    raw = text[i:j]
    plain = raw.translate(_FULLWIDTH_DIGITS)
    bad = ExprError(
        f"malformed number '{raw}' at {_where(text, i)}",
        i,
        j,
        "write numbers like 100000, 100_000, 1.5 or -3",
    )
    if not _NUMBER.fullmatch(plain):
        raise bad
    digits = plain.replace("_", "")
    try:
        value: int | float = float(digits) if "." in digits else int(digits)
    except ValueError:  # more digits than Python will convert
        raise bad from None
    if isinstance(value, float) and not math.isfinite(value):
        raise bad
    return _Token("number", value, i, j)


def _scan_string(text: str, i: int) -> _Token:
    quote = text[i]
    chars: list[str] = []
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == quote:
            return _Token("string", "".join(chars), i, j + 1)
        if ch == "\\":
            escaped = text[j + 1 : j + 2]
            if not escaped:
                break
            if escaped not in ("'", '"', "\\"):
                raise ExprError(
                    f"unknown escape '\\{escaped}' at {_where(text, j)}",
                    j,
                    j + 2,
                    "only \\' \\\" and \\\\ are escapes; write a backslash as \\\\",
                )
            chars.append(escaped)
            j += 2
            continue
        chars.append(ch)
        j += 1
    raise ExprError(
        f"unterminated string starting at {_where(text, i)}",
        i,
        len(text),
        f"close it with a matching {quote}",
    )


def _scan_name(text: str, i: int) -> _Token:
    j = i + 1
    while j < len(text) and text[j] in _NAME_CHARS:
        j += 1
    word = text[i:j]
    kind, value = _KEYWORDS.get(word, ("name", word))
    return _Token(kind, value, i, j)


def _char_hint(text: str, i: int) -> str | None:
    """Most stray characters are habits from other languages or a Chinese keyboard."""
    ch, following = text[i], text[i + 1 : i + 2]
    if ch == "=":
        return {"<": "use '<=' to compare", ">": "use '>=' to compare"}.get(
            following, "use '==' to compare"
        )
    if ch in _CHAR_HINTS:
        return _CHAR_HINTS[ch]
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii() and folded.strip():
        return f"use the plain ASCII '{folded}' instead of '{ch}'"
    if ch.isalpha():
        return (
            "field names use ASCII letters, digits and '_'; "
            "put text values in quotes, e.g. region == '华东'"
        )
    return None


# --- Parser ---------------------------------------------------------------------------------
#   or_expr    := and_expr (('or' | '||') and_expr)*
#   and_expr   := not_expr (('and' | '&&') not_expr)*
#   not_expr   := ('not' | '!') not_expr | comparison
#   comparison := primary [cmp operand | ['not'] 'in' list]
#   primary    := '(' or_expr ')' | operand
#   operand    := NAME | NUMBER | STRING | BOOL

_MAX_DEPTH = 64
_OPERAND_KINDS = frozenset({"name", "number", "string", "bool"})
_STARTS_OPERAND = _OPERAND_KINDS | {"("}
_ENDS_OPERAND = _OPERAND_KINDS | {")", "]"}
_KEYWORD_NAMES = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass
class _Cursor:
    text: str
    tokens: list[_Token]
    pos: int = 0
    depth: int = 0


def _peek(c: _Cursor, ahead: int = 0) -> _Token:
    return c.tokens[min(c.pos + ahead, len(c.tokens) - 1)]


def _advance(c: _Cursor) -> _Token:
    token = _peek(c)
    c.pos = min(c.pos + 1, len(c.tokens) - 1)
    return token


def _source(c: _Cursor, start: int, end: int) -> str:
    snippet = c.text[start:end]
    return snippet if len(snippet) <= 30 else snippet[:27] + "..."


def _show(c: _Cursor, token: _Token) -> str:
    snippet = _source(c, token.start, token.end)
    return f"string {snippet}" if token.kind == "string" else f"'{snippet}'"


def parse(text: str) -> Condition:
    """Parse a condition, raising ExprError located at the first syntax problem."""
    tokens = _tokenize(text)
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
    c: _Cursor, token: _Token, expected: str | None = None, hint: str | None = None
) -> ExprError:
    wanted = f"; expected {expected}" if expected else ""
    if token.kind == "end":
        previous = c.tokens[c.pos - 1] if c.pos else None
        after = f" after {_show(c, previous)}" if previous else ""
        return ExprError(f"unexpected end of condition{after}{wanted}", token.start, token.end)
    return ExprError(
        f"unexpected {_show(c, token)} at {_where(c.text, token.start)}{wanted}",
        token.start,
        token.end,
        hint or _token_hint(c, token),
    )


def _token_hint(c: _Cursor, token: _Token) -> str | None:
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


def _enter(c: _Cursor, token: _Token) -> None:
    """Bound nesting so hostile input cannot exhaust the Python stack."""
    c.depth += 1
    if c.depth > _MAX_DEPTH:
        raise ExprError(
            f"condition nests too deeply at {_where(c.text, token.start)}",
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
            f"{_where(c.text, token.start)}",
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


def _compare_op(token: _Token) -> CompareOp:
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
        f"{_where(c.text, token.start)}",
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
            f"'(' at {_where(c.text, token.start)} is never closed",
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
            f"expected '[' after 'in' at {_where(c.text, opening.start)}",
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


def _parse_list_item(c: _Cursor, opening: _Token, first: bool) -> Literal_:
    token = _peek(c)
    if token.kind in ("number", "string", "bool") and token.value is not None:
        _advance(c)
        return Literal_(token.value, token.start, token.end)
    if token.kind == "]" and first:
        raise ExprError(
            f"empty list at {_where(c.text, opening.start)}",
            opening.start,
            token.end,
            "list at least one value, e.g. ['A']",
        )
    if token.kind == "name":
        raise ExprError(
            f"expected a value in the list, got field name '{token.value}' at "
            f"{_where(c.text, token.start)}",
            token.start,
            token.end,
            f"quote text values: '{token.value}'",
        )
    if token.kind == "end":
        raise _unclosed_list(c, opening)
    raise _unexpected(c, token, "a value")


def _unclosed_list(c: _Cursor, opening: _Token) -> ExprError:
    return ExprError(
        f"'[' at {_where(c.text, opening.start)} is never closed",
        opening.start,
        opening.end,
        "add a matching ']'",
    )


# --- Type checking --------------------------------------------------------------------------

_ORDERING = frozenset({"<", "<=", ">", ">="})
_UNORDERED_KINDS = frozenset({"enum", "boolean", "string"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def typecheck(cond: Condition, fields: Mapping[str, FieldType]) -> list[ExprError]:
    """Every type error in the condition, in source order, each on its own sub-expression."""
    errors: list[ExprError] = []
    _check_condition(cond.expr, fields, errors)
    return errors


def _check_condition(node: Expr, fields: Mapping[str, FieldType], errors: list[ExprError]) -> None:
    match node:
        case Name():
            ftype = _lookup_field(node, fields, errors)
            if ftype is not None and ftype.kind != "boolean":
                errors.append(_not_a_condition(node, ftype))
        case Literal_():
            if not isinstance(node.value, bool):
                errors.append(
                    ExprError(
                        f"the value {node.value!r} is not a condition",
                        node.start,
                        node.end,
                        f"compare a field with it, e.g. amount < {node.value!r}",
                    )
                )
        case Compare():
            _check_compare(node, fields, errors)
        case Membership():
            _check_membership(node, fields, errors)
        case BoolOp():
            for operand in node.operands:
                _check_condition(operand, fields, errors)
        case Not():
            _check_condition(node.operand, fields, errors)


def _lookup_field(
    node: Name, fields: Mapping[str, FieldType], errors: list[ExprError]
) -> FieldType | None:
    ftype = fields.get(node.name)
    if ftype is None:
        errors.append(_unknown_field(node, fields))
    return ftype


def _unknown_field(node: Name, fields: Mapping[str, FieldType]) -> ExprError:
    close = _close_match(node.name, list(fields))
    if node.name.lower() in ("true", "false"):
        advice = f"write {node.name.lower()} in lowercase"
    else:
        advice = f"did you mean '{close}'?" if close else ""
    if not fields:
        known = "no fields are declared"
    else:
        known = f"declared fields: {', '.join(sorted(fields))}" if len(fields) <= 10 else ""
    hint = f"{advice} ({known})" if advice and known else advice or known
    return ExprError(f"unknown field '{node.name}'", node.start, node.end, hint or None)


def _close_match(word: str, choices: list[str]) -> str | None:
    """A wrong case is the commonest slip ('a' for 'A'), and difflib does not see it."""
    for choice in choices:
        if choice.casefold() == word.casefold():
            return choice
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _not_a_condition(node: Name, ftype: FieldType) -> ExprError:
    examples = {
        "number": f"{node.name} > 0",
        "integer": f"{node.name} > 0",
        "string": f"{node.name} == '...'",
        "enum": f"{node.name} == {ftype.values[0]!r}" if ftype.values else f"{node.name} == '...'",
        "date": f"{node.name} >= '2024-01-01'",
    }
    return ExprError(
        f"field '{node.name}' is a {ftype.kind}, not a condition",
        node.start,
        node.end,
        f"compare it with a value, e.g. {examples.get(ftype.kind, node.name)}",
    )


def _describe(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"number {value!r}"


def _field_and_value(left: Operand, right: Operand) -> tuple[Name, Literal_] | None:
    if isinstance(left, Name) and isinstance(right, Literal_):
        return left, right
    if isinstance(right, Name) and isinstance(left, Literal_):
        return right, left
    return None


def _check_compare(node: Compare, fields: Mapping[str, FieldType], errors: list[ExprError]) -> None:
    pair = _field_and_value(node.left, node.right)
    if pair is None:
        errors.extend(_check_fieldless(node, fields))
        return
    name, literal = pair
    ftype = _lookup_field(name, fields, errors)
    if ftype is None:
        return
    if node.op in _ORDERING and ftype.kind in _UNORDERED_KINDS:
        errors.append(_unordered(node, name, ftype, literal))
        return
    error = _check_value(name, ftype, literal)
    if error is not None:
        errors.append(error)


def _check_fieldless(node: Compare, fields: Mapping[str, FieldType]) -> list[ExprError]:
    """Field-to-field comparisons are refused: coverage analysis could not stay exact."""
    errors: list[ExprError] = []
    if isinstance(node.left, Name) and isinstance(node.right, Name):
        for name in (node.left, node.right):
            _lookup_field(name, fields, errors)
        message = f"'{node.op}' compares two fields ('{node.left.name}' and '{node.right.name}')"
    else:
        message = f"'{node.op}' compares two values and no field"
    errors.append(
        ExprError(message, node.start, node.end, "compare a field with a value, e.g. amount < 100")
    )
    return errors


def _unordered(node: Compare, name: Name, ftype: FieldType, literal: Literal_) -> ExprError:
    hints = {
        "enum": f"enum values have no order; use == or in, e.g. {name.name} in "
        f"[{', '.join(repr(v) for v in ftype.values[:2])}]",
        "boolean": f"use '{name.name}' or 'not {name.name}'",
        "string": "text has no order here; use == or in",
    }
    hint = hints[ftype.kind]
    if ftype.kind == "string" and isinstance(literal.value, str) and _parse_date(literal.value):
        hint += f"; declare '{name.name}' as a date field to compare dates"
    return ExprError(
        f"'{node.op}' cannot be used on {ftype.kind} field '{name.name}'",
        node.start,
        node.end,
        hint,
    )


def _check_membership(
    node: Membership, fields: Mapping[str, FieldType], errors: list[ExprError]
) -> None:
    if not isinstance(node.left, Name):
        errors.append(
            ExprError(
                "'in' needs a field on its left",
                node.left.start,
                node.left.end,
                "e.g. grade in ['A', 'B']",
            )
        )
        return
    ftype = _lookup_field(node.left, fields, errors)
    if ftype is None:
        return
    for item in node.items:
        error = _check_value(node.left, ftype, item)
        if error is not None:
            errors.append(error)


def _mismatch(name: Name, ftype: FieldType, literal: Literal_, hint: str) -> ExprError:
    return ExprError(
        f"cannot compare {ftype.kind} field '{name.name}' with {_describe(literal.value)}",
        literal.start,
        literal.end,
        hint,
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal | Fraction) and not isinstance(value, bool)


def _value_number(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if _is_number(value):
        return None
    plain = str(value).translate(_FULLWIDTH_DIGITS)
    if isinstance(value, str) and _NUMBER.fullmatch(plain):
        return _mismatch(name, ftype, literal, f"write numbers without quotes: {plain}")
    return _mismatch(name, ftype, literal, f"'{name.name}' holds numbers, e.g. {name.name} < 100")


def _value_string(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    if isinstance(literal.value, str):
        return None
    shown = _describe(literal.value).removeprefix("number ")
    return _mismatch(name, ftype, literal, f"put text in quotes: '{shown}'")


def _value_enum(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if isinstance(value, str) and value in ftype.values:
        return None
    valid = _list_values(ftype.values)
    if not isinstance(value, str):
        return _mismatch(name, ftype, literal, valid)
    close = _close_match(value, list(ftype.values))
    hint = f"did you mean {close!r}? ({valid})" if close else valid
    return ExprError(
        f"{value!r} is not a value of enum field '{name.name}'", literal.start, literal.end, hint
    )


def _list_values(values: tuple[str, ...]) -> str:
    if not values:
        return "the enum declares no values"
    shown = ", ".join(repr(v) for v in values[:20])
    more = f" and {len(values) - 20} more" if len(values) > 20 else ""
    return f"valid values: {shown}{more}"


def _value_boolean(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return _mismatch(name, ftype, literal, f"write {value.lower()} without quotes")
    return _mismatch(
        name, ftype, literal, f"use true or false, or the field alone: '{name.name}' / 'not ...'"
    )


def _value_date(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    value = literal.value
    if not isinstance(value, str):
        return _mismatch(name, ftype, literal, "write dates as quoted text, e.g. '2024-03-31'")
    if _parse_date(value) is None:
        return ExprError(
            f"{value!r} is not a valid date",
            literal.start,
            literal.end,
            "write dates as 'YYYY-MM-DD', e.g. '2024-03-31'",
        )
    return None


_VALUE_CHECKS: dict[str, Callable[[Name, FieldType, Literal_], ExprError | None]] = {
    "number": _value_number,
    "integer": _value_number,  # integer fields compare with any number: 'count < 2.5' is fine
    "string": _value_string,
    "enum": _value_enum,
    "boolean": _value_boolean,
    "date": _value_date,
}


def _check_value(name: Name, ftype: FieldType, literal: Literal_) -> ExprError | None:
    return _VALUE_CHECKS[ftype.kind](name, ftype, literal)


def _parse_date(text: str) -> date | None:
    """Only the strict 'YYYY-MM-DD' form: fromisoformat alone also takes '20240101' etc."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# --- Evaluation -----------------------------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def evaluate(cond: Condition, values: Mapping[str, object]) -> bool:
    """Evaluate a type-checked condition; instance data that does not fit raises ExprError.

    A field whose value is missing (or None) raises ExprError unless short-circuiting
    ('vip or amount > 5' with vip true) means it is never read.
    """
    return _truth(cond.expr, values)


def _truth(node: Expr, values: Mapping[str, object]) -> bool:
    match node:
        case BoolOp(op="and"):
            return all(_truth(operand, values) for operand in node.operands)
        case BoolOp():
            return any(_truth(operand, values) for operand in node.operands)
        case Not():
            return not _truth(node.operand, values)
        case Compare():
            return _compare(node, _value(node.left, values), _value(node.right, values))
        case Membership():
            return _member(node, values)
        case _:
            return _as_bool(node, _value(node, values))


def _value(node: Operand, values: Mapping[str, object]) -> object:
    if isinstance(node, Literal_):
        return node.value
    value = values.get(node.name)
    if value is None:
        raise ExprError(f"field '{node.name}' has no value", node.start, node.end)
    return value


def _as_bool(node: Operand, value: object) -> bool:
    if isinstance(value, bool):
        return value
    what = f"field '{node.name}'" if isinstance(node, Name) else "the value"
    raise ExprError(f"{what} is {value!r}, not true or false", node.start, node.end)


def _member(node: Membership, values: Mapping[str, object]) -> bool:
    left = _value(node.left, values)
    found = any(_equal(node, left, item.value) for item in node.items)
    return found != node.negated


def _equal(node: Membership, left: object, right: object) -> bool:
    a, b = _comparable(node, left, right)
    return bool(a == b)


def _compare(node: Compare, left: object, right: object) -> bool:
    a, b = _comparable(node, left, right)
    if node.op in _ORDERING and isinstance(a, str) and isinstance(b, str):
        # Only date fields may be ordered, so ordered text must be ISO dates on both sides:
        # otherwise 'soon' < '2024-01-01' would quietly compare letters.
        a, b = _date_or_raise(node, left, right, a), _date_or_raise(node, left, right, b)
    try:
        return bool(_OPS[node.op](a, b))
    except (TypeError, ArithmeticError):  # e.g. Decimal('NaN'), or a hand-built tree
        raise _incomparable(node, left, right) from None


def _kind_of(value: object) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, date):
        return "date"
    return None


def _comparable(node: Compare | Membership, left: object, right: object) -> tuple[object, object]:
    """Bring both sides to one kind; dates may arrive as date objects or ISO text."""
    a = left.date() if isinstance(left, datetime) else left
    b = right.date() if isinstance(right, datetime) else right
    kinds = (_kind_of(a), _kind_of(b))
    if kinds == ("date", "string"):
        b = _date_or_raise(node, left, right, b)
    elif kinds == ("string", "date"):
        a = _date_or_raise(node, left, right, a)
    elif kinds[0] is None or kinds[0] != kinds[1]:
        raise _incomparable(node, left, right)
    return a, b


def _date_or_raise(node: Compare | Membership, left: object, right: object, text: object) -> date:
    parsed = _parse_date(str(text))
    if parsed is None:
        raise _incomparable(node, left, right)
    return parsed


def _incomparable(node: Compare | Membership, left: object, right: object) -> ExprError:
    names = [child.name for child in _children(node) if isinstance(child, Name)]
    where = f" (field '{names[0]}')" if names else ""
    return ExprError(
        f"cannot compare {left!r} with {right!r}{where}",
        node.start,
        node.end,
        "the instance value does not match the field's declared type",
    )


# --- Coverage -------------------------------------------------------------------------------


def uncovered_case(
    conds: Sequence[Condition], fields: Mapping[str, FieldType], limit: int = 4096
) -> dict[str, object] | Literal["unknown"] | None:
    """None: every possible assignment of the referenced fields satisfies at least one condition.
    A dict: a counterexample assignment (e.g. {"amount": 100000}) that no condition matches.
    "unknown": too many combinations to decide within `limit` evaluations.

    Each atomic comparison only changes truth at the constants written for its field, so
    one value per region between constants stands for the whole region and the search over
    their product is exact. `limit` counts assignments tried; a counterexample found before
    the limit is still returned. Ill-typed conditions raise their first ExprError.
    """
    for cond in conds:
        errors = typecheck(cond, fields)
        if errors:
            raise errors[0]
    names, constants = _constants(conds)
    domains = [_representatives(fields[name], constants[name]) for name in names]
    for tried, combo in enumerate(itertools.product(*domains)):
        if tried >= limit:
            return "unknown"
        assignment = dict(zip(names, combo, strict=True))
        if not any(evaluate(cond, assignment) for cond in conds):
            return assignment
    return None


def _constants(conds: Sequence[Condition]) -> tuple[list[str], dict[str, list[Scalar]]]:
    """Referenced fields in first-appearance order, each with the literals it is compared to."""
    constants: dict[str, list[Scalar]] = {}
    for cond in conds:
        for node in _walk(cond.expr):
            if isinstance(node, Name):
                constants.setdefault(node.name, [])
            elif isinstance(node, Compare):
                pair = _field_and_value(node.left, node.right)
                if pair is not None:
                    constants.setdefault(pair[0].name, []).append(pair[1].value)
            elif isinstance(node, Membership) and isinstance(node.left, Name):
                constants.setdefault(node.left.name, []).extend(i.value for i in node.items)
    return list(constants), constants


def _representatives(ftype: FieldType, constants: list[Scalar]) -> list[object]:
    if ftype.kind == "boolean":
        return [True, False]
    if ftype.kind == "enum":
        return list(ftype.values)
    if ftype.kind == "string":
        return _string_points([c for c in constants if isinstance(c, str)])
    if ftype.kind == "date":
        return _date_points([c for c in constants if isinstance(c, str)])
    numbers = [c for c in constants if _is_number(c)]
    return _number_points(numbers, integer=ftype.kind == "integer")


def _string_points(constants: list[str]) -> list[object]:
    points: list[object] = list(dict.fromkeys(constants))
    other = "<other>"
    while other in points:
        other = f"<{other}>"
    return [*points, other]


def _date_points(constants: list[str]) -> list[object]:
    days = sorted({d for d in map(_parse_date, constants) if d is not None})
    if not days:
        return ["2000-01-01"]
    extras: set[date] = set()
    for day in days:
        for step in (-1, 1):
            try:
                extras.add(day + timedelta(days=step))
            except OverflowError:
                continue
    return [d.isoformat() for d in [*days, *sorted(extras - set(days))]]


def _number_points(constants: list[Scalar], integer: bool) -> list[object]:
    """Constants first (readable counterexamples), then one point per open region.

    Integers stand in wherever a region holds one: exact against any float, and readable.
    Integer fields skip non-integral constants and regions with no integer in them.
    """
    exact = sorted({Fraction(c) for c in constants})
    if not exact:
        return [0]
    points: list[object] = [_plain(c) for c in exact if not integer or c.denominator == 1]
    points.append(math.ceil(exact[0]) - 1)
    for low, high in itertools.pairwise(exact):
        between = _between(low, high, integer)
        if between is not None:
            points.append(between)
    points.append(math.floor(exact[-1]) + 1)
    return points


def _between(low: Fraction, high: Fraction, integer: bool) -> int | float | None:
    candidate = math.floor(low) + 1
    if candidate < high:
        return candidate
    if integer:
        return None
    middle = float((low + high) / 2)
    return middle if low < Fraction(middle) < high else None


def _plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)
