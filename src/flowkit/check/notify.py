"""The notification file's checks: every name it uses is declared somewhere, every channel
has what its type needs, every secret is kept outside the repository.

Checks are `(config, context) -> diagnostics`. People and teams are checked against the
org validated with the file, lanes, processes and nodes against the processes; each is
skipped when that part is not known (the file validated alone, a process that did not
build), as the org's own lane check is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flowkit.check.references import unknown_calendar
from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang.spelling import did_you_mean
from flowkit.model.notify import MANAGER, OWNER, TEAM, NotifyConfig, Rule, Secret
from flowkit.timers.terms import length

if TYPE_CHECKING:
    from flowkit.check import CheckContext

# What each type of channel needs, by the key written in the file.
_NEEDS: dict[str, tuple[str, ...]] = {
    "wecom": ("webhook",),
    "dingtalk": ("webhook", "secret"),
    "feishu": ("webhook", "secret"),
    "email": ("host", "from"),
    "webhook": ("url", "secret"),
}
_ONLY: dict[str, tuple[str, ...]] = {  # keys that mean something for some types only
    "webhook": ("wecom", "dingtalk", "feishu"),
    "url": ("webhook",),
    "secret": ("dingtalk", "feishu", "webhook"),
    "host": ("email",),
    "port": ("email",),
    "username": ("email",),
    "password": ("email",),
    "from": ("email",),
    "ca_file": ("email",),
}
# Rule keys that mean something for some kinds only.
_RULE_ONLY: dict[str, tuple[str, ...]] = {
    "escalate": ("breach",),
    "at": ("daily", "weekly"),
    "day": ("weekly",),
    "sample": ("weekly",),
}


def check_channels(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Each channel has the keys its type needs, and none that another type needs."""
    for channel in config.channels:
        for key in _NEEDS[channel.type]:
            if (key,) not in channel.spots:
                yield Diagnostic(
                    "FK958",
                    f"channel '{channel.id}' ({channel.type}) needs `{key}`",
                    channel.loc,
                    _need_hint(channel.type, key),
                )
        for key, types in _ONLY.items():
            if (key,) in channel.spots and channel.type not in types:
                yield Diagnostic(
                    "FK958",
                    f"channel '{channel.id}' ({channel.type}) has no use for `{key}`",
                    channel.at(key),
                    f"`{key}` belongs to channels of type {' or '.join(types)}",
                )


def _need_hint(kind: str, key: str) -> str:
    if key == "secret" and kind in ("dingtalk", "feishu"):
        return (
            "turn on the robot's signature mode (加签 / 签名校验) and refer to its secret: env:NAME"
        )
    if key in ("webhook", "url", "secret"):
        return f"refer to it, never write it here: `{key}: env:NAME` or `{key}: file:/path`"
    return f"add `{key}:`"


def check_secrets(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A `file:` secret is an absolute path outside the repository the file is in (or, out
    of any repository, outside the folder it is in): never committed beside the rules."""
    here = Path(config.source).resolve().parent if config.source else None
    kept_in = _repository(here) if here is not None else None
    for channel in config.channels:
        for key, found in (
            ("webhook" if channel.type != "webhook" else "url", channel.url),
            ("secret", channel.secret),
            ("password", channel.password),
        ):
            if found is None or found.kind != "file":
                continue
            problem = _file_problem(found, kept_in)
            if problem is not None:
                yield Diagnostic(
                    "FK956",
                    f"channel '{channel.id}': {key} {problem}",
                    channel.at(key),
                    "keep secrets outside the repository (e.g. file:/etc/flowkit/"
                    f"{channel.id}.secret, readable by its owner only) or use env:NAME",
                )


def _file_problem(secret: Secret, kept_in: Path | None) -> str | None:
    path = Path(secret.name)
    if not path.is_absolute():
        return f"'{secret.name}' is not an absolute path"
    if kept_in is not None and path.resolve().is_relative_to(kept_in):
        return f"'{secret.name}' is inside {kept_in}, where it could be committed"
    return None


def _repository(folder: Path) -> Path:
    """The work tree of the git repository holding `folder`, else the folder itself."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def check_routes(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Channels named by the team routes and the rules exist; teams exist in the org."""
    channels = sorted(c.id for c in config.channels)
    org = ctx.org
    for team, channel in config.teams.items():
        if channel not in channels:
            yield _unknown("FK951", "channel", channel, channels, config.at("teams", team, "value"))
        if org is not None and team not in org.team_by_id:
            teams = sorted(org.team_by_id)
            yield _unknown("FK953", "team", team, teams, config.at("teams", team))
    for rule in config.rules:
        for i, via in enumerate(rule.via):
            if via != TEAM and via not in channels:
                yield _unknown("FK951", "channel", via, [TEAM, *channels], _item(rule, "via", i))
        if TEAM in rule.via and not config.teams:
            yield Diagnostic(
                "FK951",
                f"rule '{rule.id}' goes to the team's group, but no team has one",
                rule.at_key("via"),
                "map each team to its group's channel under `teams:` (east-1: east-wecom)",
            )


def check_people(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """People named by `tell` and `people` are people of the org (checked with it only)."""
    org = ctx.org
    if org is None:
        return
    ids = sorted(org.person_by_id)
    for rule in config.rules:
        for i, who in enumerate(rule.tell):
            if who in (OWNER, MANAGER):
                continue
            if rule.is_digest:
                yield Diagnostic(
                    "FK960",
                    f"rule '{rule.id}': a digest tells the owner or the manager, not '{who}'",
                    _item(rule, "tell", i),
                    "tell: owner (each person their own) or tell: manager (each team's manager)",
                )
            elif who not in org.person_by_id:
                yield _unknown(
                    "FK952", "person", who, [OWNER, MANAGER, *ids], _item(rule, "tell", i)
                )
    for route in config.people:
        if route.id not in org.person_by_id:
            yield _unknown("FK952", "person", route.id, ids, route.loc)


def check_scope(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The processes, nodes and lanes rules narrow down to exist (known with the processes)."""
    for rule in config.rules:
        known = ctx.nodes
        if rule.process is not None and known is not None and rule.process not in known:
            yield _unknown("FK955", "process", rule.process, sorted(known), rule.at_key("process"))
            continue
        if rule.nodes and known is not None:
            pool = known[rule.process] if rule.process else frozenset().union(*known.values())
            for i, node in enumerate(rule.nodes):
                if node not in pool:
                    yield _unknown("FK955", "node", node, sorted(pool), _item(rule, "nodes", i))
        if rule.lanes and ctx.lanes is not None:
            for i, lane in enumerate(rule.lanes):
                if lane not in ctx.lanes:
                    yield _unknown(
                        "FK954", "lane", lane, sorted(ctx.lanes), _item(rule, "lanes", i)
                    )


def check_rules(config: NotifyConfig, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Keys that fit the rule's kind, escalation steps later one after the other, one id
    per rule, and a calendar that exists."""
    seen: dict[str, Location] = {}
    for rule in config.rules:
        for key, kinds in _RULE_ONLY.items():
            if (key,) in rule.spots and rule.on not in kinds:
                yield Diagnostic(
                    "FK960",
                    f"rule '{rule.id}' ({rule.on}) has no use for `{key}`",
                    rule.at_key(key),
                    f"`{key}` belongs to rules on {' or '.join(kinds)}",
                )
        yield from _steps(rule)
        if rule.id in seen:
            yield Diagnostic(
                "FK960",
                f"rule id '{rule.id}' is already used on line {seen[rule.id].line}",
                rule.at_key("id") if ("id",) in rule.spots else rule.loc,
                "give each rule its own `id:` (notices are kept under it)",
            )
        seen.setdefault(rule.id, rule.loc)
    if config.calendar not in ctx.calendars:
        yield unknown_calendar(config.calendar, ctx.calendars, config.at("calendar"))


def _steps(rule: Rule) -> Iterator[Diagnostic]:
    """Each escalation step later than the one before (compared on a standard working day
    of 8 hours: the order cannot depend on the calendar)."""
    from flowkit.calendar import get_calendar

    cal = get_calendar("weekdays")
    before = None
    for step in rule.escalate:
        size = length(step.after, cal)
        if before is not None and size <= before[1]:
            yield Diagnostic(
                "FK959",
                f"rule '{rule.id}': escalation step '{step.text}' is not later than '{before[0]}'",
                step.loc,
                "list the steps from the first to the last: [4个工作小时, 1个工作日]",
            )
        before = (step.text, size)


def _item(rule: Rule, key: str, i: int) -> Location:
    """Where item `i` of a rule's `key` was written (the key itself for a single value)."""
    return rule.spots.get((key, i)) or rule.at_key(key)


def _unknown(code: str, what: str, ref: str, known: Iterable[str], loc: Location) -> Diagnostic:
    ids = list(known)
    hint = did_you_mean(ref, ids) or (
        f"declared: {', '.join(ids)}" if ids else f"no {what} is declared"
    )
    return Diagnostic(code, f"unknown {what} '{ref}'", loc, hint)


NOTIFY_CHECKS = (
    check_channels,
    check_secrets,
    check_routes,
    check_people,
    check_scope,
    check_rules,
)
