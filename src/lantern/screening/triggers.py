"""SCR-TRIGGERS applied to the facts as they change: a screening task opens when a trigger fires, once per
occurrence. Called by the screening services (an indicator raised), by the receivers of the cases and intel
signals (a missing episode recorded, a report graded or linked), and by `lantern screen-triggers`, a sweep over
everything for facts imported in bulk. The same facts never open a second task, so the sweep may run again.

A task opened by a trigger is Lantern's own act (no user), audited as such. It is due within
`LANTERN_SCREENING_TASK_WORKING_DAYS` working days (default 3): the rulebook sets no timescale for screening,
so this is a local convention, like the LOCAL rules, and a setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.workdays import LONDON, add_working_days, end_of_day
from lantern.cases.models import Case, MissingEpisode
from lantern.intel.enums import EntityKind
from lantern.intel.models import IntelEntity, IntelReport
from lantern.people.enums import PersonKind
from lantern.people.models import Person
from lantern.screening.enums import IndicatorKind, Trigger
from lantern.screening.models import Indicator, Screening, ScreeningTask
from lantern.screening.rules import SCR_TRIGGERS

SUPPRESS_DAYS = SCR_TRIGGERS.WINDOW_DAYS
"""A 90-day trigger (missing, gifts) that opened a task opens no other within 90 days: one burst, one task."""


def task_working_days() -> int:
    return int(getattr(settings, "LANTERN_SCREENING_TASK_WORKING_DAYS", 3))


def lead_agency(child: Person) -> Agency:
    """The social-care agency that leads a child's screening: the one holding their open (or latest) case, else
    the one that holds the child, else one holding a record about them, else the borough's children's social
    care."""
    case = Case.objects.filter(child=child).order_by("closed_at", "-opened_at").select_related("agency").first()
    if case is not None and case.agency.kind == AgencyKind.SOCIAL_CARE:
        return case.agency
    if child.owning_agency.kind == AgencyKind.SOCIAL_CARE:
        return child.owning_agency
    holding = Agency.objects.filter(kind=AgencyKind.SOCIAL_CARE, pk__in=child.records.values("agency_id"))
    agency = holding.order_by("pk").first() or Agency.objects.filter(kind=AgencyKind.SOCIAL_CARE).order_by("pk").first()
    if agency is None:
        raise Agency.DoesNotExist("No children's social care agency is set up to lead screenings")
    return agency


def screening_for(child: Person) -> tuple[Screening, bool]:
    """The child's screening, opened (held by the lead agency) if they have none yet; and whether it is new."""
    existing = Screening.objects.filter(child=child).first()
    if existing is not None:
        return existing, False
    return Screening.objects.create(child=child, agency=lead_agency(child)), True


def open_task(
    screening: Screening, *, trigger: Trigger, occurrence: str, reason: str, at: dt.datetime | None = None
) -> ScreeningTask | None:
    """Open a screening task for this occurrence unless it is already open (or, for a 90-day trigger, one opened
    in the last 90 days); audited as Lantern's own act. Returns the new task, or None."""
    at = at or timezone.now()
    if ScreeningTask.objects.filter(screening=screening, trigger=trigger, occurrence=occurrence).exists():
        return None
    if trigger in (Trigger.MISSING, Trigger.GIFTS):
        recent = at - dt.timedelta(days=SUPPRESS_DAYS)
        if ScreeningTask.objects.filter(screening=screening, trigger=trigger, opened_at__gte=recent).exists():
            return None
    due = end_of_day(add_working_days(timezone.localtime(at, LONDON).date(), task_working_days()))
    with transaction.atomic():
        task = ScreeningTask.objects.create(
            screening=screening, rule="SCR-TRIGGERS", trigger=trigger, occurrence=occurrence[:80],
            reason=reason[:500], opened_at=at, due_at=due,
        )  # fmt: skip
        audit_record(
            actor=None, username="lantern", action=AuditAction.CREATE, target=task,
            purpose="screening trigger (SCR-TRIGGERS)", outcome=Outcome.SUCCESS,
            detail={"screening": screening.pk, "trigger": trigger.value, "occurrence": occurrence},
        )  # fmt: skip
    return task


# --- The five triggers -----------------------------------------------------------------------------------------


def check_missing(child: Person, *, on: dt.date | None = None) -> ScreeningTask | None:
    """3 or more missing episodes began in the 90 days up to today (across the child's cases)."""
    on = on or timezone.localdate()
    episodes = list(MissingEpisode.objects.filter(case__child=child).order_by("missing_from", "pk"))
    starts = [timezone.localtime(e.missing_from, LONDON).date() for e in episodes]
    if not SCR_TRIGGERS.missing(starts, on=on):
        return None
    latest = max((e for e, day in zip(episodes, starts, strict=True) if day <= on), key=lambda e: e.missing_from)
    count = sum(1 for day in starts if on - dt.timedelta(days=SCR_TRIGGERS.WINDOW_DAYS) <= day <= on)
    screening, _ = screening_for(child)
    return open_task(
        screening, trigger=Trigger.MISSING, occurrence=f"episode:{latest.pk}",
        reason=f"{count} missing episodes in the 90 days to {on:%-d %B %Y}",
    )  # fmt: skip


def _linked_people(report: IntelReport) -> list[Person]:
    rows = IntelEntity.objects.filter(report=report, kind=EntityKind.PERSON, person__isnull=False)
    return [e.person for e in rows.select_related("person") if e.person is not None]


def check_report(report: IntelReport) -> list[ScreeningTask]:
    """A graded report links a child to an adult of concern; or a report names a child together with a vehicle
    or place that other intelligence already mentions."""
    people = _linked_people(report)
    children = [p for p in people if p.kind == PersonKind.CHILD]
    if not children:
        return []
    adults = [p for p in people if p.kind == PersonKind.ADULT]
    opened = []
    if SCR_TRIGGERS.intel_adult(
        scheme=report.grading_scheme, source_evaluation=report.source_evaluation,
        assessment=report.intelligence_assessment, children=len(children), adults=len(adults),
    ):  # fmt: skip
        for child in children:
            screening, _ = screening_for(child)
            task = open_task(
                screening, trigger=Trigger.INTEL_ADULT, occurrence=f"report:{report.pk}",
                reason=f"Intelligence {report.reference}, graded {report.grade}, links the child to an adult of "
                "concern",
            )  # fmt: skip
            opened += [task] if task else []
    vehicles, places = _already_in_intelligence(report)
    if SCR_TRIGGERS.named_with_linked(child_named=True, linked_vehicles=len(vehicles), linked_places=len(places)):
        things = ", ".join([*vehicles, *places])
        for child in children:
            screening, _ = screening_for(child)
            task = open_task(
                screening, trigger=Trigger.NAMED_WITH_LINKED, occurrence=f"report:{report.pk}",
                reason=f"Intelligence {report.reference} names the child with {things}, already in other CSE "
                "intelligence",
            )  # fmt: skip
            opened += [task] if task else []
    return opened


def _already_in_intelligence(report: IntelReport) -> tuple[list[str], list[str]]:
    """The report's vehicles and places that another report mentions too."""
    mine = IntelEntity.objects.filter(report=report)
    marks = set(mine.filter(kind=EntityKind.VEHICLE).values_list("value", flat=True))
    place_ids = set(mine.filter(kind=EntityKind.PLACE, place__isnull=False).values_list("place_id", flat=True))
    if report.place_id:
        place_ids.add(report.place_id)
    others = IntelEntity.objects.exclude(report=report)
    vehicles = sorted(set(others.filter(kind=EntityKind.VEHICLE, value__in=marks).values_list("value", flat=True)))
    linked_places = set(others.filter(place_id__in=place_ids).values_list("place_id", flat=True))
    linked_places |= set(
        IntelReport.objects.exclude(pk=report.pk).filter(place_id__in=place_ids).values_list("place_id", flat=True)
    )
    from lantern.people.models import Place  # noqa: PLC0415 - only for the names

    names = sorted(Place.objects.filter(pk__in=linked_places).values_list("name", flat=True))
    return [f"vehicle {v}" for v in vehicles], [f"place {n}" for n in names]


def check_indicator(indicator: Indicator) -> list[ScreeningTask]:
    """An STI or pregnancy recorded under 16; unexplained gifts or phones reported by two agencies within 90 days."""
    screening, child = indicator.screening, indicator.screening.child
    opened = []
    if SCR_TRIGGERS.sti_under_16(indicator.kind, date_of_birth=child.date_of_birth, observed_on=indicator.observed_on):
        task = open_task(
            screening, trigger=Trigger.STI_UNDER_16, occurrence=f"indicator:{indicator.pk}",
            reason=f"{indicator.agency.name} recorded an STI or pregnancy under 16 "
            f"({indicator.observed_on:%-d %B %Y})",
        )  # fmt: skip
        opened += [task] if task else []
    if indicator.kind == IndicatorKind.GIFTS:
        gifts = list(screening.indicators.filter(kind=IndicatorKind.GIFTS).select_related("agency"))
        pair = SCR_TRIGGERS.gifts((g.agency_id, g.observed_on) for g in gifts)
        if pair is not None:
            agencies = {g.agency_id: g.agency.name for g in gifts}
            (first_agency, first_on), (second_agency, second_on) = pair
            occurrence = f"gifts:{first_agency}:{first_on}:{second_agency}:{second_on}"
            task = open_task(
                screening, trigger=Trigger.GIFTS, occurrence=occurrence,
                reason=f"Unexplained gifts or phones reported by {agencies[first_agency]} ({first_on:%-d %b %Y}) and "
                f"{agencies[second_agency]} ({second_on:%-d %b %Y})",
            )  # fmt: skip
            opened += [task] if task else []
    return opened


def sweep(*, children: Iterable[Person] | None = None) -> int:
    """Evaluate every trigger over everything (or over some children's missing episodes): for facts imported
    in bulk. Idempotent. Returns how many tasks it opened."""
    opened = 0
    with_episodes = Person.objects.filter(kind=PersonKind.CHILD, cases__missing_episodes__isnull=False).distinct()
    for child in children if children is not None else with_episodes:
        opened += 1 if check_missing(child) else 0
    linked = IntelReport.objects.filter(entities__person__kind=PersonKind.CHILD).distinct()
    for report in linked.iterator():
        opened += len(check_report(report))
    for indicator in Indicator.objects.filter(
        kind__in=[IndicatorKind.STI_PREGNANCY, IndicatorKind.GIFTS]
    ).select_related("screening__child", "agency"):
        opened += len(check_indicator(indicator))
    return opened
