"""Tokenizing: stray characters, bad numbers and bad strings are located, with hints."""

from __future__ import annotations

import pytest

from tests.lang.expr.support import assert_parse_error


@pytest.mark.parametrize(
    ("text", "fragment", "start", "end", "hint"),
    [
        ("region == '华东", "unterminated string starting at column 11", 10, 13, "'"),
        ('x == "abc', "unterminated string", 5, 9, '"'),
        ("x == 'abc\\", "unterminated string", 5, 10, None),
        ("x == 'a\\n'", "unknown escape '\\n' at column 8", 7, 9, "escapes"),
        ("amount = 5", "unexpected character '=' at column 8", 7, 8, "use '==' to compare"),
        ("amount => 5", "unexpected character '='", 7, 8, "use '>='"),
        ("a & b", "unexpected character '&' at column 3", 2, 3, "'and'"),
        ("a | b", "unexpected character '|' at column 3", 2, 3, "'or'"),
        ("a - 1", "unexpected character '-'", 2, 3, "arithmetic"),
        ("金额 > 5", "unexpected character '金' at column 1", 0, 1, "ASCII"),
        ("region == ‘华东’", "unexpected character '‘'", 10, 11, "ASCII quotes"),
        ("a （b）", "unexpected character '（'", 2, 3, "'('"),
        ("amount ≤ 5", "unexpected character '≤'", 7, 8, "'<='"),
        ("amount < 10k", "malformed number '10k' at column 10", 9, 12, "100_000"),
        ("amount < 1__0", "malformed number", 9, 13, None),
        ("amount < 1.", "malformed number", 9, 11, None),
        ("amount < 1.5.2", "malformed number", 9, 14, None),
    ],
)
def test_lexical_errors_are_located(
    text: str, fragment: str, start: int, end: int, hint: str | None
) -> None:
    assert_parse_error(text, fragment, start, end, hint)
