"""Writes about people and agency records: check access, change, audit — one transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lantern.access.policy import Action, Category, Draft, require
from lantern.audit.services import AuditAction, save_with_audit
from lantern.people.enums import PersonStatus, RecordCategory
from lantern.people.models import Person, SourceRecord
from lantern.people.search import index_people

if TYPE_CHECKING:
    from lantern.accounts.models import User

PERSON_FIELDS = ("kind", "given_name", "family_name", "date_of_birth", "sex")
RECORD_FIELDS = ("title", "summary", "handling_code")
MERGED_REFUSAL = "This person was joined into another person. Make the change on the person they were joined into."


def _changes(obj: Any, values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, list[str]]:
    changed: dict[str, list[str]] = {}
    for name in allowed:
        if name in values and getattr(obj, name) != values[name]:
            changed[name] = [str(getattr(obj, name)), str(values[name])]
            setattr(obj, name, values[name])
    return changed


def person_create(
    *,
    actor: User,
    kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    sex: str = "",
) -> Person:
    require(actor, Action.CREATE, Draft(Category.PERSON, actor.agency_id), purpose="record a person")
    person = Person(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        owning_agency=actor.agency,
        created_by=actor,
    )
    record = SourceRecord(
        person=person, agency=actor.agency, given_name=person.given_name, family_name=person.family_name,
        dob_year=date_of_birth.year if date_of_birth else None,
        dob_month=date_of_birth.month if date_of_birth else None,
        dob_day=date_of_birth.day if date_of_birth else None, sex=sex, title="Recorded in Lantern",
        summary="Person recorded directly in Lantern.", handling_code="P", recorded_by=actor,
    )  # fmt: skip
    with transaction.atomic():
        save_with_audit(actor=actor, obj=person, action=AuditAction.CREATE, purpose="record a person", create=True)
        record.full_clean()
        record.save(force_insert=True)
        index_people([person.pk])
    return person


def refuse_merged(person: Person) -> None:
    """A person joined into another is kept only so the join can be undone: new facts belong to the person
    they were joined into, or an undo would have to guess where they go."""
    if person.status == PersonStatus.MERGED:
        raise ValidationError(MERGED_REFUSAL)


def person_update(*, actor: User, person: Person, **values: Any) -> Person:
    require(actor, Action.UPDATE, person, purpose="update a person")
    refuse_merged(person)
    changed = _changes(person, values, PERSON_FIELDS)
    save_with_audit(
        actor=actor,
        obj=person,
        action=AuditAction.UPDATE,
        purpose="update a person",
        detail={"changed": sorted(changed)},
    )
    index_people([person.pk])  # results are ordered by name
    return person


def record_create(
    *,
    actor: User,
    person: Person,
    category: str,
    title: str,
    summary: str,
    handling_code: str,
) -> SourceRecord:
    draft = Draft(Category(RecordCategory(category).value), actor.agency_id, parent=person)
    require(actor, Action.CREATE, draft, purpose="add an agency record")
    refuse_merged(person)
    record = SourceRecord(
        person=person,
        agency=actor.agency,
        category=category,
        title=title.strip(),
        summary=summary.strip(),
        handling_code=handling_code,
        recorded_by=actor,
    )
    save_with_audit(
        actor=actor,
        obj=record,
        action=AuditAction.CREATE,
        purpose="add an agency record",
        detail={"person": str(person.pk)},
        create=True,
    )
    index_people([person.pk])
    return record


def record_update(*, actor: User, record: SourceRecord, **values: Any) -> SourceRecord:
    require(actor, Action.UPDATE, record, purpose="update an agency record")
    changed = _changes(record, values, RECORD_FIELDS)
    save_with_audit(
        actor=actor,
        obj=record,
        action=AuditAction.UPDATE,
        purpose="update an agency record",
        detail={"changed": sorted(changed)},
    )
    return record
