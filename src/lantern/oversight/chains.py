"""Escalation chains: who hears of overdue or stuck work, level by level, as each agency configures it.

An agency's chain is its `EscalationLevel` rows, level 1 first. A level names its recipient, or names no one and
means the manager of the case's team (`cases.services.managers_of`). An agency that has configured nothing has one
level: its team managers, from the first day overdue. Work reaches a level once when it is raised there, by the
escalation job (`cases.escalation`, when it has stayed overdue `after_working_days`) or by a manager from their
dashboard (`escalation_raise`, to the level above the highest it has reached, with a note).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from lantern.access.policy import Action, require
from lantern.access.roles import Role
from lantern.accounts.models import Agency, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.cases.models import Case
from lantern.cases.services import managers_of, notify
from lantern.oversight.models import Escalation, EscalationLevel
from lantern.validation import Errors, checked_text, refuse_if_any

NOTE_LIMIT = 2_000


def chain(agency: Agency | int) -> list[EscalationLevel]:
    """The agency's levels, first first; the default single level (its team managers, at once) if it has none."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    levels = list(EscalationLevel.objects.filter(agency_id=agency_id).select_related("recipient").order_by("level"))
    return levels or [EscalationLevel(agency_id=agency_id, level=1, title="Team manager", after_working_days=0)]


def recipients(level: EscalationLevel, case: Case) -> list[User]:
    """Who a level means for this case: its named person, or the case's team manager (every manager of the
    agency when the team has none)."""
    if level.recipient_id is not None and level.recipient is not None and level.recipient.is_active:
        return [level.recipient]
    return managers_of(case)


def highest_level(*, rule: str, item_key: str) -> int:
    """The highest level the piece of work has been raised to (0: never raised)."""
    found = Escalation.objects.filter(rule=rule, item_key=item_key).aggregate(top=Max("level"))["top"]
    return int(found or 0)


def raise_to(
    level: EscalationLevel,
    *,
    case: Case,
    rule: str,
    item_key: str,
    message: str,
    raised_by: User | None,
    note: str = "",
) -> list[Escalation]:
    """Raise the work to `level`: one `Escalation` and one notification per recipient, once (a repeat adds
    nothing). The caller holds the transaction and has decided it may."""
    raised = []
    for person in recipients(level, case):
        escalation, created = Escalation.objects.get_or_create(
            rule=rule, item_key=item_key, level=level.level, recipient=person,
            defaults={"agency_id": case.agency_id, "case": case, "raised_by": raised_by, "note": note},
        )  # fmt: skip
        if not created:
            continue
        notify([person], case=case, rule=rule, item_key=f"{item_key}:L{level.level}", message=message)
        audit_record(
            actor=raised_by, username="" if raised_by else "lantern", action=AuditAction.CREATE, target=escalation,
            purpose=f"escalate to level {level.level}: {rule}", outcome=Outcome.SUCCESS,
            detail={"case": case.pk, "to": person.username, "level": level.level},
        )  # fmt: skip
        raised.append(escalation)
    return raised


def escalation_raise(*, actor: User, case: Case, rule: str, item_key: str, label: str, note: str) -> list[Escalation]:
    """A manager raises a piece of work on their agency's case to the next level of the agency's chain, with a
    note saying why (the reviews found managers who did not challenge, and no one above them who knew)."""
    purpose = "escalate work to the next level"
    require(actor, Action.UPDATE, case, purpose=purpose)
    errors: Errors = {}
    note = checked_text(errors, "note", note, "why you are escalating this", limit=NOTE_LIMIT)
    if actor.role != Role.TEAM_MANAGER or actor.agency_id != case.agency_id:
        errors["note"] = "Only a team manager in the case's agency escalates its work"
    levels = chain(case.agency_id)
    reached = max(highest_level(rule=rule, item_key=item_key), 1)  # the manager is level 1: raising goes above
    above = [level for level in levels if level.level > reached]
    if not above and "note" not in errors:
        errors["note"] = (
            "There is no one above the highest level this has reached in your agency's escalation chain: "
            "ask your system administrator to add a level"
        )
    refuse_if_any(errors)
    target = above[0]
    # The note stays in Lantern: a manager's words may name the child, and the notification is also emailed.
    message = (
        f"{actor.get_full_name() or actor.username} escalated case {case.pk}: {label} (rule {rule}). "
        "Their note is on your alerts page."
    )
    with transaction.atomic():
        return raise_to(target, case=case, rule=rule, item_key=item_key, message=message, raised_by=actor, note=note)
