"""What pages and API endpoints read from a request alike: the workspace, the language, the
person acting (as a tracker), the page asked for, and times and numbers typed in forms."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request

from flowkit.errors import FlowkitError, InputError
from flowkit.i18n import DEFAULT_LANG, LANGS
from flowkit.messages import msg
from flowkit.tracking.tracker import Tracker
from flowkit.web.auth import LANG_COOKIE, Visitor, visitor
from flowkit.web.workspace import Workspace

PAGE_SIZE = 50


class LoginNeeded(Exception):
    """No session, token or trusted proxy header: a page redirects, the API answers 401."""


class ReadOnlyToken(Exception):
    """A read-scoped API token asked to change something: 403."""


def said(error: FlowkitError, lang: str) -> str:
    """The error's message and hint, in the page's language."""
    text = error.msg.text(lang)
    return f"{text} ({error.hint_msg.text(lang)})" if error.hint_msg is not None else text


def workspace(request: Request) -> Workspace:
    found: Workspace = request.app.state.workspace
    return found


def lang_of(request: Request) -> str:
    """The language chosen with the switch (a cookie), else the browser's first choice of
    the two flowkit speaks, else zh-CN."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
    return DEFAULT_LANG


def who(request: Request) -> Visitor:
    found = visitor(request, workspace(request))
    if found is None:
        raise LoginNeeded
    return found


def tracker_of(request: Request, write: bool = False) -> Tracker:
    """A tracker acting as the person the request comes from."""
    person = who(request)
    if write and person.scope != "write":
        raise ReadOnlyToken
    return workspace(request).acting(person.actor)


def page_number(params: Mapping[str, Any]) -> int:
    try:
        return max(1, min(int(params.get("page") or 1), 100_000))
    except ValueError:
        return 1


def when_typed(text: str | None, now: datetime, what: str) -> datetime:
    """A time typed in a form (2026-11-27T10:00 from a date-time field, or any form flowkit
    reads); empty: now."""
    if not text or not text.strip():
        return now
    from flowkit.lang.times import parse_time

    at = parse_time(text.strip(), what)
    if at > now:
        raise InputError(msg("{what} {at} is in the future", what=what, at=text.strip()))
    return at


def follow_up(f: dict[str, str], now: datetime) -> dict[str, Any]:
    """A follow-up form's fields as the library's `log` takes them (an opportunity's or a
    customer's: the same form)."""
    return {
        "method": f.get("method", ""),
        "content": f.get("content", ""),
        "feedback": f.get("feedback", ""),
        "next_step": f.get("next_step", ""),
        "at": when_typed(f.get("at"), now, "when"),
    }
