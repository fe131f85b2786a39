"""The JSON API under /api/v1 (FastAPI: typed parameters and bodies, 422 for what does not
fit them, and the OpenAPI description at /api/v1/openapi.json). The same library calls
and access rules as the pages and the CLI; errors are `{"error": {"code", "message"}}`
with 401 (who are you), 403 (your role or token may not), 404 (not found or not yours:
one answer), 409 (someone changed it first) and 422 (the input)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.store import CustomerFilter, StatusFilter
from flowkit.web import auth, boards
from flowkit.web.actions import act
from flowkit.web.requests import tracker_of, when_typed, who, workspace

router = APIRouter(prefix="/api/v1")
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


class FollowUpIn(BaseModel):
    method: str = Field(description="phone, visit, email, other or a method the rules declare")
    content: str = Field(description="what was discussed (跟进内容)")
    at: str | None = Field(None, description="when it happened (default: now)")
    feedback: str = ""
    next_step: str = ""


class DeliverIn(BaseModel):
    document: str


class Change(BaseModel):
    """A change of an opportunity (not work added to it): refused with 409 when `revision`
    is given and someone changed the opportunity since."""

    revision: int | None = Field(
        None, description="the revision you saw: refused with 409 if it changed since"
    )

    def form(self) -> dict[str, str]:
        """The fields as the page's form posts them (`web.actions.act`)."""
        given = self.model_dump(exclude_none=True)
        return {
            k: ("on" if v else "off") if isinstance(v, bool) else str(v) for k, v in given.items()
        }


class AdvanceIn(Change):
    outcome: str | None = Field(None, description="the outcome chosen at a decision node")


class RiskIn(Change):
    flag: bool = Field(description="true flags the risk (风险预警), false clears it")
    note: str = Field("", description="what the risk is (needed when flagging)")


class PauseIn(Change):
    reason: str


class ResumeIn(Change):
    reason: str = ""


class AssignIn(Change):
    owner: str = Field(description="the person of org.yaml who takes it over")


class CloseIn(Change):
    result: Literal["won", "lost"]
    reason: str = Field(description="why; a lost deal's reason is a code the process declares")
    note: str = Field("", description="your own words beside the reason code")
    mentor: str | None = Field(None, description="a trainee's mentor, needed to win their deal")


def plain(value: Any) -> Any:
    """A view as JSON values: records as objects, instants in ISO 8601, lengths in seconds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def _writer(request: Request) -> Any:
    """A tracker to change records with: a write-scoped token, or the session with its
    CSRF header (a browser's cookie alone is not enough)."""
    tracker = tracker_of(request, write=True)
    if not auth.csrf_ok(request, who(request), request.headers.get("x-csrf-token")):
        raise InputError(msg("the X-CSRF-Token header is missing or wrong"))
    return tracker


@router.get("/me")
def me(request: Request) -> dict[str, Any]:
    person = who(request)
    tracker = tracker_of(request)
    return {
        "id": person.actor.id,
        "name": tracker.person_name(person.actor.id),
        "role": person.actor.role.value,
        "scope": person.scope,
    }


@router.get("/opportunities")
def opportunities(
    request: Request,
    state: str | None = None,
    process: str | None = None,
    owner: str | None = None,
    risk: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    from flowkit.tracking.queries import listing

    where = StatusFilter(
        states=(state,) if state else None,
        process=process,
        owners=(owner,) if owner else None,
        risk=risk,
    )
    views = listing(tracker_of(request), where, limit + 1, offset)
    return {"items": plain(views[:limit]), "more": len(views) > limit, "as_of": _now(request)}


@router.get("/opportunities/{instance_id}")
def opportunity(request: Request, instance_id: int) -> dict[str, Any]:
    from flowkit.tracking.queries import show

    view = show(tracker_of(request), instance_id, workspace(request).now())
    return {"item": plain(view), "as_of": _now(request)}


@router.post("/opportunities/{instance_id}/follow-ups", status_code=201)
def log_follow_up(request: Request, instance_id: int, body: FollowUpIn) -> dict[str, Any]:
    tracker = _writer(request)
    form = {k: v or "" for k, v in body.model_dump().items()}
    act(tracker, instance_id, "log", form, workspace(request).now())
    return {"ok": True}


@router.post("/opportunities/{instance_id}/advance")
def advance(request: Request, instance_id: int, body: AdvanceIn) -> dict[str, Any]:
    tracker = _writer(request)
    if body.revision is not None:
        tracker.seen[instance_id] = body.revision
    reached = tracker.advance(instance_id, outcome=body.outcome, now=workspace(request).now())
    return {"ok": True, "node": reached}


@router.post("/opportunities/{instance_id}/outputs", status_code=201)
def deliver(request: Request, instance_id: int, body: DeliverIn) -> dict[str, Any]:
    tracker = _writer(request)
    tracker.deliver(instance_id, body.document, now=workspace(request).now())
    return {"ok": True}


def _change(request: Request, instance_id: int, action: str, body: Change) -> dict[str, Any]:
    act(_writer(request), instance_id, action, body.form(), workspace(request).now())
    return {"ok": True}


@router.post("/opportunities/{instance_id}/risk")
def risk(request: Request, instance_id: int, body: RiskIn) -> dict[str, Any]:
    return _change(request, instance_id, "risk", body)


@router.post("/opportunities/{instance_id}/pause")
def pause(request: Request, instance_id: int, body: PauseIn) -> dict[str, Any]:
    return _change(request, instance_id, "pause", body)


@router.post("/opportunities/{instance_id}/resume")
def resume(request: Request, instance_id: int, body: ResumeIn) -> dict[str, Any]:
    return _change(request, instance_id, "resume", body)


@router.post("/opportunities/{instance_id}/assign")
def assign(request: Request, instance_id: int, body: AssignIn) -> dict[str, Any]:
    return _change(request, instance_id, "assign", body)


@router.post("/opportunities/{instance_id}/close")
def close(request: Request, instance_id: int, body: CloseIn) -> dict[str, Any]:
    return _change(request, instance_id, "close", body)


@router.get("/customers")
def customers(
    request: Request,
    q: str | None = None,
    grade: str | None = None,
    stage: str | None = None,
    owner: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    from flowkit.customers import queries

    book = tracker_of(request).customers
    assert book is not None
    where = CustomerFilter(
        grade=grade, stage=stage, owners=(owner,) if owner else None, name=q or None
    )
    rows = queries.find(book, where, limit + 1, offset)
    return {"items": plain(rows[:limit]), "more": len(rows) > limit, "as_of": _now(request)}


@router.get("/customers/{customer_id}")
def customer(request: Request, customer_id: str) -> dict[str, Any]:
    from flowkit.customers import queries

    book = tracker_of(request).customers
    assert book is not None
    return {"item": plain(queries.show(book, customer_id)), "as_of": _now(request)}


@router.post("/customers/{customer_id}/follow-ups", status_code=201)
def customer_follow_up(request: Request, customer_id: str, body: FollowUpIn) -> dict[str, Any]:
    book = _writer(request).customers
    assert book is not None
    now = workspace(request).now()
    book.log(
        customer_id,
        method=body.method,
        content=body.content,
        feedback=body.feedback,
        next_step=body.next_step,
        at=when_typed(body.at, now, "at"),
        now=now,
    )
    return {"ok": True}


@router.get("/status")
def status(
    request: Request, owner: str | None = None, breached: bool | None = None
) -> dict[str, Any]:
    from flowkit.tracking.alerting import status_lines

    tracker = tracker_of(request)
    now = workspace(request).now()
    rules = boards.customer_rules(tracker)
    where = StatusFilter(owners=(owner,) if owner else None)
    found = status_lines(tracker, now, where, now=now, breached=breached, customers=rules)
    return {
        "as_of": found.as_of.isoformat(),
        "breached": found.breached,
        "at_risk": found.at_risk,
        "items": plain(found.lines),
    }


@router.get("/funnel")
def funnel(
    request: Request, process: str, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    from flowkit.tracking.measures import funnel as measure

    tracker = tracker_of(request)
    start, end = _period(request, since, until)
    stages = measure(tracker, process, start, end)
    return {"since": start.isoformat(), "until": end.isoformat(), "items": plain(stages)}


@router.get("/on-time")
def on_time(
    request: Request,
    by: Annotated[str, Query(pattern="^(owner|team|process|node)$")] = "owner",
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    from flowkit.tracking.measures import on_time as measure

    tracker = tracker_of(request)
    start, end = _period(request, since, until)
    lines = measure(tracker, by, start, end)
    items = [{**plain(line), "rate": line.rate} for line in lines]
    return {"since": start.isoformat(), "until": end.isoformat(), "items": items}


def _period(request: Request, since: str | None, until: str | None) -> tuple[datetime, datetime]:
    from flowkit.lang.times import parse_time

    now = workspace(request).now()
    end = parse_time(until, "until") if until else now
    start = parse_time(since, "since") if since else end - timedelta(days=30)
    if start >= end:
        raise InputError(msg("since must be before until"))
    return start, end


def _now(request: Request) -> str:
    return workspace(request).now().isoformat()
