from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lantern.access.policy import Action, Category
from lantern.access.registry import guards
from lantern.people import selectors, services
from lantern.people.models import AgencyRecord, Person
from lantern.web.actor import signed_in_user

router = Router(tags=["people"])
records_router = Router(tags=["records"])

MAX_PAGE = 200


class PersonSummary(Schema):
    id: UUID
    display_name: str
    kind: str
    date_of_birth: dt.date | None
    agencies: list[str]


class PersonSearch(Schema):
    items: list[PersonSummary]
    count: int


class RecordOut(Schema):
    id: UUID
    person_id: UUID
    agency: str
    category: str
    title: str
    summary: str
    handling_code: str
    recorded_at: dt.datetime


class PersonOut(PersonSummary):
    given_name: str
    family_name: str
    sex: str
    records: list[RecordOut]


class PersonIn(Schema):
    kind: Literal["child", "adult"]
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date | None = None
    sex: Literal["F", "M", "U", ""] = ""


class PersonPatch(Schema):
    kind: Literal["child", "adult"] | None = None
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    date_of_birth: dt.date | None = None
    sex: Literal["F", "M", "U", ""] | None = None


class RecordIn(Schema):
    category: Literal["agency_record", "sexual_health"] = "agency_record"
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1)
    handling_code: Literal["P", "C"]


class RecordPatch(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, min_length=1)
    handling_code: Literal["P", "C"] | None = None


def _record_out(record: AgencyRecord) -> RecordOut:
    return RecordOut(
        id=record.pk,
        person_id=record.person_id,
        agency=record.agency.code,
        category=record.category,
        title=record.title,
        summary=record.summary,
        handling_code=record.handling_code,
        recorded_at=record.recorded_at,
    )


def _person_out(person: Person, records: list[AgencyRecord], agencies: list[str]) -> PersonOut:
    return PersonOut(
        id=person.pk,
        display_name=person.display_name,
        kind=person.kind,
        date_of_birth=person.date_of_birth,
        agencies=agencies,
        given_name=person.given_name,
        family_name=person.family_name,
        sex=person.sex,
        records=[_record_out(r) for r in records],
    )


@router.get("/search", response=PersonSearch, summary="Search people by name")
@guards(Category.PERSON)
def search(request: HttpRequest, q: str, limit: int = 50, offset: int = 0) -> PersonSearch:
    people, total = selectors.person_search(
        actor=signed_in_user(request), query=q, limit=min(max(limit, 1), MAX_PAGE), offset=max(offset, 0)
    )
    agencies = selectors.person_agencies(people=people)
    return PersonSearch(
        items=[
            PersonSummary(
                id=p.pk,
                display_name=p.display_name,
                kind=p.kind,
                date_of_birth=p.date_of_birth,
                agencies=agencies[str(p.pk)],
            )
            for p in people
        ],
        count=total,
    )


@router.post("", response={201: PersonOut}, summary="Record a person")
@guards(Category.PERSON)
def create(request: HttpRequest, payload: PersonIn) -> Status[PersonOut]:
    person = services.person_create(actor=signed_in_user(request), **payload.dict())
    return Status(201, _person_out(person, [], [person.owning_agency.code]))


@router.get("/{person_id}", response=PersonOut, summary="A person, as the caller may see them")
@guards(Category.PERSON, Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def get(request: HttpRequest, person_id: UUID) -> PersonOut:
    view = selectors.person_get(actor=signed_in_user(request), person_id=person_id)
    return _person_out(view.person, view.records, view.holding_agencies)


@router.patch("/{person_id}", response=PersonOut, summary="Change a person's details")
@guards(Category.PERSON)
def update(request: HttpRequest, person_id: UUID, payload: PersonPatch) -> PersonOut:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.UPDATE, purpose="update a person"
    )
    services.person_update(actor=actor, person=person, **payload.dict(exclude_unset=True))
    return _person_out(person, [], [person.owning_agency.code])


@router.post("/{person_id}/records", response={201: RecordOut}, summary="Add an agency record about a person")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def add_record(request: HttpRequest, person_id: UUID, payload: RecordIn) -> Status[RecordOut]:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.VIEW, purpose="add an agency record"
    )
    record = services.record_create(actor=actor, person=person, **payload.dict())
    return Status(201, _record_out(record))


@records_router.get("/{record_id}", response=RecordOut, summary="An agency record")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def get_record(request: HttpRequest, record_id: UUID) -> RecordOut:
    return _record_out(selectors.record_get(actor=signed_in_user(request), record_id=record_id))


@records_router.patch("/{record_id}", response=RecordOut, summary="Change an agency record")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def update_record(request: HttpRequest, record_id: UUID, payload: RecordPatch) -> RecordOut:
    actor = signed_in_user(request)
    record = selectors.record_for_change(actor=actor, record_id=record_id, purpose="update an agency record")
    services.record_update(actor=actor, record=record, **payload.dict(exclude_unset=True))
    return _record_out(record)
