"""store.db: what every statement is checked for before it reaches either database."""

from __future__ import annotations

import pytest

from flowkit.errors import InputError
from flowkit.store.db import _refuse_unstorable


def test_a_nested_nul_or_lone_surrogate_in_any_row_is_refused() -> None:
    """What an executemany of profiles passes (rows of flat values and JSON documents) is
    checked to the last text, keys of mappings too."""
    good = ("C00001", "北辰", {"contacts": [{"name": "赵强", "mobile": "138"}]}, 3, None)
    _refuse_unstorable(None, None, "", [good, good], None, True)
    for bad in ({"contacts": [{"name": "赵\x00强"}]}, {"k\ud800": 1}, ["a", ("b", "\x00")]):
        with pytest.raises(InputError):
            _refuse_unstorable(None, None, "", [good, (*good[:2], bad, 3, None)], None, True)
