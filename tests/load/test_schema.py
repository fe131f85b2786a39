"""Schema failures explained in the author's terms, at the right place."""

from __future__ import annotations

import json
from pathlib import Path

from flowkit.load.schema import check_schema, process_schema
from flowkit.load.yamlsource import parse_text

ROOT = Path(__file__).resolve().parents[2]
MINI = (ROOT / "tests" / "fixtures" / "valid" / "minimal.yaml").read_text("utf-8")


def _check(text: str) -> list[tuple[str, int, str]]:
    source, found = parse_text(text, "p.yaml")
    assert source is not None, found
    return [(d.code, d.loc.line, d.message) for d in check_schema(source)]


def test_the_two_schema_copies_are_identical() -> None:
    shipped = json.loads((ROOT / "schemas" / "process.schema.json").read_text("utf-8"))
    assert shipped == process_schema()


def test_every_property_is_described() -> None:
    missing: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}.{name}")
            for key, sub in node.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}[{i}]")

    walk(process_schema(), "$")
    assert missing == []


def test_minimal_process_passes() -> None:
    assert _check(MINI) == []


def test_unknown_key_points_at_the_key_with_a_suggestion() -> None:
    text = MINI.replace("    next: won\n", "    next: won\n    outptus: [record]\n")
    source, _ = parse_text(text, "p.yaml")
    assert source is not None
    (diag,) = check_schema(source)
    assert diag.code == "FK101"
    assert diag.message == "node 'work': unknown key 'outptus'"
    assert diag.hint == "did you mean 'outputs'?"
    assert (diag.loc.line, diag.loc.col) == (22, 5)


def test_route_form_is_explained_by_the_branch_that_fits() -> None:
    text = MINI.replace(
        "    next: won\n  - id: won", "    next:\n      - when: a > 1\n        tp: won\n  - id: won"
    )
    codes = {(c, m) for c, _, m in _check(text)}
    assert ("FK101", "node 'work' → next → route 1: unknown key 'tp'") in codes
    assert ("FK102", "node 'work' → next → route 1: missing required key 'to'") in codes


def test_wrong_type_of_next_lists_the_forms() -> None:
    text = MINI.replace("    next: won\n  - id: won", "    next: 3\n  - id: won")
    ((code, line, message),) = _check(text)
    assert code == "FK103" and line == 21
    assert message == (
        "node 'work' → next: expected text or a mapping (key: value) or a list, got a whole number"
    )


def test_bad_enum_value_suggests_the_right_one() -> None:
    source, _ = parse_text(MINI.replace("type: end", "type: ned"), "p.yaml")
    assert source is not None
    (diag,) = check_schema(source)
    assert (diag.code, diag.hint) == ("FK104", "did you mean 'end'?")


def test_a_list_at_the_top_is_not_a_process() -> None:
    assert _check("- 1\n- 2\n")[0][0] == "FK006"
