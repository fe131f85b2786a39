"""The org file (`org.yaml`): how it is recognised among process files, and its model.

A YAML file is an org file when it is named `org.yaml` or `org.yml`, or when its top
level has an `org` or `people` key and no `nodes` key; every other YAML file is a
process. The name rule lets a broken org file be reported as one; the key rule lets an
org file be given under any name. The schema has vouched for the shape before
`build_org` runs, so building only converts.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flowkit.load.build import spots
from flowkit.load.yamlsource import Source
from flowkit.model import Org, Person, ServiceLogin, Team
from flowkit.model.org import SERVICE_DEFAULT_ROLES

ORG_FILE_NAMES = ("org.yaml", "org.yml")
ORG_KEYS = ("org", "people")


def is_org_file(name: str, data: Any) -> bool:
    """Whether the file `name`, holding `data` (None when unreadable), declares the org."""
    if PurePath(name).name in ORG_FILE_NAMES:
        return True
    return isinstance(data, dict) and "nodes" not in data and any(k in data for k in ORG_KEYS)


def build_org(source: Source) -> Org:
    """Convert one schema-valid org file into the model."""
    data = source.data
    return Org(
        name=data.get("org", ""),
        teams=tuple(_team(source, t, i) for i, t in enumerate(data.get("teams", ()))),
        people=tuple(_person(source, p, i) for i, p in enumerate(data["people"])),
        service_logins=tuple(
            _service(source, s, i) for i, s in enumerate(data.get("service_logins", ()))
        ),
        source=source.path,
        loc=source.loc(()),
        spots=spots(source, ()),
    )


def _team(source: Source, data: dict[str, Any], i: int) -> Team:
    path = ("teams", i)
    return Team(
        id=data["id"],
        name=data["name"],
        manager=data.get("manager"),
        loc=source.loc(path),
        spots=spots(source, path),
    )


def _person(source: Source, data: dict[str, Any], i: int) -> Person:
    path = ("people", i)
    return Person(
        id=data["id"],
        name=data["name"],
        lanes=tuple(data.get("lanes", ())),
        team=data.get("team"),
        manager=data.get("manager"),
        email=data.get("email"),
        mobile=data.get("mobile"),
        language=data.get("language"),
        active=data.get("active", True),
        role=data.get("role", "consultant"),
        db_role=data.get("db_role"),
        mentor=data["training"]["mentor"] if "training" in data else None,
        loc=source.loc(path),
        spots=spots(source, path),
    )


def _service(source: Source, data: dict[str, Any], i: int) -> ServiceLogin:
    path = ("service_logins", i)
    return ServiceLogin(
        login=data["login"],
        acts_for=tuple(data.get("acts_for", SERVICE_DEFAULT_ROLES)),
        loc=source.loc(path),
        spots=spots(source, path),
    )
