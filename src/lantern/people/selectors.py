"""Reads of people and agency records, always scoped by access and audited once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from lantern.access.policy import Action, Category, require, require_row, scope
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.people.enums import PersonKind
from lantern.people.models import AgencyRecord, Person

if TYPE_CHECKING:
    from lantern.accounts.models import User

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class PersonView:
    person: Person
    records: list[AgencyRecord]
    holding_agencies: list[str]


def person_search(*, actor: User, query: str, limit: int = SEARCH_LIMIT, offset: int = 0) -> tuple[list[Person], int]:
    require(actor, Action.SEARCH, Category.PERSON, purpose="person search")
    terms = query.split()
    people = scope(actor, Person.objects.select_related("owning_agency"), Action.SEARCH)
    for term in terms:
        people = people.filter(Q(given_name__icontains=term) | Q(family_name__icontains=term))
    if not terms:
        people = people.none()
    total = people.count()
    found = list(people.order_by("family_name", "given_name", "id")[offset : offset + limit])
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="person",
        purpose="person search",
        outcome=Outcome.SUCCESS,
        detail={"query": query, "results": total},
    )
    return found, total


def person_agencies(*, people: list[Person]) -> dict[str, list[str]]:
    """Which agencies hold information about people the caller may already see. The fact that an agency
    holds information is shareable even when the detail is not (no further audit: part of the same read)."""
    codes: dict[str, set[str]] = {str(p.pk): {p.owning_agency.code} for p in people}
    rows = AgencyRecord.objects.filter(person__in=people).values_list("person_id", "agency__code").distinct()
    for person_id, code in rows:
        codes[str(person_id)].add(code)
    return {key: sorted(value) for key, value in codes.items()}


def person_get(*, actor: User, person_id: object, purpose: str = "view person") -> PersonView:
    person = require_row(actor, Action.VIEW, Person.objects.select_related("owning_agency"), person_id, purpose=purpose)
    records = list(
        scope(actor, person.records.select_related("agency", "recorded_by"), Action.VIEW).order_by("-recorded_at")
    )
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=person,
        purpose=purpose,
        outcome=Outcome.SUCCESS,
        detail={"records_shown": [str(r.pk) for r in records]},
    )
    holding = person_agencies(people=[person])[str(person.pk)]
    return PersonView(person=person, records=records, holding_agencies=holding)


def person_for_change(*, actor: User, person_id: object, action: Action, purpose: str) -> Person:
    """The person a write is about, after checking the actor may do it (refusals are audited)."""
    return require_row(actor, action, Person.objects.select_related("owning_agency"), person_id, purpose=purpose)


def _records() -> QuerySet[AgencyRecord]:
    return AgencyRecord.objects.select_related("person", "agency", "recorded_by")


def record_get(*, actor: User, record_id: object, purpose: str = "view record") -> AgencyRecord:
    record = require_row(actor, Action.VIEW, _records(), record_id, purpose=purpose)
    audit_record(actor=actor, action=AuditAction.VIEW, target=record, purpose=purpose, outcome=Outcome.SUCCESS)
    return record


def record_for_change(*, actor: User, record_id: object, purpose: str) -> AgencyRecord:
    return require_row(actor, Action.UPDATE, _records(), record_id, purpose=purpose)


def people_count_by_kind() -> dict[str, int]:
    """Aggregate figures with no person in them (callers check the aggregate category)."""
    counts = dict.fromkeys(PersonKind.values, 0)
    for row in Person.objects.values("kind").annotate(n=Count("pk")):
        counts[row["kind"]] = row["n"]
    return counts


def opened_for_change(*, actor: User, target: Person | AgencyRecord, purpose: str) -> None:
    """A change form shows the record: that read is audited like any other (one row per request)."""
    audit_record(actor=actor, action=AuditAction.VIEW, target=target, purpose=purpose, outcome=Outcome.SUCCESS)
