"""Choices for localities: the kinds of area, and how an indicator's values came in."""

from __future__ import annotations

from django.db import models


class AreaKind(models.TextChoices):
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Lower layer super output area (LSOA)"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    REGION = "region", "Region"
    ENGLAND = "england", "England"


LOCAL_KINDS = (AreaKind.WARD, AreaKind.LSOA)
"""Areas inside the borough: the ones profiles, maps and funnel plots are drawn for."""

COMPARATOR_KINDS = (AreaKind.LOCAL_AUTHORITY, AreaKind.REGION, AreaKind.ENGLAND)
"""Areas the borough is compared with (values come with published files; no boundaries needed)."""


class ImportKind(models.TextChoices):
    INDICATORS = "indicators", "Indicator values (Lantern CSV)"
    FINGERTIPS = "fingertips", "OHID Fingertips export"
    BOUNDARIES = "boundaries", "Area boundaries (GeoJSON)"


class SoftMeasure(models.TextChoices):
    """Lantern's own counts by ward and month, per 1,000 children aged 10 to 17 living there."""

    INTEL_REPORTS = "intel-reports", "Intelligence reports"
    MISSING_EPISODES = "missing-episodes", "Missing episodes of children living here"
    SCREENINGS = "screenings", "Children screened at significant or serious risk of CSE"


SOFT_PER = 1000
SOFT_MONTHS = 24
"""Months of soft counts kept for trends; a profile's row is the last twelve of them."""

ROLLING_MONTHS = 12
HOTSPOT_DAYS = 90

SMALL_MIN, SMALL_MAX = 1, 5
"""Counts from 1 to 5 inclusive are suppressed for viewers without small numbers (zero is shown)."""
