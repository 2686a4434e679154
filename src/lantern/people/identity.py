"""Writes that decide who is who: importing agencies' records, merging persons, undoing a merge, and
deciding the pairs the linkage model was unsure of. Each checks access, changes, and audits in one
transaction; an unmerge restores both persons exactly as they were."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.access.policy import Action, require
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.people.enums import LinkOrigin, PersonStatus, ReviewStatus
from lantern.people.imports import RecordInput
from lantern.people.models import (
    Address,
    Alias,
    Allocation,
    Identifier,
    LinkageRun,
    LinkReview,
    Merge,
    Person,
    Phone,
    RecordLink,
    SourceRecord,
    Vehicle,
)
from lantern.people.search import index_people
from lantern.people.signals import person_merged, person_unmerged, record_parts_changed

if TYPE_CHECKING:
    from lantern.accounts.models import Agency, User

PERSON_SNAPSHOT_FIELDS = (
    "kind", "given_name", "family_name", "date_of_birth", "sex", "owning_agency_id", "created_by_id",
    "statutory_enquiry_open", "is_professional", "status",
)  # fmt: skip


class IdentityError(ValueError):
    """A merge, unmerge or review decision that cannot be made; the message says why."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _desired(row: RecordInput) -> dict[str, Any]:
    dob = row.dob
    return {
        "given_name": row.given_name,
        "family_name": row.family_name,
        "dob_year": dob.year if dob else None,
        "dob_month": dob.month if dob else None,
        "dob_day": dob.day if dob else None,
        "sex": row.sex,
        "category": row.category,
        "title": row.title,
        "summary": row.summary,
        "handling_code": row.handling_code,
        "aliases": sorted(row.aliases),
        "phones": sorted(row.phones),
        "vehicles": sorted(row.vehicles),
        "addresses": [(row.address, row.postcode)] if (row.address or row.postcode) else [],
        "identifiers": sorted(row.identifiers),
    }


def _current(record: SourceRecord) -> dict[str, Any]:
    return {
        "given_name": record.given_name,
        "family_name": record.family_name,
        "dob_year": record.dob_year,
        "dob_month": record.dob_month,
        "dob_day": record.dob_day,
        "sex": record.sex,
        "category": record.category,
        "title": record.title,
        "summary": record.summary,
        "handling_code": record.handling_code,
        "aliases": sorted((a.name, a.kind) for a in record.aliases.all()),
        "phones": sorted(p.number for p in record.phones.all()),
        "vehicles": sorted(v.vrm for v in record.vehicles.all()),
        "addresses": sorted((a.text, a.postcode) for a in record.addresses.all()),
        "identifiers": sorted((i.scheme, i.value) for i in record.identifiers.all()),
    }


PARTS = ("aliases", "phones", "vehicles", "addresses", "identifiers")


def _write_parts(record: SourceRecord, desired: dict[str, Any]) -> None:
    for part in PARTS:
        getattr(record, part).all().delete()
    Alias.objects.bulk_create(Alias(record=record, name=n, kind=k) for n, k in desired["aliases"])
    Phone.objects.bulk_create(Phone(record=record, number=n) for n in desired["phones"])
    Vehicle.objects.bulk_create(Vehicle(record=record, vrm=v) for v in desired["vehicles"])
    Address.objects.bulk_create(Address(record=record, text=t, postcode=p) for t, p in desired["addresses"])
    Identifier.objects.bulk_create(Identifier(record=record, scheme=s, value=v) for s, v in desired["identifiers"])
    record_parts_changed.send(sender=SourceRecord, record=record)


def _full_date(row: RecordInput) -> dt.date | None:
    dob = row.dob
    if dob is None or dob.month is None or dob.day is None:
        return None
    return dt.date(dob.year, dob.month, dob.day)


def records_import(*, agency: Agency, rows: list[RecordInput], actor: User | None = None) -> ImportResult:
    """All rows or none; a row already imported (same agency and reference) is updated only if it changed,
    so running the same file again changes nothing. A new record starts as its own person until linkage
    joins it to others."""
    label = f"import:{agency.code}"
    created = updated = unchanged = 0
    changed_people: list[Any] = []
    with transaction.atomic():
        existing = {
            r.source_id: r
            for r in SourceRecord.objects.filter(
                agency=agency, source_id__in=[row.source_id for row in rows]
            ).prefetch_related(*PARTS)
        }
        for row in rows:
            desired = _desired(row)
            record = existing.get(row.source_id)
            if record is not None and _current(record) == desired:
                unchanged += 1
                continue
            if record is None:
                person = Person.objects.create(
                    kind=row.kind, given_name=row.given_name, family_name=row.family_name,
                    date_of_birth=_full_date(row), sex=row.sex, owning_agency=agency, created_by=actor,
                )  # fmt: skip
                record = SourceRecord(person=person, agency=agency, source_id=row.source_id, recorded_by=actor)
                action, created = AuditAction.CREATE, created + 1
            else:
                action, updated = AuditAction.UPDATE, updated + 1
            for name, value in desired.items():
                if name not in PARTS:
                    setattr(record, name, value)
            record.full_clean()
            record.save()
            _write_parts(record, desired)
            changed_people.append(record.person_id)
            audit_record(
                actor=actor, username=label, action=action, target=record, purpose="records import",
                outcome=Outcome.SUCCESS, detail={"source_id": row.source_id},
            )  # fmt: skip
        index_people(changed_people)
        audit_record(
            actor=actor, username=label, action=AuditAction.IMPORT, object_type="import", purpose="records import",
            outcome=Outcome.SUCCESS, detail={"created": created, "updated": updated, "unchanged": unchanged},
        )  # fmt: skip
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _snapshot(person: Person) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in PERSON_SNAPSHOT_FIELDS}
    if values["date_of_birth"] is not None:
        values["date_of_birth"] = values["date_of_birth"].isoformat()
    return values


def _restore(person: Person, snapshot: dict[str, Any]) -> None:
    for name, value in snapshot.items():
        if name == "date_of_birth" and value is not None:
            value = dt.date.fromisoformat(value)  # noqa: PLW2901 - the stored form is ISO text
        setattr(person, name, value)
    person.save()


def person_merge(
    *, actor: User, kept: Person, absorbed: Person, reason: str, review: LinkReview | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> Merge:  # fmt: skip
    """Move the absorbed person's records to the kept person. The absorbed person stays, marked merged,
    so an unmerge can bring it back with the same identity."""
    reason = reason.strip()
    if not reason:
        raise IdentityError("Enter the reason these records are the same person")
    if kept.pk == absorbed.pk:
        raise IdentityError("These records already belong to the same person")
    if PersonStatus.MERGED in (kept.status, absorbed.status):
        raise IdentityError("One of these people has already been merged: open the current record")
    for person in (kept, absorbed):
        require(actor, Action.LINK, person, purpose="merge persons")
    return _merge(kept=kept, absorbed=absorbed, reason=reason, actor=actor, review=review, evidence=evidence)


def _merge(
    *, kept: Person, absorbed: Person, reason: str, actor: User | None, review: LinkReview | None = None,
    evidence: list[dict[str, Any]] | None = None, run: LinkageRun | None = None, reindex: bool = True,
) -> Merge:  # fmt: skip
    """The merge itself, for a person's decision (checked above) or a linkage run's (a system action, which
    rebuilds the search documents of everyone it merged at once, so passes ``reindex=False``)."""
    with transaction.atomic():
        moved = list(absorbed.records.values_list("pk", flat=True))
        allocations = list(
            absorbed.allocations.exclude(user__in=kept.allocations.values("user")).values_list("pk", flat=True)
        )
        merge = Merge.objects.create(
            kept=kept, absorbed_id=absorbed.pk, absorbed_snapshot=_snapshot(absorbed), kept_snapshot=_snapshot(kept),
            moved_record_ids=[str(pk) for pk in moved], review=review, decided_by=actor, reason=reason, run=run,
        )  # fmt: skip
        merge.absorbed_snapshot["moved_allocation_ids"] = allocations
        merge.save(update_fields=["absorbed_snapshot"])
        SourceRecord.objects.filter(pk__in=moved).update(person=kept)
        Allocation.objects.filter(pk__in=allocations).update(person=kept)
        absorbed.status = PersonStatus.MERGED
        absorbed.save(update_fields=["status"])
        person_merged.send(sender=Person, kept=kept, absorbed=absorbed, merge=merge)
        if reindex:
            index_people([kept.pk, absorbed.pk])
        if review is not None:
            RecordLink.objects.get_or_create(
                record_a=review.record_a, record_b=review.record_b,
                defaults={"match_probability": review.match_probability, "match_weight": review.match_weight,
                          "evidence": review.evidence, "origin": LinkOrigin.REVIEW},
            )  # fmt: skip
        audit_record(
            actor=actor, username=f"linkage run {run.pk}" if run else "", action=AuditAction.MERGE, target=kept,
            purpose=reason, outcome=Outcome.SUCCESS,
            detail={"merge": merge.pk, "absorbed": str(absorbed.pk), "records": merge.moved_record_ids,
                    "evidence": evidence or []},
        )  # fmt: skip
    return merge


def person_unmerge(*, actor: User, merge: Merge, reason: str) -> Person:
    """Undo a merge: the absorbed person comes back with the same id, fields and records, and the kept
    person is as it was before."""
    reason = reason.strip()
    if not reason:
        raise IdentityError("Enter the reason these records are not the same person")
    if merge.undone_at is not None:
        raise IdentityError("This merge has already been undone")
    kept = merge.kept
    require(actor, Action.LINK, kept, purpose="unmerge persons")
    absorbed = Person.objects.get(pk=merge.absorbed_id)
    later = Merge.objects.filter(kept=kept, created_at__gt=merge.created_at, undone_at__isnull=True)
    if later.exists():
        raise IdentityError("Undo the later merges into this person first, newest first")
    with transaction.atomic():
        moved = merge.moved_record_ids
        SourceRecord.objects.filter(pk__in=moved).update(person=absorbed)
        snapshot = dict(merge.absorbed_snapshot)
        Allocation.objects.filter(pk__in=snapshot.pop("moved_allocation_ids", [])).update(person=absorbed)
        _restore(absorbed, snapshot)
        _restore(kept, merge.kept_snapshot)
        kept_records = kept.records.values("pk")
        RecordLink.objects.filter(
            Q(record_a__in=moved, record_b__in=kept_records) | Q(record_b__in=moved, record_a__in=kept_records)
        ).delete()
        index_people([kept.pk, absorbed.pk])
        merge.undone_by, merge.undone_at, merge.undo_reason = actor, timezone.now(), reason
        merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        person_unmerged.send(sender=Person, kept=kept, absorbed=absorbed, merge=merge)
        if merge.review is not None:
            review = merge.review
            review.status, review.reason = ReviewStatus.REJECTED, reason
            review.decided_by, review.decided_at = actor, timezone.now()
            review.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor, action=AuditAction.UNMERGE, target=absorbed, purpose=reason, outcome=Outcome.SUCCESS,
            detail={"merge": merge.pk, "kept": str(kept.pk), "records": moved},
        )  # fmt: skip
    return absorbed


def review_decide(*, actor: User, review: LinkReview, same_person: bool, reason: str) -> LinkReview:
    """Accept (merge the two records' persons) or reject a pair the model was unsure of."""
    if review.status != ReviewStatus.PENDING:
        raise IdentityError("This pair has already been decided")
    reason = reason.strip()
    if not reason:
        raise IdentityError("Enter the reason for your decision")
    person_a, person_b = review.record_a.person, review.record_b.person
    for person in (person_a, person_b):
        require(actor, Action.LINK, person, purpose="review a possible match")
    with transaction.atomic():
        review.status = ReviewStatus.ACCEPTED if same_person else ReviewStatus.REJECTED
        review.decided_by, review.decided_at, review.reason = actor, timezone.now(), reason
        review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        if same_person and person_a.pk != person_b.pk:
            person_merge(actor=actor, kept=person_a, absorbed=person_b, reason=reason, review=review,
                         evidence=review.evidence)  # fmt: skip
        elif not same_person:
            audit_record(
                actor=actor, action=AuditAction.UPDATE, object_type="link_review", object_id=str(review.pk),
                purpose=reason, outcome=Outcome.SUCCESS, detail={"decision": "different people"},
            )  # fmt: skip
    return review
