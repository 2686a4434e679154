"""Kestrelmoor's recorded associations: what officers and youth workers saw that no single report states. Adults
named with the same child are sometimes recorded by the police as known associates, and some children named with
an adult were later seen with him (by the police, or by the youth service when the child goes to its sessions).

Every association goes through `lantern.network.services.association_record`, as the officer or worker who saw
it, so the demo keeps the rules the pages and the API keep."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from lantern.access.policy import Action, can
from lantern.accounts.models import User
from lantern.intel.enums import EntityKind
from lantern.intel.models import IntelEntity
from lantern.network.enums import AssociationKind
from lantern.network.services import association_record
from lantern.people.enums import PersonKind, PersonStatus
from lantern.people.models import Person

SEEN_WITH_SHARE = 0.5  # of the child-adult pairs a report names, how many were later seen together
ASSOCIATE_SHARE = 0.5  # of the adult pairs named with the same child, how many the police record as associates

SEEN = (
    "Seen together in a car outside the takeaway late in the evening; the child got out and walked off when "
    "officers approached.",
    "Seen with the child at the bus station after the youth session; he said he was giving her a lift home.",
    "Both at the flat when officers called on a welfare check; he left before they could speak to him.",
)
ASSOCIATES = (
    "Known associates: seen together on several patrols and named together in intelligence.",
    "Stopped together in the same car; both gave the same address.",
)


def generate_associations(*, seed: int, progress: Callable[[str, int], None] | None = None) -> int:
    rng = random.Random(seed * 31 + 8)
    officer = User.objects.get(username="cse1")
    youth_worker = User.objects.get(username="youth1")
    named: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        IntelEntity.objects.filter(kind=EntityKind.PERSON, person__status=PersonStatus.ACTIVE)
        .values_list("report_id", "person_id", "person__kind", "report__occurred_on")
        .order_by("report_id", "person_id")
    )
    occurred: dict[int, dt.date] = {}
    for report_id, person_id, kind, occurred_on in rows:
        named[report_id].append((str(person_id), kind))
        occurred[report_id] = occurred_on
    people = {str(p.pk): p for p in Person.objects.filter(pk__in={pk for names in named.values() for pk, _ in names})}
    done: set[frozenset[str]] = set()
    adults_of: dict[str, set[tuple[str, int]]] = defaultdict(set)
    today, made = timezone.localdate(), 0
    pairs: list[tuple[str, str, str, float, int]] = []
    for report_id in sorted(named):
        adults = [pk for pk, kind in named[report_id] if kind == PersonKind.ADULT]
        children = [pk for pk, kind in named[report_id] if kind == PersonKind.CHILD]
        pairs += [(a, c, AssociationKind.SEEN_TOGETHER, SEEN_WITH_SHARE, report_id) for a in adults for c in children]
        for child in children:
            adults_of[child].update((a, report_id) for a in adults)
    for child in sorted(adults_of):
        named_with = sorted(adults_of[child])
        pairs += [(a, b, AssociationKind.ASSOCIATE, ASSOCIATE_SHARE, max(ra, rb))
                  for a, ra in named_with for b, rb in named_with if a < b]  # fmt: skip
    for a, b, kind, share, report_id in pairs:
        if frozenset((a, b)) in done or rng.random() >= share:
            continue
        done.add(frozenset((a, b)))
        by = youth_worker if kind == AssociationKind.SEEN_TOGETHER and rng.random() < 0.3 else officer
        if not all(can(by, Action.VIEW, people[pk]) for pk in (a, b)):
            continue  # nobody records an association about someone they may not see
        notes = SEEN if kind == AssociationKind.SEEN_TOGETHER else ASSOCIATES
        association_record(
            actor=by, person_a=people[a], person_b=people[b], kind=kind,
            observed_on=min(today, occurred[report_id] + dt.timedelta(days=rng.randint(3, 40))),
            note=rng.choice(notes), handling_code="P" if rng.random() < 0.8 else "C",
        )  # fmt: skip
        made += 1
    if progress is not None:
        progress("associations", made)
    return made
