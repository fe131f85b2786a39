"""The rules of tests/slow.py see what they are meant to (a Hypothesis upgrade could hide a
setting from them), and its table names tests that exist: a renamed test would otherwise slip
back into the fast subset unnoticed, and a stale entry mislead."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from tests.slow import SAMPLED, SLOW_TESTS, slow_reason


def _item(nodeid: str = "tests/x.py::test_x", **parts: Any) -> Any:
    """What `slow_reason` reads of a collected test."""
    marks = parts.pop("marks", [])
    defaults = {"callspec": None, "cls": None, "obj": None}
    return SimpleNamespace(
        nodeid=nodeid,
        iter_markers=lambda name: [m for m in marks if m.name == name],
        **(defaults | parts),
    )


class _Machine(RuleBasedStateMachine):
    @rule()
    def step(self) -> None:
        pass


@settings(max_examples=500)
@given(st.integers())
def _many(n: int) -> None:
    pass


@settings(deadline=None)
@given(st.integers())
def _unhurried(n: int) -> None:
    pass


@given(st.integers())
def _light(n: int) -> None:
    pass


def test_the_rules_see_each_kind_of_slow_test() -> None:
    on = SimpleNamespace
    assert "PostgreSQL" in str(slow_reason(_item(callspec=on(params={"db": "postgresql"}))))
    assert slow_reason(_item(callspec=on(params={"db": "sqlite"}))) is None
    assert "state machine" in str(slow_reason(_item(cls=_Machine.TestCase)))
    assert "500 examples" in str(slow_reason(_item(obj=_many)))
    assert "without a deadline" in str(slow_reason(_item(obj=_unhurried)))
    assert slow_reason(_item(obj=_light)) is None
    graphviz = pytest.mark.skipif(False, reason="Graphviz is not installed")
    assert "Graphviz" in str(slow_reason(_item(marks=[graphviz.mark])))
    assert slow_reason(_item("tests/render/test_browser.py::test_any")) is not None


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


def _values(function: Any, parameter: str) -> list[object]:
    """The values `parameter` takes in the `parametrize` marks of `function`."""
    found: list[object] = []
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        if parameter in names:
            at = names.index(parameter)
            found += [v[at] if len(names) > 1 else v for v in mark.args[1]]
    return found


@pytest.mark.parametrize("entry", sorted(SAMPLED))
def test_every_sampled_matrix_keeps_a_column_in_the_fast_subset(entry: str) -> None:
    path, _, name = entry.partition("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    function = getattr(module, name, None)
    assert callable(function), f"{entry}: no test {name} in {path}"
    parameter, fast, _ = SAMPLED[entry]
    values = _values(function, parameter)
    assert fast in values, f"{entry}: {parameter} never takes {fast!r} (takes {values})"
    assert len(set(map(str, values))) > 1, f"{entry}: {parameter} has one value: nothing sampled"
