"""Reads about localities. Wards hold no personal data."""

from __future__ import annotations

import re

from lantern.locality.models import Area
from lantern.people import normalise

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def ward_for_postcode(postcode: str) -> Area | None:
    try:
        sector = normalise.postcode_sector(normalise.normalise_postcode(postcode))
    except normalise.InvalidValue:
        return None
    for ward in Area.objects.wards():
        if sector in ward.postcode_sectors:
            return ward
    return None


def ward_in_text(text: str) -> Area | None:
    """The ward a free-text location names, by a postcode in it or by the ward's name."""
    for match in _POSTCODE.finditer(text):
        if ward := ward_for_postcode(match.group()):
            return ward
    lowered = text.lower()
    for ward in Area.objects.wards():
        if re.search(rf"\b{re.escape(ward.name.lower())}\b", lowered):
            return ward
    return None
