"""Tokens: condition text cut into names, values, operators and brackets.

Characters that do not belong are reported with a hint, since most are habits from other
languages or from a Chinese keyboard (full-width digits, curly quotes, '≤').
"""

from __future__ import annotations

import math
import string
import unicodedata
from dataclasses import dataclass

from flowkit.lang.expr.ast import ExprError, Scalar
from flowkit.lang.expr.values import FULLWIDTH_DIGITS, NUMBER


def where(text: str, offset: int) -> str:
    """Humans count columns from 1; multi-line YAML scalars also need the line."""
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    if "\n" not in text:
        return f"column {column}"
    return f"line {text.count(chr(10), 0, offset) + 1}, column {column}"


@dataclass(frozen=True)
class Token:
    kind: str  # name number string bool cmp and or not in ( ) [ ] , end
    value: Scalar | None
    start: int
    end: int


_DIGITS = frozenset("0123456789０１２３４５６７８９")
_NAME_START = frozenset(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | frozenset(string.digits)
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


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():  # includes the full-width space Chinese keyboards type
            i += 1
            continue
        token = _scan(text, i)
        tokens.append(token)
        i = token.end
    tokens.append(Token("end", None, len(text), len(text)))
    return tokens


def _scan(text: str, i: int) -> Token:
    ch = text[i]
    if ch in _DIGITS or (ch == "-" and text[i + 1 : i + 2] in _DIGITS):
        return _scan_number(text, i)
    if ch in "'\"":
        return _scan_string(text, i)
    if ch in _NAME_START:
        return _scan_name(text, i)
    for symbol, kind in _SYMBOLS:
        if text.startswith(symbol, i):
            return Token(kind, symbol if kind == "cmp" else None, i, i + len(symbol))
    raise ExprError(
        f"unexpected character {ch!r} at {where(text, i)}", i, i + 1, _char_hint(text, i)
    )


def _scan_number(text: str, i: int) -> Token:
    # Swallow trailing letters too, so '100k' is one bad number rather than a confusing pair.
    j = i + 1
    while j < len(text) and (text[j] in _DIGITS or text[j] in _NAME_CHARS or text[j] == "."):
        j += 1
    raw = text[i:j]
    plain = raw.translate(FULLWIDTH_DIGITS)
    bad = ExprError(
        f"malformed number '{raw}' at {where(text, i)}",
        i,
        j,
        "write numbers like 100000, 100_000, 1.5 or -3",
    )
    if not NUMBER.fullmatch(plain):
        raise bad
    digits = plain.replace("_", "")
    try:
        value: int | float = float(digits) if "." in digits else int(digits)
    except ValueError:  # more digits than Python will convert
        raise bad from None
    if isinstance(value, float) and not math.isfinite(value):
        raise bad
    return Token("number", value, i, j)


def _scan_string(text: str, i: int) -> Token:
    quote = text[i]
    chars: list[str] = []
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == quote:
            return Token("string", "".join(chars), i, j + 1)
        if ch == "\\":
            escaped = text[j + 1 : j + 2]
            if not escaped:
                break
            if escaped not in ("'", '"', "\\"):
                raise ExprError(
                    f"unknown escape '\\{escaped}' at {where(text, j)}",
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
        f"unterminated string starting at {where(text, i)}",
        i,
        len(text),
        f"close it with a matching {quote}",
    )


def _scan_name(text: str, i: int) -> Token:
    j = i + 1
    while j < len(text) and text[j] in _NAME_CHARS:
        j += 1
    word = text[i:j]
    kind, value = _KEYWORDS.get(word, ("name", word))
    return Token(kind, value, i, j)


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
