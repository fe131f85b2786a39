"""The ASGI application: pages, the API, static files and the handbook, one error policy.

FastAPI (on Starlette) because the API's parameters and bodies are typed once and give
both the 422 answers and the OpenAPI description; the pages are plain Starlette routes
with Jinja2. Nothing is loaded from another site (no CDN: the workspace runs on an
intranet), and the API's interactive docs, which would load scripts from a CDN, are off;
the OpenAPI description is at /api/v1/openapi.json.

Errors: a library refusal is "not found" (404) — one answer whether the record exists or
is someone else's — unless the role may not take the action at all (403); a concurrent
change 409; bad input 422; a database that is locked or unreachable 503 with a page that
says so. Nothing reaches the browser as a traceback; the log line of a request names the
person, the method, the path (never the query: searches name customers), status and time.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from flowkit.errors import ConflictError, FlowkitError, NotPermitted, StoreError
from flowkit.messages import msg
from flowkit.web import api, auth, pages
from flowkit.web.requests import LoginNeeded, ReadOnlyToken, lang_of, said
from flowkit.web.workspace import Settings, Workspace

log = logging.getLogger("flowkit.web")
STATIC = Path(__file__).parent / "static"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings, workspace: Workspace | None = None) -> FastAPI:
    app = FastAPI(
        title="flowkit",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.workspace = workspace or Workspace.open(settings)
    app.state.throttle = auth.Throttle()
    app.include_router(api.router)
    app.router.routes.extend(pages.ROUTES)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.handbook is not None and settings.handbook.is_dir():
        app.mount("/handbook", StaticFiles(directory=settings.handbook, html=True), "handbook")
    app.add_middleware(BaseHTTPMiddleware, dispatch=_each_request)
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
    return app


async def _each_request(request: Request, call_next: RequestResponseEndpoint) -> Response:
    started = time.perf_counter()
    ws: Workspace = request.app.state.workspace
    try:
        await run_in_threadpool(auth.visitor, request, ws)
    except (FlowkitError, DBAPIError) as e:
        response = _answer(request, e)
    else:
        response = await call_next(request)
    login = getattr(request.state, "new_login", None)
    if login is not None:  # a single-sign-on proxy's first request: keep its session
        auth.set_session(response, login, ws.settings.secure_cookies)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    found = getattr(request.state, "visitor", None)
    log.info(
        "%s %s %s %d %.0fms",
        found.actor.id if found else "-",
        request.method,
        request.url.path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, code: str, text: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": {"code": code, "message": text}}, status_code=status)
    return pages.page(request, "message.html", status, title=str(status), text=text)


def _answer(request: Request, e: Exception) -> Response:
    lang = lang_of(request)
    if isinstance(e, NotPermitted):
        status, code = (404, "not_found") if e.record else (403, "forbidden")
        return _error(request, status, code, e.msg.text(lang))
    if isinstance(e, ConflictError):
        return _error(request, 409, "conflict", said(e, lang))
    if isinstance(e, StoreError | DBAPIError):
        log.error("database unavailable: %s", e)
        text = msg("the database is busy or unreachable; try again in a moment").text(lang)
        return _error(request, 503, "unavailable", text)
    if isinstance(e, FlowkitError):
        return _error(request, 422, "invalid", said(e, lang))
    raise e


async def _login_needed(request: Request, e: Exception) -> Response:
    if _is_api(request):
        text = msg("log in first: a session or an API token (Authorization: Bearer …)")
        response = _error(request, 401, "unauthenticated", text.text(lang_of(request)))
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _read_only(request: Request, e: Exception) -> Response:
    text = msg("this API token may only read").text(lang_of(request))
    return _error(request, 403, "forbidden", text)


async def _library(request: Request, e: Exception) -> Response:
    return _answer(request, e)


async def _invalid(request: Request, e: Exception) -> Response:
    assert isinstance(e, RequestValidationError)
    problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()]
    return _error(request, 422, "invalid", "; ".join(problems))


async def _unexpected(request: Request, e: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path)
    text = msg("something went wrong on the server; it is logged").text(lang_of(request))
    return _error(request, 500, "internal", text)


HANDLERS: dict[Any, Any] = {
    LoginNeeded: _login_needed,
    ReadOnlyToken: _read_only,
    FlowkitError: _library,
    DBAPIError: _library,
    RequestValidationError: _invalid,
    Exception: _unexpected,
}
