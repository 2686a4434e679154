"""A linkage run over the database: every active person's source records go to the linkage engine; the
records it clusters together become one person (each merge audited and reversible), the links keep their
evidence for the person page, and the pairs it is unsure of wait in the review queue."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lantern.access.policy import Action, Category, require
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.people.enums import ACTIVE_RUN_STATUSES, LinkOrigin, PersonStatus, ReviewStatus, RunStatus
from lantern.people.identity import _merge
from lantern.people.linkage import STAGES, PairScore, Resolution, resolve
from lantern.people.models import LinkageRun, LinkReview, Person, RecordLink, SourceRecord
from lantern.people.search import index_people

if TYPE_CHECKING:
    from lantern.accounts.models import User

Progress = Callable[[str, int], None]


class LinkageBusy(Exception):  # noqa: N818 - a state, answered 409
    """A run is already queued or under way; a second would race it to merge the same people."""

    def __init__(self, run: LinkageRun) -> None:
        super().__init__(f"Linkage run {run.pk} is already {run.get_status_display().lower()}: wait for it to finish.")
        self.run = run


def linkage_run_request(*, actor: User) -> LinkageRun:
    """Queue a run for the background worker, unless one is already queued or running."""
    require(actor, Action.CREATE, Category.LINKAGE_RUN, purpose="start an identity-resolution run")
    with transaction.atomic():
        busy = LinkageRun.objects.select_for_update().filter(status__in=ACTIVE_RUN_STATUSES).first()
        if busy is None:
            run = linkage_run_start(actor=actor)
            transaction.on_commit(lambda: linkage_run_task.enqueue(run.pk))
            return run
    audit_record(
        actor=actor, action=AuditAction.CREATE, object_type="linkage_run", object_id=str(busy.pk),
        purpose="start an identity-resolution run", outcome=Outcome.FAILURE, detail={"refused": "a run is under way"},
    )  # fmt: skip
    raise LinkageBusy(busy)


def linkage_run_start(*, actor: User | None) -> LinkageRun:
    run = LinkageRun.objects.create(started_by=actor)
    audit_record(
        actor=actor, username="" if actor else "lantern link", action=AuditAction.CREATE, object_type="linkage_run",
        object_id=str(run.pk), purpose="identity resolution run", outcome=Outcome.SUCCESS,
    )  # fmt: skip
    return run


def _input_rows() -> Iterator[dict[str, str]]:
    records = (
        SourceRecord.objects.filter(person__status=PersonStatus.ACTIVE)
        .select_related("agency")
        .prefetch_related("aliases", "phones", "vehicles", "addresses")
        .order_by("pk")
    )
    for record in records.iterator(chunk_size=2000):
        phones = [p.number for p in record.phones.all()]
        vehicles = [v.vrm for v in record.vehicles.all()]
        postcodes = [a.postcode for a in record.addresses.all() if a.postcode]
        yield {
            "record_id": str(record.pk),
            "agency": record.agency.code,
            "given_name": record.given_name,
            "family_name": record.family_name,
            "aliases": ";".join(a.name for a in record.aliases.all()),
            "dob": record.dob_display,
            "sex": record.sex,
            "phone": phones[0] if phones else "",
            "postcode": postcodes[0] if postcodes else "",
            "vrm": vehicles[0] if vehicles else "",
        }


def evidence_of(score: PairScore) -> list[dict[str, Any]]:
    """The model's reasons, in the shape the person page charts: one entry per comparison."""
    return [
        {"comparison": name.replace("_", " "), "level": score.levels.get(name, ""), "weight": round(weight, 3)}
        for name, weight in score.weights.items()
    ]


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _apply(run: LinkageRun, resolution: Resolution) -> dict[str, int]:
    person_of = {str(record): person for record, person in SourceRecord.objects.values_list("pk", "person_id")}
    clusters: dict[str, list[str]] = defaultdict(list)
    for record_id, cluster in resolution.assignments.items():
        clusters[cluster].append(record_id)
    merges = links = 0
    merged: set[Any] = set()
    for members in clusters.values():
        if len(members) < 2:
            continue
        persons = {person_of[m] for m in members}
        if len(persons) > 1:
            ordered = sorted(Person.objects.filter(pk__in=persons), key=lambda p: (p.created_at, str(p.pk)))
            kept = ordered[0]
            for absorbed in ordered[1:]:
                _merge(kept=kept, absorbed=absorbed, actor=None, run=run, reindex=False,
                       reason=f"Linkage run {run.pk}: records matched above the threshold")  # fmt: skip
                merged.update((kept.pk, absorbed.pk))
                merges += 1
        for a, b in itertools.combinations(sorted(members), 2):
            score = resolution.explain(a, b)
            if score is None or not score.linked:
                continue
            first, second = _ordered(a, b)
            _, created = RecordLink.objects.get_or_create(
                record_a_id=UUID(first), record_b_id=UUID(second),
                defaults={"match_probability": score.match_probability, "match_weight": score.match_weight,
                          "evidence": evidence_of(score), "origin": LinkOrigin.AUTOMATIC, "run": run},
            )  # fmt: skip
            links += created
    index_people(merged)
    reviews = 0
    decided = {
        _ordered(str(a), str(b))
        for a, b in LinkReview.objects.exclude(status=ReviewStatus.PENDING).values_list("record_a_id", "record_b_id")
    }
    for score in resolution.review_pairs:
        first, second = _ordered(score.record_a, score.record_b)
        if (first, second) in decided:
            continue  # a person already decided this pair; the model does not overrule them
        _, created = LinkReview.objects.get_or_create(
            record_a_id=UUID(first), record_b_id=UUID(second),
            defaults={"match_probability": score.match_probability, "match_weight": score.match_weight,
                      "evidence": evidence_of(score), "run": run},
        )  # fmt: skip
        reviews += created
    return {"merges": merges, "links": links, "reviews": reviews}


def linkage_run_execute(*, run: LinkageRun, progress: Progress | None = None) -> LinkageRun:
    """Run the engine over the database and apply what it found, keeping the run's stage and progress
    current so the page watching it can show them."""
    stages = [*STAGES, "apply"]

    def advance(stage: str) -> None:
        position = stages.index(stage) if stage in stages else 0
        percent = int(100 * position / len(stages))
        LinkageRun.objects.filter(pk=run.pk).update(stage=stage, progress=percent)
        if progress:
            progress(stage, percent)

    LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        rows = list(_input_rows())
        resolution = resolve(rows, progress=lambda stage: advance(str(stage))) if len(rows) > 1 else None
        advance("apply")
        with transaction.atomic():
            counts = _apply(run, resolution) if resolution else {"merges": 0, "links": 0, "reviews": 0}
            counts["records"] = len(rows)
            run.status, run.progress, run.stage = RunStatus.DONE, 100, "done"
            run.counts, run.finished_at = counts, timezone.now()
            run.save()
            audit_record(
                actor=run.started_by, username="" if run.started_by else "lantern link", action=AuditAction.UPDATE,
                object_type="linkage_run", object_id=str(run.pk), purpose="identity resolution run",
                outcome=Outcome.SUCCESS, detail=counts,
            )  # fmt: skip
    except Exception as error:
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return run


@task()
def linkage_run_task(run_id: int) -> dict[str, int]:
    """The background half of `linkage_run_request`, run by `lantern db_worker`."""
    run = linkage_run_execute(run=LinkageRun.objects.get(pk=run_id))
    return dict(run.counts)
