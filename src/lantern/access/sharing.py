"""Information-sharing agreements and handling codes, as the policy reads them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from lantern.access.models import SharingAgreement


class HandlingCode(StrEnum):
    """3x5x2 handling: P may be shared lawfully; C carries conditions set by the owning agency."""

    P = "P"
    C = "C"


def agreements_in_force(*, day: dt.date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def providers_for(*, recipient_id: int | None, category: str, day: dt.date | None = None) -> frozenset[int]:
    """Agencies with an agreement in force to share `category` with the recipient agency."""
    if recipient_id is None:
        return frozenset()
    rows = SharingAgreement.objects.filter(agreements_in_force(day=day), recipient_id=recipient_id).values_list(
        "provider_id", "categories"
    )
    return frozenset(provider for provider, categories in rows if category in categories)
