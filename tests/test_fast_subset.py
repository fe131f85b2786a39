"""The table of slow tests in tests/slow.py names tests that exist: a renamed test would
otherwise slip back into the fast subset unnoticed, and a stale entry mislead."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from tests.slow import SLOW_TESTS


def _ids(function: Any) -> set[str]:
    """The ids of each single `parametrize` of `function`."""
    ids: set[str] = set()
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        values = list(mark.args[1])
        given = mark.kwargs.get("ids")
        if callable(given):
            ids |= {str(given(v)) for v in values}
        elif given is not None:
            ids |= {str(i) for i in given}
    return ids


@pytest.mark.parametrize("entry", sorted(SLOW_TESTS))
def test_every_slow_entry_names_a_test(entry: str) -> None:
    path, _, rest = entry.partition("::")
    assert path.startswith("tests/") and path.endswith(".py"), entry
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    if not rest:
        assert any(name.startswith("test_") for name in vars(module)), entry
        return
    name, _, param = rest.partition("[")
    function = getattr(module, name, None)
    assert callable(function), f"{entry}: no test {name} in {path}"
    if param:
        assert param.removesuffix("]") in _ids(function), f"{entry}: no such parameter"
