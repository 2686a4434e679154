"""Reads of the audit log, scoped by access; reading the log is itself audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from lantern.access.policy import Action, Category, require, scope
from lantern.audit.models import AuditEvent
from lantern.audit.services import AuditAction, Outcome, audit_record

if TYPE_CHECKING:
    from lantern.accounts.models import User


def audit_search(
    *,
    actor: User,
    text: str = "",
    actor_username: str = "",
    object_id: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The log as information governance searches it, newest first."""
    require(actor, Action.SEARCH, Category.AUDIT_LOG, purpose="audit log search")
    events = scope(actor, AuditEvent.objects.all(), Action.SEARCH)
    if text:
        events = events.filter(Q(purpose__icontains=text) | Q(detail__icontains=text) | Q(object_type=text))
    if actor_username:
        events = events.filter(actor_username=actor_username)
    if object_id:
        events = events.filter(object_id=object_id)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="audit_event",
        purpose="audit log search",
        outcome=Outcome.SUCCESS,
        detail={"text": text, "actor": actor_username, "object_id": object_id, "action": action},
    )
    return events.order_by("-seq")


def audit_of_my_records(*, actor: User) -> QuerySet[AuditEvent]:
    """Who opened records the actor owns (their own looks left out)."""
    require(actor, Action.VIEW, Category.AUDIT_LOG, purpose="who looked at my records")
    events = scope(actor, AuditEvent.objects.filter(object_owner_id=actor.pk), Action.VIEW)
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type="audit_event",
        purpose="who looked at my records",
        outcome=Outcome.SUCCESS,
    )
    return events.exclude(actor_id=actor.pk).order_by("-seq")


def looks_at(*, actor: User, objects: list[tuple[str, str]], limit: int = 100) -> list[AuditEvent]:
    """Who else viewed or shared these rows the actor owns, newest first: shown beside the owner's own view of
    them, which is audited by the page that shows it."""
    if not objects:
        return []
    which = Q(pk__in=[])
    for object_type, object_id in objects:
        which |= Q(object_type=object_type, object_id=object_id)
    events = scope(actor, AuditEvent.objects.filter(which, action__in=["view", "share"]), Action.VIEW)
    return list(events.exclude(actor_id=actor.pk).order_by("-seq")[:limit])
