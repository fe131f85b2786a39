"""The org model's helpers, as the engine asks them: who may act where, and whom they report to."""

from __future__ import annotations

import pytest

from flowkit.model import Org, Person, Team


def _org() -> Org:
    return Org(
        "华东销售中心",
        teams=(Team("east-1", "华东一组", "wang.fang"),),
        people=(
            Person("liu.yang", "刘洋", ("manager",)),
            Person("wang.fang", "王芳", ("manager",), manager="liu.yang"),
            Person("li.lei", "李雷", ("consultant",), "east-1", "wang.fang"),
            Person("han.meimei", "韩梅梅", ("consultant", "presales"), "east-1", "wang.fang"),
            Person("zhang.wei", "张伟", ("consultant",), "east-1", "wang.fang", active=False),
        ),
    )


def test_person_by_id() -> None:
    org = _org()
    person = org.person("li.lei")
    assert person is not None and person.name == "李雷"
    assert org.person("nobody") is None


@pytest.mark.parametrize(
    ("person", "lane", "expected"),
    [
        ("li.lei", "consultant", True),
        ("li.lei", "manager", False),
        ("han.meimei", "presales", True),
        ("zhang.wei", "consultant", False),  # inactive: no new work
        ("nobody", "consultant", False),
    ],
)
def test_can_act(person: str, lane: str, expected: bool) -> None:
    assert _org().can_act(person, lane) is expected


def test_people_in_a_lane_are_the_active_ones_in_declared_order() -> None:
    org = _org()
    assert [p.id for p in org.people_in("consultant")] == ["li.lei", "han.meimei"]
    everyone = org.people_in("consultant", include_inactive=True)
    assert [p.id for p in everyone] == ["li.lei", "han.meimei", "zhang.wei"]
    assert org.people_in("legal") == ()


def test_team_of() -> None:
    org = _org()
    team = org.team_of("li.lei")
    assert team is not None and team.name == "华东一组"
    assert org.team_of("liu.yang") is None
    assert org.team_of("nobody") is None


def test_reports_to_is_the_manager_chain_nearest_first() -> None:
    org = _org()
    assert [p.id for p in org.reports_to("li.lei")] == ["wang.fang", "liu.yang"]
    assert org.reports_to("liu.yang") == ()
    assert org.reports_to("nobody") == ()


def test_reports_to_stops_at_a_cycle_or_an_unknown_manager() -> None:
    org = Org(
        "",
        (),
        (
            Person("a", "A", manager="b"),
            Person("b", "B", manager="a"),
            Person("c", "C", manager="c"),
            Person("d", "D", manager="ghost"),
        ),
    )
    assert [p.id for p in org.reports_to("a")] == ["b"]
    assert org.reports_to("c") == ()
    assert org.reports_to("d") == ()


def test_a_repeated_id_resolves_to_the_first_person() -> None:
    org = Org("", (), (Person("a", "First", ("x",)), Person("a", "Second", ("x",))))
    first = org.person("a")
    assert first is not None and first.name == "First"
    assert [p.name for p in org.people_in("x")] == ["First"]


def test_the_model_is_immutable_and_compares_without_locations() -> None:
    org = _org()
    with pytest.raises(AttributeError):
        org.name = "x"  # type: ignore[misc]
    assert _org() == org


def test_a_person_named_by_id_or_by_a_name_only_they_have() -> None:
    from flowkit.access.people import person_id
    from flowkit.errors import InputError

    org = _org()
    twins = Org("x", org.teams, (*org.people, Person("wang.fang2", "王芳", ("consultant",))))
    assert person_id(org, "li.lei") == "li.lei"
    assert person_id(org, "韩梅梅") == "han.meimei"
    assert person_id(org, "张伟") == "zhang.wei"  # inactive: a follow-up of theirs is history
    assert person_id(None, "赵六") == "赵六"  # no org.yaml: nothing to check against
    with pytest.raises(InputError, match=r"2 people in org.yaml \(wang.fang, wang.fang2\)"):
        person_id(twins, "王芳")
    with pytest.raises(InputError, match=r"did you mean 'han\.meimei'"):
        person_id(org, "han.meimai")
    with pytest.raises(InputError, match=r"\(by id or name\)$"):
        person_id(org, "nobody at all")
