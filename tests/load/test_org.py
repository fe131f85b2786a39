"""Reading the org file: which file is one, its schema explained in place, and its model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowkit.diagnostics import Location
from flowkit.load.org import build_org, is_org_file
from flowkit.load.schema import check_schema, org_schema
from flowkit.load.yamlsource import Source, parse_text
from flowkit.model import Person, Team

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "org" / "valid" / "org.yaml"
TEXT = VALID.read_text("utf-8")


def _source(text: str, name: str = "org.yaml") -> Source:
    source, found = parse_text(text, name)
    assert source is not None, found
    return source


def _check(text: str) -> list[tuple[str, int, int, str, str | None]]:
    found = check_schema(_source(text), "org")
    return [(d.code, d.loc.line, d.loc.col, d.message, d.hint) for d in found]


def test_the_two_schema_copies_are_identical() -> None:
    shipped = json.loads((ROOT / "schemas" / "org.schema.json").read_text("utf-8"))
    assert shipped == org_schema()


def test_every_property_is_described() -> None:
    def described(node: object) -> bool:
        if isinstance(node, dict):
            props = node.get("properties", {})
            return all("description" in p for p in props.values()) and all(
                described(v) for v in node.values()
            )
        return all(described(v) for v in node) if isinstance(node, list) else True

    assert described(org_schema())


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("processes/org.yaml", {"flowkit": 1, "people": []}, True),
        ("org.yml", None, True),  # unreadable, but still reported as the org file
        ("org.yaml", {"flowkit": 1, "id": "p", "nodes": []}, True),  # the name decides
        ("people.yaml", {"flowkit": 1, "people": []}, True),
        ("team.yaml", {"flowkit": 1, "org": "华东销售中心"}, True),
        ("sales.yaml", {"flowkit": 1, "people": [], "nodes": []}, False),
        ("sales.yaml", {"flowkit": 1, "id": "p", "nodes": []}, False),
        ("sales.yaml", ["people"], False),
        ("sales.yaml", None, False),
        ("my-org.yaml", {"flowkit": 1}, False),
    ],
)
def test_which_file_is_the_org_file(name: str, data: object, expected: bool) -> None:
    assert is_org_file(name, data) is expected


def test_valid_org_passes_the_schema() -> None:
    assert _check(TEXT) == []


def test_build_converts_with_defaults_and_locations() -> None:
    org = build_org(_source(TEXT))
    assert org.name == "华东销售中心" and org.source == "org.yaml"
    assert org.teams == (Team("east-1", "华东一组", "wang.fang"),)
    wang, li, zhang = org.people
    assert wang == Person("wang.fang", "王芳", ("manager",))
    assert (wang.team, wang.manager, wang.email, wang.active) == (None, None, None, True)
    assert li == Person(
        "li.lei", "李雷", ("consultant",), "east-1", "wang.fang", "li.lei@example.com"
    )
    assert zhang.active is False
    assert li.loc == Location("org.yaml", 9, 5)
    assert li.at("manager") == Location("org.yaml", 13, 14)
    assert li.at("lanes", 0) == Location("org.yaml", 11, 13)
    assert org.teams[0].at("manager") == Location("org.yaml", 4, 39)
    assert org.at("people") == Location("org.yaml", 6, 3)


def test_unknown_key_of_a_person_suggests_the_right_one() -> None:
    text = TEXT.replace("    active: false\n", "    actve: false\n")
    assert _check(text) == [
        ("FK101", 20, 5, "person 'zhang.wei': unknown key 'actve'", "did you mean 'active'?")
    ]


def test_a_person_id_in_chinese_is_refused_with_the_rule() -> None:
    ((code, line, col, message, hint),) = _check(TEXT.replace("id: li.lei", "id: 李雷"))
    assert (code, line, col, message) == (
        "FK105",
        9,
        9,
        "person '李雷' → id: '李雷' is not a valid id",
    )
    assert hint and "lowercase ascii letters" in hint and "e.g. li.lei" in hint


def test_a_capitalised_person_id_is_refused() -> None:
    assert [c for c, *_ in _check(TEXT.replace("id: li.lei", "id: Li.Lei"))] == ["FK105"]


def test_a_bad_email_shows_an_example() -> None:
    ((code, line, _, message, hint),) = _check(TEXT.replace("li.lei@example.com", "li.lei"))
    assert (code, line, message) == (
        "FK105",
        14,
        "person 'li.lei' → email: 'li.lei' is not in the expected form",
    )
    assert hint and "li.lei@example.com" in hint


def test_yaml_no_as_active_is_a_boolean_but_yes_as_a_name_is_explained() -> None:
    assert _check(TEXT.replace("active: false", "active: no")) == []
    ((code, _, _, message, hint),) = _check(TEXT.replace("name: 张伟", "name: yes"))
    assert (code, message) == (
        "FK103",
        "person 'zhang.wei' → name: expected text, got true or false",
    )
    assert hint == "YAML reads a bare yes as true/false; quote it: 'yes'"


def test_people_are_required_and_not_empty() -> None:
    assert _check("flowkit: 1\norg: 华东销售中心\n") == [
        ("FK102", 1, 1, "the file: missing required key 'people'", None)
    ]
    assert _check("flowkit: 1\npeople: []\n") == [
        ("FK104", 2, 9, "people: must not be an empty list", None)
    ]


def test_a_lane_is_repeated() -> None:
    text = TEXT.replace("lanes: [consultant, manager]", "lanes: [consultant, consultant]")
    assert [(c, m) for c, _, _, m, _ in _check(text)] == [
        ("FK104", "person 'zhang.wei' → lanes: lists the same item twice")
    ]


def test_not_a_mapping_says_org() -> None:
    assert _check("- li.lei\n") == [
        ("FK006", 1, 1, "the file holds a list, not an org mapping", None)
    ]


def test_the_format_version_is_required() -> None:
    ((code, *_),) = _check(TEXT.replace("flowkit: 1\n", ""))
    assert code == "FK100"


def test_a_service_login_is_built_with_the_default_roles() -> None:
    org = build_org(_source(TEXT + "service_logins:\n  - login: flowkit_web\n"))
    (web,) = org.service_logins
    assert (web.login, web.acts_for) == ("flowkit_web", ("consultant", "manager"))
    assert web.at("login").line == TEXT.count("\n") + 2
    assert [p.id for p in org.served_by(web)] == ["wang.fang", "li.lei"]  # zhang.wei left


def test_a_service_login_that_is_no_postgresql_name_is_refused_where_written() -> None:
    text = TEXT + "service_logins:\n  - {login: Flowkit-Web, acts_for: [admin, boss]}\n"
    found = _check(text)
    line = TEXT.count("\n") + 2
    assert [(code, at) for code, at, *_ in found] == [("FK105", line), ("FK104", line)]
    assert any("login: 'Flowkit-Web'" in message for *_, message, _ in found)
    assert any("boss" in message for *_, message, _ in found)


def test_a_role_outside_the_role_table_is_refused_where_written() -> None:
    text = TEXT.replace("    active: false\n", "    active: false\n    role: boss\n")
    ((code, line, _, message, hint),) = _check(text)
    assert (code, line) == ("FK104", TEXT.count("\n", 0, TEXT.index("    active: false")) + 2)
    assert "boss" in message and hint and "consultant" in hint
