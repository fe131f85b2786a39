"""Break the shipped processes at random: validate must always answer, never crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.diagnostics import CODES
from flowkit.load.yamlsource import walk_paths
from flowkit.output import REPORTERS
from flowkit.validate import Report, validate_text

SHIPPED = sorted((Path(__file__).resolve().parent.parent / "processes").glob("*.yaml"))
TEXTS = [p.read_text("utf-8") for p in SHIPPED]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _answers(report: Report) -> None:
    assert report.exit_code() in (0, 1, 2)
    for diag in report.diagnostics:
        assert diag.code in CODES
        assert diag.loc.line >= 0 and diag.loc.col >= 0
        assert diag.message
    for render in REPORTERS.values():
        assert render(report, False)


@st.composite
def text_mutations(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(TEXTS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "dedent", "swap"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "insert":
            lines.insert(i, draw(st.text(max_size=30)) + "\n")
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "".join(lines)


@st.composite
def data_mutations(draw: st.DrawFn) -> str:
    data: Any = yaml.safe_load(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in walk_paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            parent[path[-1]] = draw(json_values)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_mutations())
def test_text_mutations_never_crash(text: str) -> None:
    _answers(validate_text(text, "mutated.yaml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_mutations())
def test_data_mutations_never_crash(text: str) -> None:
    _answers(validate_text(text, "mutated.yaml"))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _answers(validate_text(text, "random.yaml"))
