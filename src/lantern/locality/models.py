"""Localities: areas with their boundaries, and the hard-data indicators published for them.

Nothing here is personal data: an area is a place on a map, an indicator value a count for an area and period.
Counts small enough to point at a child are suppressed where they are shown (`locality.suppression`), not here.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.locality.enums import AreaKind, ImportKind


class AreaQuerySet(models.QuerySet["Area"]):
    def wards(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.WARD)

    def lsoas(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.LSOA)


class Area(models.Model):
    """A ward or LSOA of the borough (drawn on the map), or a comparator (the local authority, its region,
    England). A location is placed in a ward by its postcode sector (``KM3 4``) or by naming the ward; an LSOA
    lies inside one ward (its ``parent``)."""

    kind = models.CharField(max_length=20, choices=AreaKind.choices, default=AreaKind.WARD)
    code = models.SlugField(max_length=20, unique=True, help_text="ONS GSS code (E05…, E01…) or a local code")
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    postcode_sectors = models.JSONField(default=list, help_text='postcode sectors inside the ward, e.g. ["KM3 4"]')
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (Polygon or MultiPolygon, WGS84)")

    objects: ClassVar[AreaQuerySet] = AreaQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One imported file. The same file (by its SHA-256) is imported once: a re-run finds it and adds nothing."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="locality_import_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


class Indicator(models.Model):
    """A hard-data measure published per area and period: teenage conceptions, STI diagnoses, school absence…

    ``per`` turns a numerator and denominator into a rate (1,000: per 1,000 children aged 10 to 17). The indicator
    marked ``is_population`` counts the children aged 10 to 17 themselves: the denominator for Lantern's own counts
    (intelligence, missing episodes, screenings) by area."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    denominator_label = models.CharField(max_length=200, blank=True, help_text="e.g. children aged 10 to 17")
    per = models.PositiveIntegerField(default=1000)
    higher_is_worse = models.BooleanField(default=True)
    is_population = models.BooleanField(default=False)
    fingertips_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One area's figure for one period. ``value`` and the limits are kept as published where the file gives
    them (Fingertips does); otherwise they are derived from numerator and denominator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="indicator_values")
    period = models.CharField(max_length=20, help_text="as published: 2025-03, 2024, 2024/25, 2021 - 23")
    period_start = models.DateField()
    period_end = models.DateField()
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField(null=True, blank=True)
    upper_ci = models.FloatField(null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="values")

    class Meta:
        ordering = ["indicator", "area", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "period"], name="locality_value_once"),
            models.CheckConstraint(
                condition=models.Q(numerator__isnull=True)
                | models.Q(denominator__isnull=True)
                | models.Q(numerator__lte=models.F("denominator")),
                name="locality_numerator_within_denominator",
            ),
        ]
        indexes = [models.Index(fields=["area", "indicator", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area.code} {self.period}"


class AreaFigure(models.Model):
    """One measure's figure for one area (or the borough, ``area`` empty) and period, as profiles show it:
    materialised by `services.profiles_recompute` from indicator values and Lantern's own records, so a page reads
    a few thousand small rows instead of counting a million reports.

    ``suppressed`` says whether viewers without small numbers see it hidden: a count of 1 to 5, or one hidden so
    that such a count cannot be worked out from the totals shown beside it (`locality.suppression`)."""

    measure = models.CharField(max_length=60, help_text="an indicator's code, or a soft measure's")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="figures")
    period = models.CharField(max_length=30)
    period_start = models.DateField()
    period_end = models.DateField()
    rolling = models.BooleanField(default=False, help_text="the last twelve months together: a profile's row")
    count = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    rate = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    derived = models.BooleanField(default=False, help_text="added up from smaller areas, not published")
    suppressed = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "area", "period_end"]
        indexes = [
            models.Index(fields=["measure", "period_end"]),
            models.Index(fields=["area", "measure"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.area_id or 'borough'} {self.period}"


class PlaceFigure(models.Model):
    """A place's intelligence reports in the recent window (made at it or naming it), for the hotspot list."""

    place = models.ForeignKey("people.Place", on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reports = models.PositiveIntegerField()
    latest = models.DateField(null=True, blank=True)
    since = models.DateField()
    suppressed = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reports", "place"]

    def __str__(self) -> str:
        return f"{self.place_id}: {self.reports}"
