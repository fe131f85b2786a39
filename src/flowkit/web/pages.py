"""The workspace's screens: each route reads the request, calls the library as the person
logged in, and renders a template. Forms post back to the page they are on; a refused or
invalid action shows the page again with the message beside the form and what was typed
kept, a done one redirects (so a reload never posts twice)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from flowkit.errors import ConflictError, FlowkitError, InputError, NotPermitted
from flowkit.messages import msg
from flowkit.render.links import Links
from flowkit.store import CustomerFilter, StatusFilter
from flowkit.tracking.tracker import Tracker
from flowkit.web import auth, boards, requests
from flowkit.web.actions import act
from flowkit.web.requests import (
    PAGE_SIZE,
    follow_up,
    lang_of,
    page_number,
    tracker_of,
    who,
    workspace,
)
from flowkit.web.templating import render

T = TypeVar("T")

STATES = ("open", "paused", "won", "lost")


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    found = getattr(request.state, "visitor", None)
    context.setdefault("as_of", workspace(request).now())
    body = render(lang, name, request=request, me=found, path=request.url.path, **context)
    return HTMLResponse(body, status_code=status)


def said(request: Request, error: FlowkitError) -> str:
    return requests.said(error, lang_of(request))


def back(path: str, done: str = "") -> RedirectResponse:
    return RedirectResponse(path + (f"?done={quote(done)}" if done else ""), status_code=303)


async def form_of(request: Request) -> dict[str, str]:
    """The posted form, its CSRF token checked (a forged post is refused before anything)."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    if not auth.csrf_ok(request, who(request), fields.get("csrf")):
        raise InputError(msg("the form expired or came from another site; open the page again"))
    return fields


# -- log in and out ----------------------------------------------------------------------------
async def login(request: Request) -> Response:
    ws = workspace(request)
    pre = auth.pre_token(request)
    nxt = _safe_next(request.query_params.get("next", "/workbench"))
    error = ""
    response: Response
    if request.method == "POST":
        form = await request.form()
        person, password = str(form.get("person", "")).strip(), str(form.get("password", ""))
        address = request.client.host if request.client else ""
        throttle: auth.Throttle = request.app.state.throttle
        if form.get("csrf") != request.cookies.get(auth.PRE_COOKIE):
            error = msg("the form expired; please log in again").text(lang_of(request))
        elif throttle.blocked(address):
            error = msg("too many failed logins from here; wait a few minutes").text(
                lang_of(request)
            )
        else:
            try:
                done = await run_in_threadpool(ws.accounts().login, person, password, ws.now())
            except FlowkitError as e:
                throttle.failed(address)
                error = said(request, e)
            else:
                response = RedirectResponse(nxt, status_code=303)
                auth.set_session(response, done, ws.settings.secure_cookies)
                return response
    status = 401 if error else 200
    response = page(request, "login.html", status, csrf=pre, next=nxt, error=error)
    auth.set_pre_token(response, pre, ws.settings.secure_cookies)
    return response


async def logout(request: Request) -> Response:
    ws = workspace(request)
    await form_of(request)
    token = request.cookies.get(auth.COOKIE, "")
    if request.url.path.endswith("everywhere"):
        person = who(request).actor.id
        await run_in_threadpool(ws.accounts(who(request).actor).logout_everywhere, person, ws.now())
    else:
        await run_in_threadpool(ws.accounts().logout, token)
    response = RedirectResponse("/login", status_code=303)
    auth.end_session(response)
    return response


async def invitation(request: Request) -> Response:
    ws = workspace(request)
    secret = request.path_params["secret"]
    pre = auth.pre_token(request)
    error = ""
    response: Response
    try:
        person = await run_in_threadpool(ws.accounts().invited, secret, ws.now())
    except FlowkitError as e:
        return page(request, "message.html", 404, title="", text=said(request, e))
    if request.method == "POST":
        form = await request.form()
        password = str(form.get("password", ""))
        if form.get("csrf") != request.cookies.get(auth.PRE_COOKIE):
            error = msg("the form expired; please log in again").text(lang_of(request))
        elif password != str(form.get("again", "")):
            error = msg("the two passwords differ").text(lang_of(request))
        else:
            try:
                done = await run_in_threadpool(ws.accounts().accept, secret, password, ws.now())
            except FlowkitError as e:
                error = said(request, e)
            else:
                response = RedirectResponse("/workbench", status_code=303)
                auth.set_session(response, done, ws.settings.secure_cookies)
                return response
    name = ws.tracker.person_name(person)
    status = 422 if error else 200
    response = page(request, "invite.html", status, csrf=pre, person_name=name, error=error)
    auth.set_pre_token(response, pre, ws.settings.secure_cookies)
    return response


async def language(request: Request) -> Response:
    code = request.path_params["code"]
    response = RedirectResponse(_safe_next(request.query_params.get("next", "/")), 303)
    if code in ("zh-CN", "en"):
        response.set_cookie(auth.LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response


# -- the workbench and the boards ---------------------------------------------------------------
async def home(request: Request) -> Response:
    return RedirectResponse("/workbench", status_code=303)


async def workbench(request: Request) -> Response:
    tracker = tracker_of(request)
    now = workspace(request).now()
    bench = await run_in_threadpool(boards.workbench, tracker, now)
    return page(request, "workbench.html", bench=bench, as_of=now)


async def alerts(request: Request) -> Response:
    """All of my alerts, worst first, a page at a time (the workbench shows the first few);
    `as_of=today`: as they will stand at the end of today."""
    from flowkit.tracking.alerting import status_lines

    tracker = tracker_of(request)
    now = workspace(request).now()
    end_of_day = request.query_params.get("as_of") == "today"
    as_of = boards.end_of_day(now) if end_of_day else now
    rules = boards.customer_rules(tracker)
    where = StatusFilter(owners=(tracker.access.actor.id,))
    found = await run_in_threadpool(
        lambda: status_lines(tracker, as_of, where, now=now, customers=rules)
    )
    number = page_number(request.query_params)
    shown = found.lines[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return page(
        request,
        "alerts.html",
        lines=shown,
        breached=found.breached,
        at_risk=found.at_risk,
        end_of_day=end_of_day,
        number=number,
        more=len(found.lines) > number * PAGE_SIZE,
        chosen=request.query_params,
        as_of=as_of,
    )


async def team(request: Request) -> Response:
    """The team board, with the review of the month asked for (`month=YYYY-MM`; the last
    whole month by default)."""
    from flowkit.output.review import scorecard_tables
    from flowkit.render.review import headline_view

    tracker = tracker_of(request)
    now = workspace(request).now()
    month = boards.review_month(now, request.query_params.get("month"))
    board = await run_in_threadpool(boards.team_board, tracker, now, month)
    lang = lang_of(request)
    review = board.review
    return page(
        request,
        "team.html",
        board=board,
        as_of=now,
        headlines=[headline_view(h, review.labels, lang) for h in review.headlines],
        scorecard=scorecard_tables(review.scorecard, review.labels, lang)["person"].listing,
    )


async def team_review(request: Request) -> Response:
    """The month's review pack as a workbook to download (an export, in the audit log)."""
    import tempfile
    from pathlib import Path

    tracker = tracker_of(request)
    ws = workspace(request)
    month = boards.review_month(ws.now(), request.path_params["month"])

    def made() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = boards.review_workbook(tracker, month, ws.now(), lang_of(request), Path(folder))
            return path.read_bytes()

    body = await run_in_threadpool(made)
    name = f"review-{month.label}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- opportunities ----------------------------------------------------------------------------
async def opportunities(request: Request) -> Response:
    from flowkit.tracking.queries import listing

    tracker = tracker_of(request)
    q = request.query_params
    state = q.get("state") or "open"
    where = StatusFilter(
        states=(state,) if state in STATES else None,
        process=q.get("process") or None,
        owners=(q["owner"],) if q.get("owner") else None,
        risk=True if q.get("risk") else None,
    )
    views, more, number = await _one_page(q, listing, tracker, where)
    return page(
        request,
        "opportunities.html",
        views=views,
        more=more,
        number=number,
        state=state,
        states=STATES,
        processes=sorted(tracker.definitions.current.values(), key=lambda p: p.id),
        chosen=q,
    )


async def _one_page(
    params: Mapping[str, Any], fetch: Callable[..., Sequence[T]], *args: Any
) -> tuple[Sequence[T], bool, int]:
    """The page the request asks for of `fetch(*args, limit, offset)` (run off the event
    loop): its items, whether more follow (one item more is asked for, to know), and its
    number."""
    number = page_number(params)
    found = await run_in_threadpool(fetch, *args, PAGE_SIZE + 1, (number - 1) * PAGE_SIZE)
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE, number


async def opportunity(request: Request) -> Response:
    return await _opportunity_page(request, tracker_of(request), request.path_params["id"])


async def _opportunity_page(
    request: Request,
    tracker: Tracker,
    instance_id: int,
    status: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
    action: str = "",
) -> Response:
    from flowkit.tracking.queries import show

    now = workspace(request).now()
    lang = lang_of(request)
    view = await run_in_threadpool(show, tracker, instance_id, now, lang)
    process = tracker.definitions.current.get(view.process_id)
    node = process.node_by_id.get(view.node or "") if process else None
    access = tracker.access
    can = {command: access.permits(command, view.owner) for command in ("log", "assign", "close")}
    reach = access.narrowed("assign", None) if can["assign"] else ()
    people = tracker.people.people if tracker.people is not None else ()
    handbook = Links("index.html").node(view.process_id, node.id) if node else ""
    return page(
        request,
        "opportunity.html",
        status,
        handbook_link=handbook,
        view=view,
        node=node,
        process=process,
        error=error,
        form=form or {},
        action=action,
        done=request.query_params.get("done", ""),
        can=can,  # the actions the person may take on it: the others are not offered
        people=[p for p in people if p.active and (reach is None or p.id in reach)],
        lane_name=tracker.lane_name,
        as_of=now,
    )


async def opportunity_action(request: Request) -> Response:
    instance_id, action = request.path_params["id"], request.path_params["action"]
    tracker = tracker_of(request, write=True)
    f: dict[str, str] = {}
    try:
        f = await form_of(request)
        await run_in_threadpool(act, tracker, instance_id, action, f, workspace(request).now())
    except FlowkitError as e:
        if isinstance(e, NotPermitted):
            raise  # not found or not permitted: the one answer for both (app.py)
        status = 409 if isinstance(e, ConflictError) else 422
        return await _opportunity_page(
            request, tracker_of(request), instance_id, status, said(request, e), f, action
        )
    return back(f"/opportunities/{instance_id}", action)


# -- customers ------------------------------------------------------------------------------
async def customers(request: Request) -> Response:
    from flowkit.customers import queries

    tracker = tracker_of(request)
    q = request.query_params
    where = CustomerFilter(
        grade=q.get("grade") or None,
        stage=q.get("stage") or None,
        owners=(q["owner"],) if q.get("owner") else None,
        name=q.get("q") or None,
    )
    book = tracker.customers
    assert book is not None
    rows, more, number = await _one_page(q, queries.find, book, where)
    return page(
        request,
        "customers.html",
        rows=rows,
        more=more,
        number=number,
        chosen=q,
        grades=list(book.rules.graded),
    )


async def customer(request: Request) -> Response:
    return await _customer_page(request, request.path_params["id"])


async def _customer_page(
    request: Request,
    customer_id: str,
    status: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
    action: str = "",
    fields: dict[str, str] | None = None,
) -> Response:
    from flowkit.customers import queries

    tracker = tracker_of(request)
    book = tracker.customers
    assert book is not None
    view = await run_in_threadpool(queries.show, book, customer_id)
    grading = await run_in_threadpool(_grading, book, view.customer)
    return page(
        request,
        "customer.html",
        status,
        view=view,
        grading=grading,
        error=error,
        form=form or {},
        action=action,
        field_errors=fields or {},
        done=request.query_params.get("done", ""),
        person_name=tracker.person_name,
        lang_code=lang_of(request),
    )


def _grading(book: Any, customer: Any) -> Any:
    from flowkit.customers.grading import grade

    return grade(customer, book.rules) if book.rules.grades else None


EDITABLE = (
    *("name", "industry", "size", "employees", "revenue_band", "address", "first_contact"),
    *("stage", "keywords", "needs", "budget", "pain_points"),
)
CONTACT = ("contact_name", "contact_title", "contact_mobile", "contact_email", "contact_role")


def field_errors(book: Any, customer_id: str, f: dict[str, str], lang: str) -> dict[str, str]:
    """What is wrong with each field of an edit form, said beside it: each value read alone
    by the same rules as the whole edit (`customers.inputs`)."""
    from flowkit.customers.inputs import ProfileInput, changes

    with book.store.read() as tx:
        _, before = book.get(tx, customer_id, "customer show")
    found = {}
    for key in EDITABLE:
        if f.get(key):
            try:
                changes(book, before, ProfileInput(**{key: f[key]}))  # type: ignore[arg-type]
            except FlowkitError as e:
                found[key] = requests.said(e, lang)
    return found


def _customer_act(
    book: Any, customer_id: str, action: str, f: dict[str, str], now: datetime
) -> None:
    from flowkit.customers.inputs import ProfileInput, changes

    if action == "log":
        book.log(customer_id, **follow_up(f, now), now=now)
    elif action == "edit":
        given = ProfileInput(**{k: f[k] for k in EDITABLE if k in f})  # type: ignore[arg-type]
        book.edit(customer_id, lambda before: changes(book, before, given), now=now)
    elif action == "contact":
        contact = _contact_typed(f)
        book.edit(customer_id, lambda before: changes(book, before, contact(before)), now=now)
    elif action == "remove-contact":
        gone = ProfileInput(remove_contact=(f.get("contact", ""),))
        book.edit(customer_id, lambda before: changes(book, before, gone), now=now)
    else:
        raise InputError(msg("unknown action '{action}'", action=action))


def _contact_typed(f: dict[str, str]) -> Callable[[Any], Any]:
    """The contact form's five fields as an edit of the profile: a contact of a name already
    on it is replaced (a new mobile, a promotion), else added. Its parts travel as the
    command line's NAME,TITLE,MOBILE,EMAIL,ROLE, so a comma inside one is refused."""
    from flowkit.customers.inputs import ProfileInput

    parts = [f.get(key, "").strip() for key in CONTACT]
    for part in parts:
        if "," in part or "，" in part:
            raise InputError(msg("a contact's details may not hold a comma: {text!r}", text=part))

    def edit(before: Any) -> ProfileInput:
        known = parts[0] in {c.name for c in before.contacts}
        return ProfileInput(
            contacts=(",".join(parts),), remove_contact=(parts[0],) if known else ()
        )

    return edit


async def customer_action(request: Request) -> Response:
    customer_id, action = request.path_params["id"], request.path_params["action"]
    tracker = tracker_of(request, write=True)
    f: dict[str, str] = {}
    try:
        f = await form_of(request)
        now = workspace(request).now()
        await run_in_threadpool(_customer_act, tracker.customers, customer_id, action, f, now)
    except FlowkitError as e:
        if isinstance(e, NotPermitted):
            raise
        status = 409 if isinstance(e, ConflictError) else 422
        fields = {}
        if action == "edit" and not isinstance(e, ConflictError):
            book, lang = tracker.customers, lang_of(request)
            fields = await run_in_threadpool(field_errors, book, customer_id, f, lang)
        text = "" if fields else said(request, e)  # beside the fields, or above the form
        return await _customer_page(request, customer_id, status, text, f, action, fields)
    return back(f"/customers/{customer_id}", action)


# -- my account and the admin's pages ----------------------------------------------------------
async def account(request: Request) -> Response:
    ws = workspace(request)
    person = who(request)
    notice, error, secret = "", "", ""
    if request.method == "POST":
        try:
            f = await form_of(request)
            accounts = ws.accounts(person.actor)
            what = f.get("what")
            if what == "password":
                if f.get("password") != f.get("again"):
                    raise InputError(msg("the two passwords differ"))
                await run_in_threadpool(
                    accounts.set_password, person.actor.id, f.get("password", ""), ws.now()
                )
                return RedirectResponse("/login", status_code=303)
            if what == "token":
                _, secret = await run_in_threadpool(
                    accounts.create_token,
                    person.actor.id,
                    f.get("name", ""),
                    f.get("scope", "read"),
                    ws.now(),
                    90,
                )
            elif what == "revoke":
                await run_in_threadpool(accounts.revoke_token, int(f.get("token", "0")), ws.now())
                notice = "revoked"
        except FlowkitError as e:
            if isinstance(e, NotPermitted):
                raise
            error = said(request, e)
    with ws.tracker.store.read() as tx:
        tokens = tx.accounts.tokens(person.actor.id)
    return page(
        request,
        "account.html",
        422 if error else 200,
        tokens=tokens,
        secret=secret,
        error=error,
        notice=notice,
        csrf=person.csrf,
    )


async def admin(request: Request) -> Response:
    from flowkit.access.rules import Role

    ws = workspace(request)
    person = who(request)
    if person.actor.role is not Role.ADMIN:
        raise ws.accounts(person.actor).access.refusal("user invite", "admin")
    link, error = "", ""
    if request.method == "POST":
        try:
            f = await form_of(request)
            accounts = ws.accounts(person.actor)
            target, what = f.get("person", ""), f.get("what")
            if what == "invite":
                secret = await run_in_threadpool(accounts.invite, target, ws.now())
                link = (
                    f"{ws.settings.base_url or str(request.base_url).rstrip('/')}/invite/{secret}"
                )
            elif what == "unlock":
                await run_in_threadpool(accounts.unlock, target)
            elif what == "logout":
                await run_in_threadpool(accounts.logout_everywhere, target, ws.now())
        except FlowkitError as e:
            error = said(request, e)
    with ws.tracker.store.read() as tx:
        accounts_by_person = {a["person"]: a for a in tx.accounts.accounts()}
    people = ws.tracker.people.people if ws.tracker.people is not None else ()
    return page(
        request,
        "admin.html",
        people=people,
        accounts=accounts_by_person,
        link=link,
        error=error,
        csrf=person.csrf,
        reload_error=ws.reload_error,
    )


async def audit_log(request: Request) -> Response:
    from flowkit.access.auditlog import entries

    ws = workspace(request)
    tracker = tracker_of(request)
    number = page_number(request.query_params)
    newest = number * PAGE_SIZE + 1  # the newest first: the last entries up to this page
    found = await run_in_threadpool(lambda: entries(tracker.store, tracker.access, limit=newest))
    rows = list(reversed(found))[(number - 1) * PAGE_SIZE :]
    return page(
        request,
        "audit.html",
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        number=number,
        as_of=ws.now(),
    )


def _safe_next(target: str) -> str:
    """Only a path on this site (an open redirect would make a phishing link look like ours)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/workbench"
    return target


ROUTES = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/logout/everywhere", logout, methods=["POST"]),
    Route("/invite/{secret}", invitation, methods=["GET", "POST"]),
    Route("/lang/{code}", language),
    Route("/workbench", workbench),
    Route("/alerts", alerts),
    Route("/team", team),
    Route("/team/review-{month}.xlsx", team_review),
    Route("/opportunities", opportunities),
    Route("/opportunities/{id:int}", opportunity),
    Route("/opportunities/{id:int}/{action}", opportunity_action, methods=["POST"]),
    Route("/customers", customers),
    Route("/customers/{id}", customer),
    Route("/customers/{id}/{action}", customer_action, methods=["POST"]),
    Route("/account", account, methods=["GET", "POST"]),
    Route("/admin", admin, methods=["GET", "POST"]),
    Route("/admin/audit", audit_log),
]
