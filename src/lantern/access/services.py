"""Writes owned by access: break glass and its review."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lantern.access.models import BreakGlass
from lantern.access.policy import (
    BREAK_GLASS_CATEGORIES,
    BREAK_GLASS_ROLES,
    AccessDenied,
    Action,
    Category,
    Decision,
    category_of,
    role_of,
)
from lantern.access.roles import Role
from lantern.audit.services import AuditAction, Outcome, audit_record

if TYPE_CHECKING:
    from lantern.accounts.models import User

MIN_REASON_LENGTH = 20


class BreakGlassError(ValueError):
    """The break-glass request is incomplete; the message says what to fix."""


def break_glass_open(*, actor: User, target: Any, reason: str) -> BreakGlass:
    """Open time-limited emergency view access to one record, with a reason the manager reviews."""
    reason = reason.strip()
    category = category_of(target)
    if role_of(actor) not in BREAK_GLASS_ROLES or category not in BREAK_GLASS_CATEGORIES:
        decision = Decision(allowed=False, reason="Break glass is for practitioners opening a person or record.")
        raise AccessDenied(decision, category, Action.VIEW, target)
    if len(reason) < MIN_REASON_LENGTH:
        raise BreakGlassError(
            f"Enter the reason in at least {MIN_REASON_LENGTH} characters: your manager will review it."
        )
    minutes: int = settings.LANTERN_BREAK_GLASS_MINUTES
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=actor,
            object_type=target.AUDIT_TYPE,
            object_id=str(target.pk),
            reason=reason,
            expires_at=timezone.now() + timedelta(minutes=minutes),
        )
        audit_record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            target=target,
            purpose=reason,
            outcome=Outcome.SUCCESS,
            detail={"break_glass_id": grant.pk, "minutes": minutes},
        )
    return grant


REVIEWER_ROLES = frozenset({Role.TEAM_MANAGER, Role.INFORMATION_GOVERNANCE})


def break_glass_reviewable(*, actor: User) -> QuerySet[BreakGlass]:
    """Break-glass events the actor must review: their team members', or, for IG, those with no manager."""
    role = role_of(actor)
    if role not in REVIEWER_ROLES:
        audit_record(
            actor=actor,
            action=AuditAction.DENIED,
            object_type="break_glass",
            purpose="break-glass review",
            outcome=Outcome.DENIED,
        )
        decision = Decision(allowed=False, reason="Only team managers and information governance review break glass.")
        raise AccessDenied(decision, Category.PERSON, Action.VIEW)
    events = BreakGlass.objects.select_related("user", "user__team", "reviewer")
    if role is Role.TEAM_MANAGER:
        return events.filter(user__team__manager=actor).exclude(user=actor)
    return events.filter(user__team__manager__isnull=True) | events.filter(user__team__isnull=True)


def break_glass_review(*, actor: User, event_id: int, note: str) -> BreakGlass:
    event = break_glass_reviewable(actor=actor).filter(pk=event_id, reviewed_at__isnull=True).first()
    if event is None:
        raise BreakGlassError("That break-glass event is not waiting for your review.")
    if not note.strip():
        raise BreakGlassError("Enter your review note.")
    with transaction.atomic():
        event.reviewer = actor
        event.reviewed_at = timezone.now()
        event.review_note = note.strip()
        event.full_clean()
        event.save(update_fields=["reviewer", "reviewed_at", "review_note"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="break_glass",
            object_id=str(event.pk),
            purpose="break-glass review",
            outcome=Outcome.SUCCESS,
        )
    return event
