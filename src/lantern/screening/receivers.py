"""What the screening app does when other apps' facts change: SCR-TRIGGERS on a missing episode or a report's
grade and links, and a child's screening following them through identity decisions (a merge moves the
absorbed child's screening rows to the kept child, an unmerge moves them back)."""

from __future__ import annotations

from typing import Any

from lantern.cases.models import MissingEpisode
from lantern.intel.models import IntelReport
from lantern.people.models import Merge, Person
from lantern.screening import triggers
from lantern.screening.models import Indicator, LevelDecision, Screening, ScreeningTask

KEY = "screening"


def screen_missing(*, episode: MissingEpisode, **_: Any) -> None:
    triggers.check_missing(episode.case.child)


def screen_report(*, report: IntelReport, **_: Any) -> None:
    triggers.check_report(report)


def screening_follows_merge(*, kept: Person, absorbed: Person, merge: Merge, **_: Any) -> None:
    """The absorbed child's screening becomes the kept child's; if both had one, its rows join the kept one's
    (noted in ``merge.dependents`` so an unmerge moves them back)."""
    moving = Screening.objects.filter(child=absorbed).first()
    if moving is None:
        return
    target = Screening.objects.filter(child=kept).first()
    if target is None:
        Screening.objects.filter(pk=moving.pk).update(child=kept)
        noted: dict[str, Any] = {"screening": moving.pk}
    else:
        noted = {
            "from": moving.pk,
            "indicators": list(moving.indicators.values_list("pk", flat=True)),
            "decisions": list(moving.decisions.values_list("pk", flat=True)),
            "tasks": list(moving.tasks.values_list("pk", flat=True)),
        }
        Indicator.objects.filter(pk__in=noted["indicators"]).update(screening=target)
        LevelDecision.objects.filter(pk__in=noted["decisions"]).update(screening=target)
        ScreeningTask.objects.filter(pk__in=noted["tasks"]).update(screening=target)
    merge.dependents = {**merge.dependents, KEY: noted}
    merge.save(update_fields=["dependents"])


def screening_follows_unmerge(*, kept: Person, absorbed: Person, merge: Merge, **_: Any) -> None:
    noted = merge.dependents.get(KEY)
    if not noted:
        return
    if "screening" in noted:
        Screening.objects.filter(pk=noted["screening"], child=kept).update(child=absorbed)
        return
    back = Screening.objects.filter(pk=noted["from"]).first()
    if back is None:
        return
    Indicator.objects.filter(pk__in=noted["indicators"]).update(screening=back)
    LevelDecision.objects.filter(pk__in=noted["decisions"]).update(screening=back)
    ScreeningTask.objects.filter(pk__in=noted["tasks"]).update(screening=back)
