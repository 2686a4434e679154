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
