"""Reads of people and agency records, always scoped by access and audited once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from lantern.access.policy import (
    ALL_AGENCIES,
    Action,
    Category,
    NotVisible,
    can,
    holder_scope,
    refuse_missing,
    require,
    require_row,
    scope,
)
from lantern.access.sharing import providers_for
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.people.enums import PersonKind, PersonStatus, ReviewStatus
from lantern.people.models import LinkageRun, LinkReview, Merge, Person, RecordLink, SourceRecord
from lantern.people.search import person_matches

if TYPE_CHECKING:
    from lantern.accounts.models import User

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class PersonView:
    person: Person
    records: list[SourceRecord]
    holding_agencies: list[str]
    links: list[RecordLink] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    merged_into: Person | None = None  # for a person joined into another, that person if the actor may see them


def searchable_agencies(*, actor: User) -> frozenset[int]:
    """The agencies whose records a search may match and name: the actor's own and those with an
    information-sharing agreement in force that covers people (which agencies know a person is part of
    their identity). Never wider than ``access.scope``; it narrows what keys and agency codes are used."""
    if actor.agency_id is None:
        return frozenset()
    return frozenset({actor.agency_id}) | providers_for(recipient_id=actor.agency_id, category=Category.PERSON)


def person_search(*, actor: User, query: str, limit: int = SEARCH_LIMIT, offset: int = 0) -> tuple[list[Person], int]:
    """People matching any name, alias, nickname, phone, mark or date of birth, best match first, among
    those the actor may find (``access.scope``), matched only on records of agencies sharing with the
    actor's. One page of them and how many match in all. One audit row, whatever the results."""
    require(actor, Action.SEARCH, Category.PERSON, purpose="person search")
    agencies = searchable_agencies(actor=actor)
    in_scope = holder_scope(actor, Person, Action.SEARCH, through="records__agency_id")
    if in_scope is not ALL_AGENCIES:
        agencies &= in_scope
    matches = person_matches(query, agency_ids=agencies, limit=limit, offset=offset)
    # The index searched only agencies within the actor's scope (holder_scope); the people shown go
    # through access.scope as well, so no page can show someone the policy does not let them find.
    shown = scope(actor, Person.objects.filter(status=PersonStatus.ACTIVE), Action.SEARCH)
    by_id = shown.select_related("owning_agency").in_bulk([pk for pk, _ in matches.ranked])
    people = [by_id[pk] for pk, _ in matches.ranked if pk in by_id]
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="person",
        purpose="person search",
        outcome=Outcome.SUCCESS,
        detail={"query": query, "results": matches.total, "offset": offset, "shown": len(people)},
    )
    return people, matches.total


def person_search_agencies(*, actor: User, people: list[Person]) -> dict[str, list[str]]:
    """Which agencies hold information about each person found, as far as the actor may know: their own
    agency and agencies sharing people with it. An agency with no agreement is not named, so a result
    never reveals that, say, a clinic the actor's agency has no agreement with knows the child."""
    agencies = searchable_agencies(actor=actor)
    codes: dict[str, set[str]] = {
        str(p.pk): {p.owning_agency.code} if p.owning_agency_id in agencies else set() for p in people
    }
    rows = (
        SourceRecord.objects.filter(person__in=people, agency_id__in=agencies)
        .values_list("person_id", "agency__code")
        .distinct()
    )
    for person_id, code in rows:
        codes[str(person_id)].add(code)
    return {key: sorted(value) for key, value in codes.items()}


def person_get(*, actor: User, person_id: object, purpose: str = "view person") -> PersonView:
    person = require_row(actor, Action.VIEW, Person.objects.select_related("owning_agency"), person_id, purpose=purpose)
    records = list(
        scope(actor, person.records.select_related("agency", "recorded_by"), Action.VIEW)
        .prefetch_related("aliases", "phones", "vehicles", "addresses", "identifiers", "places__place")
        .order_by("-recorded_at")
    )
    shown = [r.pk for r in records]
    # Only links whose both records the user may see: a link must not reveal a record it joins.
    links = list(
        RecordLink.objects.filter(record_a__in=shown, record_b__in=shown).select_related(
            "record_a__agency", "record_b__agency"
        )
    )
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=person,
        purpose=purpose,
        outcome=Outcome.SUCCESS,
        detail={"records_shown": [str(r.pk) for r in records]},
    )
    holding = person_search_agencies(actor=actor, people=[person])[str(person.pk)]
    merges = list(person.merges_kept.filter(undone_at__isnull=True).select_related("decided_by"))
    return PersonView(
        person=person, records=records, holding_agencies=holding, links=links, merges=merges,
        merged_into=merged_into(actor=actor, person=person),
    )  # fmt: skip


def merged_into(*, actor: User, person: Person) -> Person | None:
    """The person an absorbed person was joined into (by a join not undone), if the actor may see them."""
    if person.status != PersonStatus.MERGED:
        return None
    merge = Merge.objects.filter(absorbed_id=person.pk, undone_at__isnull=True).select_related("kept").first()
    if merge is None or not can(actor, Action.VIEW, merge.kept):
        return None
    return merge.kept


def person_for_change(*, actor: User, person_id: object, action: Action, purpose: str) -> Person:
    """The person a write is about, after checking the actor may do it (refusals are audited)."""
    return require_row(actor, action, Person.objects.select_related("owning_agency"), person_id, purpose=purpose)


def _records() -> QuerySet[SourceRecord]:
    return SourceRecord.objects.select_related("person", "agency", "recorded_by")


def record_get(*, actor: User, record_id: object, purpose: str = "view record") -> SourceRecord:
    record = require_row(actor, Action.VIEW, _records(), record_id, purpose=purpose)
    audit_record(actor=actor, action=AuditAction.VIEW, target=record, purpose=purpose, outcome=Outcome.SUCCESS)
    return record


def record_for_change(*, actor: User, record_id: object, purpose: str) -> SourceRecord:
    return require_row(actor, Action.UPDATE, _records(), record_id, purpose=purpose)


def people_count_by_kind() -> dict[str, int]:
    """Aggregate figures with no person in them (callers check the aggregate category)."""
    counts = dict.fromkeys(PersonKind.values, 0)
    for row in Person.objects.values("kind").annotate(n=Count("pk")):
        counts[row["kind"]] = row["n"]
    return counts


def opened_for_change(*, actor: User, target: Person | SourceRecord, purpose: str) -> None:
    """A change form shows the record: that read is audited like any other (one row per request)."""
    audit_record(actor=actor, action=AuditAction.VIEW, target=target, purpose=purpose, outcome=Outcome.SUCCESS)


def review_get(*, actor: User, review_id: object, purpose: str) -> LinkReview:
    """A pair waiting for a decision. The caller must be able to see both people to know it exists."""
    reviews = LinkReview.objects.select_related("record_a__person", "record_b__person")
    try:
        review = reviews.filter(pk=int(str(review_id))).first()
    except ValueError:
        review = None
    if review is None or not {review.record_a.agency_id, review.record_b.agency_id} <= searchable_agencies(actor=actor):
        # A pair names both records' agencies: one that does not share people with the actor's agency
        # must stay unnamed, as in search results.
        refuse_missing(actor, Action.VIEW, "link_review", review_id, purpose=purpose)
    for person in (review.record_a.person, review.record_b.person):
        require(actor, Action.VIEW, person, purpose=purpose)
    return review


def reviews_pending(*, actor: User, limit: int = 50) -> list[LinkReview]:
    """Pending pairs where the actor may see both people and both records' agencies share people with the
    actor's, most likely matches first."""
    visible = scope(actor, Person.objects.all(), Action.VIEW).values("pk")
    agencies = searchable_agencies(actor=actor)
    reviews = list(
        LinkReview.objects.filter(
            status=ReviewStatus.PENDING,
            record_a__person__in=visible,
            record_b__person__in=visible,
            record_a__agency_id__in=agencies,
            record_b__agency_id__in=agencies,
        ).select_related("record_a__person", "record_a__agency", "record_b__person", "record_b__agency")[:limit]
    )
    audit_record(
        actor=actor, action=AuditAction.VIEW, object_type="link_review", purpose="review queue",
        outcome=Outcome.SUCCESS, detail={"shown": [r.pk for r in reviews]},
    )  # fmt: skip
    return reviews


RUNS_SHOWN = 10


def linkage_runs(*, actor: User) -> list[LinkageRun]:
    """The latest identity-resolution runs. They hold counts, never a person, so (like aggregates) a
    permitted look is not audited; the page polls this while a run is under way."""
    require(actor, Action.VIEW, Category.LINKAGE_RUN, purpose="identity-resolution runs")
    return list(LinkageRun.objects.select_related("started_by")[:RUNS_SHOWN])


def linkage_run_get(*, actor: User, run_id: int) -> LinkageRun:
    require(actor, Action.VIEW, Category.LINKAGE_RUN, purpose="identity-resolution run")
    run = LinkageRun.objects.filter(pk=run_id).select_related("started_by").first()
    if run is None:
        raise NotVisible
    return run


def merge_get(*, actor: User, merge_id: int, purpose: str) -> Merge:
    """A merge into a person the actor may see; anyone else is told it does not exist."""
    merge = Merge.objects.filter(pk=merge_id).select_related("kept", "decided_by").first()
    if merge is None:
        refuse_missing(actor, Action.VIEW, "merge", merge_id, purpose=purpose)
    require(actor, Action.VIEW, merge.kept, purpose=purpose)
    return merge
