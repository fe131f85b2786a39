"""Who a request comes from, decided once per request for pages and API alike.

In order: an API token (`Authorization: Bearer fk_…`), a trusted single-sign-on proxy's
header (only from the proxy addresses configured; off by default), the session cookie.
Forms carry the session's CSRF token and the API, when called with the cookie rather
than a token, its `X-CSRF-Token` header: a page on another site cannot post as the person.
Failed logins are counted per account in the database (`access.accounts`) and, within
one worker, per client address (`Throttle`), so a guesser is slowed on both.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from flowkit.access.accounts import SESSION_LIFETIME, Login
from flowkit.access.guard import Actor
from flowkit.web.workspace import Workspace

COOKIE = "flowkit_session"
LANG_COOKIE = "flowkit_lang"
PRE_COOKIE = "flowkit_pre"  # the login form's CSRF token, before there is a session


@dataclass(frozen=True)
class Visitor:
    """The person a request acts for, and what their credential allows."""

    actor: Actor
    csrf: str  # "" for an API token (no cookie, nothing to forge)
    scope: str  # read | write (a session may do everything its role may)
    how: str  # session | token | proxy


def visitor(request: Request, ws: Workspace) -> Visitor | None:
    """Who the request comes from (looked up once per request: `app` does it in a worker
    thread before the route runs, so a page's own code never waits on it)."""
    if getattr(request.state, "checked", False):
        found: Visitor | None = request.state.visitor
        return found
    now = ws.now()
    accounts = ws.accounts()
    bearer = request.headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        used = accounts.token_user(bearer[7:].strip(), now)
        found = Visitor(used[0], "", used[1], "token") if used else None
    else:
        found = _proxied(request, ws) or _session(request, ws)
    request.state.visitor, request.state.checked = found, True
    return found


def _session(request: Request, ws: Workspace) -> Visitor | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    found = ws.accounts().session(token, ws.now())
    if found is None:
        return None
    actor, row = found
    return Visitor(actor, row["csrf"], "write", "session")


def _proxied(request: Request, ws: Workspace) -> Visitor | None:
    """The person a trusted proxy vouches for (`--proxy-header`, `--proxy-address`); a new
    session is made the first time (so forms get a CSRF token) and kept in a cookie."""
    settings = ws.settings
    if not settings.proxy_header or request.client is None:
        return None
    if request.client.host not in settings.proxy_addresses:
        return None
    person = request.headers.get(settings.proxy_header, "").strip()
    if not person:
        return None
    current = _session(request, ws)
    if current is not None and current.actor.id == person:
        return current
    login = ws.accounts().proxy_login(person, ws.now())
    request.state.new_login = login
    found = ws.accounts().session(login.token, ws.now())
    return Visitor(found[0], login.csrf, "write", "proxy") if found else None


def csrf_ok(request: Request, who: Visitor, sent: str | None) -> bool:
    if who.how == "token":
        return True
    return bool(sent) and hmac.compare_digest(str(sent), who.csrf)


def set_session(response: Response, login: Login, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        login.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def pre_token(request: Request) -> str:
    return request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)


def set_pre_token(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        PRE_COOKIE, token, max_age=3600, httponly=True, samesite="strict", secure=secure, path="/"
    )


class Throttle:
    """Failed logins per client address in the last `window` seconds (one worker's view;
    the per-account lock-out in the database is shared by every worker)."""

    def __init__(self, limit: int = 20, window: float = 600.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        with self._lock:
            recent = self._recent(address)
            return len(recent) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(time.monotonic())

    def _recent(self, address: str) -> deque[float]:
        recent = self._failures.setdefault(address, deque())
        while recent and time.monotonic() - recent[0] > self.window:
            recent.popleft()
        return recent
