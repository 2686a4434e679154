from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.people import identity, linking, selectors, services
from lantern.people.models import LinkageRun, LinkReview, Person, SourceRecord
from lantern.people.search import searchable
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


def _record_out(record: SourceRecord) -> RecordOut:
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


def _person_out(person: Person, records: list[SourceRecord], agencies: list[str]) -> PersonOut:
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


class SearchParams(Schema):
    q: str = Field(
        description="A name, alias or nickname, phone number, vehicle registration mark or date of birth "
        "(2011-05-17, 2011-05 or 2011), or several of them; misspellings are forgiven.",
        max_length=200,
    )
    limit: int = Field(default=selectors.SEARCH_LIMIT, ge=1, le=MAX_PAGE, description="results per page")
    offset: int = Field(default=0, ge=0, description="results to skip")

    @field_validator("q")
    @classmethod
    def something_to_search_for(cls, value: str) -> str:
        if not searchable(value):
            raise ValueError("Type a name, phone number, vehicle registration mark or date of birth to search for")
        return value


@router.get("/search", response=PersonSearch, summary="Find people by name, alias, phone, vehicle or date of birth")
@guards(Category.PERSON)
def search(request: HttpRequest, params: Query[SearchParams]) -> PersonSearch:
    actor = signed_in_user(request)
    people, total = selectors.person_search(actor=actor, query=params.q, limit=params.limit, offset=params.offset)
    agencies = selectors.person_search_agencies(actor=actor, people=people)
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


@router.get("/{uuid:person_id}", response=PersonOut, summary="A person, as the caller may see them")
@guards(Category.PERSON, Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def get(request: HttpRequest, person_id: UUID) -> PersonOut:
    view = selectors.person_get(actor=signed_in_user(request), person_id=person_id)
    return _person_out(view.person, view.records, view.holding_agencies)


@router.patch("/{uuid:person_id}", response=PersonOut, summary="Change a person's details")
@guards(Category.PERSON)
def update(request: HttpRequest, person_id: UUID, payload: PersonPatch) -> PersonOut:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.UPDATE, purpose="update a person"
    )
    services.person_update(actor=actor, person=person, **payload.dict(exclude_unset=True))
    return _person_out(person, [], [person.owning_agency.code])


@router.post("/{uuid:person_id}/records", response={201: RecordOut}, summary="Add an agency record about a person")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def add_record(request: HttpRequest, person_id: UUID, payload: RecordIn) -> Status[RecordOut]:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.VIEW, purpose="add an agency record"
    )
    record = services.record_create(actor=actor, person=person, **payload.dict())
    return Status(201, _record_out(record))


@records_router.get("/{uuid:record_id}", response=RecordOut, summary="An agency record")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def get_record(request: HttpRequest, record_id: UUID) -> RecordOut:
    return _record_out(selectors.record_get(actor=signed_in_user(request), record_id=record_id))


@records_router.patch("/{uuid:record_id}", response=RecordOut, summary="Change an agency record")
@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
def update_record(request: HttpRequest, record_id: UUID, payload: RecordPatch) -> RecordOut:
    actor = signed_in_user(request)
    record = selectors.record_for_change(actor=actor, record_id=record_id, purpose="update an agency record")
    services.record_update(actor=actor, record=record, **payload.dict(exclude_unset=True))
    return _record_out(record)


class ReviewOut(Schema):
    id: int
    record_a: UUID
    record_b: UUID
    person_a: UUID
    person_b: UUID
    match_probability: float
    status: str


class ReviewList(Schema):
    items: list[ReviewOut]
    count: int


class DecisionIn(Schema):
    same_person: bool
    reason: str = Field(min_length=1)


def _review_out(review: LinkReview) -> ReviewOut:
    return ReviewOut(
        id=review.pk, record_a=review.record_a_id, record_b=review.record_b_id, person_a=review.record_a.person_id,
        person_b=review.record_b.person_id, match_probability=review.match_probability, status=review.status,
    )  # fmt: skip


@router.get("/reviews", response=ReviewList, summary="Possible matches waiting for a decision")
@guards(Category.PERSON)
def reviews(request: HttpRequest) -> ReviewList:
    actor = signed_in_user(request)
    require(actor, Action.LINK, Category.PERSON, purpose="review queue")
    pending = selectors.reviews_pending(actor=actor)
    return ReviewList(items=[_review_out(r) for r in pending], count=len(pending))


@router.post("/reviews/{int:review_id}", response=ReviewOut, summary="Decide whether a pair is the same person")
@guards(Category.PERSON)
def decide(request: HttpRequest, review_id: int, payload: DecisionIn) -> ReviewOut:
    actor = signed_in_user(request)
    review = selectors.review_get(actor=actor, review_id=review_id, purpose="review a possible match")
    try:
        identity.review_decide(actor=actor, review=review, same_person=payload.same_person, reason=payload.reason)
    except identity.IdentityError as error:
        raise HttpError(409, str(error)) from error
    return _review_out(review)


class LinkageRunOut(Schema):
    id: int
    status: str
    stage: str
    progress: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    counts: dict[str, int]
    error: str


class LinkageRunList(Schema):
    items: list[LinkageRunOut]
    count: int


def _run_out(run: LinkageRun) -> LinkageRunOut:
    return LinkageRunOut(
        id=run.pk, status=run.status, stage=run.stage, progress=run.progress, created_at=run.created_at,
        finished_at=run.finished_at, counts=run.counts, error=run.error,
    )  # fmt: skip


@router.get("/linkage/runs", response=LinkageRunList, summary="The latest identity-resolution runs")
@guards(Category.LINKAGE_RUN)
def linkage_runs(request: HttpRequest) -> LinkageRunList:
    runs = selectors.linkage_runs(actor=signed_in_user(request))
    return LinkageRunList(items=[_run_out(run) for run in runs], count=len(runs))


@router.post("/linkage/runs", response={202: LinkageRunOut}, summary="Queue an identity-resolution run")
@guards(Category.LINKAGE_RUN)
def linkage_run_start(request: HttpRequest) -> Status[LinkageRunOut]:
    return Status(202, _run_out(linking.linkage_run_request(actor=signed_in_user(request))))


@router.get("/linkage/runs/{int:run_id}", response=LinkageRunOut, summary="One run, with its progress")
@guards(Category.LINKAGE_RUN)
def linkage_run(request: HttpRequest, run_id: int) -> LinkageRunOut:
    return _run_out(selectors.linkage_run_get(actor=signed_in_user(request), run_id=run_id))
