"""A child's cases follow the child through identity decisions: a merge moves the absorbed person's cases to the
kept person, and an unmerge moves them back. Without this a merged child's case would hang off a person nobody
sees any more, and the allocation that gives assistants their need to know (moved by the merge) would no
longer reach it."""

from __future__ import annotations

from typing import Any

from lantern.cases.models import Case
from lantern.cases.services import managers_of, notify, sync_statutory_fact
from lantern.people.models import Merge, Person

KEY = "cases"


def cases_follow_merge(*, kept: Person, absorbed: Person, merge: Merge, **_: Any) -> None:
    kept_has_open = Case.objects.filter(child=kept, closed_at__isnull=True).exists()
    moving = Case.objects.filter(child=absorbed)
    stays = None
    if kept_has_open:
        # One open case per child: two open cases for what is now one child need a manager to close one.
        stays = moving.filter(closed_at__isnull=True).first()
        moving = moving.exclude(closed_at__isnull=True)
    moved = list(moving.values_list("pk", flat=True))
    Case.objects.filter(pk__in=moved).update(child=kept)
    merge.dependents = {**merge.dependents, KEY: moved}
    merge.save(update_fields=["dependents"])
    sync_statutory_fact(kept)
    sync_statutory_fact(absorbed)
    if stays is not None:
        notify(
            managers_of(stays),
            case=stays,
            rule="ONE-OPEN-CASE",
            item_key=f"merge:{merge.pk}",
            message=f"Records were joined as one child who now has two open cases ({stays.pk} and another): "
            "review both and close one.",
        )


def cases_follow_unmerge(*, kept: Person, absorbed: Person, merge: Merge, **_: Any) -> None:
    Case.objects.filter(pk__in=merge.dependents.get(KEY, []), child=kept).update(child=absorbed)
    sync_statutory_fact(kept)
    sync_statutory_fact(absorbed)
