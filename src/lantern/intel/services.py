"""Writes about intelligence: check access, validate, change, audit — one transaction each.

Nothing here edits what a submitter wrote. Grading, links, the sanitised version, the outcome, corroboration
and releases are kept beside the report, each audited with who did it and why.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.access.models import AccessGrant
from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.roles import Role
from lantern.accounts.models import Agency, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.cases.services import strategy_requested_by_intel
from lantern.intel import extract
from lantern.intel.enums import (
    MAX_SHORT,
    MAX_TEXT,
    URGENCY_RISK,
    Corroboration,
    EntityKind,
    EntityOrigin,
    Knowledge,
    RequestStatus,
    Risk,
    Scheme,
    Source,
    Status,
    Urgency,
)
from lantern.intel.enums import (
    Outcome as IntelOutcome,
)
from lantern.intel.models import (
    AccessRequest,
    CorroborationNote,
    IntelEntity,
    IntelReport,
    PublicAddition,
    SanitisedReport,
)
from lantern.intel.rules import INT_3X5X2, LANTERN_INTEL_24H
from lantern.intel.signals import report_links_changed
from lantern.locality.models import Area
from lantern.locality.selectors import ward_in_text
from lantern.people import normalise
from lantern.people.models import Person, Place

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or copied by hand
ROUTING_WINDOW = dt.timedelta(hours=24)
URGENT_ROLES = (Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.POLICE_CSE_OFFICER, Role.INTELLIGENCE_ANALYST)


def new_reference() -> str:
    """KM-XXXX-XXXX: 40 random bits, so a reference cannot be guessed to add to someone else's report."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"KM-{body[:4]}-{body[4:]}"


def normalise_reference(raw: str) -> str:
    compact = "".join(ch for ch in raw.upper() if ch.isalnum())
    if compact.startswith("KM"):
        compact = compact[2:]
    return f"KM-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else raw.strip().upper()


# --- Validation shared by every way in (form, API, CSV) -----------------------------------------------


def parse_when(raw: str) -> tuple[dt.date | None, dt.time | None]:
    """`YYYY-MM-DD` or an ISO datetime, as the API contract allows; a time with an offset is read in London time."""
    text = raw.strip()
    try:
        if "T" in text or " " in text:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = timezone.localtime(moment)
            return moment.date(), moment.time().replace(tzinfo=None)
        return dt.date.fromisoformat(text), None
    except ValueError as error:
        raise ValidationError(
            {"when": "Enter the date as YYYY-MM-DD (for example 2026-11-20), or a date and time"}
        ) from error


def _check_text(errors: dict[str, str], name: str, value: str, label: str, *, required: bool, limit: int) -> str:
    value = value.strip()
    if required and not value:
        errors[name] = f"Enter {label}"
    elif len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer (it has {len(value):,})"
    return value


def _agency_of(actor: User) -> Agency:
    if actor.agency is None:
        raise ValidationError("Your account belongs to no agency; ask an administrator to set it")
    return actor.agency


def _check_when(errors: dict[str, str], occurred_on: dt.date | None, occurred_time: dt.time | None) -> None:
    today = timezone.localdate()
    if occurred_on is None:
        errors["when"] = "Enter the date it happened, or your best guess"
    elif occurred_on > today or (
        occurred_on == today and occurred_time is not None and occurred_time > timezone.localtime().time()
    ):
        errors["when"] = "The date it happened must be today or in the past"
    elif occurred_on < today - dt.timedelta(days=365 * 30):
        errors["when"] = "The date it happened must be within the last 30 years"


@dataclass
class Mentions:
    """What the submitter listed, normalised, and the suggestions found in their text."""

    given: list[extract.Mention] = field(default_factory=list)
    suggested: list[extract.Mention] = field(default_factory=list)


def _structured(
    errors: dict[str, str], *, people: Sequence[str], vehicles: Sequence[str], phones: Sequence[str]
) -> list[extract.Mention]:
    given: list[extract.Mention] = []
    bad_vehicles, bad_phones = [], []
    for raw in vehicles:
        if (vrm := normalise.try_vrm(raw)) is None:
            bad_vehicles.append(raw)
        else:
            given.append(extract.Mention(EntityKind.VEHICLE, raw, vrm))
    for raw in phones:
        if (e164 := normalise.try_phone(raw)) is None:
            bad_phones.append(raw)
        else:
            given.append(extract.Mention(EntityKind.PHONE, raw, e164))
    if bad_vehicles:
        errors["vehicles"] = (
            f"“{bad_vehicles[0]}” is not a UK registration mark. Enter marks like AB12 CDE, one per line, "
            "or describe the car in what happened"
        )
    if bad_phones:
        errors["phones"] = f"“{bad_phones[0]}” is not a phone number. Enter numbers like 07700 900123, one per line"
    for raw in people:
        name = raw.strip()
        if len(name) > 100:
            errors["people"] = "Each name must be 100 characters or fewer"
        elif name:
            given.append(extract.Mention(EntityKind.PERSON, name, name))
    return given


def _mentions(given: list[extract.Mention], *texts: str) -> Mentions:
    seen = {(m.kind, m.value.lower()) for m in given}
    suggested = []
    for text in texts:
        for mention in extract.suggestions(text):
            if (mention.kind, mention.value.lower()) not in seen:
                seen.add((mention.kind, mention.value.lower()))
                suggested.append(mention)
    return Mentions(given=given, suggested=suggested)


def _save_entities(report: IntelReport, mentions: Mentions, *, added_by: User | None) -> None:
    groups = ((EntityOrigin.SUBMITTED, mentions.given), (EntityOrigin.SUGGESTED, mentions.suggested))
    entities = [
        IntelEntity(
            report=report, kind=m.kind, text=m.text[:200], value=m.value[:200], origin=origin, added_by=added_by
        )
        for origin, group in groups
        for m in group
    ]
    IntelEntity.objects.bulk_create(entities, ignore_conflicts=True)


def _insert(report: IntelReport) -> None:
    """Save with a fresh reference, trying again in the (40-bit) event that one is taken."""
    for _attempt in range(5):
        report.reference = new_reference()
        try:
            with transaction.atomic():
                report.save(force_insert=True)
        except IntegrityError:
            if IntelReport.objects.filter(reference=report.reference).exists():
                continue
            raise
        return
    raise RuntimeError("could not find a free reference")


def _route_urgent(report: IntelReport) -> None:
    """A child at immediate risk: the duty team and police are told at once, by email and at the top of the
    triage queue, once the report is safely saved."""
    recipients = list(
        User.objects.filter(is_active=True, agency__code__in=settings.LANTERN_URGENT_AGENCIES, role__in=URGENT_ROLES)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    report.routed_at = timezone.now()
    report.save(update_fields=["routed_at"])
    audit_record(
        actor=None,
        username="lantern",
        action=AuditAction.SHARE,
        target=report,
        purpose="child at immediate risk: routed to duty team and police",
        outcome=Outcome.SUCCESS,
        detail={"agencies": list(settings.LANTERN_URGENT_AGENCIES), "recipients": len(recipients)},
    )
    reference = report.reference

    def tell() -> None:
        send_mail(
            subject=f"Lantern: child at immediate risk — intelligence {reference}",
            message=(
                f"Intelligence {reference} says a child is at immediate risk. Open it in Lantern now: "
                f"/intel/reports/{report.pk}/\nIf you cannot act on it at once, call the duty manager. "
                "Do not forward this email: the report's content is in Lantern only."
            ),
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,  # the report is saved and on the queue either way
        )

    transaction.on_commit(tell)


def _resolve_place(errors: dict[str, str], place_id: object) -> Place | None:
    if place_id in (None, ""):
        return None
    try:
        return Place.objects.get(pk=int(str(place_id)))
    except (Place.DoesNotExist, ValueError):
        errors["place"] = "Choose a place from the list, or describe where in the location box"
        return None


def _resolve_ward(errors: dict[str, str], ward_id: object) -> Area | None:
    if ward_id in (None, ""):
        return None
    try:
        return Area.objects.wards().get(pk=int(str(ward_id)))
    except (Area.DoesNotExist, ValueError):
        errors["ward"] = "Choose a ward from the list"
        return None


def report_submit(
    *,
    actor: User,
    what: str,
    occurred_on: dt.date | None,
    knowledge: str,
    urgency: str,
    occurred_time: dt.time | None = None,
    location_text: str = "",
    place_id: object = None,
    ward_id: object = None,
    people: Sequence[str] = (),
    vehicles: Sequence[str] = (),
    phones: Sequence[str] = (),
    received_at: dt.datetime | None = None,
    source_ref: str = "",
) -> IntelReport:
    """A practitioner's intelligence, owned by their agency. A child at immediate risk is routed at once.
    `received_at` and `source_ref` (the agency's own reference) are for imports from an agency's system."""
    require(actor, Action.CREATE, Draft(Category.INTELLIGENCE, actor.agency_id), purpose="submit intelligence")
    errors: dict[str, str] = {}
    what = _check_text(errors, "what", what, "what was seen or heard", required=True, limit=MAX_TEXT)
    location_text = _check_text(errors, "location", location_text, "the location", required=False, limit=MAX_SHORT)
    _check_when(errors, occurred_on, occurred_time)
    if knowledge not in Knowledge.values:
        errors["knowledge"] = "Select how you know this"
    if urgency not in Urgency.values:
        errors["urgency"] = "Select how urgent this is"
    place = _resolve_place(errors, place_id)
    ward = _resolve_ward(errors, ward_id)
    given = _structured(errors, people=people, vehicles=vehicles, phones=phones)
    if place is None and not location_text and ward is None:
        errors["location"] = "Enter where it happened, or choose a place"
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None  # checked above  # noqa: S101
    ward = ward or (place.ward if place else None) or ward_in_text(location_text)
    received = received_at or timezone.now()
    risk = URGENCY_RISK[Urgency(urgency)]
    report = IntelReport(
        source=Source.PARTNER, source_ref=source_ref[:64], agency=_agency_of(actor), submitted_by=actor,
        received_at=received, what=what,
        occurred_on=occurred_on, occurred_time=occurred_time, location_text=location_text, place=place, ward=ward,
        people_text="; ".join(people)[:MAX_SHORT], vehicles_text="; ".join(vehicles)[:MAX_SHORT],
        phones_text="; ".join(phones)[:MAX_SHORT], knowledge=knowledge, urgency=urgency, risk=risk,
        triage_due_at=LANTERN_INTEL_24H.due(received_at=received, risk=risk),
    )  # fmt: skip
    with transaction.atomic():
        _insert(report)
        _save_entities(report, _mentions(given, what, location_text), added_by=actor)
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=report, purpose="submit intelligence",
            outcome=Outcome.SUCCESS, detail={"reference": report.reference, "urgency": urgency},
        )  # fmt: skip
        # Routing is for a child at risk now: an agency's historic report imported today is not sent round again.
        if urgency == Urgency.IMMEDIATE and timezone.now() - received < ROUTING_WINDOW:
            _route_urgent(report)
    return report


def public_report_submit(
    *,
    what: str,
    where: str,
    occurred_on: dt.date | None,
    occurred_time: dt.time | None = None,
    people: str = "",
    vehicles: str = "",
    contact: str = "",
    danger_now: bool = False,
) -> IntelReport:
    """An anonymous report from a member of the public. Saved and committed before its reference is returned,
    so a reference someone has seen always names a saved report. No address or device identity is stored."""
    errors: dict[str, str] = {}
    what = _check_text(errors, "what", what, "what you saw or heard", required=True, limit=MAX_TEXT)
    where = _check_text(errors, "where", where, "where it happened", required=True, limit=MAX_SHORT)
    people = _check_text(errors, "people", people, "the people involved", required=False, limit=MAX_SHORT)
    vehicles = _check_text(errors, "vehicles", vehicles, "the vehicles", required=False, limit=MAX_SHORT)
    contact = _check_text(errors, "contact", contact, "your contact details", required=False, limit=MAX_SHORT)
    _check_when(errors, occurred_on, occurred_time)
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None  # checked above  # noqa: S101
    agency = Agency.objects.get(code=settings.LANTERN_PUBLIC_REPORTS_AGENCY)
    received = timezone.now()
    risk = Risk.HIGH if danger_now else Risk.MEDIUM
    report = IntelReport(
        source=Source.PUBLIC, agency=agency, received_at=received, what=what, occurred_on=occurred_on,
        occurred_time=occurred_time, location_text=where, ward=ward_in_text(where), people_text=people,
        vehicles_text=vehicles, contact=contact, urgency=Urgency.IMMEDIATE if danger_now else "", risk=risk,
        triage_due_at=LANTERN_INTEL_24H.due(received_at=received, risk=risk),
    )  # fmt: skip
    named = [extract.Mention(EntityKind.PERSON, n, n) for n in extract.listed(people)]
    with transaction.atomic():
        _insert(report)
        _save_entities(report, _mentions(named, what, where, vehicles), added_by=None)
        audit_record(
            actor=None, username="public", action=AuditAction.CREATE, target=report,
            purpose="anonymous public report", outcome=Outcome.SUCCESS, detail={"reference": report.reference},
        )  # fmt: skip
        if danger_now:
            _route_urgent(report)
    return report


REFERENCE_NOT_FOUND = "We could not find a report with that reference. Check it against the one you were given"


def public_addition_add(*, reference: str, text: str) -> PublicAddition:
    """More information added to a public report with its reference; nothing of the report is shown back."""
    errors: dict[str, str] = {}
    text = _check_text(errors, "text", text, "what you want to add", required=True, limit=MAX_TEXT)
    report = IntelReport.objects.filter(reference=normalise_reference(reference), source=Source.PUBLIC).first()
    if report is None:
        errors["reference"] = REFERENCE_NOT_FOUND
    if errors:
        raise ValidationError(errors)
    assert report is not None  # noqa: S101
    with transaction.atomic():
        addition = PublicAddition.objects.create(report=report, text=text)
        audit_record(
            actor=None, username="public", action=AuditAction.UPDATE, target=report,
            purpose="anonymous public report: more information added", outcome=Outcome.SUCCESS,
        )  # fmt: skip
    return addition


# --- Triage ---------------------------------------------------------------------------------------------


def _audit_change(actor: User, target: object, purpose: str, **detail: object) -> None:
    audit_record(actor=actor, action=AuditAction.UPDATE, target=target, purpose=purpose, outcome=Outcome.SUCCESS,
                 detail=dict(detail) or None)  # fmt: skip


def report_grade(
    *,
    actor: User,
    report: IntelReport,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    risk: str,
) -> IntelReport:
    """Grade a report under 3x5x2 (INT-3X5X2) and set its risk: the triage the 24-hour rule times."""
    require(actor, Action.UPDATE, report, purpose="grade intelligence")
    INT_3X5X2.validate(
        source_evaluation=source_evaluation, assessment=intelligence_assessment, handling_code=handling_code,
        conditions=handling_conditions,
    )  # fmt: skip
    if risk not in Risk.values:
        raise ValidationError({"risk": "Select the risk: high, medium or low"})
    if report.grading_scheme == Scheme.G5X5X5:
        raise ValidationError({"grading": "This report carries a historic 5x5x5 grade, which is kept as recorded"})
    first = not report.is_graded
    report.grading_scheme = Scheme.G3X5X2
    report.source_evaluation, report.intelligence_assessment = source_evaluation, intelligence_assessment
    report.handling_code, report.handling_conditions = handling_code, handling_conditions.strip()
    report.risk = risk
    report.graded_by, report.graded_at = actor, report.graded_at if not first else timezone.now()
    if report.status == Status.NEW:
        report.status = Status.TRIAGED
    with transaction.atomic():
        report.save()
        _audit_change(actor, report, "grade intelligence", grade=report.grade, risk=risk, first=first)
        report_links_changed.send(sender=IntelReport, report=report)
    return report


def report_sanitise(*, actor: User, report: IntelReport, text: str) -> SanitisedReport:
    """Write (or rewrite) the version for wider dissemination. It must not name the source."""
    require(actor, Action.UPDATE, report, purpose="sanitise intelligence")
    errors: dict[str, str] = {}
    text = _check_text(errors, "text", text, "the sanitised text", required=True, limit=MAX_TEXT)
    for clue in source_clues(report):
        if _as_word(clue).search(text):
            errors["text"] = f"The sanitised text still contains “{clue}”, which could identify the source"
            break
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sanitised, created = SanitisedReport.objects.update_or_create(
            report=report, defaults={"text": text, "created_by": actor, "created_at": timezone.now()}
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, target=sanitised,
            purpose="sanitise intelligence", outcome=Outcome.SUCCESS,
        )  # fmt: skip
    return sanitised


def source_clues(report: IntelReport) -> list[str]:
    """What would identify the source: the submitter's name, username and email, and public contact details."""
    clues: list[str] = []
    if report.submitted_by is not None:
        user = report.submitted_by
        clues += [user.get_full_name(), user.username, user.email, user.last_name]
    if report.contact:
        clues.append(report.contact)
    return [c for c in clues if c and len(c) >= 3]


def _as_word(clue: str) -> re.Pattern[str]:
    """A clue as a whole word or phrase: a surname "Obi" is not found inside "mobile"."""
    return re.compile(rf"(?<!\w){re.escape(clue)}(?!\w)", re.IGNORECASE)


def suggested_sanitised_text(report: IntelReport) -> str:
    """A first draft for the analyst: the report's text with the source's identity taken out."""
    text = report.what
    for clue in sorted(source_clues(report), key=len, reverse=True):
        text = _as_word(clue).sub("[source removed]", text)
    return text


def entity_add(*, actor: User, report: IntelReport, kind: str, text: str) -> IntelEntity:
    """An analyst adds a person, vehicle, phone or place the report mentions."""
    require(actor, Action.UPDATE, report, purpose="link intelligence")
    text = text.strip()
    if kind not in EntityKind.values:
        raise ValidationError({"kind": "Select what kind of thing this is"})
    if not text:
        raise ValidationError({"text": "Enter the name, registration mark, phone number or place"})
    if kind == EntityKind.VEHICLE:
        value = normalise.try_vrm(text)
        if value is None:
            raise ValidationError({"text": f"“{text}” is not a UK registration mark, like AB12 CDE"})
    elif kind == EntityKind.PHONE:
        value = normalise.try_phone(text)
        if value is None:
            raise ValidationError({"text": f"“{text}” is not a phone number, like 07700 900123"})
    else:
        value = text[:200]
    # A place the analyst names is linked to the known place of that name, if there is one.
    place = Place.objects.filter(name__iexact=text).first() if kind == EntityKind.PLACE else None
    with transaction.atomic():
        entity, _ = IntelEntity.objects.get_or_create(
            report=report, kind=kind, value=value,
            defaults={"text": text[:200], "origin": EntityOrigin.ANALYST, "added_by": actor, "confirmed": True,
                      "place": place},
        )  # fmt: skip
        _audit_change(actor, report, "link intelligence", added=f"{kind}:{value}")
        report_links_changed.send(sender=IntelReport, report=report)
    return entity


def entity_link(
    *, actor: User, entity: IntelEntity, person: Person | None = None, place: Place | None = None
) -> IntelEntity:
    """Confirm what an entity is: link a person (whom the analyst may see) or a place, or just confirm a
    vehicle or phone found in the text."""
    require(actor, Action.UPDATE, entity.report, purpose="link intelligence")
    if person is not None:
        require(actor, Action.VIEW, person, purpose="link intelligence to a person")
        if entity.kind != EntityKind.PERSON:
            raise ValidationError({"person": "Only a person mention can be linked to a person"})
    if place is not None and entity.kind != EntityKind.PLACE:
        raise ValidationError({"place": "Only a place mention can be linked to a place"})
    entity.person, entity.place, entity.confirmed = person or entity.person, place or entity.place, True
    with transaction.atomic():
        entity.save(update_fields=["person", "place", "confirmed"])
        _audit_change(
            actor, entity.report, "link intelligence", entity=entity.pk,
            person=str(person.pk) if person else None, place=place.pk if place else None,
        )  # fmt: skip
        report_links_changed.send(sender=IntelReport, report=entity.report)
    return entity


def entity_remove(*, actor: User, entity: IntelEntity) -> None:
    """Drop a wrong suggestion. What the submitter gave stays: it is part of what they said."""
    require(actor, Action.UPDATE, entity.report, purpose="link intelligence")
    if entity.origin == EntityOrigin.SUBMITTED:
        raise ValidationError({"entity": "What the submitter named stays with the report; unlink it instead"})
    with transaction.atomic():
        _audit_change(actor, entity.report, "link intelligence", removed=f"{entity.kind}:{entity.value}")
        entity.delete()
        report_links_changed.send(sender=IntelReport, report=entity.report)


def report_outcome(*, actor: User, report: IntelReport, outcome: str, reason: str) -> IntelReport:
    """Record what was done: no further action (with a reason), shared, or actioned."""
    require(actor, Action.UPDATE, report, purpose="record intelligence outcome")
    errors: dict[str, str] = {}
    if outcome not in IntelOutcome.values:
        errors["outcome"] = "Select the outcome"
    reason = reason.strip()
    if outcome == IntelOutcome.NO_FURTHER_ACTION and not reason:
        errors["outcome_reason"] = "Say why no further action is needed"
    if not report.is_graded:
        errors["outcome"] = "Grade the report before recording its outcome"
    if outcome == IntelOutcome.SHARED and not hasattr(report, "sanitised") and report.handling_code == "C":
        errors["outcome"] = "Write the sanitised version before sharing a report with handling code C"
    if errors:
        raise ValidationError(errors)
    report.outcome, report.outcome_reason = outcome, reason
    report.outcome_by, report.outcome_at, report.status = actor, timezone.now(), Status.CLOSED
    with transaction.atomic():
        report.save(update_fields=["outcome", "outcome_reason", "outcome_by", "outcome_at", "status"])
        _audit_change(actor, report, "record intelligence outcome", outcome=outcome)
        if outcome == IntelOutcome.STRATEGY:
            strategy_requested_by_intel(
                report_id=report.pk, reference=report.reference, agency_name=str(actor.agency), at=report.outcome_at
            )
    return report


# --- Corroboration and access requests ------------------------------------------------------------------


def report_corroborate(
    *, actor: User, report: IntelReport, kind: str, note: str, on: dt.date | None
) -> CorroborationNote:
    """Another agency says it has seen this too, that it contradicts it, or that it is out of date, without
    editing the report. Anyone who may read the report, in full or sanitised, may do so."""
    sanitised = SanitisedReport.objects.filter(report=report).first()
    if not (can(actor, Action.VIEW, report) or (sanitised and can(actor, Action.VIEW, sanitised))):
        require(actor, Action.VIEW, sanitised or report, purpose="corroborate intelligence")
    errors: dict[str, str] = {}
    if kind not in Corroboration.values:
        errors["kind"] = "Select what you know about this"
    note = _check_text(errors, "note", note, "what you know", required=True, limit=MAX_TEXT)
    if on is None:
        errors["on"] = "Enter when what you know was true"
    elif on > timezone.localdate():
        errors["on"] = "The date must be today or in the past"
    if actor.agency_id == report.agency_id:
        errors["kind"] = "Your agency holds this report: add what you know as a new report instead"
    if errors:
        raise ValidationError(errors)
    assert on is not None  # noqa: S101
    with transaction.atomic():
        corroboration = CorroborationNote.objects.create(
            report=report, kind=kind, note=note, agency=_agency_of(actor), by=actor, on=on
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=report, purpose="corroborate intelligence",
            outcome=Outcome.SUCCESS, detail={"kind": kind},
        )  # fmt: skip
    return corroboration


def access_request_create(*, actor: User, report: IntelReport, reason: str) -> AccessRequest:
    """Ask the holding agency to see a report the actor may only know exists."""
    require(actor, Action.VIEW, report.as_existence, purpose="request access to intelligence")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you need to see this intelligence"})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"The reason must be {MAX_TEXT:,} characters or fewer"})
    if AccessRequest.objects.filter(report=report, requester=actor, status=RequestStatus.PENDING).exists():
        raise ValidationError({"reason": "You have already asked; the holding agency will answer"})
    with transaction.atomic():
        request = AccessRequest.objects.create(report=report, requester=actor, reason=reason)
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=report, purpose="request access to intelligence",
            outcome=Outcome.SUCCESS, detail={"request": request.pk},
        )  # fmt: skip
    return request


DECISIONS = {
    "release": RequestStatus.RELEASED,
    "release_sanitised": RequestStatus.RELEASED_SANITISED,
    "refuse": RequestStatus.REFUSED,
}


def access_request_decide(
    *, actor: User, request: AccessRequest, decision: str, reason: str, lawful_basis: str
) -> AccessRequest:
    """The holding agency releases the report in full or sanitised to the one requester, for a time, or
    refuses; each with its reason and the lawful basis relied on."""
    report = request.report
    require(actor, Action.SHARE, report, purpose="decide a request for intelligence")
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = "Select release, release sanitised, or refuse"
    if not reason.strip():
        errors["decision_reason"] = "Give the reason for your decision"
    if decision != "refuse" and not lawful_basis.strip():
        errors["lawful_basis"] = "Name the lawful basis for sharing, for example UK GDPR Article 6(1)(e)"
    sanitised = SanitisedReport.objects.filter(report=report).first()
    if decision == "release_sanitised" and sanitised is None:
        errors["decision"] = "Write the sanitised version before releasing it"
    if request.status != RequestStatus.PENDING:
        errors["decision"] = "This request has already been decided"
    if errors:
        raise ValidationError(errors)
    request.status = DECISIONS[decision]
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_reason, request.lawful_basis = reason.strip(), lawful_basis.strip()
    with transaction.atomic():
        if decision != "refuse":
            target: IntelReport | SanitisedReport = report if decision == "release" else sanitised  # type: ignore[assignment]
            request.grant = AccessGrant.objects.create(
                user=request.requester, object_type=target.AUDIT_TYPE, object_id=str(target.pk), granted_by=actor,
                reason=request.decision_reason, lawful_basis=request.lawful_basis,
                expires_at=timezone.now() + dt.timedelta(days=settings.LANTERN_RELEASE_DAYS),
            )  # fmt: skip
        request.save()
        audit_record(
            actor=actor, action=AuditAction.SHARE, target=report, purpose="decide a request for intelligence",
            outcome=Outcome.SUCCESS if decision != "refuse" else Outcome.DENIED,
            detail={"request": request.pk, "decision": decision, "to": request.requester.username,
                    "lawful_basis": request.lawful_basis},
        )  # fmt: skip
    return request
