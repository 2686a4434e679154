from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.audit import selectors
from lantern.web.actor import signed_in_user

router = Router(tags=["audit"])


class EventOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: str
    purpose: str
    outcome: str


class EventList(Schema):
    items: list[EventOut]
    count: int


def _page(events: object, limit: int, offset: int) -> EventList:
    rows = events[offset : offset + min(limit, 500)]  # type: ignore[index]
    return EventList(
        items=[
            EventOut(
                seq=e.seq,
                at=e.at,
                actor=e.actor_username,
                agency=e.agency,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                purpose=e.purpose,
                outcome=e.outcome,
            )
            for e in rows
        ],
        count=events.count(),  # type: ignore[attr-defined]
    )


@router.get("/events", response=EventList, summary="Search the audit log (information governance)")
@guards(Category.AUDIT_LOG)
def events(
    request: HttpRequest,
    q: str = "",
    actor: str = "",
    object_id: str = "",
    action: str = "",
    limit: int = 50,
    offset: int = 0,
) -> EventList:
    found = selectors.audit_search(
        actor=signed_in_user(request), text=q, actor_username=actor, object_id=object_id, action=action
    )
    return _page(found, limit, offset)


@router.get("/my-records", response=EventList, summary="Who looked at records you own")
@guards(Category.AUDIT_LOG)
def my_records(request: HttpRequest, limit: int = 50, offset: int = 0) -> EventList:
    return _page(selectors.audit_of_my_records(actor=signed_in_user(request)), limit, offset)
